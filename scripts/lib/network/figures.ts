/**
 * The figures of launches run one after another as one unit (a network layer, a sweep point): cycles
 * add, bytes by level add, the chip cube utilization is the cycle-weighted mean, and the bound is
 * that of the launch with the most cycles.
 */
import type { SimResult } from '../../../hw/simulate.js';
import { levelTotals, type LevelBytes } from '../../../hw/stats.js';
import type { OpSummary } from '../../../traces/index.js';
import { boundOf, type Bound } from './bound.js';

export interface LaunchFigures {
  readonly cycles: number;
  readonly bound: Bound;
  /** useful MACs over what every cube of the chip could do in the cycles (0 without cube work) */
  readonly chipCubeUtilization: number;
  readonly bytes: LevelBytes;
}

export const NO_BYTES: LevelBytes = { l2Hit: 0, l2Miss: 0, hbmRead: 0, hbmWrite: 0 };
export const addBytes = (a: LevelBytes, b: LevelBytes): LevelBytes => ({ l2Hit: a.l2Hit + b.l2Hit, l2Miss: a.l2Miss + b.l2Miss, hbmRead: a.hbmRead + b.hbmRead, hbmWrite: a.hbmWrite + b.hbmWrite });

/** The summary of the launch with the most cycles: what bounds the unit. */
const busiest = (s: readonly OpSummary[]): OpSummary => s.reduce((a, b) => (b.cycles > a.cycles ? b : a));

/** Figures of at least one launch, in launch order. */
export function launchFigures(runs: readonly { readonly result: SimResult; readonly summary: OpSummary }[]): LaunchFigures {
  const cycles = runs.reduce((s, r) => s + r.summary.cycles, 0);
  return {
    cycles,
    bound: boundOf(busiest(runs.map((r) => r.summary))),
    chipCubeUtilization: cycles > 0 ? runs.reduce((s, r) => s + (r.summary.chipCubeUtilization ?? 0) * r.summary.cycles, 0) / cycles : 0,
    bytes: runs.reduce((s, r) => addBytes(s, levelTotals(r.result.cores)), NO_BYTES),
  };
}
