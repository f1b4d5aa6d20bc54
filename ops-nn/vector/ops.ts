/**
 * Vector instructions over UB regions, split into runs of at most 255 repeats. Regions are
 * contiguous unless a stride is given; element counts must be whole repeats (callers pad regions
 * to the next 256 B so the tail repeat stays inside them).
 */
import type { Dtype, RoundMode } from '../../isa/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { Emitter, ub } from '../emitter.js';

/** Vector x scalar opcodes (one operand layout; vaxpy also reads dst: dst = src * scalar + dst). */
export type ScalarOp = 'vadds' | 'vmuls' | 'vmaxs' | 'vmins' | 'vaxpy';
/** Vector x vector opcodes. */
export type BinaryOp = 'vadd' | 'vsub' | 'vmul' | 'vmax' | 'vmin' | 'vdiv';
/** One-operand opcodes. */
export type UnaryOp = 'vrelu' | 'vabs' | 'vcopy';

/** Lanes of one repeat for an op on `dt` (256 B of it). */
export const lanesOf = (dt: Dtype): number => 256 / DTYPE_BYTES[dt];

/** Lanes of one vconv repeat: 256 B of the wider operand. */
export const convLanes = (a: Dtype, b: Dtype): number => 256 / Math.max(DTYPE_BYTES[a], DTYPE_BYTES[b]);

function repeatsOf(elems: number, lanes: number): number {
  if (elems % lanes !== 0) throw new Error(`internal: ${elems} elements are not whole repeats of ${lanes} lanes`);
  return elems / lanes;
}

/** 32 B blocks of one repeat of `dt` when a repeat has `lanes` lanes. */
const blocksPerRepeat = (dt: Dtype, lanes: number) => (lanes * DTYPE_BYTES[dt]) / 32;

/** Per-operand strides in 32 B blocks: between the blocks of a repeat, and between repeats. */
export interface Stride {
  readonly blk: number;
  readonly rep: number;
}

const contiguous = (dt: Dtype, lanes: number): Stride => ({ blk: 1, rep: blocksPerRepeat(dt, lanes) });

/** dst = op(src, scalar) over `elems` contiguous elements. */
export function vScalar(e: Emitter, op: ScalarOp, dt: Dtype, dst: number, src: number, scalar: number, elems: number): void {
  const l = lanesOf(dt);
  e.repeatRuns(repeatsOf(elems, l), (r, n) =>
    e.b.emit(op, { dtype: dt, dst: ub(dst + r * 256), src0: ub(src + r * 256), scalar, repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

/** dst = op(src) over `elems` contiguous elements. */
export function vUnary(e: Emitter, op: UnaryOp, dt: Dtype, dst: number, src: number, elems: number): void {
  const l = lanesOf(dt);
  e.repeatRuns(repeatsOf(elems, l), (r, n) =>
    e.b.emit(op, { dtype: dt, dst: ub(dst + r * 256), src0: ub(src + r * 256), repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

/**
 * dst = op(src0, src1) over `elems` elements. dst and src0 are contiguous; src1 is contiguous too
 * unless `src1Stride` says otherwise (rep 0 reuses one repeat of it, blk 0 one 32 B block).
 */
export function vBinary(e: Emitter, op: BinaryOp, dt: Dtype, dst: number, src0: number, src1: number, elems: number, src1Stride: Stride = { blk: 1, rep: 8 }): void {
  const l = lanesOf(dt);
  e.repeatRuns(repeatsOf(elems, l), (r, n) =>
    e.b.emit(op, {
      dtype: dt,
      dst: ub(dst + r * 256),
      src0: ub(src0 + r * 256),
      src1: ub(src1 + r * src1Stride.rep * 32),
      repeat: n,
      dstBlkStride: 1,
      src0BlkStride: 1,
      src1BlkStride: src1Stride.blk,
      dstRepStride: 8,
      src0RepStride: 8,
      src1RepStride: src1Stride.rep,
    }),
  );
}

/**
 * A binary op with explicit strides for every operand, `repeats` repeats starting at the given
 * addresses (used to sweep a column group down the rows of a tile).
 */
export function vBinaryStrided(e: Emitter, op: BinaryOp, dt: Dtype, at: { dst: number; src0: number; src1: number }, s: { dst: Stride; src0: Stride; src1: Stride }, repeats: number): void {
  e.repeatRuns(repeats, (r, n) =>
    e.b.emit(op, {
      dtype: dt,
      dst: ub(at.dst + r * s.dst.rep * 32),
      src0: ub(at.src0 + r * s.src0.rep * 32),
      src1: ub(at.src1 + r * s.src1.rep * 32),
      repeat: n,
      dstBlkStride: s.dst.blk,
      src0BlkStride: s.src0.blk,
      src1BlkStride: s.src1.blk,
      dstRepStride: s.dst.rep,
      src0RepStride: s.src0.rep,
      src1RepStride: s.src1.rep,
    }),
  );
}

/** dst = cast(src) over `elems` elements, both contiguous in their own element size. */
export function vConv(e: Emitter, to: Dtype, from: Dtype, round: RoundMode, dst: number, src: number, elems: number): void {
  const l = convLanes(to, from);
  const d = contiguous(to, l);
  const s = contiguous(from, l);
  e.repeatRuns(repeatsOf(elems, l), (r, n) =>
    e.b.emit('vconv', {
      dstType: to,
      srcType: from,
      round,
      dst: ub(dst + r * d.rep * 32),
      src0: ub(src + r * s.rep * 32),
      repeat: n,
      dstBlkStride: 1,
      src0BlkStride: 1,
      dstRepStride: d.rep,
      src0RepStride: s.rep,
    }),
  );
}

/** dst = value over `elems` contiguous elements. */
export function vDup(e: Emitter, dt: Dtype, dst: number, value: number, elems: number): void {
  const l = lanesOf(dt);
  e.repeatRuns(repeatsOf(elems, l), (r, n) => e.b.emit('vdup', { dtype: dt, dst: ub(dst + r * 256), scalar: value, repeat: n, dstBlkStride: 1, dstRepStride: 8 }));
}

/** A scalar op with explicit strides, `repeats` repeats. */
export function vScalarStrided(e: Emitter, op: ScalarOp, dt: Dtype, at: { dst: number; src: number }, s: { dst: Stride; src: Stride }, scalar: number, repeats: number): void {
  e.repeatRuns(repeats, (r, n) =>
    e.b.emit(op, {
      dtype: dt,
      dst: ub(at.dst + r * s.dst.rep * 32),
      src0: ub(at.src + r * s.src.rep * 32),
      scalar,
      repeat: n,
      dstBlkStride: s.dst.blk,
      src0BlkStride: s.src.blk,
      dstRepStride: s.dst.rep,
      src0RepStride: s.src.rep,
    }),
  );
}

/** dst = value with explicit strides, `repeats` repeats. */
export function vDupStrided(e: Emitter, dt: Dtype, dst: number, s: Stride, value: number, repeats: number): void {
  e.repeatRuns(repeats, (r, n) => e.b.emit('vdup', { dtype: dt, dst: ub(dst + r * s.rep * 32), scalar: value, repeat: n, dstBlkStride: s.blk, dstRepStride: s.rep }));
}
