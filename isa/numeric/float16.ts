/**
 * IEEE binary16 (f16) encode/decode and f32 bit access, used wherever the
 * simulator stores floating-point elements in memory as raw bits.
 *
 * Encoding always performs exactly one rounding from the double (via
 * roundToFormat), so f32 -> f16 never double-rounds through an intermediate.
 */

import { F16, exponentOf, pow2, roundToFormat } from './float-format.js';
import type { RoundMode } from './round-mode.js';

/** Canonical quiet NaN produced for every NaN input. */
export const F16_NAN_BITS = 0x7e00;

const F16_MIN_NORMAL = pow2(-14);
const F16_SUBNORMAL_ULP = pow2(-24);
// 2^(e - 25) for biased exponent e = 0..31; (1024 + m) * that = value.
const DECODE_SCALE = Array.from({ length: 32 }, (_, e) => pow2(e - 25));

/**
 * Decode an f16 bit pattern (0..0xffff) to its numeric value, including
 * subnormals, ±0, ±Infinity and NaN. Throws RangeError for anything else.
 */
export function f16BitsToNumber(bits: number): number {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffff) {
    throw new RangeError(`f16 bits out of range: ${bits}`);
  }
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >>> 10) & 0x1f;
  const m = bits & 0x3ff;
  // sign * 0 gives -0 for 0x8000, as wanted.
  if (e === 0) return sign * m * F16_SUBNORMAL_ULP;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1024 + m) * (DECODE_SCALE[e] as number);
}

/**
 * Round `x` once to f16 with `mode` and return the bit pattern. NaN becomes
 * the canonical 0x7e00; the sign of zero is kept.
 */
export function numberToF16Bits(x: number, mode: RoundMode = 'rint'): number {
  if (Number.isNaN(x)) return F16_NAN_BITS;
  const v = roundToFormat(x, F16, mode);
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  // Subnormal or zero: the value is an exact multiple of 2^-24 below 1024.
  if (a < F16_MIN_NORMAL) return sign | (a / F16_SUBNORMAL_ULP);
  const e = exponentOf(a);
  // a / 2^(e-10) is an exact integer in [1024, 2048); drop the hidden bit.
  const mant = a / pow2(e - 10) - 1024;
  return sign | ((e + 15) << 10) | mant;
}

/** The value of `x` after rounding to f16 with `mode` (as a double). */
export function roundF16(x: number, mode: RoundMode = 'rint'): number {
  return roundToFormat(x, F16, mode);
}

// Shared scratch so f32 bit access allocates nothing per call; both views
// alias the same 4 bytes, so host endianness does not matter.
const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** uint32 bit pattern of Math.fround(x) (round-to-nearest-even). */
export function f32Bits(x: number): number {
  f32Scratch[0] = x;
  return u32Scratch[0] as number;
}

/** Value of the f32 whose bit pattern is `bits` (taken modulo 2^32). */
export function f32FromBits(bits: number): number {
  u32Scratch[0] = bits >>> 0;
  return f32Scratch[0] as number;
}
