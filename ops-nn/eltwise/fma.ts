/**
 * fp32(x * y + z) with a single rounding, for float32 operands (the reference side of FMA
 * instructions). The product is exact in a double; the sum s = p + z is a double with an exactly
 * known error e (TwoSum). Rounding s to float32 is wrong only when s sits exactly on a float32
 * midpoint while e != 0; then the exact value lies on e's side of the midpoint.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to `r` (a float32 value) in the direction of `toward`. */
function nextF32(r: number, toward: number): number {
  if (r === toward) return r;
  if (r === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  f32[0] = r;
  // magnitudes of one sign are ordered like their bit patterns
  u32[0] = u32[0]! + ((toward > r) === (r > 0) ? 1 : -1);
  return f32[0]!;
}

/** fp32(x * y + z) rounded once (x, y, z float32 values). */
export function fmaF32(x: number, y: number, z: number): number {
  const p = x * y;
  const s = p + z;
  if (!Number.isFinite(s)) return Math.fround(s);
  const bb = s - p;
  const e = p - (s - bb) + (z - bb);
  const r = Math.fround(s);
  if (e === 0 || r === s) return r;
  const other = nextF32(r, s);
  const mid = (r + other) / 2;
  if (s !== mid) return r;
  // s is a tie between r and other: the exact sum s + e breaks it
  return e > 0 === other > r ? other : r;
}
