/**
 * Quantisation parameters shared by the QLinearMatMul and QLinearConv cases: x/w/y scales that spread
 * the outputs over the 8-bit range (random mantissas), put acc * M on exact ties (powers of two) or
 * within rounding distance of them (near ties), or saturate; and activation/weight data that is either full-range or narrow around the zero point
 * (small accumulators, so power-of-two multipliers hit ties often).
 */
import { Gen, RANGE } from './random.js';

/** How a case picks its scales. */
export const SCALE_MODES = ['rand', 'rand', 'pow2', 'pow2', 'near-tie', 'near-tie', 'saturate'] as const;
export type ScaleMode = (typeof SCALE_MODES)[number];

/** x_scale, the per-channel w scales and y_scale. */
export interface QScales {
  readonly xs: number;
  readonly ws: readonly number[];
  readonly ys: number;
}

/**
 * Scales for an accumulator over `k` products of values spread by about `spread` around their zero
 * points: y values land within about +-60 (or far beyond with "saturate").
 */
export function qlinearScales(g: Gen, mode: ScaleMode, k: number, spread: number, channels: number): QScales {
  const accSpread = Math.max(1, Math.sqrt(k) * spread * spread);
  const target = 60 / accSpread; // the multiplier M that maps a typical accumulator to +-60
  if (mode === 'pow2' || mode === 'near-tie') {
    // near-tie: each scale a few float32 ulps off its power of two, so acc * M lands within an ulp or
    // so of .5 and the order and precision of every rounding shows
    const ulps = () => (mode === 'pow2' ? 1 : 1 + g.pick([-1, 1]) * g.int(1, 4) * 2 ** -23);
    const i = g.int(2, 10);
    const js = Array.from({ length: channels }, () => g.int(2, 10));
    const e = Math.round(Math.log2(target)) + g.int(-1, 1);
    // M = 2^-i * 2^-j / y_scale = 2^e for channel 0 when y_scale = 2^-(e + i + j0)
    return { xs: 2 ** -i * ulps(), ws: js.map((j) => 2 ** -j * ulps()), ys: 2 ** -(e + i + js[0]!) * ulps() };
  }
  const xs = g.logFloat(1e-3, 0.2);
  const w0 = g.logFloat(1e-3, 0.2);
  const ws = Array.from({ length: channels }, () => Math.fround(w0 * g.float(0.5, 2)));
  const factor = mode === 'saturate' ? g.float(8, 40) : g.float(0.6, 1.6);
  return { xs, ws, ys: Math.fround((xs * w0) / (target * factor)) };
}

/** Data kinds: full range, or within a few steps of the zero point. */
export const DATA_MODES = ['full', 'full', 'narrow'] as const;
export type DataMode = (typeof DATA_MODES)[number];

/** Typical |value - zero point| of a data mode (for the scale choice). */
export const SPREAD: Readonly<Record<DataMode, number>> = { full: 90, narrow: 2.5 };

/** n values of an 8-bit dtype for a data mode. */
export function qdata(g: Gen, dtype: 'int8' | 'uint8', n: number, mode: DataMode, zp: number): number[] {
  return mode === 'full' ? g.ints(dtype, n) : g.ints(dtype, n, zp - 4, zp + 4);
}

/** A per-channel zero point list: all zero, one shared value, or one each. */
export function channelZeroPoints(g: Gen, dtype: 'int8' | 'uint8', channels: number, kind: 'zero' | 'shared' | 'each'): number[] {
  const [min, max] = RANGE[dtype];
  const shared = dtype === 'int8' ? g.int(-20, 20) : g.int(min + 16, max - 16);
  return Array.from({ length: channels }, () => (kind === 'zero' ? 0 : kind === 'shared' ? shared : g.int(min + 16, max - 16)));
}
