/**
 * The quantisation arithmetic of ONNX Runtime 1.30 CPU (docs/quantisation.md):
 * float32 roundings, round half to even, saturation, the QLinear requantisation and a fused
 * multiply-add on float32 values computed exactly with a single rounding (isa/numeric/fma.ts).
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

/** fp32(a * b + c) with one rounding, like an FMA instruction (shared with the vector unit's vaxpy). */
export { fmaF32 } from '../../isa/numeric/fma.js';
