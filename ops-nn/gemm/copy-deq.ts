/**
 * The UB epilogues where the L0C -> UB path converts (features.enhancedL0cUb, 310P): the vendor's
 * way on the inference AI Core (docs/hardware.md, L0C <-> UB on 310P). Two epilogues use it:
 *
 * - 'deq-f16' requantisation (INT8): the copy dequantises s32 -> f16 on the way (copy_l0c_ub_vdeq,
 *   or copy_l0c_ub_deq for one M), h = deq(acc, M) with the arithmetic of vconv_deq / vconv_vdeq;
 *   what is left runs on the vector unit in the Nz layout (the zero point's passes, element-wise).
 * - f16 (FP16 GEMM): the copy converts f32 -> f16 on the way (copy_l0c_ub_f322f16, the float L0C
 *   to half UB DataCopy), rounding as the vector cast it replaces does.
 *
 * In both the bias enters L0C before the mmads, broadcast from the UB bias table into the tile's
 * fractals (bcast_ub_l0c, BroadCastVecToMM: int32 or float elements); the first mmad then
 * accumulates onto it. Integer adds wrap alike in any order, so for INT8 acc + bias has the bits
 * of the separate pass it replaces; an fp32 accumulator rounds each addition, so for FP16 the bias
 * is where the accumulation starts, as on the separated chips' bias table (the reference's 'init'
 * placement, biasPlacement in ops-nn/matmul/fp16.ts).
 *
 * The last pass reads the f16 Nz column groups with a block stride of one column group and writes
 * row-major rows (the cast to s8 / u8, or a bit copy for f16): the Nz -> ND reordering costs no pass
 * of its own. For INT8 the values are those of deq-epilogue.ts pass for pass (same deq, same clamps,
 * same casts), so the result bits are the same; only the instructions that produce them change.
 */
import { mem } from '../../isa/builder.js';
import type { HwConfig } from '../../hw/config/types.js';
import { FRACTAL_C } from '../../isa/shapes.js';
import { Emitter, ub } from '../emitter.js';
import { roundUp } from '../kernel.js';
import type { Plan, Tile } from './plan.js';
import { accType, tableColumn, type GemmEpilogue, type GemmProblem } from './spec.js';
import { wholeConv, wholeScalar } from './ub-passes.js';
import type { UbPlan } from './vector-epilogue.js';

type Requant = Extract<GemmEpilogue, { kind: 'requant' }>;

/** Lanes of one repeat of an f16 -> 8-bit conversion. */
const CONV_LANES = 128;
/** Columns of one Nz column group, and its bytes per row as f16. */
const GROUP = 16;
const GROUP_ROW_BYTES = GROUP * 2;

/** Output range of the 8-bit types. */
const RANGE: Readonly<Record<'s8' | 'u8', readonly [number, number]>> = { s8: [-128, 127], u8: [0, 255] };

/** What the L0C -> UB copy of a coupled GEMM converts on the way: s32 -> f16 with a scale, f32 -> f16, or nothing. */
export type CopyConversion = 'deq' | 'f16' | null;

/** The conversion on the copy of problem `p` on `cfg` (the tiler's estimate asks too, before there is a plan). */
export function copyConversionOf(p: GemmProblem, cfg: HwConfig): CopyConversion {
  if (cfg.organisation !== 'coupled' || !cfg.features.enhancedL0cUb) return null;
  const ep = p.epilogue;
  if (ep.kind === 'f16') return 'f16';
  return ep.kind === 'requant' && ep.vectorRequant === 'deq-f16' && ep.semantics === 'onnx' ? 'deq' : null;
}

export const copyConversion = (pl: Plan): CopyConversion => copyConversionOf(pl.p, pl.cfg);

/** Whether this GEMM's UB epilogue converts on the L0C -> UB copy. */
export const convertsOnCopy = (pl: Plan): boolean => copyConversion(pl) !== null;

/** Whether the bias is broadcast into L0C before the mmads (so the first mmad accumulates). */
export const biasInL0c = (pl: Plan): boolean => pl.p.bias && convertsOnCopy(pl);

/**
 * V: the bias of `tile` into L0C slot `cslot`: one instruction per 16-row block of fractals, each
 * broadcasting the tile's 16-column bias vectors (int32 or fp32, as the accumulator) into that row
 * block of every column group.
 */
export function emitBiasBroadcast(e: Emitter, pl: Plan, tile: Tile, cslot: number): void {
  const m1 = tile.h / GROUP;
  const table = pl.ub!.bias + tableColumn(pl.p, tile) * 4;
  const dtype = accType(pl.p.aType);
  for (let mb = 0; mb < m1; mb++)
    e.b.emit('bcast_ub_l0c', { dst: mem('L0C', pl.l0c[cslot]! + mb * FRACTAL_C), src: ub(table), dtype, blockCount: tile.hn / GROUP, blockLen: 1, srcGap: 0, dstGap: m1 - 1 });
}

/** V: L0C slot -> f16 Nz tile at `work`, converted on the way (one burst per column group). */
export function emitConvertingCopy(e: Emitter, pl: Plan, tile: Tile, cslot: number): void {
  const ep = pl.p.epilogue;
  const ubp = pl.ub!;
  const shape = { dst: ub(ubp.work), src: mem('L0C', pl.l0c[cslot]!), blockCount: tile.hn / GROUP, blockLen: tile.h / GROUP, srcGap: 0, dstGap: 0, relu: 0 };
  if (ep.kind !== 'requant') e.b.emit('copy_l0c_ub_f322f16', shape);
  else if (pl.uniform) e.b.emit('copy_l0c_ub_deq', { ...shape, scale: ep.scales[0]! });
  else e.b.emit('copy_l0c_ub_vdeq', { ...shape, table: ub(ubp.scale + tableColumn(pl.p, tile) * 2) });
}

/**
 * V: the rest of the epilogue after a converting copy, from the f16 Nz tile at `plan.work` to
 * result rows at `nd`; returns their byte pitch.
 */
export function emitAfterCopy(e: Emitter, tile: Tile, plan: Pick<UbPlan, 'work'>, nd: number, ep: GemmEpilogue): number {
  if (ep.kind === 'requant') return emitNzRequant(e, tile, plan, nd, ep);
  // f16 rows of hn elements: whole 32 B blocks, the width the ND region and the GM copy expect
  const pitch = tile.hn * 2;
  if (tile.hn % CONV_LANES === 0) nzToRows(e, tile, plan.work, nd, pitch, 'f16');
  else nzGroupsToRows(e, tile, plan.work, nd, pitch);
  e.barrier('V');
  return pitch;
}

/**
 * f16 Nz -> rows for a tile whose width is not whole 128-column repeats: a repeat is 8 rows of one
 * column group (source blocks consecutive, destination blocks a row apart), so every lane is used
 * where a row per repeat would leave most of the last repeat masked off. Bits are copied unchanged.
 */
function nzGroupsToRows(e: Emitter, tile: Tile, work: number, nd: number, pitch: number): void {
  const rowBlocks = pitch / 32;
  for (let g = 0; g < tile.hn / GROUP; g++)
    e.repeatRuns(tile.h / 8, (r, n) =>
      e.b.emit('vcopy', {
        dtype: 'u16',
        dst: ub(nd + r * 8 * pitch + g * GROUP_ROW_BYTES),
        src0: ub(work + (g * tile.h + r * 8) * GROUP_ROW_BYTES),
        repeat: n,
        dstBlkStride: rowBlocks,
        src0BlkStride: 1,
        dstRepStride: 8 * rowBlocks,
        src0RepStride: 8,
      }),
    );
}

/**
 * V: the rest of the requantisation, from the f16 Nz tile at `plan.work` to rows of 8-bit results
 * at `nd`; returns their byte pitch.
 */
export function emitNzRequant(e: Emitter, tile: Tile, plan: Pick<UbPlan, 'work'>, nd: number, ep: Requant): number {
  const elems = tile.h * tile.hn;
  const step = (f: () => void) => {
    f();
    e.barrier('V');
  };
  const zp = ep.offsets[0]!;
  if (zp !== 0) {
    // y = RNE(clamp(h, qmin - zp, qmax - zp)) + zp, as deq-epilogue.ts: element-wise, so in Nz
    const [qmin, qmax] = RANGE[ep.outType];
    step(() => wholeScalar(e, 'vmaxs', 'f16', plan.work, elems, qmin - zp));
    step(() => wholeScalar(e, 'vmins', 'f16', plan.work, elems, qmax - zp));
    step(() => wholeConv(e, 's16', 'f16', plan.work, elems));
    step(() => wholeScalar(e, 'vadds', 's16', plan.work, elems, zp));
    step(() => wholeConv(e, 'f16', 's16', plan.work, elems));
  }
  const npad = roundUp(tile.cols, 32);
  step(() => nzToRows(e, tile, plan.work, nd, npad, ep.outType));
  return npad;
}

/** Output types of the last pass: 8-bit results of a cast, or the f16 bits themselves. */
type RowType = 's8' | 'u8' | 'f16';

/**
 * f16 Nz -> rows of `pitch` bytes: a repeat is one row of 128 columns, its 8 source blocks the row
 * in 8 consecutive column groups (block stride: one column group, h blocks), its destination blocks
 * the row's 128 elements (4 blocks of 8-bit results, or 8 of f16 copied bit for bit); rows are
 * repeats. A last chunk narrower than 128 columns runs under a mask.
 */
function nzToRows(e: Emitter, tile: Tile, work: number, nd: number, pitch: number, outType: RowType): void {
  const size = outType === 'f16' ? 2 : 1;
  for (let c = 0; c < tile.hn; c += CONV_LANES) {
    const partial = tile.hn - c < CONV_LANES;
    if (partial) e.b.emit('set_mask_count', { count: tile.hn - c });
    e.repeatRuns(tile.h, (r, n) => {
      const dst = ub(nd + r * pitch + c * size);
      const src0 = ub(work + (c / GROUP) * tile.h * GROUP_ROW_BYTES + r * GROUP_ROW_BYTES);
      const strides = { repeat: n, dstBlkStride: 1, src0BlkStride: tile.h, dstRepStride: pitch / 32, src0RepStride: 1 };
      if (outType === 'f16') e.b.emit('vcopy', { dtype: 'u16', dst, src0, ...strides });
      else e.b.emit('vconv', { dstType: outType, srcType: 'f16', round: 'rint', dst, src0, ...strides });
    });
    if (partial) e.b.emit('set_mask_count', { count: CONV_LANES });
  }
}
