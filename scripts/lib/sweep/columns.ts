/**
 * The CSV of a sweep, declared once: `point`, the axes in spec order, the target's figures, then
 * `status` and `reason`. Cells are text made here (numbers rounded to 6 decimals), so a row read
 * back from a CSV and written again is the same bytes: resumes, reorders and merges rely on it.
 */
import { stringify } from 'csv-stringify/sync';
import { valueText, type AxisValue } from './axis-values.js';
import type { SweepSpec } from './spec.js';
import { TARGETS, type FigureName, type Figures } from './targets.js';

/** What became of a point: measured, refused by the library (tiling, config, shape), or a failed run. */
export const STATUSES = ['ok', 'illegal', 'failed'] as const;
export type PointStatus = (typeof STATUSES)[number];

export interface SweepRow {
  readonly point: number;
  readonly values: Readonly<Record<string, AxisValue>>;
  readonly status: PointStatus;
  /** why the point is illegal or failed; '' when ok */
  readonly reason: string;
  /** empty unless ok */
  readonly figures: Figures;
}

/** What each figure column means, with its unit (README "Sweeps" lists them). */
export const FIGURES: Readonly<Record<FigureName, { readonly unit: string; readonly desc: string }>> = {
  cycles: { unit: 'cycles', desc: 'total cycles (all launches of the point)' },
  timeUs: { unit: 'us', desc: 'cycles at the preset clock; networks: the latency, launch overhead included' },
  launches: { unit: '', desc: 'kernel launches' },
  chipCubeUtilization: { unit: 'ratio', desc: 'useful MACs over what every cube of the chip could do in the cycles' },
  bound: { unit: '', desc: 'compute, memory, vector or scalar: the busiest unit group of the longest launch (networks: where the most cycles go)' },
  l2Hit: { unit: 'bytes', desc: 'GM bytes that hit in the L2' },
  l2Miss: { unit: 'bytes', desc: 'GM bytes that missed the L2' },
  hbmRead: { unit: 'bytes', desc: 'bytes read from HBM' },
  hbmWrite: { unit: 'bytes', desc: 'bytes written to HBM' },
  latencyMs: { unit: 'ms', desc: 'network latency' },
  imagesPerSecond: { unit: '1/s', desc: 'batch / latency' },
};

/** The figure columns of the spec's target, in CSV order. */
export const figureColumns = (spec: Pick<SweepSpec, 'target'>): readonly FigureName[] => TARGETS[spec.target.kind].figures;

/** The header row. */
export const sweepHeader = (spec: Pick<SweepSpec, 'target' | 'axes'>): string[] => ['point', ...spec.axes.map((a) => a.name), ...figureColumns(spec), 'status', 'reason'];

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
const figureText = (v: number | string | undefined): string => (v === undefined ? '' : typeof v === 'number' ? String(Number.isInteger(v) ? v : r6(v)) : v);

/** A row as its CSV cells, in header order. */
export const rowCells = (spec: Pick<SweepSpec, 'target' | 'axes'>, r: SweepRow): string[] => [
  String(r.point),
  ...spec.axes.map((a) => valueText(r.values[a.name]!)),
  ...figureColumns(spec).map((f) => figureText(r.figures[f])),
  r.status,
  r.reason,
];

/** CSV text of rows of cells (one line each, newline-terminated). */
export const csvText = (rows: readonly (readonly string[])[]): string => (rows.length ? stringify(rows as string[][]) : '');
