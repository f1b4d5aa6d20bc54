/**
 * Element casts for the vector unit's `vconv` instruction. Values in and out
 * are numeric element VALUES (an f16 element is passed decoded, not as bits).
 *
 * Rules:
 * - float -> int:   round to an integer with the mode, then saturate to the
 *                   destination range; NaN -> 0, ±Infinity -> max/min.
 * - int -> float,
 *   float -> float: one rounding of the exact source value to the
 *                   destination format with the mode (every s32/u32 value is
 *                   exact in a double, so there is never double rounding);
 *                   overflow follows IEEE rules for the mode (roundToFormat).
 * - int -> int:     saturate to the destination range (the value is already
 *                   integral, so the mode does not matter).
 * Integer results are never -0.
 */

import { isFloat, intRange, type Dtype, type FloatDtype } from './dtype.js';
import { F16, F32, roundToFormat, type FloatFormat } from './float-format.js';
import { roundToInteger, type RoundMode } from './round-mode.js';

const FLOAT_FORMATS: Readonly<Record<FloatDtype, FloatFormat>> = { f16: F16, f32: F32 };

/**
 * Clamp `x` to the range of the integer dtype `to`. NaN becomes 0 and -0
 * becomes +0. Throws RangeError if `to` is a float dtype.
 */
export function saturate(x: number, to: Dtype): number {
  const { min, max } = intRange(to);
  if (Number.isNaN(x)) return 0;
  if (x < min) return min;
  if (x > max) return max;
  return x === 0 ? 0 : x; // normalise -0: integers have no negative zero
}

/**
 * Cast the value `x` of a `from` element to the value of a `to` element,
 * rounding with `mode` where the rules in this module's header need it.
 * `x` is assumed to be a valid value of `from`.
 */
export function castValue(x: number, from: Dtype, to: Dtype, mode: RoundMode): number {
  if (isFloat(to)) return roundToFormat(x, FLOAT_FORMATS[to], mode);
  if (isFloat(from)) {
    // roundToInteger keeps NaN/±Inf; saturate maps them to 0 / min / max.
    return saturate(roundToInteger(x, mode), to);
  }
  return saturate(x, to);
}
