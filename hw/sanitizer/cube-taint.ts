/**
 * Which output elements of an mmad or a fixpipe depend on never-written input, element by element:
 * the cube computes whole 16-row fractals, so the padding rows and columns of a tile read bytes no
 * copy wrote, and only the elements the fixpipe stores must be clean. Address formulas as in
 * hw/exec/cube.ts and hw/exec/fixpipe.ts.
 */
import type { InsnOf } from '../../isa/program.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { FRACTAL_AB, mmadFractals } from '../../isa/shapes.js';
import type { BufferName } from '../../isa/types.js';

/** Does any byte of [lo, hi) of buffer `buf` derive from never-written bytes? */
export type Tainted = (buf: BufferName, lo: number, hi: number) => boolean;

/** Sorted, merged [start, end) address runs of `len`-byte elements at `starts`. */
function runsOfElements(starts: number[], len: number): number[] {
  starts.sort((a, b) => a - b);
  const out: number[] = [];
  for (const s of starts) {
    const n = out.length;
    if (n > 0 && s <= out[n - 1]!) out[n - 1] = Math.max(out[n - 1]!, s + len);
    else out.push(s, s + len);
  }
  return out;
}

/** L0C bytes of an mmad whose value depends on a never-written byte of A, B, the bias or the old C. */
export function mmadTaint(i: InsnOf<'mmad'>, addr: Float64Array, k0Bytes: number, tainted: Tainted): number[] {
  const f = mmadFractals(i, k0Bytes);
  const rows = f.m1 * 16;
  const cols = f.n1 * 16;
  const size = DTYPE_BYTES[i.aType];
  const at = (row: number, col: number) => addr[0]! + (((col >> 4) * f.m1 + (row >> 4)) * 256 + (row & 15) * 16 + (col & 15)) * 4;
  const kBytes = (kb: number) => Math.min(f.k0, i.k - kb * f.k0) * size;
  const rowBad = Array.from({ length: rows }, (_, row) => {
    for (let kb = 0; kb < f.k1; kb++) {
      const lo = addr[1]! + ((row >> 4) * f.k1 + kb) * FRACTAL_AB + (row & 15) * 32;
      if (tainted('L0A', lo, lo + kBytes(kb))) return true;
    }
    return false;
  });
  const colBad = Array.from({ length: cols }, (_, col) => {
    for (let kb = 0; kb < f.k1; kb++) {
      const lo = addr[2]! + (kb * f.n1 + (col >> 4)) * FRACTAL_AB + (col & 15) * 32;
      if (tainted('L0B', lo, lo + kBytes(kb))) return true;
    }
    return i.init === 'bias' && tainted('BT', addr[3]! + col * 4, addr[3]! + col * 4 + 4);
  });
  const accumulates = i.init === 'acc' && tainted('L0C', addr[0]!, addr[0]! + rows * cols * 4);
  const bad: number[] = [];
  for (let row = 0; row < rows; row++)
    for (let col = 0; col < cols; col++)
      if (rowBad[row] || colBad[col] || (accumulates && tainted('L0C', at(row, col), at(row, col) + 4))) bad.push(at(row, col));
  return runsOfElements(bad, 4);
}

/**
 * Destination bytes of a fixpipe whose source element (or per-channel quant word) derives from
 * never-written bytes; null when the layout is not element for element (Nz output: the caller
 * treats every output byte as depending on every input byte).
 */
export function fixpipeTaint(i: InsnOf<'fixpipe'>, addr: Float64Array, tainted: Tainted): number[] | null {
  if (!i.nz2nd) return null;
  const dsize = DTYPE_BYTES[i.dstType];
  const perChannel = i.quant === 'vreq8' || i.quant === 'vdeqf16';
  const bad: number[] = [];
  for (let n = 0; n < i.n; n++) {
    const wordBad = perChannel && tainted('FB', addr[2]! + n * 8, addr[2]! + n * 8 + 8);
    for (let m = 0; m < i.m; m++) {
      const src = addr[1]! + (((n >> 4) * i.srcStride + m) * 16 + (n & 15)) * 4;
      if (wordBad || tainted('L0C', src, src + 4)) bad.push(addr[0]! + (m * i.dstStride + n) * dsize);
    }
  }
  return runsOfElements(bad, dsize);
}
