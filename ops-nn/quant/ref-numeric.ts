/**
 * Plain numeric helpers for the references (tests only): written from the definitions, not from the
 * simulator's numeric library, so a reference does not share a bug with the device semantics.
 */

/** One IEEE float32 rounding. */
export const fp32 = Math.fround;

/** Round half to even to an integer (x finite or not; non-finite values pass through). */
export function rne(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x); // ties go up
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Integer rounding by a cast round mode name. */
export const ROUNDERS: Readonly<Record<'rint' | 'round' | 'floor' | 'ceil' | 'trunc', (x: number) => number>> = {
  rint: rne,
  round: (x) => Math.sign(x) * Math.floor(Math.abs(x) + 0.5),
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
};

/** Clamp to [lo, hi]; NaN becomes `nan`. */
export const clampTo = (x: number, lo: number, hi: number, nan = 0): number => (Number.isNaN(x) ? nan : Math.min(Math.max(x, lo), hi));

/** float -> int32 as a saturating vector cast: NaN -> 0, out of range -> the nearest end. */
export const toInt32 = (x: number): number => clampTo(x, -(2 ** 31), 2 ** 31 - 1) + 0;

/** Round to IEEE binary16, half to even, overflowing to infinity. */
export function roundHalf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  // log2 can be off by one near powers of two: settle e so that 2^e <= a < 2^(e+1) (or subnormal)
  const exp = a >= 2 ** (e + 1) ? e + 1 : a < 2 ** e && e > -14 ? e - 1 : e;
  const ulp = 2 ** (exp - 10);
  const r = rne(a / ulp) * ulp;
  const v = r > 65504 ? Infinity : r;
  return x < 0 ? -v : v;
}
