/**
 * The vector passes the UB epilogues are made of: whole-region element-wise passes (one instruction
 * per 255 repeats) and per-column passes over ND rows (one instruction per 64 columns, rows as
 * repeats, the per-column table read with repeat stride 0).
 */
import type { Dtype } from '../../isa/types.js';
import { mem } from '../../isa/builder.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { Emitter, ub } from '../emitter.js';

export const LANES32 = 64; // 32-bit lanes per repeat

export type ScalarOp = 'vmuls' | 'vadds' | 'vmaxs' | 'vmins';

/** Lanes of one repeat of an element-wise op on `dtype`. */
const lanesOf = (dtype: Dtype) => 256 / DTYPE_BYTES[dtype];

export function wholeUnary(e: Emitter, dtype: Dtype, at: number, elems: number): void {
  e.repeatRuns(elems / lanesOf(dtype), (r, n) =>
    e.b.emit('vrelu', { dtype, dst: ub(at + r * 256), src0: ub(at + r * 256), repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

export function wholeScalar(e: Emitter, op: ScalarOp, dtype: Dtype, at: number, elems: number, scalar: number): void {
  e.repeatRuns(elems / lanesOf(dtype), (r, n) =>
    e.b.emit(op, { dtype, dst: ub(at + r * 256), src0: ub(at + r * 256), scalar, repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

/** In-place conversion; narrowing compacts toward `at` (safe: each repeat reads before it writes). */
export function wholeConv(e: Emitter, dstType: Dtype, srcType: Dtype, at: number, elems: number): void {
  const srcSize = DTYPE_BYTES[srcType];
  const dstSize = DTYPE_BYTES[dstType];
  const lanes = 256 / Math.max(srcSize, dstSize);
  e.repeatRuns(elems / lanes, (r, n) =>
    e.b.emit('vconv', {
      dstType,
      srcType,
      round: 'rint',
      dst: ub(at + r * lanes * dstSize),
      src0: ub(at + r * lanes * srcSize),
      repeat: n,
      dstBlkStride: 1,
      src0BlkStride: 1,
      dstRepStride: (lanes * dstSize) / 32,
      src0RepStride: (lanes * srcSize) / 32,
    }),
  );
}

/** ND rows of 32-bit elements in UB: `rows` rows of `npad` elements from byte address `nd`. */
export interface NdRows {
  readonly nd: number;
  readonly npad: number;
  readonly rows: number;
}

/** A per-column table in UB (byte address) and the column of the tile's first element in it. */
export interface ColumnTable {
  readonly table: number;
  readonly c0: number;
}

/** dst[row, col] op= table[c0 + col] for every row: one instruction per 64 columns, row by row. */
export function perColumn(e: Emitter, op: 'vadd' | 'vmul', dtype: Dtype, { nd, npad, rows }: NdRows, { table, c0 }: ColumnTable): void {
  for (let c = 0; c < npad; c += LANES32) {
    const half = npad - c < LANES32;
    if (half) e.b.emit('set_mask_count', { count: npad - c });
    e.repeatRuns(rows, (r, n) => {
      const at = nd + (r * npad + c) * 4;
      e.b.emit(op, {
        dtype,
        dst: ub(at),
        src0: ub(at),
        src1: mem('UB', table + (c0 + c) * 4),
        repeat: n,
        dstBlkStride: 1,
        src0BlkStride: 1,
        src1BlkStride: 1,
        dstRepStride: npad / 8,
        src0RepStride: npad / 8,
        src1RepStride: 0,
      });
    });
    if (half) e.b.emit('set_mask_count', { count: 128 });
  }
}

