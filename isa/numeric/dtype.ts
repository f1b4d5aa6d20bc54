/**
 * Element data types the vector unit operates on, with their storage sizes
 * and (for integers) value ranges used by saturating casts.
 */

/** Every element dtype. */
export const DTYPES = ['s8', 'u8', 's16', 'u16', 's32', 'u32', 'f16', 'f32'] as const;

/** An element dtype: signed/unsigned integers and IEEE floats. */
export type Dtype = (typeof DTYPES)[number];

/** The floating-point dtypes. */
export type FloatDtype = Extract<Dtype, 'f16' | 'f32'>;

/** The integer dtypes. */
export type IntDtype = Exclude<Dtype, FloatDtype>;

/** Size of one element in bytes. */
export const DTYPE_BYTES: Readonly<Record<Dtype, number>> = Object.freeze({
  s8: 1,
  u8: 1,
  s16: 2,
  u16: 2,
  s32: 4,
  u32: 4,
  f16: 2,
  f32: 4,
});

/** True if `s` names a dtype (for parsing assembly / config text). */
export function isDtype(s: string): s is Dtype {
  return (DTYPES as readonly string[]).includes(s);
}

/** True for floating-point dtypes. */
export function isFloat(d: Dtype): d is FloatDtype {
  return d === 'f16' || d === 'f32';
}

const INT_RANGES: Readonly<Record<IntDtype, { readonly min: number; readonly max: number }>> =
  Object.freeze({
    s8: { min: -0x80, max: 0x7f },
    u8: { min: 0, max: 0xff },
    s16: { min: -0x8000, max: 0x7fff },
    u16: { min: 0, max: 0xffff },
    s32: { min: -0x80000000, max: 0x7fffffff },
    u32: { min: 0, max: 0xffffffff },
  });

/**
 * Inclusive value range of an integer dtype. Throws RangeError for a float
 * dtype (their range depends on rounding, see roundToFormat).
 */
export function intRange(d: Dtype): { readonly min: number; readonly max: number } {
  if (isFloat(d)) throw new RangeError(`intRange: ${d} is not an integer dtype`);
  return INT_RANGES[d];
}
