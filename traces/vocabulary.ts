/**
 * The vendor profiler's names for our pipes, so traces and reports read like the ones Ascend users
 * already know (docs/hardware.md §Profiler outputs).
 */
import type { Pipe } from '../isa/types.js';

/** Trace row name of each pipe and its place among the rows (the vendor order: VECTOR first). */
export const PIPE_ROWS: Readonly<Record<Pipe, { readonly name: string; readonly order: number }>> = {
  V: { name: 'VECTOR', order: 0 },
  S: { name: 'SCALAR', order: 1 },
  M: { name: 'CUBE', order: 2 },
  MTE1: { name: 'MTE1', order: 3 },
  MTE2: { name: 'MTE2', order: 4 },
  MTE3: { name: 'MTE3', order: 5 },
  FIX: { name: 'FIXP', order: 6 },
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
