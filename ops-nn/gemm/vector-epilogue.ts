/**
 * Epilogues through UB with vector ops, for coupled presets (910 / 310P) where there is no
 * fixpipe: the tile comes from L0C (Nz, 32-bit), is turned into row-major rows of npad elements,
 * gets its per-column bias, and is converted:
 * - int32: unchanged; f16: fp32 -> fp16 (round to nearest even);
 * - requant, fixpipe semantics: fp32, x scale, ReLU, round, saturate [-256, 255], + offset, saturate;
 * - requant, ONNX semantics: fp32, x M, clamp to [qmin - zp, qmax - zp], round, + zp.
 * Every step rounds exactly as the reference does; int8 results are narrowed s32 -> f32 -> f16 ->
 * s8/u8, each step exact for values in range.
 */
import type { Dtype } from '../../isa/types.js';
import { mem } from '../../isa/builder.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { hardwareScale } from '../../isa/numeric/fixpipe-quant.js';
import { Emitter, ub } from '../emitter.js';
import { roundUp } from '../kernel.js';
import type { Tile } from './plan.js';
import type { GemmEpilogue } from './spec.js';

/** UB addresses of the regions the epilogue uses. */
export interface UbPlan {
  /** per-column tables: bias (s32/f32), scale (f32), offset (s32), each `params` elements */
  readonly bias: number;
  readonly scale: number;
  readonly offset: number;
  /** Nz tile straight from L0C */
  readonly work: number;
  /** ND tiles (double-buffered) */
  readonly nd: readonly number[];
}

const LANES32 = 64; // 32-bit lanes per repeat

type ScalarOp = 'vmuls' | 'vadds' | 'vmaxs' | 'vmins';

function wholeUnary(e: Emitter, dtype: Dtype, at: number, elems: number): void {
  e.repeatRuns(elems / LANES32, (r, n) =>
    e.b.emit('vrelu', { dtype, dst: ub(at + r * 256), src0: ub(at + r * 256), repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

function wholeScalar(e: Emitter, op: ScalarOp, dtype: Dtype, at: number, elems: number, scalar: number): void {
  e.repeatRuns(elems / LANES32, (r, n) =>
    e.b.emit(op, { dtype, dst: ub(at + r * 256), src0: ub(at + r * 256), scalar, repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 }),
  );
}

/** In-place conversion; narrowing compacts toward `at` (safe: each repeat reads before it writes). */
function wholeConv(e: Emitter, dstType: Dtype, srcType: Dtype, at: number, elems: number): void {
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
interface NdRows {
  readonly nd: number;
  readonly npad: number;
  readonly rows: number;
}

/** A per-column table in UB (byte address) and the column of the tile's first element in it. */
interface ColumnTable {
  readonly table: number;
  readonly c0: number;
}

/** dst[row, col] op= table[c0 + col] for every row: one instruction per 64 columns, row by row. */
function perColumn(e: Emitter, op: 'vadd' | 'vmul', dtype: Dtype, { nd, npad, rows }: NdRows, { table, c0 }: ColumnTable): void {
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

/**
 * Nz (16 x 16 fractals, column groups h rows high) -> ND rows of npad elements. A fractal row is
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

export interface VectorEpilogueArgs {
  readonly epilogue: GemmEpilogue;
  readonly bias: boolean;
  /** per-column tables are per tensor (one scale, one offset) */
  readonly uniform: boolean;
  /** index of the tile's first column in the per-column tables */
  readonly column: number;
}

/**
 * Emits the V-pipe work of one tile's epilogue, from the ND region `nd` being free to the result in
 * it; returns the byte pitch of the result rows.
 */
export function emitVectorEpilogue(e: Emitter, t: Tile, plan: UbPlan, nd: number, a: VectorEpilogueArgs): number {
  const npad = roundUp(t.cols, 32);
  const float = a.epilogue.kind === 'f16';
  nzToNd(e, t, plan.work, nd, npad);
  e.barrier('V');
  if (a.bias) {
    perColumn(e, 'vadd', float ? 'f32' : 's32', { nd, npad, rows: t.h }, { table: plan.bias, c0: a.column });
    e.barrier('V');
  }
  return emitConvertRows(e, nd, t.h, npad, plan, a);
}

/**
 * Converts `rows` ND rows of npad 32-bit accumulators at `nd` (bias already added) by the epilogue,
 * in place; returns the byte pitch of the result rows. `rows * npad` must be a multiple of 128.
 */
export function emitConvertRows(e: Emitter, nd: number, rows: number, npad: number, plan: Pick<UbPlan, 'scale' | 'offset'>, a: VectorEpilogueArgs): number {
  const elems = rows * npad;
  const ep = a.epilogue;
  const step = (f: () => void) => {
    f();
    e.barrier('V');
  };
  if (ep.kind === 'int32') return npad * 4;
  if (ep.kind === 'f16') {
    step(() => wholeConv(e, 'f16', 'f32', nd, elems));
    return npad * 2;
  }
  step(() => wholeConv(e, 'f32', 's32', nd, elems));
  if (!a.uniform) step(() => perColumn(e, 'vmul', 'f32', { nd, npad, rows }, { table: plan.scale, c0: a.column }));
  else step(() => wholeScalar(e, 'vmuls', 'f32', nd, elems, ep.semantics === 'fixpipe' ? hardwareScale(ep.scales[0]!) : ep.scales[0]!));
  const [qmin, qmax] = ep.outType === 's8' ? [-128, 127] : [0, 255];
  if (ep.semantics === 'onnx') {
    // ORT: clamp in float to [qmin - zp, qmax - zp], round half to even, add zp (exact ints).
    const zp = ep.offsets[0]!;
    step(() => wholeScalar(e, 'vmaxs', 'f32', nd, elems, qmin - zp));
    step(() => wholeScalar(e, 'vmins', 'f32', nd, elems, qmax - zp));
    step(() => wholeConv(e, 's32', 'f32', nd, elems));
    if (zp !== 0) step(() => wholeScalar(e, 'vadds', 's32', nd, elems, zp));
  } else {
    if (ep.relu) step(() => wholeUnary(e, 'f32', nd, elems));
    step(() => wholeConv(e, 's32', 'f32', nd, elems));
    step(() => wholeScalar(e, 'vmaxs', 's32', nd, elems, -256));
    step(() => wholeScalar(e, 'vmins', 's32', nd, elems, 255));
    if (!a.uniform) step(() => perColumn(e, 'vadd', 's32', { nd, npad, rows }, { table: plan.offset, c0: a.column }));
    else if (ep.offsets[0] !== 0) step(() => wholeScalar(e, 'vadds', 's32', nd, elems, ep.offsets[0]!));
    step(() => wholeScalar(e, 'vmaxs', 's32', nd, elems, qmin));
    step(() => wholeScalar(e, 'vmins', 's32', nd, elems, qmax));
  }
  step(() => wholeConv(e, 'f32', 's32', nd, elems));
  step(() => wholeConv(e, 'f16', 'f32', nd, elems));
  step(() => wholeConv(e, ep.outType, 'f16', nd, elems));
  return npad;
}
