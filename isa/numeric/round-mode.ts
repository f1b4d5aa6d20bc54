/**
 * Rounding modes shared by the vector unit, casts and the fixpipe, plus an
 * exact "round a double to an integer" primitive that every other numeric
 * helper builds on (floating-point formats round by scaling the value so the
 * target ulp becomes 1 and then calling {@link roundToInteger}).
 */

/** Every rounding mode the ISA can name. */
export const ROUND_MODES = ['rint', 'round', 'floor', 'ceil', 'trunc', 'odd', 'none'] as const;

/**
 * A rounding mode:
 * - `rint`:  round to nearest, ties to even (IEEE roundTiesToEven).
 * - `round`: round to nearest, ties away from zero.
 * - `floor`: toward -infinity.
 * - `ceil`:  toward +infinity.
 * - `trunc`: toward zero.
 * - `odd`:   round to odd (von Neumann): exact values are kept, otherwise the
 *            neighbour whose last mantissa bit (or integer value) is odd wins.
 *            Used to avoid double-rounding errors in multi-step conversions.
 * - `none`:  no explicit mode requested; the hardware's default for
 *            conversions that need rounding, which is the same as `rint`.
 */
export type RoundMode = (typeof ROUND_MODES)[number];

/** True if `s` names a rounding mode (for parsing assembly / config text). */
export function isRoundMode(s: string): s is RoundMode {
  return (ROUND_MODES as readonly string[]).includes(s);
}

/**
 * Round a double to an integer-valued double with the given mode. Exact for
 * every finite input (no intermediate rounding). NaN and ±Infinity are
 * returned unchanged; a zero result keeps the sign of `x` (IEEE
 * roundToIntegral behaviour, e.g. rint(-0.3) is -0).
 */
export function roundToInteger(x: number, mode: RoundMode): number {
  if (!Number.isFinite(x)) return x;
  // Work on the magnitude: for a >= 0, `a - floor(a)` is exact, whereas for a
  // negative x, `x - floor(x)` can round (e.g. -(0.5 - 2^-54) would look like
  // an exact tie), which would break tie detection.
  const neg = x < 0;
  const a = Math.abs(x);
  const lo = Math.floor(a);
  if (lo === a) return x; // already integral; covers ±0 and every |x| >= 2^52
  const frac = a - lo; // exact, in (0, 1)
  let up: boolean; // round the magnitude up to lo + 1?
  switch (mode) {
    case 'trunc':
      up = false;
      break;
    case 'floor':
      up = neg;
      break;
    case 'ceil':
      up = !neg;
      break;
    case 'round':
      up = frac >= 0.5;
      break;
    case 'rint':
    case 'none':
      up = frac > 0.5 || (frac === 0.5 && lo % 2 === 1);
      break;
    case 'odd':
      up = lo % 2 === 0;
      break;
    default:
      throw new RangeError(`unknown round mode: ${String(mode satisfies never)}`);
  }
  // lo + 1 is exact because a < 2^52 here.
  const m = up ? lo + 1 : lo;
  return neg ? -m : m; // -0 when a negative x rounds to zero
}
