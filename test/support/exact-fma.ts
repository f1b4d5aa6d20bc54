/**
 * x * y + z rounded once to f16 or f32 (to nearest, ties to even), computed exactly in BigInt: an
 * implementation independent of isa/numeric, for checking fused multiply-adds. Finite inputs only.
 */

/** Every f16 or f32 value is a multiple of 2^-149, so v * 2^SCALE is an integer (and a finite double). */
const SCALE = 160;
const scaled = (v: number): bigint => BigInt(v * 2 ** SCALE);

const FORMATS = {
  f16: { p: 11, emin: -14, emax: 15 },
  f32: { p: 24, emin: -126, emax: 127 },
} as const;
type Format = (typeof FORMATS)[keyof typeof FORMATS];

/** n * 2^e rounded to nearest even in the format (subnormals and overflow to infinity included). */
function roundScaled(n: bigint, e: number, { p, emin, emax }: Format): number {
  const neg = n < 0n;
  let m = neg ? -n : n;
  const top = m.toString(2).length - 1 + e; // exponent of the leading bit
  const drop = Math.max(top, emin) - (p - 1) - e; // bits below the result's ulp
  if (drop > 0) {
    const d = BigInt(drop);
    const q = m >> d;
    const rest = m - (q << d);
    const half = 1n << (d - 1n);
    m = rest > half || (rest === half && (q & 1n) === 1n) ? q + 1n : q;
    e += drop;
  }
  const v = Number(m) * 2 ** e;
  const r = v >= 2 ** (emax + 1) ? Infinity : v;
  return neg ? -r : r;
}

/** round(x * y + z) with one rounding to `dt`; x, y, z finite values of that type (or of f32). */
export function exactFma(x: number, y: number, z: number, dt: 'f16' | 'f32'): number {
  const n = scaled(x) * scaled(y) + scaled(z) * 2n ** BigInt(SCALE);
  // an exact zero is -0 only when both terms are -0 (IEEE, rounding to nearest)
  if (n === 0n) return Object.is(x * y, -0) && Object.is(z, -0) ? -0 : 0;
  return roundScaled(n, -2 * SCALE, FORMATS[dt]);
}
