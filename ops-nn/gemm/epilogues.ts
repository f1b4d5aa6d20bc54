/**
 * How a GEMM tile leaves L0C: through the fixpipe (arch 2201), through UB with vector ops (coupled
 * presets), or as the mixed AIC + AIV kernel (UB epilogue on arch 2201: int32 tiles through a GM
 * workspace, converted by the two AIVs of the group, handed over with cross-core flags).
 */
import { mem } from '../../isa/builder.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { Emitter, gm, l1, ub } from '../emitter.js';
import { roundUp } from '../kernel.js';
import { tableColumn } from './main-loop.js';
import { slots, type Plan } from './plan.js';
import { accType, columnsOf, outTypeOf, type GemmProblem } from './spec.js';
import { emitConvertRows, emitVectorEpilogue, type Tile } from './vector-epilogue.js';

/** GM element offset of a tile's first output element. */
export const yElement = (p: GemmProblem, tile: Tile) => (Math.floor(tile.e / p.groups) * p.m + tile.m0) * columnsOf(p) + (tile.e % p.groups) * p.n + tile.n0;

export const FIXPIPE_QUANT = { int32: 'none', f16: 'f322f16' } as const;

export function emitFixpipeEpilogue(e: Emitter, pl: Plan, tile: Tile, cslot: number): void {
  const { p } = pl;
  const ep = p.epilogue;
  const column = tableColumn(p, tile);
  const outType = outTypeOf(ep);
  e.wait('M', 'FIX', cslot);
  if (pl.gm.words) e.b.emit('copy_l1_fb', { dst: mem('FB', 0), src: l1(pl.l1Words + column * 8), blockCount: 1, blockLen: tile.cols * 8, srcGap: 0, dstGap: 0 });
  e.b.emit('fixpipe', {
    dst: gm(pl.gm.y!.offset + yElement(p, tile) * DTYPE_BYTES[outType]),
    src: mem('L0C', pl.l0c[cslot]!),
    srcType: accType(p.aType),
    dstType: outType,
    m: tile.rows,
    n: tile.cols,
    srcStride: tile.h,
    dstStride: columnsOf(p),
    quant: ep.kind === 'requant' ? (pl.uniform ? 'req8' : 'vreq8') : FIXPIPE_QUANT[ep.kind],
    scale: ep.kind === 'requant' ? ep.scales[0]! : 1,
    offset: ep.kind === 'requant' ? ep.offsets[0]! : 0,
    table: mem('FB', 0),
    relu: ep.kind === 'requant' && ep.relu ? 1 : 0,
    nz2nd: 1,
  });
  e.set('FIX', 'M', cslot);
}

export function emitUbEpilogue(e: Emitter, pl: Plan, tile: Tile, cslot: number, dslot: number): void {
  const { p } = pl;
  const ubp = pl.ub!;
  const nd = ubp.nd[dslot]!;
  const outSize = DTYPE_BYTES[outTypeOf(p.epilogue)];
  e.wait('M', 'V', cslot);
  e.barrier('V'); // the previous tile's Nz -> ND still reads the work region
  e.b.emit('copy_l0c_ub', { dst: ub(ubp.work), src: mem('L0C', pl.l0c[cslot]!), blockCount: 1, blockLen: (tile.h / 16) * (tile.hn / 16), srcGap: 0, dstGap: 0 });
  e.set('V', 'M', cslot);
  e.barrier('V');
  e.wait('MTE3', 'V', dslot);
  const pitch = emitVectorEpilogue(e, tile, ubp, nd, { epilogue: p.epilogue, bias: p.bias, uniform: pl.uniform, column: tableColumn(p, tile) });
  e.set('V', 'MTE3', dslot);
  e.wait('V', 'MTE3', dslot);
  const rowBytes = tile.cols * outSize;
  e.b.emit('copy_ub_gm', {
    dst: gm(pl.gm.y!.offset + yElement(p, tile) * outSize),
    src: ub(nd),
    blockCount: tile.rows,
    blockLen: rowBytes,
    srcGap: (pitch - roundUp(rowBytes, 32)) / 32,
    dstGap: (columnsOf(p) - tile.cols) * outSize,
  });
  e.set('MTE3', 'V', dslot);
}

/** AIC side of the mixed epilogue: int32 tile into the block's workspace slot, then tell the AIVs. */
export function emitWorkspaceEpilogue(e: Emitter, pl: Plan, tile: Tile, cslot: number, index: number, block: number): void {
  const s = index % 2;
  e.wait('M', 'FIX', cslot);
  if (index >= 2) for (let v = 0; v < 2; v++) e.b.emit('cross_wait', { pipe: 'FIX', id: 2 + s }); // both AIVs read slot s
  e.b.emit('fixpipe', {
    dst: gm(pl.gm.workspace!.offset + (block * 2 + s) * pl.slotBytes),
    src: mem('L0C', pl.l0c[cslot]!),
    srcType: 's32',
    dstType: 's32',
    m: tile.rows,
    n: tile.cols,
    srcStride: tile.h,
    dstStride: roundUp(tile.cols, 32),
    quant: 'none',
    scale: 1,
    offset: 0,
    table: mem('FB', 0),
    relu: 0,
    nz2nd: 1,
  });
  e.set('FIX', 'M', cslot);
  e.b.emit('cross_set', { pipe: 'FIX', id: s });
}

/** Rows of tile a sub-core (0 or 1) of the group converts: halves rounded to 4 rows. */
function rowsOf(tile: Tile, sub: number): { first: number; count: number; padded: number } {
  const half = roundUp(Math.ceil(tile.rows / 2), 4);
  const first = sub * half;
  const count = Math.max(0, Math.min(half, tile.rows - first));
  return { first, count, padded: roundUp(count, 4) };
}

/** One AIV's code in the mixed kernel: load its rows of each tile, convert them, store them. */
export function emitAivBlock(e: Emitter, pl: Plan, tiles: readonly Tile[], block: number, sub: number): void {
  const { p, t } = pl;
  const tables = pl.gm.tables!;
  const params = tables.dims[1]!;
  const half = roundUp(Math.ceil(t.baseM / 2), 4);
  const work = slots(tables.bytes, half * roundUp(t.baseN, 32) * 4, 2);
  e.b.emit('copy_gm_ub', { dst: ub(0), src: gm(tables.offset), blockCount: 1, blockLen: tables.bytes, srcGap: 0, dstGap: 0 });
  e.set('MTE2', 'V', 2);
  for (let i = 0; i < 2; i++) e.set('MTE3', 'MTE2', i);
  e.wait('MTE2', 'V', 2);
  tiles.forEach((tile, index) => {
    const s = index % 2;
    const npad = roundUp(tile.cols, 32);
    const r = rowsOf(tile, sub);
    e.b.emit('cross_wait', { pipe: 'MTE2', id: s });
    e.wait('MTE3', 'MTE2', s);
    if (r.count > 0)
      e.b.emit('copy_gm_ub', { dst: ub(work[s]!), src: gm(pl.gm.workspace!.offset + (block * 2 + s) * pl.slotBytes + r.first * npad * 4), blockCount: 1, blockLen: r.count * npad * 4, srcGap: 0, dstGap: 0 });
    e.b.emit('cross_set', { pipe: 'MTE2', id: 2 + s });
    e.set('MTE2', 'V', s);
    e.wait('MTE2', 'V', s);
    let pitch = npad;
    if (r.count > 0) pitch = emitConvertRows(e, work[s]!, r.padded, npad, { scale: params * 4, offset: 2 * params * 4 }, { epilogue: p.epilogue, bias: false, uniform: pl.uniform, column: tableColumn(p, tile) });
    e.set('V', 'MTE3', s);
    e.wait('V', 'MTE3', s);
    if (r.count > 0) {
      const outSize = DTYPE_BYTES[outTypeOf(p.epilogue)];
      e.b.emit('copy_ub_gm', {
        dst: gm(pl.gm.y!.offset + (yElement(p, tile) + r.first * columnsOf(p)) * outSize),
        src: ub(work[s]!),
        blockCount: r.count,
        blockLen: tile.cols * outSize,
        srcGap: (pitch - roundUp(tile.cols * outSize, 32)) / 32,
        dstGap: (columnsOf(p) - tile.cols) * outSize,
      });
    }
    e.set('MTE3', 'MTE2', s);
  });
  e.b.emit('end', {});
}
