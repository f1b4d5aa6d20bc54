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

export function execMmad(ctx: ExecContext, i: InsnOf<'mmad'>, a: Addrs): void {
  const size = DTYPE_BYTES[i.aType];
  const k0 = ctx.config.cube.k0Bytes / size;
  const m1 = Math.ceil(i.m / 16);
  const n1 = Math.ceil(i.n / 16);
  const k1 = Math.ceil(i.k / k0);
  const isInt = size === 1;
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
