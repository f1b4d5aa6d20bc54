/**
 * Generic binary floating-point rounding: take an exact double and round it
 * once to an IEEE-754-style format with `expBits` exponent bits and `manBits`
 * stored mantissa bits (f16, f32, bf16, ...), with gradual underflow
 * (subnormals) and IEEE overflow rules for every {@link RoundMode}.
 *
 * The result is returned as a double holding the rounded value; encoding to
 * bits is left to format-specific helpers (see float16.ts).
 */

import { roundToInteger, type RoundMode } from './round-mode.js';

/** Shape of a binary floating-point format (sign bit implied). */
export interface FloatFormat {
  readonly expBits: number;
  readonly manBits: number;
}

/** IEEE binary16. */
export const F16: FloatFormat = Object.freeze({ expBits: 5, manBits: 10 });
/** IEEE binary32. */
export const F32: FloatFormat = Object.freeze({ expBits: 8, manBits: 23 });
/** bfloat16 (f32 exponent range, 7 stored mantissa bits). */
export const BF16: FloatFormat = Object.freeze({ expBits: 8, manBits: 7 });

// One scratch view for reading/writing double bits; DataView keeps the word
// order independent of host endianness (offset 0 = high word).
const scratch = new DataView(new ArrayBuffer(8));

/**
 * Exact 2^k as a double for integer k (0 beyond the subnormal range,
 * Infinity beyond the normal range). Built from bits so that no library
 * `pow` accuracy question arises.
 */
export function pow2(k: number): number {
  if (k > 1023) return Infinity;
  if (k < -1074) return 0;
  if (k < -1022) {
    // Subnormal power of two: product of two normal powers of two is exact
    // because the result is representable.
    return pow2(k + 64) * pow2(-64);
  }
  scratch.setUint32(0, (k + 1023) << 20);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

/**
 * floor(log2(|x|)) for a finite non-zero double, read exactly from the bits
 * (Math.log2 can be off by one next to powers of two).
 */
export function exponentOf(x: number): number {
  scratch.setFloat64(0, x);
  const field = (scratch.getUint32(0) >>> 20) & 0x7ff;
  if (field !== 0) return field - 1023;
  // Subnormal double: scale into the normal range (exact) and retry.
  return exponentOf(x * pow2(64)) - 64;
}

interface Derived {
  readonly emin: number;
  readonly maxFinite: number;
}

// Derived constants per format object; formats are tiny and long-lived.
const derivedCache = new WeakMap<FloatFormat, Derived>();

function derive(fmt: FloatFormat): Derived {
  let d = derivedCache.get(fmt);
  if (d !== undefined) return d;
  const { expBits, manBits } = fmt;
  // Limits keep every intermediate an exact double: quanta stay >= 2^-1074
  // and scaled mantissas stay below 2^53.
  if (!Number.isInteger(expBits) || expBits < 2 || expBits > 11) {
    throw new RangeError(`expBits must be an integer in 2..11, got ${expBits}`);
  }
  if (!Number.isInteger(manBits) || manBits < 1 || manBits > 52) {
    throw new RangeError(`manBits must be an integer in 1..52, got ${manBits}`);
  }
  const emax = 2 ** (expBits - 1) - 1;
  d = {
    emin: 1 - emax,
    // (2 - 2^-manBits) * 2^emax, both factors exact.
    maxFinite: (2 - pow2(-manBits)) * pow2(emax),
  };
  derivedCache.set(fmt, d);
  return d;
}

/**
 * Value produced when the rounded magnitude exceeds the largest finite
 * number: IEEE directed-rounding rules (never round "past" infinity in the
 * direction the mode forbids). Round-to-odd saturates because max finite has
 * an odd (all ones) mantissa while infinity counts as even.
 */
function overflow(neg: boolean, mode: RoundMode, maxFinite: number): number {
  let toInf: boolean;
  switch (mode) {
    case 'rint':
    case 'none':
    case 'round':
      toInf = true;
      break;
    case 'trunc':
    case 'odd':
      toInf = false;
      break;
    case 'floor':
      toInf = neg;
      break;
    case 'ceil':
      toInf = !neg;
      break;
    default:
      throw new RangeError(`unknown round mode: ${String(mode satisfies never)}`);
  }
  const mag = toInf ? Infinity : maxFinite;
  return neg ? -mag : mag;
}

/**
 * Round the double `x` once to the format `fmt` with `mode` and return the
 * rounded value as a double. Subnormals are produced where the format has
 * them; overflow goes to ±Infinity or ±max finite per IEEE rules for the
 * mode. NaN stays NaN, ±0 and ±Infinity are returned unchanged, and a result
 * that rounds to zero keeps the sign of `x`.
 *
 * Supports expBits 2..11 and manBits 1..52 (throws RangeError otherwise).
 */
export function roundToFormat(x: number, fmt: FloatFormat, mode: RoundMode): number {
  const { emin, maxFinite } = derive(fmt);
  if (x === 0 || !Number.isFinite(x)) return x; // ±0, ±Inf, NaN
  // Exponent of x in the target format; below emin the spacing stays fixed
  // (subnormal range), which is what makes underflow gradual.
  const e = Math.max(exponentOf(x), emin);
  const quantum = pow2(e - fmt.manBits); // ulp of the target at x
  // Scaling by a power of two is exact, so this is a single rounding.
  const r = roundToInteger(x / quantum, mode) * quantum;
  if (Math.abs(r) <= maxFinite) return r;
  return overflow(x < 0, mode, maxFinite);
}
