/**
 * The vendor profiler's names for our pipes, so traces and reports read like the ones Ascend users
 * already know (docs/hardware.md §Profiler outputs).
 */
import { PIPE_NAMES, type Pipe } from '../isa/types.js';

/** Trace row name of each pipe and its place among the rows (the vendor order: VECTOR first). */
export const PIPE_ROWS: Readonly<Record<Pipe, { readonly name: string; readonly order: number }>> = {
  V: { name: PIPE_NAMES.V, order: 0 },
  S: { name: PIPE_NAMES.S, order: 1 },
  M: { name: PIPE_NAMES.M, order: 2 },
  MTE1: { name: PIPE_NAMES.MTE1, order: 3 },
  MTE2: { name: PIPE_NAMES.MTE2, order: 4 },
  MTE3: { name: PIPE_NAMES.MTE3, order: 5 },
  FIX: { name: PIPE_NAMES.FIX, order: 6 },
};

/** The op summary's per-unit ratios (`mac_ratio`, ...) and the pipe each one measures. */
export const VENDOR_UNITS = {
  mac: 'M',
  scalar: 'S',
  mte1: 'MTE1',
  mte2: 'MTE2',
  mte3: 'MTE3',
  fixpipe: 'FIX',
  vec: 'V',
} as const satisfies Record<string, Pipe>;

/** A vendor unit name: mac, scalar, mte1, mte2, mte3, fixpipe, vec. */
export type VendorUnit = keyof typeof VENDOR_UNITS;
/** A vendor ratio name: mac_ratio, scalar_ratio, ... */
export type RatioName = `${VendorUnit}_ratio`;

/** Vendor units in the order the vendor summary lists them. */
export const VENDOR_UNIT_NAMES = Object.keys(VENDOR_UNITS) as VendorUnit[];

/** The profiler's name of a pipe: the name every output uses (the short names are the ISA's). */
export const profilerName = (p: Pipe): string => PIPE_ROWS[p].name;

/** A per-pipe record keyed by the profiler's names, in the profiler's row order. */
export function byProfilerName<T>(perPipe: Readonly<Partial<Record<Pipe, T>>>): Record<string, T> {
  return Object.fromEntries(
    (Object.entries(perPipe) as [Pipe, T][]).sort(([a], [b]) => PIPE_ROWS[a].order - PIPE_ROWS[b].order).map(([p, v]) => [profilerName(p), v]),
  );
}
