/**
 * How a GEMM tile leaves L0C: through the fixpipe (arch 2201), through UB with vector ops (coupled
 * presets), or as the mixed AIC + AIV kernel (UB epilogue on arch 2201: int32 tiles through a GM
 * workspace, converted by the two AIVs of the group, handed over with cross-core flags).
 */
import { mem } from '../../isa/builder.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { Emitter, gm, l1, ub } from '../emitter.js';
import { roundUp } from '../kernel.js';
import type { CrossQueue } from '../queue.js';
import { hasBias } from './main-loop.js';
import { tableColumn } from './spec.js';
import { slots, type Plan, type Tile, type TileTurn } from './plan.js';
import { aivQueues, type CubeQueues } from './queues.js';
import { accType, columnsOf, outTypeOf, type GemmProblem } from './spec.js';
import { emitConvertRows, emitVectorEpilogue } from './vector-epilogue.js';
import { biasInL0c, convertsOnCopy, emitAfterCopy, emitBiasBroadcast, emitConvertingCopy } from './copy-deq.js';

/** GM element offset of a tile's first output element; a K slice's tile goes to its slice of the workspace (split.ts). */
export const yElement = (p: GemmProblem, tile: Tile) =>
  ((tile.slice?.index ?? 0) * (p.batch / p.groups) * p.m + Math.floor(tile.e / p.groups) * p.m + tile.m0) * columnsOf(p) + (tile.e % p.groups) * p.n + tile.n0;

export const FIXPIPE_QUANT = { int32: 'none', f16: 'f322f16' } as const;

export function emitFixpipeEpilogue(e: Emitter, pl: Plan, q: CubeQueues, { tile, cslot }: TileTurn): void {
  const { p } = pl;
  const ep = p.epilogue;
  const column = tableColumn(p, tile);
  const outType = outTypeOf(ep);
  q.l0c.deque(cslot);
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
  q.l0c.free(cslot);
}

/**
 * The coupled epilogue of one tile. `refill`: the tile that takes this L0C slot next, when its bias
 * is broadcast into L0C (copy-deq.ts) right after this tile's copy leaves the slot.
 */
export function emitUbEpilogue(e: Emitter, pl: Plan, q: CubeQueues, { tile, cslot, index }: TileTurn, refill?: Tile): void {
  const { p } = pl;
  const ubp = pl.ub!;
  const nq = q.nd!;
  const dslot = index % nq.depth;
  const nd = ubp.nd[dslot]!;
  const outSize = DTYPE_BYTES[outTypeOf(p.epilogue)];
  q.l0c.deque(cslot);
  e.barrier('V'); // the previous tile's Nz -> ND still reads the work region
  const onCopy = convertsOnCopy(pl);
  if (onCopy) emitConvertingCopy(e, pl, tile, cslot);
  else e.b.emit('copy_l0c_ub', { dst: ub(ubp.work), src: mem('L0C', pl.l0c[cslot]!), blockCount: 1, blockLen: (tile.h / 16) * (tile.hn / 16), srcGap: 0, dstGap: 0 });
  if (refill && biasInL0c(pl)) {
    // the slot's next tile starts from its bias: broadcast it once this tile has left the slot
    e.barrier('V');
    emitBiasBroadcast(e, pl, refill, cslot);
  }
  q.l0c.free(cslot);
  e.barrier('V');
  nq.alloc(dslot);
  const pitch = onCopy
    ? emitAfterCopy(e, tile, ubp, nd, p.epilogue)
    : emitVectorEpilogue(e, tile, ubp, nd, { epilogue: p.epilogue, bias: hasBias(p, tile), uniform: pl.uniform, column: tableColumn(p, tile) });
  nq.enque(dslot);
  nq.deque(dslot);
  const rowBytes = tile.cols * outSize;
  e.b.emit('copy_ub_gm', {
    dst: gm(pl.gm.y!.offset + yElement(p, tile) * outSize),
    src: ub(nd),
    blockCount: tile.rows,
    blockLen: rowBytes,
    srcGap: (pitch - roundUp(rowBytes, 32)) / 32,
    dstGap: (columnsOf(p) - tile.cols) * outSize,
  });
  nq.free(dslot);
}

/** The workspace of a mixed kernel's block: its cross-core queue and the block's index. */
export interface Workspace {
  readonly queue: CrossQueue;
  readonly block: number;
}

/** AIC side of the mixed epilogue: int32 tile into the block's workspace slot, then tell the AIVs. */
export function emitWorkspaceEpilogue(e: Emitter, pl: Plan, q: CubeQueues, { tile, cslot, index }: TileTurn, { queue, block }: Workspace): void {
  const s = index % queue.depth;
  q.l0c.deque(cslot);
  // every slot starts empty; from the second round on, wait until the AIVs read it
  if (index >= queue.depth) queue.alloc(e, 'FIX', s);
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
  q.l0c.free(cslot);
  queue.enque(e, 'FIX', s);
}

/** Rows of tile a sub-core (0 or 1) of the group converts: halves rounded to 4 rows. */
function rowsOf(tile: Tile, sub: number): { first: number; count: number; padded: number } {
  const half = roundUp(Math.ceil(tile.rows / 2), 4);
  const first = sub * half;
  const count = Math.max(0, Math.min(half, tile.rows - first));
  return { first, count, padded: roundUp(count, 4) };
}

/** One AIV of a mixed kernel's group: the group's tiles and workspace, and which AIV (0 or 1) it is. */
export interface AivBlock {
  readonly tiles: readonly Tile[];
  readonly workspace: Workspace;
  readonly sub: number;
}

/** One AIV's code in the mixed kernel: load its rows of each tile, convert them, store them. */
export function emitAivBlock(e: Emitter, pl: Plan, { tiles, workspace, sub }: AivBlock): void {
  const { p, t } = pl;
  const { queue: ws, block } = workspace;
  const q = aivQueues(e.startBlock());
  const tables = pl.gm.tables!;
  const params = tables.dims[1]!;
  const half = roundUp(Math.ceil(t.baseM / 2), 4);
  const work = slots(tables.bytes, half * roundUp(t.baseN, 32) * 4, 2);
  e.b.emit('copy_gm_ub', { dst: ub(0), src: gm(tables.offset), blockCount: 1, blockLen: tables.bytes, srcGap: 0, dstGap: 0 });
  q.tables.set();
  q.load.prime();
  q.tables.wait();
  tiles.forEach((tile, index) => {
    const s = index % ws.depth;
    const npad = roundUp(tile.cols, 32);
    const r = rowsOf(tile, sub);
    ws.deque(e, 'MTE2', s);
    q.load.alloc(s);
    if (r.count > 0)
      e.b.emit('copy_gm_ub', { dst: ub(work[s]!), src: gm(pl.gm.workspace!.offset + (block * 2 + s) * pl.slotBytes + r.first * npad * 4), blockCount: 1, blockLen: r.count * npad * 4, srcGap: 0, dstGap: 0 });
    ws.free(e, 'MTE2', s);
    q.load.enque(s);
    q.load.deque(s);
    let pitch = npad;
    if (r.count > 0) pitch = emitConvertRows(e, work[s]!, r.padded, npad, { scale: params * 4, offset: 2 * params * 4 }, { epilogue: p.epilogue, bias: false, uniform: pl.uniform, column: tableColumn(p, tile) });
    q.convert.enque(s);
    q.convert.deque(s);
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
    q.load.free(s);
  });
  q.load.drain();
  e.b.emit('end', {});
}
