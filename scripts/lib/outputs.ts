/**
 * Running a launch with or without output files. With an output folder the run streams the Chrome
 * trace and the per-instruction CSV through the traces/ sinks, then writes the per-opcode, summary
 * and statistics CSVs and the HTML report, all into a staging folder of its own (staged-outputs.ts),
 * and publishes the files into the folder only after the run succeeded. A failed run leaves the folder as it was:
 * an earlier run's complete set, or the user's files, stay untouched.
 */
import type { TraceSelection } from '../../traces/selection.js';
import type { L2Policy } from '../../ops-nn/launch-sequence.js';

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
import { TimelineSink, type Timeline } from '../../traces/timeline.js';
import { JobError } from './job-error.js';
import { kernelReportData, REPORT_FILES } from './report-html/data.js';
import { stageReport } from './report-html/write.js';
import { StagedOutputs } from './staged-outputs.js';

const gmSizeOf = (gm: Uint8Array | number): number => (typeof gm === 'number' ? gm : gm.length);

/** The files a traced run writes, in the order they are listed. */
export const OUTPUT_FILES = {
  trace: 'trace.json',
  insns: 'insns.csv',
  ops: 'ops.csv',
  summary: 'summary.csv',
  stats: 'stats.csv',
} as const;

type OutputName = keyof typeof OUTPUT_FILES;

/** Every file of a traced run's folder: the five above, then the report's data and page. */
export const RUN_FILES: readonly string[] = [...Object.values(OUTPUT_FILES), ...Object.values(REPORT_FILES)];

/** What a kernel says about itself, for the report: its notes and its tiling (null: none). */
export interface KernelFacts {
  readonly notes: readonly string[];
  readonly tiling: Readonly<Record<string, unknown>> | null;
}

/** Where a run writes its outputs. */
export interface TraceOptions {
  /** folder for the outputs; created if missing */
  readonly dir: string;
  /** which instructions trace.json and insns.csv keep (default all; traces/selection.ts) */
  readonly select?: TraceSelection;
  /** size ceiling of trace.json and of insns.csv (default DEFAULT_TRACE_LIMIT_BYTES) */
  readonly maxBytes?: number;
}

/** What the per-instruction files of a traced run keep. */
export type TraceKeep = Pick<TraceOptions, 'select' | 'maxBytes'>;

/** A finished run: the raw result, its op summary and the files written (when traced). */
export interface LaunchRun {
  readonly result: SimResult;
  readonly summary: OpSummary;
  readonly files?: string[];
}

/** Where one traced run writes each of its files. */
export type OutputPaths = Record<OutputName, string>;
type Paths = OutputPaths;

/** The output file names of one traced run, each prefixed `prefix.` (none: the plain names). */
export const outputNames = (prefix?: string): OutputPaths =>
  Object.fromEntries(Object.entries(OUTPUT_FILES).map(([k, f]) => [k, prefix ? `${prefix}.${f}` : f])) as OutputPaths;

const pathsIn = (dir: string, prefix?: string): Paths =>
  Object.fromEntries(Object.entries(outputNames(prefix)).map(([k, f]) => [k, path.join(dir, f)])) as Paths;

/**
 * Creates `dir` and its missing parents one level at a time. (Node 20's `mkdirSync(recursive)` spins
 * forever on some paths, e.g. under /proc, instead of failing.)
 */
function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d) && d !== path.dirname(d); d = path.dirname(d)) missing.push(d);
  for (const d of missing.reverse()) fs.mkdirSync(d);
}

/** Creates `dir` (and its parents) and stages the outputs `names` in it (staged-outputs.ts). */
export function prepareDir(dir: string, names: readonly string[] = RUN_FILES): StagedOutputs {
  try {
    makeDir(dir);
  } catch (e) {
    throw new JobError(`cannot create output folder ${dir}: ${(e as Error).message}`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new JobError(`output folder ${dir} is a file (give a folder name)`);
  return new StagedOutputs(dir, names);
}

/** Opens the streaming sinks (and the report's timeline); if one cannot be opened the ones already open are dropped. */
function openSinks(launch: Omit<Launch, 'sink'>, paths: Paths, label: string, keep: TraceKeep = {}): { sink: FileSink; timeline: TimelineSink } {
  const asm = asmForLaunch(launch.config, launch.programs);
  const timeline = new TimelineSink(asm);
  const opened: FileSink[] = [];
  try {
    const limits = { ...(keep.select ? { select: keep.select } : {}), ...(keep.maxBytes !== undefined ? { maxBytes: keep.maxBytes } : {}) };
    opened.push(new ChromeTraceSink(paths.trace, launch.config, { asm, label, ...limits }));
    opened.push(new InsnCsvSink(paths.insns, launch.config, { asm, ...limits }));
  } catch (e) {
    for (const s of opened) s.abort();
    throw new JobError(`cannot write outputs to ${path.dirname(paths.trace)}: ${(e as Error).message}`);
  }
  return { sink: teeSinks(...opened, timeline), timeline };
}

/**
 * Runs `launch` (on a flushed L2, or on the L2 an identical launch left: `l2`); with `trace`, writes trace.json, insns.csv, ops.csv, summary.csv and stats.csv into
 * `trace.dir`, and the report (report-data.json, report.html) with the kernel's `facts`. `label` names the run in the summary and the trace. Throws whatever the run throws,
 * with no output file left behind.
 */
export function runLaunch(launch: Omit<Launch, 'sink'>, label: string, trace?: TraceOptions, usefulMacs?: number, l2: L2Policy = 'flushed', facts: KernelFacts = { notes: [], tiling: null }): LaunchRun {
  // warm: an identical launch first (timing-only: only its L2 is kept, and timing never depends on data)
  if (l2 === 'warm') launch = { ...launch, l2: simulate({ ...launch, gm: gmSizeOf(launch.gm), mode: 'timing', sanitize: false }).l2 };
  if (!trace) {
    const result = simulate(launch);
    return { result, summary: summarise(result, label, usefulMacs) };
  }
  const staged = prepareDir(trace.dir);
  try {
    const { result, summary, timeline } = runTracedInto(staged, launch, label, undefined, usefulMacs, trace);
    stageReport(staged, kernelReportData(launch.config, { label, summary, ...facts, timeline }));
    return { result, summary, files: staged.publish() };
  } finally {
    staged.discard();
  }
}

/**
 * Runs `launch` writing its five outputs (named with `prefix`: outputNames) into the staging folder
 * of `staged`; they are published with the rest of the staged set, or discarded with it.
 */
export function runTracedInto(staged: StagedOutputs, launch: Omit<Launch, 'sink'>, label: string, prefix?: string, usefulMacs?: number, keep?: TraceKeep): { result: SimResult; summary: OpSummary; timeline: Timeline } {
  const paths = pathsIn(staged.staging, prefix);
  const sinks = openSinks(launch, paths, label, keep);
  const result = simulateTraced(launch, sinks.sink);
  const summary = summarise(result, label, usefulMacs);
  writeOpCsv(paths.ops, result);
  writeSummaryCsv(paths.summary, summary);
  writeStatsCsv(paths.stats, result.stats);
  return { result, summary, timeline: sinks.timeline.timeline() };
}

/** A single output file of a job: written, then committed or aborted. */
export interface OutputFile {
  write(text: string): void;
  commit(): void;
  abort(): void;
}

/**
 * Opens a text output that is renamed into place by `commit()` (or streamed into a device or FIFO:
 * traces/atomic-file.ts). Open it before a run so that a bad path fails early, and `abort()` it if
 * the run fails. A failure to write or commit is a JobError naming the file (e.g. a full disk, or
 * /dev/full); the target is left as it was.
 */
export function openOutputFile(file: string, stdout?: (text: string) => void): OutputFile {
  if (file === '-') {
    // standard output: the text is handed over whole on commit, so a failed run prints none of it
    if (!stdout) throw new JobError('this output cannot go to standard output (-): give a file name');
    const parts: string[] = [];
    return { write: (t) => void parts.push(t), commit: () => stdout(parts.join('').replace(/\n$/, '')), abort: () => void (parts.length = 0) };
  }
  const failed = (e: unknown) => new JobError(`cannot write ${file}: ${oneLineOf(e)}`);
  let f: AtomicFile;
  try {
    f = new AtomicFile(file);
  } catch (e) {
    throw failed(e);
  }
  const guarded = (op: () => void) => {
    try {
      op();
    } catch (e) {
      f.abort();
      throw failed(e);
    }
  };
  return { write: (t) => guarded(() => f.write(t)), commit: () => guarded(() => f.commit()), abort: () => f.abort() };
}

const oneLineOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
