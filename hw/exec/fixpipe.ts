/**
 * Fixpipe semantics: read L0C (Nz, s32 or f32), convert each element by the quant mode, write GM or
 * L1 row-major (nz2nd) or Nz. Element (m, n) of the source is at ((n>>4)*srcStride + m)*64 + (n&15)*4.
 */
import type { InsnOf } from '../../isa/program.js';
import type { QuantMode } from '../../isa/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { dequantF16, f32ToF16, hardwareScale, passThrough, requant8, unpackQuantWord } from '../../isa/numeric/fixpipe-quant.js';
import { READ, WRITE, type Addrs, type ExecContext } from './context.js';

/** Converts one accumulator value for output column n. `word(n)` reads that column's quant word. */
type Convert = (acc: number, i: InsnOf<'fixpipe'>, word: (n: number) => { scale: number; offset: number; signed: boolean }, n: number) => number;

const CONVERT: Readonly<Record<QuantMode, Convert>> = {
  none: (v, i) => passThrough(v, i.relu === 1),
  f322f16: (v, i) => f32ToF16(v, i.relu === 1),
  deqf16: (v, i) => dequantF16(v, hardwareScale(i.scale), i.relu === 1),
  vdeqf16: (v, i, word, n) => dequantF16(v, word(n).scale, i.relu === 1),
  req8: (v, i) => requant8(v, hardwareScale(i.scale), i.offset, i.dstType === 's8', i.relu === 1),
  vreq8: (v, i, word, n) => {
    const w = word(n);
    return requant8(v, w.scale, w.offset, w.signed, i.relu === 1);
  },
};

export function execFixpipe(ctx: ExecContext, i: InsnOf<'fixpipe'>, a: Addrs): void {
  const src = ctx.view('L0C');
  const dst = ctx.view(i.dst.buf);
  const fb = i.quant === 'vreq8' || i.quant === 'vdeqf16' ? ctx.view('FB') : undefined;
  const word = (n: number) => unpackQuantWord(fb!.getUint32(a[2]! + n * 8, true), fb!.getUint32(a[2]! + n * 8 + 4, true));
  const convert = CONVERT[i.quant];
  const read = READ[i.srcType];
  const write = WRITE[i.dstType];
  const dsize = DTYPE_BYTES[i.dstType];
  for (let n = 0; n < i.n; n++) {
    const group = n >> 4;
    const lane = n & 15;
    for (let m = 0; m < i.m; m++) {
      const v = convert(read(src, a[1]! + ((group * i.srcStride + m) * 16 + lane) * 4), i, word, n);
      const at = i.nz2nd ? (m * i.dstStride + n) * dsize : ((group * i.dstStride + m) * 16 + lane) * dsize;
      write(dst, a[0]! + at, v);
    }
  }
}
