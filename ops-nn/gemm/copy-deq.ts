/**
 * The 'deq-f16' requantisation where the L0C -> UB path converts (features.enhancedL0cUb, 310P): the
 * vendor's way on the inference AI Core (docs/hardware.md, L0C <-> UB on 310P).
 *
 * - The int32 bias enters L0C before the mmads, broadcast from the UB bias table into the tile's
 *   fractals (bcast_ub_l0c, BroadCastVecToMM); the first mmad then accumulates onto it. Integer adds
 *   wrap alike in any order, so acc + bias has the bits of the separate pass it replaces.
 * - The copy out of L0C dequantises on the way (copy_l0c_ub_vdeq, or copy_l0c_ub_deq for one M):
 *   f16 Nz tiles in UB, h = deq(acc, M) with the arithmetic of vconv_deq / vconv_vdeq.
 * - What is left runs on the vector unit in the Nz layout (the zero point's passes, element-wise), and
 *   the last pass, f16 -> s8 / u8, reads the Nz column groups with a block stride of one column group
 *   and writes row-major rows: the Nz -> ND reordering costs no pass of its own.
 *
 * The values are those of deq-epilogue.ts pass for pass (same deq, same clamps, same casts), so the
 * result bits are the same; only the instructions that produce them change.
 */
import { mem } from '../../isa/builder.js';
import type { Dtype } from '../../isa/types.js';
import { FRACTAL_C } from '../../isa/shapes.js';
import { Emitter, ub } from '../emitter.js';
import { roundUp } from '../kernel.js';
import { tableColumn } from './main-loop.js';
import type { Plan, Tile } from './plan.js';
import type { GemmEpilogue } from './spec.js';
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

/** Whether this GEMM's UB epilogue dequantises on the L0C -> UB copy. */
export function convertsOnCopy(pl: Plan): boolean {
  const ep = pl.p.epilogue;
  return pl.coupled && pl.cfg.features.enhancedL0cUb && ep.kind === 'requant' && ep.vectorRequant === 'deq-f16' && ep.semantics === 'onnx';
}

/** Whether the bias is broadcast into L0C before the mmads (so the first mmad accumulates). */
export const biasInL0c = (pl: Plan): boolean => pl.p.bias && convertsOnCopy(pl);

/**
 * V: the bias of `tile` into L0C slot `cslot`: one instruction per 16-row block of fractals, each
 * broadcasting the tile's 16-column bias vectors into that row block of every column group.
 */
export function emitBiasBroadcast(e: Emitter, pl: Plan, tile: Tile, cslot: number): void {
  const m1 = tile.h / GROUP;
  const table = pl.ub!.bias + tableColumn(pl.p, tile) * 4;
  for (let mb = 0; mb < m1; mb++)
    e.b.emit('bcast_ub_l0c', { dst: mem('L0C', pl.l0c[cslot]! + mb * FRACTAL_C), src: ub(table), dtype: 's32', blockCount: tile.hn / GROUP, blockLen: 1, srcGap: 0, dstGap: m1 - 1 });
}

/** V: L0C slot -> f16 Nz tile at `work`, dequantised on the way (one burst per column group). */
export function emitDeqCopy(e: Emitter, pl: Plan, tile: Tile, cslot: number): void {
  const ep = pl.p.epilogue as Requant;
  const ubp = pl.ub!;
  const shape = { dst: ub(ubp.work), src: mem('L0C', pl.l0c[cslot]!), blockCount: tile.hn / GROUP, blockLen: tile.h / GROUP, srcGap: 0, dstGap: 0, relu: 0 };
  if (pl.uniform) e.b.emit('copy_l0c_ub_deq', { ...shape, scale: ep.scales[0]! });
  else e.b.emit('copy_l0c_ub_vdeq', { ...shape, table: ub(ubp.scale + tableColumn(pl.p, tile) * 2) });
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

/**
 * f16 Nz -> 8-bit rows: a repeat is one row of 128 columns, its 8 source blocks the row in 8
 * consecutive column groups (block stride: one column group, h blocks), its 4 destination blocks
 * the row's 128 bytes; rows are repeats. A last chunk narrower than 128 columns runs under a mask.
 */
function nzToRows(e: Emitter, tile: Tile, work: number, nd: number, npad: number, outType: Dtype): void {
  for (let c = 0; c < tile.hn; c += CONV_LANES) {
    const partial = tile.hn - c < CONV_LANES;
    if (partial) e.b.emit('set_mask_count', { count: tile.hn - c });
    e.repeatRuns(tile.h, (r, n) =>
      e.b.emit('vconv', {
        dstType: outType,
        srcType: 'f16',
        round: 'rint',
        dst: ub(nd + r * npad + c),
        src0: ub(work + (c / GROUP) * tile.h * GROUP_ROW_BYTES + r * GROUP_ROW_BYTES),
        repeat: n,
        dstBlkStride: 1,
        src0BlkStride: tile.h,
        dstRepStride: npad / 32,
        src0RepStride: 1,
      }),
    );
    if (partial) e.b.emit('set_mask_count', { count: CONV_LANES });
  }
}
