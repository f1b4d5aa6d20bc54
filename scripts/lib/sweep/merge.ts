/**
 * Joining shard CSVs (`--shard I/N` runs) into the CSV one unsharded run writes, byte for byte: the
 * same header in every shard, each point once, none missing, rows in point order. With the spec the
 * check is exact (every point of the sweep, each with its axis values); without it, the points must
 * run 0, 1, ... with no gap (a missing last point cannot be seen without the spec).
 */
import * as fs from 'node:fs';
import { readInputText } from '../../../hw/input-file.js';
import { AtomicFile } from '../../../traces/atomic-file.js';
import { JobError } from '../job-error.js';
import { valueText } from './axis-values.js';
import { csvText, sweepHeader } from './columns.js';
import { checkHeader, parseSweepCsv, type CsvRow } from './csv-rows.js';
import { sweepPoints } from './points.js';
import type { SweepSpec } from './spec.js';

export interface MergeResult {
  readonly out: string;
  readonly shards: number;
  readonly points: number;
  /** the merge was checked against the spec's points (else: only for gaps) */
  readonly checkedAgainstSpec: boolean;
}

function readShard(file: string): ReturnType<typeof parseSweepCsv> {
  let text: string;
  try {
    text = readInputText(file, 2 * 2 ** 30);
  } catch (e) {
    throw new JobError(`cannot read shard ${file}: ${(e as Error).message}`);
  }
  const csv = parseSweepCsv(text, file);
  if (csv.header.length === 0) throw new JobError(`shard ${file} is empty (not even a header): was its sweep started?`);
  return csv;
}

/** Merges `shards` into `out` (which must not exist yet); `spec`, when given, is the sweep they come from. */
export function mergeShards(out: string, shards: readonly string[], spec?: SweepSpec): MergeResult {
  if (shards.length === 0) throw new JobError('name the shard CSVs to merge');
  if (fs.existsSync(out) || isLink(out)) throw new JobError(`${out} exists: merge writes a new file and never replaces one (remove it, or give another name)`);
  const header = spec ? sweepHeader(spec) : undefined;
  const rows = new Map<number, { row: CsvRow; file: string }>();
  let first: readonly string[] | undefined;
  for (const file of shards) {
    const csv = readShard(file);
    if (header) checkHeader(csv.header, header, file, 'it is not a shard of this spec');
    else if (first) checkHeader(csv.header, first, file, `the shards must come from one spec (${shards[0]} has the first header)`);
    first ??= csv.header;
    for (const row of csv.rows) {
      const seen = rows.get(row.point);
      if (seen) throw new JobError(`point ${row.point} is in ${seen.file} (line ${seen.row.lineNo}) and in ${file} (line ${row.lineNo}): give each shard once`);
      rows.set(row.point, { row, file });
    }
  }
  const count = spec ? checkAgainstSpec(rows, spec) : checkNoGap(rows);
  const sorted = [...rows.values()].sort((a, b) => a.row.point - b.row.point);
  const file = new AtomicFile(out);
  try {
    file.write(csvText([first!]));
    for (const r of sorted) file.write(r.row.line);
    file.commit();
  } catch (e) {
    file.abort();
    throw new JobError(`cannot write ${out}: ${(e as Error).message}`);
  }
  return { out, shards: shards.length, points: count, checkedAgainstSpec: spec !== undefined };
}

const isLink = (p: string): boolean => {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

/** The missing indices, the first few, for a message. */
const firstMissing = (has: (i: number) => boolean, count: number): string => {
  const missing: number[] = [];
  for (let i = 0; i < count && missing.length < 6; i++) if (!has(i)) missing.push(i);
  return missing.length > 5 ? `${missing.slice(0, 5).join(', ')}, ...` : missing.join(', ');
};

function checkNoGap(rows: ReadonlyMap<number, unknown>): number {
  const max = Math.max(-1, ...rows.keys());
  if (rows.size !== max + 1) throw new JobError(`points ${firstMissing((i) => rows.has(i), max + 1)} are in no shard (${max + 1 - rows.size} missing of 0..${max}): merge every shard, or finish the ones that stopped (rerun them: they resume)`);
  return rows.size;
}

function checkAgainstSpec(rows: ReadonlyMap<number, { row: CsvRow; file: string }>, spec: SweepSpec): number {
  const points = sweepPoints(spec);
  for (const [point, { row, file }] of rows) {
    const p = points[point];
    if (!p) throw new JobError(`${file} line ${row.lineNo}: point ${point} is not a point of ${spec.source} (it has ${points.length})`);
    spec.axes.forEach((a, i) => {
      if (row.cells[i + 1] !== valueText(p.values[a.name]!)) throw new JobError(`${file} line ${row.lineNo}: point ${point} has ${a.name}=${row.cells[i + 1]}, and point ${point} of ${spec.source} has ${valueText(p.values[a.name]!)}`);
    });
  }
  if (rows.size !== points.length) throw new JobError(`points ${firstMissing((i) => rows.has(i), points.length)} of ${spec.source} are in no shard (${points.length - rows.size} of ${points.length} missing): merge every shard, or finish the ones that stopped (rerun them: they resume)`);
  return rows.size;
}
