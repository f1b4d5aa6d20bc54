/**
 * Epilogues through UB with vector ops, for coupled presets (910 / 310P) where there is no
 * fixpipe: the tile comes from L0C (Nz, 32-bit), is turned into row-major rows of npad elements
 * with its per-column bias added in the same pass, and is converted:
 * - int32: unchanged; f16: fp32 -> fp16 (round to nearest even; where the L0C -> UB copy converts,
 *   310P, copy-deq.ts does it on the copy instead);
 * - requant, fixpipe semantics: fp32, x scale, ReLU, round, saturate [-256, 255], + offset, saturate;
 * - requant, ONNX semantics: fp32, x M, clamp to [qmin - zp, qmax - zp], round, + zp;
 *   or, with vectorRequant 'deq-f16', the vendor's few passes through f16 (deq-epilogue.ts).
 * Except for 'deq-f16', every step rounds exactly as the reference does; int8 results are narrowed s32 -> f32 -> f16 ->
 * s8/u8, each step exact for values in range.
 */
import { hardwareScale } from '../../isa/numeric/fixpipe-quant.js';
import { Emitter, ub } from '../emitter.js';
import { emitDeqRequant } from './deq-epilogue.js';
import { perColumn, wholeConv, wholeScalar, wholeUnary } from './ub-passes.js';
import { roundUp } from '../kernel.js';
import type { Tile } from './plan.js';
import type { GemmEpilogue } from './spec.js';

/** UB addresses of the regions the epilogue uses. */
export interface UbPlan {
  /** per-column tables: bias (s32/f32), scale (f32; f16 for 'deq-f16'), offset (s32), each `params` elements */
  readonly bias: number;
  readonly scale: number;
  readonly offset: number;
  /** Nz tile straight from L0C */
  readonly work: number;
  /** ND tiles (double-buffered) */
  readonly nd: readonly number[];
}

/**
 * Nz (16 x 16 fractals, column groups h rows high) -> ND rows of npad elements. A fractal row is
 * two 32 B blocks; copying each half separately makes both strides uniform. A repeat then covers 8
 * rows of the same 8 columns, so the per-column bias, when there is one, is a single 32 B block read
 * with block and repeat stride 0: the pass becomes a vadd that adds it on the way (one binary pass
 * instead of a copy and a separate bias pass; the same operation on the same values, so the same bits).
 */
function nzToNd(e: Emitter, t: Tile, work: number, nd: number, npad: number, bias: ColumnBias | null): void {
  for (let nb = 0; nb < t.hn / 16; nb++)
    for (let half = 0; half < 2; half++)
      e.repeatRuns(t.h / 8, (r, n) => {
        const dst = ub(nd + r * 8 * npad * 4 + nb * 64 + half * 32);
        const src0 = ub(work + (nb * t.h + r * 8) * 64 + half * 32);
        const strides = { repeat: n, dstBlkStride: npad / 8, src0BlkStride: 2, dstRepStride: npad, src0RepStride: 16 };
        if (!bias) e.b.emit('vcopy', { dtype: 'u32', dst, src0, ...strides });
        else e.b.emit('vadd', { dtype: bias.dtype, dst, src0, src1: ub(bias.table + (bias.c0 + nb * 16 + half * 8) * 4), src1BlkStride: 0, src1RepStride: 0, ...strides });
      });
}

/** The bias table in UB, the tile's first column in it and the accumulator type. */
interface ColumnBias {
  readonly table: number;
  readonly c0: number;
  readonly dtype: 's32' | 'f32';
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
  nzToNd(e, t, plan.work, nd, npad, a.bias ? { table: plan.bias, c0: a.column, dtype: float ? 'f32' : 's32' } : null);
  e.barrier('V');
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
  if (ep.vectorRequant === 'deq-f16') return emitDeqRequant(e, { nd, rows, npad, scales: a.uniform ? null : plan.scale + a.column * 2 }, ep);
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
