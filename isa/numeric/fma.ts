/**
 * Fused multiply-add with one rounding: round(x * y + z) for float32 (or narrower) operands, exact.
 * Shared by the vector unit's vaxpy and by the ONNX Runtime references, so both define the same bits.
 *
 * Why it is exact: the product of two float32 values has at most 48 significant bits, so x * y is
 * exact in a double. The sum s = p + z is rounded once to a double; TwoSum gives its error e
 * exactly. If e != 0, s is moved to its odd neighbour on e's side (round to odd). A double holds
 * 53 >= 24 + 2 bits, and rounding a round-to-odd value to a format with at least two fewer bits is
 * the correct rounding of the exact value, so `round(s)` is the single rounding of x * y + z.
 */

const f64 = new Float64Array(1);
const words = new Uint32Array(f64.buffer);
// word order of a double in memory follows the host's endianness
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;

/**
 * x * y + z (float32 values, or f16 values) rounded once by `round`, a rounding to a format of at
 * most 51 significant bits (Math.fround, roundF16).
 */
export function fmaRound(x: number, y: number, z: number, round: (v: number) => number): number {
  const p = x * y;
  const s = p + z;
  const bv = s - p;
  const err = p - (s - bv) + (z - bv); // p + z === s + err exactly (TwoSum)
  if (err === 0 || !Number.isFinite(s)) return round(s);
  f64[0] = s;
  const lo = words[LOW]!;
  if ((lo & 1) === 0) {
    // s is even: take its neighbour on the side of the exact sum (bit patterns of doubles of one
    // sign are ordered by magnitude); s is never 0 here, since p + z = 0 is exact
    if (err > 0 === s > 0) words[LOW] = lo + 1;
    else if (lo !== 0) words[LOW] = lo - 1;
    else {
      words[LOW] = 0xffffffff;
      words[HIGH] = words[HIGH]! - 1;
    }
  }
  return round(f64[0]!);
}

/** fp32(x * y + z) with one rounding, like an FMA instruction on float32 operands. */
export const fmaF32 = (x: number, y: number, z: number): number => fmaRound(x, y, z, Math.fround);
