/**
 * The vector unit's dequantising conversion s32 -> f16 (`vconv_deq`, `vconv_vdeq`; Ascend C Cast
 * int32 -> half after SetDeqScale(half), AscendDequant's instruction on 310P). The arithmetic is the
 * model's definition, written here once so the simulator and the host references share its bits:
 *
 *   deq(acc, s) = satF16(RNE_f16(fp32(acc) * f16(s)))
 *
 * - The scale is kept as an fp16 value (SetDeqScale takes a half): f16(s) is one RNE rounding of the
 *   given scale; a scale read from UB already is one.
 * - fp32(acc) rounds the int32 to float32 (RNE). Its product with an fp16 scale (24 x 11 significant
 *   bits) is exact in a double, so the product is rounded exactly once, to fp16, half to even.
 * - satF16: a finite result beyond the fp16 range, or an infinite one, becomes +-65504 (the
 *   conversion saturates rather than overflowing to infinity); NaN (0 x inf) stays NaN.
 */
import { F16 } from './float-format.js';
import { roundToFormat } from './float-format.js';

/** Largest finite fp16 value. */
export const F16_MAX = 65504;

/** The scale as the conversion keeps it: rounded once to fp16, half to even. */
export const deqScaleF16 = (scale: number): number => roundToFormat(scale, F16, 'rint');

/** deq(acc, scale) of the header, with `scale16` already an fp16 value. */
export function deqToF16(acc: number, scale16: number): number {
  const v = roundToFormat(Math.fround(acc) * scale16, F16, 'rint');
  if (Number.isNaN(v)) return v;
  return Math.max(-F16_MAX, Math.min(F16_MAX, v));
}
