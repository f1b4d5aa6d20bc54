/**
 * The quantisation arithmetic of ONNX Runtime 1.30 CPU (DESIGN.md "Quantisation arithmetic"):
 * float32 roundings, round half to even, saturation, the QLinear requantisation and a fused
 * multiply-add on float32 values computed exactly with a single rounding.
 */
import { roundToInteger } from '../../isa/numeric/round-mode.js';
import type { RefDtype } from './tensor.js';

/** One IEEE float32 rounding. */
export const fp32 = Math.fround;

/** Round half to even to an integer. */
export const rne = (x: number): number => roundToInteger(x, 'rint') + 0;

/** The [min, max] of the 8-bit output types. */
export const QRANGE: Readonly<Partial<Record<RefDtype, readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
};

/** The range of a quantised output dtype. */
export function qrange(dtype: RefDtype): readonly [number, number] {
  const r = QRANGE[dtype];
  if (!r) throw new RangeError(`not a quantised output type: ${dtype}`);
  return r;
}

/** Clamp to [lo, hi]. */
export const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** Requant multiplier of a QLinear op: fp32(fp32(xScale * wScale) / yScale), in this order. */
export const requantScale = (xScale: number, wScale: number, yScale: number): number => fp32(fp32(xScale * wScale) / yScale);

/**
 * QLinear requantisation of an exact int32 accumulator (bias included): v = fp32(fp32(acc) * m),
 * clamped to [qmin - zp, qmax - zp] in float, rounded half to even, plus zp.
 */
export function requantize(acc: number, m: number, zp: number, qmin: number, qmax: number): number {
  const v = clamp(fp32(fp32(acc) * m), qmin - zp, qmax - zp);
  return rne(v) + zp;
}

const f64 = new Float64Array(1);
const words = new Uint32Array(f64.buffer);
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

/**
 * fp32(a * b + c) with one rounding, like an FMA instruction on float32 operands. The product of two
 * float32 values is exact in a double; the sum is made round-to-odd in double precision (53 >= 24 + 2
 * bits), so the final rounding to float32 is the correct one.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bv = s - p;
  const err = p - (s - bv) + (c - bv); // p + c === s + err exactly (TwoSum)
  if (err === 0 || !Number.isFinite(s)) return fp32(s);
  f64[0] = s;
  const lo = words[LOW]!;
  if ((lo & 1) === 0) {
    // s is even: round-to-odd takes its neighbour on the side of the exact sum (bit patterns of
    // doubles of one sign are ordered by magnitude)
    if (err > 0 === s > 0) words[LOW] = lo + 1;
    else if (lo !== 0) words[LOW] = lo - 1;
    else {
      words[LOW] = 0xffffffff;
      words[HIGH] = words[HIGH]! - 1;
    }
  }
  return fp32(f64[0]!);
}
