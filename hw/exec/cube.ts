/**
 * Cube semantics: mmad over fractal layouts. A in L0A is Zz (fractal (i, j) at (i*K1 + j)*512,
 * row-major inside), B in L0B is Zn (fractal (kb, nb) at (kb*N1 + nb)*512, element (k, n) at
 * n*32 + k*size inside), C in L0C is Nz (fractal (mb, nb) at (nb*M1 + mb)*1024, row-major inside).
 * A row of an A fractal and a row of a B fractal are both 32 contiguous bytes along K, so the inner
 * loop is a contiguous dot product.
 */
import type { InsnOf } from '../../isa/program.js';
import type { Dtype } from '../../isa/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { f16BitsToNumber } from '../../isa/numeric/float16.js';
import { mmadFractals } from '../../isa/shapes.js';
import { FRACTAL_AB, FRACTAL_C, type Addrs, type ExecContext } from './context.js';

type Elems = Int8Array | Uint8Array | Float32Array;

/** Views the operand bytes as elements; f16 is decoded to float values once per mmad. */
function elements(bytes: Uint8Array, at: number, len: number, t: Dtype): Elems {
  const sub = bytes.subarray(at, at + len);
  if (t === 's8') return new Int8Array(sub.buffer, sub.byteOffset, len);
  if (t === 'u8') return sub;
  if (t === 'f32') return new Float32Array(sub.slice().buffer);
  const out = new Float32Array(len / 2);
  const dv = new DataView(sub.buffer, sub.byteOffset, len);
  for (let e = 0; e < out.length; e++) out[e] = f16BitsToNumber(dv.getUint16(e * 2, true));
  return out;
}

/** Reusable scratch for the integer path: rows of A and columns of B, K contiguous. */
let scratchA = new Int32Array(0);
let scratchB = new Int32Array(0);

/**
 * Integer mmad: gathers A's rows and B's columns (K contiguous, 32-bit) once, then each output is
 * one long dot product. Exact int32 arithmetic; the sum wraps as the 32-bit accumulator does.
 */
function mmadInt(ctx: ExecContext, i: InsnOf<'mmad'>, a: Addrs, m1: number, k1: number, n1: number, k0: number): void {
  const K = i.k;
  const rows = m1 * 16;
  const cols = n1 * 16;
  if (scratchA.length < rows * K) scratchA = new Int32Array(rows * K);
  if (scratchB.length < cols * K) scratchB = new Int32Array(cols * K);
  const A = scratchA;
  const B = scratchB;
  const l0a = ctx.bytes('L0A');
  const l0b = ctx.bytes('L0B');
  const aSigned = i.aType === 's8';
  const bSigned = i.bType === 's8';
  for (let kb = 0; kb < k1; kb++) {
    const kLen = Math.min(k0, K - kb * k0);
    for (let row = 0; row < rows; row++) {
      const src = a[1]! + ((row >> 4) * k1 + kb) * FRACTAL_AB + (row & 15) * 32;
      const dst = row * K + kb * k0;
      for (let e = 0; e < kLen; e++) {
        const v = l0a[src + e]!;
        A[dst + e] = aSigned ? (v << 24) >> 24 : v;
      }
    }
    for (let col = 0; col < cols; col++) {
      const src = a[2]! + (kb * n1 + (col >> 4)) * FRACTAL_AB + (col & 15) * 32;
      const dst = col * K + kb * k0;
      for (let e = 0; e < kLen; e++) {
        const v = l0b[src + e]!;
        B[dst + e] = bSigned ? (v << 24) >> 24 : v;
      }
    }
  }
  const c = ctx.view('L0C');
  const bias = i.init === 'bias' ? ctx.view('BT') : undefined;
  const at = (row: number, col: number) => a[0]! + (((col >> 4) * m1 + (row >> 4)) * 256 + (row & 15) * 16 + (col & 15)) * 4;
  const store = (row: number, col: number, dot: number) => {
    const p = at(row, col);
    const init = i.init === 'acc' ? c.getInt32(p, true) : bias ? bias.getInt32(a[3]! + col * 4, true) : 0;
    c.setInt32(p, (init + dot) | 0, true);
  };
  // 2 x 4 register blocking (rows and cols are multiples of 16): eight dot products share loads.
  for (let row = 0; row < rows; row += 2) {
    const a0 = row * K;
    const a1 = a0 + K;
    for (let col = 0; col < cols; col += 4) {
      const b0 = col * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      for (let e = 0; e < K; e++) {
        const x0 = A[a0 + e]!;
        const x1 = A[a1 + e]!;
        const y0 = B[b0 + e]!;
        const y1 = B[b1 + e]!;
        const y2 = B[b2 + e]!;
        const y3 = B[b3 + e]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      store(row, col, s00);
      store(row, col + 1, s01);
      store(row, col + 2, s02);
      store(row, col + 3, s03);
      store(row + 1, col, s10);
      store(row + 1, col + 1, s11);
      store(row + 1, col + 2, s12);
      store(row + 1, col + 3, s13);
    }
  }
}

export function execMmad(ctx: ExecContext, i: InsnOf<'mmad'>, a: Addrs): void {
  const size = DTYPE_BYTES[i.aType];
  const { m1, k1, n1, k0 } = mmadFractals(i, ctx.config.cube.k0Bytes); // the geometry cost and footprint use
  if (size === 1) return mmadInt(ctx, i, a, m1, k1, n1, k0);
  const isInt = false;
  const A = elements(ctx.bytes('L0A'), a[1]!, m1 * k1 * FRACTAL_AB, i.aType);
  const B = elements(ctx.bytes('L0B'), a[2]!, k1 * n1 * FRACTAL_AB, i.bType);
  const cView = ctx.view('L0C');
  const bias = i.init === 'bias' ? ctx.view('BT') : undefined;
  const fracElems = FRACTAL_AB / size; // elements per A/B fractal: 16 rows of k0
  for (let nb = 0; nb < n1; nb++)
    for (let mb = 0; mb < m1; mb++) {
      const cBase = a[0]! + (nb * m1 + mb) * FRACTAL_C;
      for (let r = 0; r < 16; r++)
        for (let c = 0; c < 16; c++) {
          const cAt = cBase + (r * 16 + c) * 4;
          let acc: number;
          if (i.init === 'acc') acc = isInt ? cView.getInt32(cAt, true) : cView.getFloat32(cAt, true);
          else if (bias) acc = isInt ? bias.getInt32(a[3]! + (nb * 16 + c) * 4, true) : bias.getFloat32(a[3]! + (nb * 16 + c) * 4, true);
          else acc = 0;
          for (let kb = 0; kb < k1; kb++) {
            const kLen = Math.min(k0, i.k - kb * k0); // the tail of K beyond k is ignored
            const aAt = (mb * k1 + kb) * fracElems + r * k0;
            const bAt = (kb * n1 + nb) * fracElems + c * k0;
            let dot = 0;
            for (let e = 0; e < kLen; e++) dot += A[aAt + e]! * B[bAt + e]!;
            acc = isInt ? (acc + dot) | 0 : Math.fround(acc + Math.fround(dot));
          }
          if (isInt) cView.setInt32(cAt, acc, true);
          else cView.setFloat32(cAt, acc, true);
        }
    }
}
