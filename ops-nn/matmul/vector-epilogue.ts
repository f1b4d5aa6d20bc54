/**
 * Requantisation through UB with vector ops, for coupled presets (910 / 310P), where there is no
 * fixpipe: L0C -> UB (Nz, s32), Nz -> ND, bias, int32 -> fp32, scale, ReLU, round to int32,
 * saturate to [-256, 255], offset, saturate to the output type, narrow to int8. Every step rounds
 * exactly as the fixpipe datapath does, so both paths give the same bits.
 */
import type { Dtype } from '../../isa/types.js';
import { mem } from '../../isa/builder.js';
import { Emitter, ub } from '../emitter.js';
import { roundUp } from '../kernel.js';
import type { MatmulSpec } from './spec.js';

/** One output tile: rows m0.. (rows of them, H = rows rounded to 16) and columns n0.. (cols, Hn). */
export interface Tile {
  readonly m0: number;
  readonly rows: number;
  readonly h: number;
  readonly n0: number;
  readonly cols: number;
  readonly hn: number;
}

/** UB addresses of the regions the epilogue uses. */
export interface UbPlan {
  /** per-column tables: bias (s32), hardware scale (f32), offset (s32), each `params` elements */
  readonly bias: number;
  readonly scale: number;
  readonly offset: number;
  /** Nz s32 tile straight from L0C */
  readonly work: number;
  /** ND tiles (double-buffered) */
  readonly nd: readonly number[];
}

const LANES32 = 64; // 32-bit lanes per repeat

/** A vector op over `elems` 32-bit elements starting at `at`, dst = src (in place). */
function wholeUnary(e: Emitter, op: 'vrelu', dtype: Dtype, at: number, elems: number): void {
  e.repeatRuns(elems / LANES32, (r, n) =>
    e.b.emit(op, { dtype, dst: ub(at + r * 256), src0: ub(at + r * 256), repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

function wholeScalar(e: Emitter, op: 'vmuls' | 'vadds' | 'vmaxs' | 'vmins', dtype: Dtype, at: number, elems: number, scalar: number): void {
  e.repeatRuns(elems / LANES32, (r, n) =>
    e.b.emit(op, { dtype, dst: ub(at + r * 256), src0: ub(at + r * 256), scalar, repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

/** In-place conversion; narrowing compacts toward `at` (safe: each repeat reads before it writes). */
function wholeConv(e: Emitter, dstType: Dtype, srcType: Dtype, at: number, elems: number, srcSize: number, dstSize: number): void {
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

/** dst[row, col] op= table[n0 + col] for every row: one instruction per 64 columns, row by row. */
function perColumn(e: Emitter, op: 'vadd' | 'vmul', dtype: Dtype, nd: number, npad: number, rows: number, table: number, n0: number): void {
  for (let c = 0; c < npad; c += LANES32) {
    const half = npad - c < LANES32;
    if (half) e.b.emit('set_mask_count', { count: npad - c });
    e.repeatRuns(rows, (r, n) => {
      const at = nd + (r * npad + c) * 4;
      e.b.emit(op, {
        dtype,
        dst: ub(at),
        src0: ub(at),
        src1: mem('UB', table + (n0 + c) * 4),
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

/**
 * Nz (16 x 16 fractals, column groups H rows high) -> ND rows of npad elements. A fractal row is
 * two 32 B blocks; copying each half separately makes both strides uniform.
 */
function nzToNd(e: Emitter, t: Tile, work: number, nd: number, npad: number): void {
  for (let nb = 0; nb < t.hn / 16; nb++)
    for (let half = 0; half < 2; half++)
      e.repeatRuns(t.h / 8, (r, n) =>
        e.b.emit('vcopy', {
          dtype: 'u32',
          dst: ub(nd + r * 8 * npad * 4 + nb * 64 + half * 32),
          src0: ub(work + (nb * t.h + r * 8) * 64 + half * 32),
          repeat: n,
          dstBlkStride: npad / 8,
          src0BlkStride: 2,
          dstRepStride: npad,
          src0RepStride: 16,
        }),
      );
}

/** Emits the V-pipe part of one tile's epilogue, from the ND region `nd` being free to int8 in it. */
export function emitVectorRequant(e: Emitter, s: MatmulSpec, t: Tile, plan: UbPlan, nd: number, perChannel: boolean, scale: number, offset: number): void {
  const npad = roundUp(t.cols, 32);
  const elems = t.h * npad;
  const step = (f: () => void) => {
    f();
    e.barrier('V');
  };
  step(() => nzToNd(e, t, plan.work, nd, npad));
  if (s.bias) step(() => perColumn(e, 'vadd', 's32', nd, npad, t.h, plan.bias, t.n0));
  step(() => wholeConv(e, 'f32', 's32', nd, elems, 4, 4));
  if (perChannel) step(() => perColumn(e, 'vmul', 'f32', nd, npad, t.h, plan.scale, t.n0));
  else step(() => wholeScalar(e, 'vmuls', 'f32', nd, elems, scale));
  if (s.relu) step(() => wholeUnary(e, 'vrelu', 'f32', nd, elems));
  step(() => wholeConv(e, 's32', 'f32', nd, elems, 4, 4));
  step(() => wholeScalar(e, 'vmaxs', 's32', nd, elems, -256));
  step(() => wholeScalar(e, 'vmins', 's32', nd, elems, 255));
  if (perChannel) step(() => perColumn(e, 'vadd', 's32', nd, npad, t.h, plan.offset, t.n0));
  else if (offset !== 0) step(() => wholeScalar(e, 'vadds', 's32', nd, elems, offset));
  const [lo, hi] = s.outType === 's8' ? [-128, 127] : [0, 255];
  step(() => wholeScalar(e, 'vmaxs', 's32', nd, elems, lo));
  step(() => wholeScalar(e, 'vmins', 's32', nd, elems, hi));
  step(() => wholeConv(e, 'f32', 's32', nd, elems, 4, 4));
  step(() => wholeConv(e, 'f16', 'f32', nd, elems, 4, 2));
  step(() => wholeConv(e, s.outType, 'f16', nd, elems, 2, 1));
}
