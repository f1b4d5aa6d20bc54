/**
 * Host-side layout conversions (done by the host before the kernel runs, and reported as such in a
 * kernel's notes). NZ: a matrix of R rows is stored as columns of C0 = 32 bytes, each column R16
 * rows high (R16 = R rounded up to 16): element (r, c) at ((c / C0) * R16 + r) * 32 + (c % C0) * size.
 */
import { DTYPE_BYTES } from '../isa/numeric/dtype.js';
import type { Dtype } from '../isa/types.js';
import { ceilDiv, roundUp } from './kernel.js';

/** Bytes of an R x C matrix in NZ. */
export const nzBytes = (rows: number, cols: number, dt: Dtype): number =>
  roundUp(rows, 16) * ceilDiv(cols * DTYPE_BYTES[dt], 32) * 32;

/** Converts a row-major R x C matrix (raw bytes) to NZ; padding is zero. */
export function ndToNz(src: Uint8Array, rows: number, cols: number, dt: Dtype): Uint8Array {
  const size = DTYPE_BYTES[dt];
  const c0 = 32 / size;
  const r16 = roundUp(rows, 16);
  const out = new Uint8Array(nzBytes(rows, cols, dt));
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c += c0) {
      const n = Math.min(c0, cols - c) * size;
      out.set(src.subarray((r * cols + c) * size, (r * cols + c) * size + n), ((c / c0) * r16 + r) * 32);
    }
  return out;
}

/** Element data a channel permutation moves (any typed array of one element per entry). */
type Elements = Int8Array | Uint8Array | Int32Array | Float32Array;

/**
 * Moves the channel axis of an N x C x S tensor (S: the spatial elements) between position 1 and
 * last: `toFirst` reads N x S x C and writes N x C x S, else the reverse.
 */
export function moveChannelAxis<T extends Elements>(src: T, n: number, c: number, s: number, toFirst: boolean): T {
  const out = new (src.constructor as new (length: number) => T)(src.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < s; p++) {
        const first = (i * c + ch) * s + p;
        const last = (i * s + p) * c + ch;
        out[toFirst ? first : last] = src[toFirst ? last : first]!;
      }
  return out;
}
