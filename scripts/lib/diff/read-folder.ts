/**
 * Profiles from a `--out` folder: the op summary's total row (summary.csv), the cycles per opcode
 * (ops.csv) and the GM bytes by level per path (stats.csv). A folder of several launches (files
 * named `<prefix>.summary.csv`, as `exec --trace-dir` and a multi-launch `run <kernel> --out` write
 * them) reads as their sequence: cycles, bytes and stalls add, pipes average over all their cores.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readInputText } from '../../../hw/input-file.js';
import { PIPES } from '../../../isa/types.js';
import { VENDOR_UNITS, VENDOR_UNIT_NAMES, profilerName } from '../../../traces/vocabulary.js';
import { JobError } from '../job-error.js';
import { OUTPUT_FILES } from '../outputs.js';
import { addFigures, type Figure, type Profile, type SectionId } from './profile.js';

type Row = Readonly<Record<string, string>>;

function readCsv(file: string): Row[] {
  try {
    return parse(readInputText(file), { columns: true, skip_empty_lines: true }) as Row[];
  } catch (e) {
    throw new JobError(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Numbers of the non-empty, non-zero cells `name -> column`. */
function numbers(row: Row, columns: Readonly<Record<string, string>>): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  for (const [name, c] of Object.entries(columns)) {
    const v = row[c];
    if (v !== undefined && v !== '' && Number(v) !== 0) out[name] = Number(v);
  }
  return out;
}

const PIPE_COLUMNS = Object.fromEntries(VENDOR_UNIT_NAMES.map((u) => [VENDOR_UNITS[u], `${u}_cycles`]));
const LEVELS = ['l2Hit', 'l2Miss', 'hbmRead', 'hbmWrite'] as const;

/** The per-core busy cycles of each pipe a launch's cores have (to average over every launch's cores). */
function pipeCells(rows: readonly Row[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const r of rows.filter((x) => x['core'] !== 'total'))
    for (const p of PIPES) {
      const v = r[PIPE_COLUMNS[p] ?? ''];
      if (v !== undefined && v !== '') (out[p] ??= []).push(Number(v));
    }
  return out;
}

/** The sections of one traced launch (`prefix` + the five file names), and its pipes' per-core cells. */
function launchSections(dir: string, prefix: string): { sections: Partial<Record<SectionId, Record<string, Figure>>>; pipes: Record<string, number[]> } {
  const file = (f: string) => path.join(dir, prefix + f);
  const summary = readCsv(file(OUTPUT_FILES.summary));
  const total = summary.find((r) => r['core'] === 'total');
  if (!total) throw new JobError(`${file(OUTPUT_FILES.summary)} has no total row: is it a summary.csv that aicore-sim wrote?`);
  const columns = Object.keys(total);
  const stallColumns = Object.fromEntries(columns.flatMap((c) => {
    const m = /^(scalar|[A-Z0-9]+)_stall_(\w+)$/.exec(c);
    return m ? [[`${m[1]}.${m[2]}`, c]] : [];
  }));
  const pathColumns = Object.fromEntries(columns.flatMap((c) => (/^[A-Z0-9]+_[A-Z0-9]+_bytes$/.test(c) ? [[`path.${c.replace(/_bytes$/, '')}`, c]] : [])));
  const levelColumns = Object.fromEntries(LEVELS.map((l) => [`gm.${l}`, `gm_${l}_bytes`]));
  const opcodes: Record<string, Figure> = {};
  for (const r of readCsv(file(OUTPUT_FILES.ops))) opcodes[r['instr']!] = ((opcodes[r['instr']!] as number | undefined) ?? 0) + Number(r['cycles']);
  // GM bytes by level per path: core<N>.bytes.<PATH>.<level>, summed over cores
  const perPath: Record<string, Figure> = {};
  for (const r of readCsv(file(OUTPUT_FILES.stats))) {
    const m = /^core\d+\.bytes\.(\w+)\.(l2Hit|l2Miss|hbmRead|hbmWrite)$/.exec(r['name'] ?? '');
    if (m && Number(r['value']) !== 0) perPath[`gm.${m[1]}.${m[2]}`] = ((perPath[`gm.${m[1]}.${m[2]}`] as number | undefined) ?? 0) + Number(r['value']);
  }
  const sections = {
    total: numbers(total, { cycles: 'total_cycles', macs: 'macs', usefulMacs: 'useful_macs' }),
    stalls: numbers(total, stallColumns),
    opcodes: Object.fromEntries(Object.entries(opcodes).filter(([, v]) => v !== 0)),
    bytes: { ...numbers(total, { ...pathColumns, ...levelColumns }), ...perPath },
  };
  return { sections, pipes: pipeCells(summary) };
}

/**
 * Busy cycles per pipe as the op summary of a launch sequence gives them: the mean over every
 * launch's cores that have the pipe, rounded (traces/summary.ts), so a folder of several launches
 * reads as the `--json` of the same run.
 */
function meanPipes(launches: readonly Record<string, number[]>[]): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  for (const p of PIPES) {
    const cells = launches.flatMap((l) => l[p] ?? []);
    const mean = cells.length ? Math.round(cells.reduce((a, b) => a + b, 0) / cells.length) : 0;
    // keyed by the profiler's names, as the --json of the same run is
    if (mean !== 0) out[profilerName(p)] = mean;
  }
  return out;
}

/** The launch prefixes in `dir`: '' for the plain five files, else every `<prefix>.summary.csv`. */
function prefixesIn(dir: string): string[] {
  const names = fs.readdirSync(dir);
  if (names.includes(OUTPUT_FILES.summary)) return [''];
  return names.filter((n) => n.endsWith(`.${OUTPUT_FILES.summary}`)).map((n) => n.slice(0, -OUTPUT_FILES.summary.length)).sort();
}

/** A kernel profile from an output folder. */
export function profileFromFolder(dir: string): Profile {
  const prefixes = prefixesIn(dir);
  if (prefixes.length === 0) throw new JobError(`${dir} holds no ${OUTPUT_FILES.summary}: give a folder written by --out (run, asm, exec, demo)`);
  const launches = prefixes.map((p) => launchSections(dir, p));
  const ids = Object.keys(launches[0]!.sections) as SectionId[];
  const sections = { ...Object.fromEntries(ids.map((id) => [id, addFigures(launches.map((l) => l.sections[id] ?? {}))])), pipes: meanPipes(launches.map((l) => l.pipes)) };
  const what = prefixes.length === 1 ? 'one launch' : `${prefixes.length} launches, as one sequence`;
  return { kind: 'kernel', source: dir, describe: `${dir} (an output folder: ${what})`, setup: {}, sections };
}
