/**
 * The op summary as CSV: one row per core and a "total" row, in the vendor profiler's column names
 * (total_cycles, aicore_time(us), <unit>_time(us), <unit>_ratio, cube_utilization(%), memory_bound).
 * Cells of a pipe a core does not have are left empty.
 */
import { PIPES, type Pipe } from '../isa/types.js';
import { PATHS } from '../hw/config/types.js';
import { SCALAR_BLOCK } from '../hw/engine/core-state.js';
import { LEVELS, type LevelBytes } from '../hw/stats.js';
import { writeCsv } from './csv-writer.js';
import { round } from './format.js';
import { col, type Column, type Schema } from './schema.js';
import type { OpSummary, PipeStalls, Usage } from './summary.js';
import { profilerName, VENDOR_UNITS, VENDOR_UNIT_NAMES } from './vocabulary.js';

/** One summary row: a core, or the chip total. */
export interface SummaryRow {
  readonly core: number | 'total';
  readonly kind: string | null;
  readonly block: number | null;
  readonly usage: Usage;
  readonly clockMHz: number;
}

const r6 = (x: number) => round(x, 6);

const unitColumns = VENDOR_UNIT_NAMES.flatMap((u): Column<SummaryRow>[] => {
  const pipe = VENDOR_UNITS[u];
  const use = (r: SummaryRow) => r.usage.pipes[pipe];
  const what = pipe === 'S' ? 'scalar unit (scalarInsns * aluCycles + issued * issueCycles)' : `${profilerName(pipe)} pipe (union of its instructions' [start, completion))`;
  return [
    col(`${u}_cycles`, 'cycles', `busy cycles of the ${what}; total row: mean over cores that have it`, (r) => use(r)?.busyCycles ?? null),
    col(`${u}_time(us)`, 'us', `${u}_cycles at the preset clock (total row: mean, as ${u}_cycles)`, (r) => {
      const b = use(r)?.busyCycles;
      return b === undefined ? null : r6(b / r.clockMHz);
    }),
    col(`${u}_ratio`, 'ratio', `${u}_cycles / total cycles of the run (total row: the mean ${u}_cycles over the run's cycles)`, (r) => (use(r) ? r6(r.usage.ratios[`${u}_ratio`]) : null)),
  ];
});

const pathColumns = PATHS.map((p) => col<SummaryRow>(`${p}_bytes`, 'bytes', `bytes moved on ${p} (total row: summed over cores)`, (r) => r.usage.bytes[p] ?? 0));

const LEVEL_COLUMNS: Readonly<Record<keyof LevelBytes, string>> = {
  l2Hit: 'GM bytes served by the L2',
  l2Miss: 'GM bytes that missed the L2',
  hbmRead: 'bytes read from HBM (whole-line fills, bypassed reads)',
  hbmWrite: 'bytes written to HBM (write-backs of dirty lines, bypassed writes)',
};
const levelColumns = LEVELS.map((k) => col<SummaryRow>(`gm_${k}_bytes`, 'bytes', `${LEVEL_COLUMNS[k]}, all GM paths (total row: summed over cores)`, (r) => r.usage.memory[k]));

const scalarStallColumns = SCALAR_BLOCK.filter((w) => w !== 'none').map((w) =>
  col<SummaryRow>(`scalar_stall_${w}`, 'cycles', `scalar unit stalled: ${w} (total row: summed over cores)`, (r) => r.usage.stalls.scalar[w] ?? 0),
);

/** Each pipe stall reason, as its column describes it. */
const STALL_REASONS: Readonly<Record<keyof PipeStalls, string>> = {
  flag: 'head blocked: flag',
  barrier: 'head blocked: barrier',
  bandwidth: 'head blocked: bandwidth',
  bank: 'occupied longer by UB or L1 bank conflicts',
};
const pipeStallColumns = PIPES.filter((p): p is Exclude<Pipe, 'S'> => p !== 'S').flatMap((p) =>
  (Object.keys(STALL_REASONS) as (keyof PipeStalls)[]).map((w) =>
    col<SummaryRow>(`${profilerName(p)}_stall_${w}`, 'cycles', `${profilerName(p)} ${STALL_REASONS[w]} (total row: summed over cores)`, (r) => r.usage.stalls.pipes[p]?.[w] ?? null),
  ),
);

/** Columns of the summary CSV. */
export const SUMMARY_COLUMNS: Schema<SummaryRow> = [
  col('core', '', 'core id, or "total" for the chip (total row: total)', (r) => r.core),
  col('kind', '', 'core kind: coupled, aic or aiv (total row: empty)', (r) => r.kind),
  col('block', '', 'block index of the core (total row: empty)', (r) => r.block),
  col('total_cycles', 'cycles', 'total row: cycles of the run; core rows: the cycle the core finished', (r) => r.usage.cycles),
  col('aicore_time(us)', 'us', 'total_cycles at the preset clock (total row: of the run)', (r) => r6(r.usage.aicoreTimeUs)),
  ...unitColumns,
  col('cube_utilization(%)', '%', 'cube ideal cycles / (total cycles * cores with a cube), in percent (total row: over every launched core with a cube)', (r) =>
    r.core === 'total' || r.usage.pipes.M ? round(100 * r.usage.cubeUtilization, 4) : null,
  ),
  col('macs', 'MACs', 'multiply-accumulates issued to the cube (total row: summed over cores)', (r) => r.usage.macs),
  col('useful_macs', 'MACs', "total row: the operator's real MACs (padding and zero-point pieces excluded), when the kernel gives them", (r) =>
    'usefulMacs' in r.usage ? (r.usage as OpSummary).usefulMacs : null,
  ),
  col('chip_cube_utilization(%)', '%', 'total row: useful MACs over what every cube of the preset could do in the run, in percent', (r) => {
    const u = 'chipCubeUtilization' in r.usage ? (r.usage as OpSummary).chipCubeUtilization : null;
    return u === null ? null : round(100 * u, 4);
  }),
  col('achieved_tops', 'TOPS', '2 * macs / run time, 1e12 ops per second (total row: all cores over the run time)', (r) => r6(r.usage.achievedTops)),
  col('memory_bound', 'ratio', 'mte2_ratio / max(mac_ratio, vec_ratio); empty when both are 0 (total row: from the total row\'s ratios)', (r) =>
    r.usage.memoryBound === null ? null : r6(r.usage.memoryBound),
  ),
  ...pathColumns,
  ...levelColumns,
  ...scalarStallColumns,
  ...pipeStallColumns,
];

/** Rows of the summary CSV: one per core, then the total. */
export function summaryRows(s: OpSummary): SummaryRow[] {
  const rows: SummaryRow[] = s.perCore.map((c) => ({ core: c.core, kind: c.kind, block: c.block, usage: c, clockMHz: s.clockMHz }));
  rows.push({ core: 'total', kind: null, block: null, usage: s, clockMHz: s.clockMHz });
  return rows;
}

/** Writes the op summary CSV (atomically). */
export function writeSummaryCsv(path: string, summary: OpSummary): void {
  writeCsv(path, SUMMARY_COLUMNS, summaryRows(summary));
}
