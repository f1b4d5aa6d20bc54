/**
 * Host-side weight preparation (weights are constants prepared offline, as CANN does): the
 * zero-point-corrected weights w - w_zp need 9 bits, so they are split into int8 pieces that sum to
 * them; the cube multiplies A by every piece into one accumulator. The weight-side correction
 * x_zp * sum_k (w - w_zp) is a constant per output column and is folded into the int32 bias.
 */

export interface PreparedWeights {
  /** int8 pieces: [pieces][count][n][k] (each piece stored transposed, n rows of k) */
  readonly pieces: number;
  readonly data: Int8Array;
  /** sum over k of (w - w_zp), per count x n column */
  readonly columnSums: Float64Array;
}

/**
 * `w(c, k, n)` gives the corrected weight (w - w_zp) of matrix c at row k, column n, an integer in
 * [-255, 255]. Splits into the fewest int8 pieces: each piece takes what fits in [-128, 127].
 */
export function prepareWeights(count: number, k: number, n: number, w: (c: number, kk: number, nn: number) => number): PreparedWeights {
  const values = new Int32Array(count * n * k);
  const columnSums = new Float64Array(count * n);
  let maxAbs = 0;
  for (let c = 0; c < count; c++)
    for (let nn = 0; nn < n; nn++)
      for (let kk = 0; kk < k; kk++) {
        const v = w(c, kk, nn);
        values[(c * n + nn) * k + kk] = v;
        columnSums[c * n + nn]! += v;
        maxAbs = Math.max(maxAbs, v < 0 ? -v - 1 : v); // -128 fits, +128 does not
      }
  const pieces = Math.max(1, Math.ceil(maxAbs / 127));
  const data = new Int8Array(pieces * values.length);
  const rest = Int32Array.from(values);
  for (let p = 0; p < pieces; p++)
    for (let i = 0; i < rest.length; i++) {
      const part = Math.max(-128, Math.min(127, rest[i]!));
      data[p * rest.length + i] = part;
      rest[i]! -= part;
    }
  return { pieces, data, columnSums };
}
