/**
 * Plain references of the quantisation kernels (used only by tests): the formulas of the kernels'
 * headers written element by element, with float32 roundings where the formulas have them.
 */
import type { AscendDequantSpec } from './ascend-dequant.js';
import type { AscendQuantSpec } from './ascend-quant.js';
import { QRANGE, axisGeometry, type QType } from './common.js';
import type { DequantizeLinearSpec } from './dequantize-linear.js';
import type { QuantizeLinearSpec } from './quantize-linear.js';
import type { RequantSpec } from './requant.js';
import { ROUNDERS, clampTo, fp32, rne, roundHalf, toInt32 } from './ref-numeric.js';

type Out8 = Int8Array | Uint8Array;

const out8 = (t: QType, n: number): Out8 => (t === 's8' ? new Int8Array(n) : new Uint8Array(n));

/** channel of element i: per tensor -> 0, per axis -> (i / inner) % channels. */
function channelOf(dims: readonly number[], axis: number, lists: readonly (readonly number[])[]): (i: number) => number {
  if (lists.every((l) => l.length <= 1)) return () => 0;
  const g = axisGeometry(dims, axis, 'reference');
  return (i) => Math.floor(i / g.inner) % g.channels;
}

/** value of a per-tensor or per-channel list at channel c */
const at = (l: readonly number[], c: number, fallback = 0) => (l.length === 0 ? fallback : l.length === 1 ? l[0]! : l[c]!);

/** QuantizeLinear: q = sat(RNE(fp32(x / scale)) + zp); NaN -> qmin (clamped in float first, as MLAS). */
export function quantizeLinearReference(s: QuantizeLinearSpec, x: Float32Array): Out8 {
  const [qmin, qmax] = QRANGE[s.outType];
  const ch = channelOf(s.dims, s.axis ?? 1, [s.scale, s.zeroPoint]);
  const y = out8(s.outType, x.length);
  for (let i = 0; i < x.length; i++) {
    const c = ch(i);
    const zp = at(s.zeroPoint, c);
    y[i] = rne(clampTo(fp32(x[i]! / at(s.scale, c)), qmin - zp, qmax - zp, qmin - zp)) + zp;
  }
  return y;
}

/**
 * DequantizeLinear: y = fp32(fp32(q - zp) * scale) (then once more to float16 for an f16 output);
 * q - zp is an int32 subtraction that wraps (only int32 input can leave the range).
 */
export function dequantizeLinearReference(s: DequantizeLinearSpec, q: Int8Array | Uint8Array | Int32Array): Float32Array {
  const ch = channelOf(s.dims, s.axis ?? 1, [s.scale, s.zeroPoint]);
  const y = new Float32Array(q.length);
  const last = s.outType === 'f16' ? roundHalf : (v: number) => v;
  for (let i = 0; i < q.length; i++) {
    const c = ch(i);
    y[i] = last(fp32(fp32((q[i]! - at(s.zeroPoint, c)) | 0) * at(s.scale, c)));
  }
  return y;
}

/**
 * AscendQuant: y = sat_s8(round(fp32(fp32(fp32(x) * scale [* scale]) + offset))), the cast to int32
 * saturating; the int32 -> f16 -> int8 narrowing of the kernel only matters through saturation.
 */
export function ascendQuantReference(s: AscendQuantSpec, x: Float32Array): Int8Array {
  const ch = channelOf(s.dims, s.axis ?? -1, [s.scale, s.offset]);
  const round = ROUNDERS[s.round ?? 'rint'];
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = ch(i);
    const sc = at(s.scale, c);
    let v = fp32(x[i]! * sc);
    if (s.sqrtMode) v = fp32(v * sc);
    v = fp32(v + at(s.offset, c));
    y[i] = clampTo(toInt32(round(v)), -128, 127);
  }
  return y;
}

/** AscendDequant: y = out(relu(fp32(fp32(fp32(acc) * scale) [* scale]))). */
export function ascendDequantReference(s: AscendDequantSpec, acc: Int32Array): Float32Array {
  const ch = channelOf(s.dims, s.axis ?? -1, [s.scale]);
  const y = new Float32Array(acc.length);
  for (let i = 0; i < acc.length; i++) {
    const sc = at(s.scale, ch(i));
    let v = fp32(fp32(acc[i]!) * sc);
    if (s.sqrtMode) v = fp32(v * sc);
    if (s.relu) v = v > 0 ? v : 0;
    y[i] = s.outType === 'f16' ? roundHalf(v) : v;
  }
  return y;
}

/** QLinear requantisation of a rows x cols int32 matrix with per-column multipliers and zero points. */
export function requantReference(s: RequantSpec, acc: Int32Array): Out8 {
  const [qmin, qmax] = QRANGE[s.outType];
  const y = out8(s.outType, acc.length);
  for (let i = 0; i < acc.length; i++) {
    const c = i % s.cols;
    const zp = at(s.zeroPoints, c);
    y[i] = rne(clampTo(fp32(fp32(acc[i]!) * at(s.multipliers, c)), qmin - zp, qmax - zp, qmin - zp)) + zp;
  }
  return y;
}

/** The u8 -> s8 shift: y = x - 128. */
export function shiftU8ToS8Reference(x: Uint8Array): Int8Array {
  return Int8Array.from(x, (v) => v - 128);
}
