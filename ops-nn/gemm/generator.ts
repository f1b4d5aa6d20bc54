/**
 * GEMM kernel generator (the cube side of matmul and conv). Output tiles (baseM x baseN of one
 * batch entry) are split over blocks; each block's code is straight-line behind a `bidx` dispatch.
 * Per tile the K loop (every B piece, every K chunk) runs MTE2 (GM -> L1), MTE1 (L1 -> L0A/L0B, or
 * img2col from a feature map kept in L1) and M (mmad into L0C) as a double-buffered pipeline joined
 * by queues (queues.ts lists every handoff); the epilogue runs in the fixpipe (arch 2201) or through
 * UB (coupled).
 *
 * The UB epilogue on a separated chip (arch 2201) is a mixed AIC + AIV kernel: the AIC's fixpipe
 * writes int32 tiles into a double-buffered GM workspace; both AIVs of the group convert half of
 * each tile's rows in UB, handed over through a cross-core queue.
 */
import { Emitter, gm, l1, ub } from '../emitter.js';
import { hardwareScale } from '../../isa/numeric/fixpipe-quant.js';
import type { HwConfig } from '../../hw/config/types.js';
import { OpError, ceilDiv, type Kernel, type TensorDesc } from '../kernel.js';
import { CrossQueue } from '../queue.js';
import { emitAivBlock, emitFixpipeEpilogue, emitUbEpilogue, emitWorkspaceEpilogue, FIXPIPE_QUANT, type Workspace } from './epilogues.js';
import { emitChunkLoad, emitTileMainLoop, tileChunk, tileSlab } from './main-loop.js';
import { plan, tilesOf, type Plan, type Tile } from './plan.js';
import { cubeQueues } from './queues.js';
import { tableEntries, type GemmProblem } from './spec.js';
import { checkGemmTiling, defaultGemmTiling, withResidentA, type GemmTiling } from './tiling.js';
import { maxSlabRows } from './slab.js';

/** AIVs converting each tile of a mixed kernel (each takes half of its rows). */
const AIVS_PER_TILE = 2;
/** Slots of a mixed kernel's GM workspace (double-buffered). */
const WORKSPACE_SLOTS = 2;

/** One block's code: prologue (tables, initial "free" flags), its tiles, end. */
function emitBlock(e: Emitter, pl: Plan, tiles: readonly Tile[], workspace: Workspace | undefined): void {
  const { p } = pl;
  const q = cubeQueues(e.startBlock(), pl);
  if (pl.coupled) {
    e.b.emit('copy_gm_ub', { dst: ub(0), src: gm(pl.gm.tables!.offset), blockCount: 1, blockLen: pl.gm.tables!.bytes, srcGap: 0, dstGap: 0 });
    q.tables.set();
  } else {
    if (p.bias) e.b.emit('copy_gm_l1', { dst: l1(pl.l1Bias), src: gm(pl.gm.bias!.offset), blockCount: 1, blockLen: pl.gm.bias!.bytes, srcGap: 0, dstGap: 0 });
    if (pl.gm.words) e.b.emit('copy_gm_l1', { dst: l1(pl.l1Words), src: gm(pl.gm.words.offset), blockCount: 1, blockLen: pl.gm.words.bytes, srcGap: 0, dstGap: 0 });
    if (p.bias) q.bias.set();
    if (pl.gm.words) q.tables.set();
  }
  q.l1.prime();
  q.l0.prime();
  q.l0c.prime();
  if (pl.coupled) {
    q.nd!.prime();
    q.tables.wait();
  } else {
    if (p.bias) q.bias.wait();
    if (pl.gm.words) q.tables.wait();
  }
  // A resident A (img2col feature map of a batch entry, or the A panel of a tile row) is loaded
  // when the tile needs a different one than the last; MTE1 releases the old one first.
  let loaded = '';
  tiles.forEach((tile, i) => {
    const cslot = i % pl.nL0C;
    const entry = p.aPerBatch ? tile.e : 0;
    const img2col = p.aSource.kind === 'img2col';
    const slab = img2col ? tileSlab(pl, tile) : undefined;
    const key = slab ? `${entry}:${slab.first}:${slab.rows}` : pl.t.aResident ? `${entry}:${tile.m0}` : '';
    const newPanel = key !== '' && key !== loaded;
    if (newPanel) {
      if (loaded !== '') {
        q.panel.free(0);
        q.panel.alloc(0);
      }
      const aBase = pl.gm.a!.offset + entry * pl.aBytes;
      if (slab) {
        // C1 planes of H rows x W x 32 B in GM; the slab keeps rows first .. first + rows of each.
        const cv = (p.aSource as { conv: { h: number; w: number } }).conv;
        const rowBytes = cv.w * 32;
        const planes = pl.aBytes / (cv.h * rowBytes);
        e.b.emit('copy_gm_l1', { dst: l1(0), src: gm(aBase + slab.first * rowBytes), blockCount: planes, blockLen: slab.rows * rowBytes, srcGap: (cv.h - slab.rows) * rowBytes, dstGap: 0 });
      }
      else emitChunkLoad(e, pl, tileChunk(pl, tile, 'a', { base: aBase, dst: pl.l1A[0]!, kStart: 0, kLen: p.k }));
      q.panel.enque(0);
      loaded = key;
    }
    const turn = { tile, index: i, cslot, newPanel };
    emitTileMainLoop(e, pl, q, turn);
    if (pl.coupled) emitUbEpilogue(e, pl, q, turn);
    else if (workspace) emitWorkspaceEpilogue(e, pl, q, turn, workspace);
    else emitFixpipeEpilogue(e, pl, q, turn);
  });
  // take every "free" back, as Ascend C's pipe does at the end: no flag is left set when the core ends
  q.l1.drain();
  q.l0.drain();
  q.l0c.drain();
  q.nd?.drain();
  workspace?.queue.drain(e, 'FIX', tiles.length);
  e.b.emit('end', {});
}

function checkProblem(p: GemmProblem, cfg: HwConfig): void {
  const ep = p.epilogue;
  if (!cfg.cube.dtypePairs.some(([x, y]) => x === p.aType && y === p.bType))
    throw new OpError(`the cube of ${cfg.name} does not multiply ${p.aType} x ${p.bType}`);
  if (p.place === 'fixpipe' && cfg.organisation === 'coupled') throw new OpError(`${cfg.name} has no fixpipe: use the UB epilogue`);
  if (p.place === 'ub' && cfg.organisation === 'separated' && ep.kind !== 'requant')
    throw new OpError(`the UB epilogue on ${cfg.name} exists for requantisation only: int32 and fp16 results leave through the fixpipe`);
  if (ep.kind === 'requant') {
    const cols = tableEntries(p);
    if (ep.scales.length !== cols || ep.offsets.length !== cols) throw new OpError(`requant tables need ${cols} entries (one per B matrix and column), got ${ep.scales.length} scales and ${ep.offsets.length} offsets`);
    if (p.place === 'fixpipe' && ep.semantics === 'onnx') {
      const bad = ep.scales.findIndex((s) => hardwareScale(s) !== s);
      if (bad >= 0) throw new OpError(`requant multiplier ${ep.scales[bad]} (column ${bad}) needs more than the fixpipe's 10 mantissa bits: use the unfused (GM) epilogue for exact ONNX results`);
    }
    if (ep.semantics === 'onnx' && !ep.offsets.every((o) => o === ep.offsets[0])) throw new OpError('ONNX requant takes one output zero point');
  }
}

/** Generates the GEMM kernel for `cfg`; the tiling defaults to `defaultGemmTiling`. */
export function generateGemm(p: GemmProblem, cfg: HwConfig, tiling?: Partial<GemmTiling>, name = 'gemm'): Kernel {
  checkProblem(p, cfg);
  const merged: GemmTiling = { ...defaultGemmTiling(p, cfg, tiling?.blockDim), ...tiling };
  // A user tile changes the tile count, so the default block count follows it unless given.
  const tileCount = p.batch * ceilDiv(p.m, merged.baseM) * ceilDiv(p.n, merged.baseN);
  let t: GemmTiling = tiling?.blockDim === undefined ? { ...merged, blockDim: Math.min(tileCount, cfg.cores) } : merged;
  // Unless the user chose, the resident A panel follows the final tile and block count.
  if (tiling?.aResident === undefined) t = withResidentA(p, t, cfg);
  checkGemmTiling(p, t, cfg);
  const pl = plan(p, t, cfg);
  const tiles = tilesOf(p, t);
  const per = ceilDiv(tiles.length, t.blockDim);
  // one cross-core queue for both programs of a mixed kernel, so the AIC's and the AIVs' ids agree
  const crossQueue = pl.mixed ? new CrossQueue(WORKSPACE_SLOTS, AIVS_PER_TILE) : undefined;
  const workspaceOf = (block: number): Workspace | undefined => (crossQueue ? { queue: crossQueue, block } : undefined);
  const e = new Emitter(cfg);
  e.b.emit('bidx', { rd: 1 });
  for (let b = 1; b < t.blockDim; b++) {
    e.b.emit('li', { rd: 2, imm: b });
    e.b.emit('beq', { rs1: 1, rs2: 2, target: `block${b}` });
  }
  for (let b = 0; b < t.blockDim; b++) {
    if (b > 0) e.b.label(`block${b}`);
    emitBlock(e, pl, tiles.slice(b * per, (b + 1) * per), workspaceOf(b));
  }
  const programs: Kernel['programs'] = { [pl.coupled ? 'coupled' : 'aic']: e.b.build() };
  if (crossQueue) {
    // AIV v of group b has block index b * 2 + v.
    const v = new Emitter(cfg);
    v.b.emit('bidx', { rd: 1 });
    for (let i = 1; i < AIVS_PER_TILE * t.blockDim; i++) {
      v.b.emit('li', { rd: 2, imm: i });
      v.b.emit('beq', { rs1: 1, rs2: 2, target: `aiv${i}` });
    }
    for (let i = 0; i < AIVS_PER_TILE * t.blockDim; i++) {
      if (i > 0) v.b.label(`aiv${i}`);
      const group = Math.floor(i / AIVS_PER_TILE);
      emitAivBlock(v, pl, { tiles: tiles.slice(group * per, (group + 1) * per), workspace: workspaceOf(group)!, sub: i % AIVS_PER_TILE });
    }
    programs.aiv = v.b.build();
  }
  const notes = [
    `${tiles.length} output tiles of ${t.baseM} x ${t.baseN} over ${t.blockDim} block(s); K in chunks of ${t.stepK * t.baseK}, mmad depth ${t.baseK}${p.pieces > 1 ? `; ${p.pieces} weight pieces (zero-point correction needs 9 bits)` : ''}`,
    pl.coupled
      ? 'epilogue on the vector unit through UB'
      : pl.mixed
        ? 'epilogue on the AIVs: the fixpipe writes int32 tiles to a GM workspace, each AIV converts half of each tile in UB (cross-core flags)'
        : `epilogue in the fixpipe (${p.epilogue.kind === 'requant' ? (pl.uniform ? 'REQ8' : 'VREQ8') : FIXPIPE_QUANT[p.epilogue.kind].toUpperCase()})`,
      ...(p.aSource.kind === 'img2col' && !pl.mapWhole ? [`feature map larger than L1: each tile row keeps only the input rows it reads (slabs of at most ${maxSlabRows(p.aSource.conv, t.baseM)} rows)`] : []),
  ];
  // img2col K is the group's channels padded to C0 times the window: the real K has no padding
  const realK = p.aSource.kind === 'img2col' ? p.aSource.conv.c * p.aSource.conv.kh * p.aSource.conv.kw : p.k;
  return {
    name,
    programs,
    usefulMacs: p.batch * p.m * p.n * realK,
    blockDim: t.blockDim,
    gmBytes: Math.max(...Object.values(pl.gm).map((d) => (d ? d.offset + d.bytes : 0))),
    tensors: Object.values(pl.gm).filter((d): d is TensorDesc => d !== undefined),
    notes,
    tiling: { ...t },
  };
}
