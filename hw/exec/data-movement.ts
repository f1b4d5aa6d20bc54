/**
 * Semantics of the copy instructions: DataCopy between buffers, ND -> NZ, LoadData 2D (with the
 * per-fractal transpose) and L0C -> UB. They move bytes only; no value conversion happens here.
 */
import type { InsnOfFamily } from '../../isa/families.js';
import type { InsnOf } from '../../isa/program.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { BLOCK, FRACTAL_AB, FRACTAL_C, type Addrs, type ExecContext } from './context.js';

const gapUnit = (buf: string) => (buf === 'GM' ? 1 : BLOCK);
const burstSpan = (buf: string, len: number) => (buf === 'GM' ? len : Math.ceil(len / BLOCK) * BLOCK);

/** DataCopy: blockCount bursts of blockLen bytes; on-chip bursts start on 32 B blocks. */
export function execCopy(ctx: ExecContext, i: InsnOfFamily<'dma'>, a: Addrs): void {
  const dst = ctx.bytes(i.dst.buf);
  const src = ctx.bytes(i.src.buf);
  const dstStep = burstSpan(i.dst.buf, i.blockLen) + i.dstGap * gapUnit(i.dst.buf);
  const srcStep = burstSpan(i.src.buf, i.blockLen) + i.srcGap * gapUnit(i.src.buf);
  for (let b = 0; b < i.blockCount; b++) {
    const s = a[1]! + b * srcStep;
    dst.set(src.subarray(s, s + i.blockLen), a[0]! + b * dstStep);
  }
}

/** ND -> NZ: row r, element c of the GM matrix lands in C0 column floor(c/C0), row r of that column. */
export function execNd2Nz(ctx: ExecContext, i: InsnOf<'copy_gm_l1_nd2nz'>, a: Addrs): void {
  const size = DTYPE_BYTES[i.dtype];
  const c0 = BLOCK / size;
  const dst = ctx.bytes('L1');
  const src = ctx.bytes('GM');
  const columns = Math.ceil(i.dValue / c0);
  for (let r = 0; r < i.nValue; r++) {
    const rowStart = a[1]! + r * i.srcDValue * size;
    for (let col = 0; col < columns; col++) {
      const elems = Math.min(c0, i.dValue - col * c0);
      const s = rowStart + col * BLOCK;
      dst.set(src.subarray(s, s + elems * size), a[0]! + (col * i.dstNzC0Stride + r) * BLOCK);
    }
  }
}

/** Transposes one 16x16 fractal of 16-bit elements (512 B) from src to dst. */
function transpose16(dst: Uint8Array, d: number, src: Uint8Array, s: number): void {
  for (let r = 0; r < 16; r++)
    for (let c = 0; c < 16; c++) {
      const from = s + (r * 16 + c) * 2;
      const to = d + (c * 16 + r) * 2;
      dst[to] = src[from]!;
      dst[to + 1] = src[from + 1]!;
    }
}

/** LoadData 2D: `repeat` fractals from L1 (srcStride apart) to L0A/L0B (1 + dstGap apart). */
export function execLoad2d(ctx: ExecContext, i: InsnOf<'load2d'>, a: Addrs): void {
  const dst = ctx.bytes(i.dst.buf);
  const src = ctx.bytes('L1');
  for (let f = 0; f < i.repeat; f++) {
    const s = a[1]! + f * i.srcStride * FRACTAL_AB;
    const d = a[0]! + f * (1 + i.dstGap) * FRACTAL_AB;
    if (i.transpose) transpose16(dst, d, src, s);
    else dst.set(src.subarray(s, s + FRACTAL_AB), d);
  }
}

/** L0C -> UB: whole 1 KiB fractals, Nz layout kept. */
export function execL0cUb(ctx: ExecContext, i: InsnOf<'copy_l0c_ub'>, a: Addrs): void {
  const dst = ctx.bytes('UB');
  const src = ctx.bytes('L0C');
  const len = i.blockLen * FRACTAL_C;
  for (let b = 0; b < i.blockCount; b++) {
    const s = a[1]! + b * (len + i.srcGap * FRACTAL_C);
    dst.set(src.subarray(s, s + len), a[0]! + b * (len + i.dstGap * FRACTAL_C));
  }
}
