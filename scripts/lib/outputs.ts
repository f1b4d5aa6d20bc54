/**
 * Running a launch with or without output files. With an output folder the run streams the Chrome
 * trace and the per-instruction CSV through the traces/ sinks, then writes the per-opcode, summary
 * and statistics CSVs only after the run succeeded. A failed run leaves none of the five files
 * behind: not its own partial files (the sinks remove them) and not a complete-looking set from an
 * earlier run in the same folder (removed before the run starts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simulate, type Launch, type SimResult } from '../../hw/simulate.js';
import {
  AtomicFile,
  ChromeTraceSink,
  InsnCsvSink,
  asmForLaunch,
  simulateTraced,
  summarise,
  teeSinks,
  writeOpCsv,
  writeStatsCsv,
  writeSummaryCsv,
  type FileSink,
  type OpSummary,
} from '../../traces/index.js';
import { JobError } from './job-error.js';

/** The files a traced run writes, in the order they are listed. */
export const OUTPUT_FILES = {
  trace: 'trace.json',
  insns: 'insns.csv',
  ops: 'ops.csv',
  summary: 'summary.csv',
  stats: 'stats.csv',
} as const;

type OutputName = keyof typeof OUTPUT_FILES;

/** Where a run writes its outputs. */
export interface TraceOptions {
  /** folder for the outputs; created if missing */
  readonly dir: string;
}

/** A finished run: the raw result, its op summary and the files written (when traced). */
export interface LaunchRun {
  readonly result: SimResult;
  readonly summary: OpSummary;
  readonly files?: string[];
}

type Paths = Record<OutputName, string>;

const pathsIn = (dir: string): Paths =>
  Object.fromEntries(Object.entries(OUTPUT_FILES).map(([k, f]) => [k, path.join(dir, f)])) as Paths;

/** Removes the outputs (and partial files) so that nothing in the folder predates this run. */
function removeOutputs(paths: Paths): void {
  for (const p of Object.values(paths)) for (const f of [p, `${p}.partial`]) fs.rmSync(f, { force: true });
}

/**
 * Creates `dir` and its missing parents one level at a time. (Node 20's `mkdirSync(recursive)` spins
 * forever on some paths, e.g. under /proc, instead of failing.)
 */
function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d) && d !== path.dirname(d); d = path.dirname(d)) missing.push(d);
  for (const d of missing.reverse()) fs.mkdirSync(d);
}

function prepareDir(dir: string): Paths {
  try {
    makeDir(dir);
  } catch (e) {
    throw new JobError(`cannot create output folder ${dir}: ${(e as Error).message}`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new JobError(`output folder ${dir} is a file (give a folder name)`);
  const paths = pathsIn(dir);
  try {
    removeOutputs(paths);
  } catch (e) {
    throw new JobError(`cannot clear earlier outputs in ${dir}: ${(e as Error).message}`);
  }
  return paths;
}

/** Opens the streaming sinks; if one cannot be opened the ones already open are dropped. */
function openSinks(launch: Omit<Launch, 'sink'>, paths: Paths, label: string): FileSink {
  const asm = asmForLaunch(launch.config, launch.programs);
  const opened: FileSink[] = [];
  try {
    opened.push(new ChromeTraceSink(paths.trace, launch.config, { asm, label }));
    opened.push(new InsnCsvSink(paths.insns, launch.config, { asm }));
  } catch (e) {
    for (const s of opened) s.abort();
    throw new JobError(`cannot write outputs to ${path.dirname(paths.trace)}: ${(e as Error).message}`);
  }
  return teeSinks(...opened);
}

/**
 * Runs `launch`; with `trace`, writes trace.json, insns.csv, ops.csv, summary.csv and stats.csv into
 * `trace.dir`. `label` names the run in the summary and the trace. Throws whatever the run throws,
 * with no output file left behind.
 */
export function runLaunch(launch: Omit<Launch, 'sink'>, label: string, trace?: TraceOptions): LaunchRun {
  if (!trace) {
    const result = simulate(launch);
    return { result, summary: summarise(result, label) };
  }
  const paths = prepareDir(trace.dir);
  const result = simulateTraced(launch, openSinks(launch, paths, label));
  try {
    const summary = summarise(result, label);
    writeOpCsv(paths.ops, result);
    writeSummaryCsv(paths.summary, summary);
    writeStatsCsv(paths.stats, result.stats);
    return { result, summary, files: Object.values(paths) };
  } catch (e) {
    removeOutputs(paths);
    throw e;
  }
}

/**
 * Opens `<file>.partial` for a text output that is renamed into place by `commit()`. Open it before
 * a run so that a bad path fails early, and `abort()` it if the run fails.
 */
export function openOutputFile(file: string): AtomicFile {
  try {
    return new AtomicFile(file);
  } catch (e) {
    throw new JobError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
