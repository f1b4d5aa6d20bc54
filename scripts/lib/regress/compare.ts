/**
 * Comparing a run with its baseline, entry by entry: cycles before and after, the relative change,
 * and every pipe whose busy cycles moved (the first hint of why: MTE2 means GM loads, CUBE the cube,
 * V the vector unit, FIX the fixpipe...). An entry regresses when its cycles grew by more than the
 * tolerance; pipe changes alone explain, they do not fail. `identical` is the golden table's
 * stricter test: nothing changed at all.
 */
import { PIPE_NAMES, PIPES, type Pipe } from '../../../isa/types.js';
import type { Baseline } from './baseline.js';
import type { Measurement, PipeCycles } from './measure.js';

/**
 * same: nothing changed. regression: slower beyond the tolerance. slower: slower within it.
 * faster: fewer cycles. pipes: same cycles, some pipe's busy cycles or a kernel's cycles changed.
 * new: not in the baseline. removed: in the baseline, not in the run.
 */
export type Status = 'same' | 'regression' | 'slower' | 'faster' | 'pipes' | 'new' | 'removed';

/** Statuses that fail a comparison: the baseline no longer describes the run. */
export const FAILING: ReadonlySet<Status> = new Set(['regression', 'new', 'removed']);

export interface Change {
  /** a pipe name, or `kernel <name>` for one kernel of a multi-kernel entry */
  readonly what: string;
  readonly before: number;
  readonly after: number;
}

export interface Row {
  readonly id: string;
  readonly kernel: string;
  readonly preset: string;
  readonly before: number | null;
  readonly after: number | null;
  /** (after - before) / before in percent; null when either side is missing */
  readonly deltaPct: number | null;
  readonly status: Status;
  /** pipes whose busy cycles changed, then kernels whose cycles changed */
  readonly changes: readonly Change[];
}

export interface Comparison {
  readonly tolerancePct: number;
  /** run entries in run order, then removed ones in id order */
  readonly rows: readonly Row[];
  /** no regression, no new or removed entry */
  readonly ok: boolean;
  /** every entry has status `same` */
  readonly identical: boolean;
}

export const percent = (before: number, after: number): number => (before === 0 ? (after === 0 ? 0 : Infinity) : ((after - before) / before) * 100);

function pipeChanges(a: PipeCycles, b: PipeCycles): Change[] {
  return PIPES.filter((p: Pipe) => (a[p] ?? 0) !== (b[p] ?? 0)).map((p) => ({ what: PIPE_NAMES[p], before: a[p] ?? 0, after: b[p] ?? 0 }));
}

/** Per-kernel changes, matched by launch position (only told apart when there is more than one). */
function kernelChanges(a: Measurement, b: Measurement): Change[] {
  const n = Math.max(a.kernels.length, b.kernels.length);
  if (n < 2) return [];
  const out: Change[] = [];
  for (let i = 0; i < n; i++) {
    const ka = a.kernels[i];
    const kb = b.kernels[i];
    if (ka?.name === kb?.name && ka?.cycles === kb?.cycles) continue;
    out.push({ what: `kernel ${kb?.name ?? ka?.name ?? '?'}`, before: ka?.cycles ?? 0, after: kb?.cycles ?? 0 });
  }
  return out;
}

function statusOf(before: Measurement, after: Measurement, changes: readonly Change[], tolerancePct: number): Status {
  const grew = after.cycles - before.cycles;
  // Integer form of grew / before * 100 > tolerance, so a tolerance of 0 catches a single cycle.
  if (grew > 0) return grew * 100 > tolerancePct * before.cycles ? 'regression' : 'slower';
  if (grew < 0) return 'faster';
  return changes.length > 0 || before.kernels.length !== after.kernels.length ? 'pipes' : 'same';
}

function row(before: Measurement | undefined, after: Measurement | undefined, tolerancePct: number): Row {
  const m = (after ?? before)!;
  const base = { id: m.id, kernel: m.kernel, preset: m.preset, before: before?.cycles ?? null, after: after?.cycles ?? null };
  if (!before || !after) return { ...base, deltaPct: null, status: before ? 'removed' : 'new', changes: [] };
  const changes = [...pipeChanges(before.pipes, after.pipes), ...kernelChanges(before, after)];
  return { ...base, deltaPct: percent(before.cycles, after.cycles), status: statusOf(before, after, changes, tolerancePct), changes };
}

/** Compares a run with a baseline; `tolerancePct` is how much slower an entry may get (percent). */
export function compare(baseline: Baseline, current: readonly Measurement[], tolerancePct: number): Comparison {
  if (!(Number.isFinite(tolerancePct) && tolerancePct >= 0)) throw new RangeError(`tolerance must be a percentage >= 0, got ${tolerancePct}`);
  const ran = new Set(current.map((m) => m.id));
  const removed = [...baseline.values()].filter((m) => !ran.has(m.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  const rows = [...current.map((m) => row(baseline.get(m.id), m, tolerancePct)), ...removed.map((m) => row(m, undefined, tolerancePct))];
  return { tolerancePct, rows, ok: rows.every((r) => !FAILING.has(r.status)), identical: rows.every((r) => r.status === 'same') };
}
