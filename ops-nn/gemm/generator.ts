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
import { biasInL0c, emitBiasBroadcast } from './copy-deq.js';
import { plan, type Plan, type Tile, type TileTurn } from './plan.js';
import { cubeQueues, type CubeQueues } from './queues.js';
import { tableEntries, type GemmProblem } from './spec.js';
import { capBlocks, checkGemmTiling, featureMapPlan, kChunks, kSlices, withResidentA, type GemmTiling } from './tiling.js';
import { chooseGemmTiling, tilerNotes, type TilerChoice } from './tiler.js';
import { blockTiles } from './blocks.js';
import { entryRuns, type EntryMark, type EntryRegions } from './image-loops.js';
import { emitFolded } from './loop-fold.js';
import { tileRuns } from './tile-loops.js';
import { bandOf, maxSlabRows, type Slab } from './slab.js';
import type { ConvGeom } from './spec.js';

/** AIVs converting each tile of a mixed kernel (each takes half of its rows). */
const AIVS_PER_TILE = 2;
/** Slots of a mixed kernel's GM workspace (double-buffered). */
const WORKSPACE_SLOTS = 2;

/** One block's code: prologue (tables, initial "free" flags), its tiles, end. */
function emitBlock(e: Emitter, pl: Plan, tiles: readonly Tile[], workspace: Workspace | undefined, marks?: EntryMark[], tileMarks?: number[]): void {
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
  // bias in L0C: each slot's first tile gets its bias before the slot is first handed to M
  const l0cBias = biasInL0c(pl);
  if (l0cBias) {
    q.tables.wait();
    for (let s = 0; s < Math.min(pl.nL0C, tiles.length); s++) emitBiasBroadcast(e, pl, tiles[s]!, s);
  }
  q.l0c.prime();
  if (pl.coupled) {
    q.nd!.prime();
    if (!l0cBias) q.tables.wait();
  } else {
    if (p.bias) q.bias.wait();
    if (pl.gm.words) q.tables.wait();
  }
  // A resident A (img2col feature map of a batch entry, or the A panel of a tile row) is loaded
  // when the tile needs a different one than the last; MTE1 releases the old one first.
  let loaded = '';
  let aPanel = -1;
  const img2col = p.aSource.kind === 'img2col';
  const bands = img2col ? blockBands(pl, tiles) : undefined;
  const bPanels = pl.bPanels > 0 ? bPanelTurns(e, pl, q, tiles) : undefined;
  const slabOfTile = (tile: Tile) => (img2col ? (bands!.get(tile.e) ? bandSlab(bands!.get(tile.e)!, tile) : tileSlab(pl, tile)) : undefined);
  // which resident A a tile reads: its entry's feature map (or slab of it), or its tile row's A panel
  const keyOf = (tile: Tile) => {
    const slab = slabOfTile(tile);
    const entry = p.aPerBatch ? tile.e : 0;
    return slab ? `${entry}:${slab.first}:${slab.rows}` : pl.t.aResident ? `${entry}:${tile.m0}` : '';
  };
  // two resident-A slots pay only for a block that loads more than one
  const double = pl.aPanels === 2 && new Set(tiles.map(keyOf)).size > 1;
  const aSlotOf = (k: number) => (double ? k % 2 : 0);
  if (double) q.panel.prime();
  tiles.forEach((tile, i) => {
    if (marks && (i === 0 || tiles[i - 1]!.e !== tile.e)) marks.push({ pc: e.b.pc, entry: tile.e });
    tileMarks?.push(e.b.pc);
    const cslot = i % pl.nL0C;
    const entry = p.aPerBatch ? tile.e : 0;
    const slab = slabOfTile(tile);
    const key = keyOf(tile);
    const newPanel = key !== '' && key !== loaded;
    if (newPanel) {
      aPanel++;
      // two slots: MTE2 loads this panel while MTE1 still reads the last; one: it waits for the last to be freed
      if (double) q.panel.alloc(aSlotOf(aPanel));
      else if (loaded !== '') {
        q.panel.free(0);
        q.panel.alloc(0);
      }
      const aBase = pl.gm.a!.offset + entry * pl.aBytes;
      if (slab) {
        // C1 planes of H rows x W x 32 B in GM; the slab keeps rows first .. first + rows of each.
        const cv = (p.aSource as { conv: { h: number; w: number } }).conv;
        const rowBytes = cv.w * 32;
        const planes = pl.aBytes / (cv.h * rowBytes);
        e.b.emit('copy_gm_l1', { dst: l1(pl.l1A[aSlotOf(aPanel)]!), src: gm(aBase + slab.first * rowBytes), blockCount: planes, blockLen: slab.rows * rowBytes, srcGap: (cv.h - slab.rows) * rowBytes, dstGap: 0 });
      }
      else emitChunkLoad(e, pl, tileChunk(pl, tile, 'a', { base: aBase, dst: pl.l1A[aSlotOf(aPanel)]!, kStart: 0, kLen: p.k }));
      q.panel.enque(aSlotOf(aPanel));
      loaded = key;
    }
    const bPanel = bPanels?.(i);
    const turn = { tile, index: i, cslot, newPanel, aSlot: aSlotOf(Math.max(0, aPanel)), ...(slab ? { slab } : {}), ...(bPanel ? { bPanel } : {}) };
    emitTileMainLoop(e, pl, q, turn);
    if (pl.coupled) emitUbEpilogue(e, pl, q, turn, tiles[i + pl.nL0C]);
    else if (workspace) emitWorkspaceEpilogue(e, pl, q, turn, workspace);
    else emitFixpipeEpilogue(e, pl, q, turn);
    // two slots: MTE1 frees a resident A after the last tile that reads it
    if (double && key !== '' && (i === tiles.length - 1 || keyOf(tiles[i + 1]!) !== key)) q.panel.free(aSlotOf(aPanel));
  });
  marks?.push({ pc: e.b.pc, entry: -1 });
  tileMarks?.push(e.b.pc);
  if (double) q.panel.drain();
  // take every "free" back, as Ascend C's pipe does at the end: no flag is left set when the core ends
  q.l1.drain();
  q.l0.drain();
  q.l0c.drain();
  q.nd?.drain();
  workspace?.queue.drain(e, 'FIX', tiles.length);
  e.b.emit('end', {});
}

/**
 * The input rows each batch entry's tiles of one block read, when the whole feature map fits in L1:
 * the block loads that band once (its output rows' input rows, plus the halo) instead of the whole
 * map, so the cores of a multi-core conv do not each read all of it. A band that is the whole map is
 * left out (the whole map is loaded as before).
 */
function blockBands(pl: Plan, tiles: readonly Tile[]): Map<number, { band: Slab; m0: number }> {
  const out = new Map<number, { band: Slab; m0: number }>();
  if (!pl.mapWhole) return out;
  const cv = (pl.p.aSource as { conv: ConvGeom }).conv;
  const entries = new Map<number, { first: number; end: number }>();
  for (const t of tiles) {
    const r = entries.get(t.e);
    entries.set(t.e, { first: Math.min(r?.first ?? t.m0, t.m0), end: Math.max(r?.end ?? 0, t.m0 + t.rows) });
  }
  for (const [e, r] of entries) {
    const band = bandOf(cv, r.first, r.end);
    if (band) out.set(e, { band, m0: r.first });
  }
  return out;
}

/** The key of a tile's B panel: its B matrix and its columns. */
const bPanelKey = (p: GemmProblem, t: Tile) => `${t.e % p.bCount}:${t.n0}`;

/**
 * Resident B panels (plan.bPanels > 0): the block's tiles run column by column (tilesForBlock). On a
 * column's first tile MTE2 loads its panel (every piece, all of K) chunk by chunk through the l1
 * queue, so the first tile computes as the chunks arrive, as when B streams; the column's later tiles
 * read the panel. Returns, per tile index, the tile's panel turn; call it in tile order (it emits the loads).
 */
function bPanelTurns(e: Emitter, pl: Plan, q: CubeQueues, tiles: readonly Tile[]): (i: number) => TileTurn['bPanel'] {
  const { p, t } = pl;
  const kL1 = t.stepK * t.baseK;
  const chunks = ceilDiv(p.k, kL1);
  let allocs = 0;
  let fill = 0;
  return (i) => {
    const tile = tiles[i]!;
    const filling = i === 0 || bPanelKey(p, tiles[i - 1]!) !== bPanelKey(p, tile);
    if (filling) {
      fill = allocs;
      for (let piece = 0; piece < p.pieces; piece++) {
        const base = pl.gm.b!.offset + (piece * p.bCount + (tile.e % p.bCount)) * pl.bBytes;
        for (let ch = 0; ch < chunks; ch++) {
          const slot = allocs++ % pl.nL1;
          const kStart = ch * kL1;
          q.l1.alloc(slot);
          emitChunkLoad(e, pl, tileChunk(pl, tile, 'b', { base, dst: pl.l1B[0]! + piece * pl.bPieceBytes + ((kStart * pl.size) / 32) * tile.hn * 32, kStart, kLen: Math.min(kL1, p.k - kStart) }));
          q.l1.enque(slot);
        }
      }
    }
    const last = i === tiles.length - 1 || bPanelKey(p, tiles[i + 1]!) !== bPanelKey(p, tile);
    return { filling, fill, last };
  };
}

/**
 * A block's tiles in the order it runs them: as split (by rows) when B streams; with resident B
 * panels, column by column within each batch entry, so a column's panel is loaded once.
 */
export function tilesForBlock(pl: Plan, tiles: readonly Tile[]): Tile[] {
  if (pl.bPanels === 0) return [...tiles];
  return [...tiles].sort((a, b) => a.e - b.e || a.n0 - b.n0 || a.m0 - b.m0);
}

/** A tile's img2col parameters inside its block's band: the band's, with the tile's own first position. */
const bandSlab = (b: { band: Slab; m0: number }, tile: Tile): Slab => ({ ...b.band, mStart: b.band.mStart + (tile.m0 - b.m0) });

export function checkProblem(p: GemmProblem, cfg: HwConfig): void {
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

/**
 * Generates the GEMM kernel for `cfg`; fields of `tiling` the caller leaves out come from the tiler
 * (tiler.ts), which does not split K here: a split takes two launches (generateGemmLaunches, split.ts).
 */
export function generateGemm(p: GemmProblem, cfg: HwConfig, tiling?: Partial<GemmTiling>, name = 'gemm'): Kernel {
  if (tiling?.splitK !== undefined && tiling.splitK !== 1)
    throw new OpError(`splitK ${tiling.splitK}: a K split runs two launches (the partial GEMM, then the reduction): generate it with generateGemmLaunches, or use splitK 1`);
  checkProblem(p, cfg);
  return buildGemm(p, p, cfg, tiling, chooseGemmTiling(p, cfg, tiling), name);
}

/** The tiling the generator runs: the tiler's choice with the caller's fields, blocks and resident A following the final tile. */
export function finalTiling(p: GemmProblem, cfg: HwConfig, tiling: Partial<GemmTiling> | undefined, choice: TilerChoice): GemmTiling {
  const user = capBlocks(tiling, cfg);
  const merged: GemmTiling = { ...choice.tiling, ...user };
  // A user tile changes the tile count, so the default block count follows it unless given.
  const units = p.batch * ceilDiv(p.m, merged.baseM) * ceilDiv(p.n, merged.baseN) * Math.max(1, kSlices(merged)); // a bad splitK (0) is reported by checkGemmTiling, not as blockDim 0
  // A block count past the useful one (more blocks than units of work, or than the chip's cores) is
  // clamped, not refused: the extra blocks would have nothing to do (clampNote says so in the notes).
  const most = Math.min(units, cfg.cores);
  const blockDim = user?.blockDim === undefined ? most : Number.isSafeInteger(user.blockDim) && user.blockDim > most ? most : user.blockDim;
  let t: GemmTiling = merged.gridN ? merged : { ...merged, blockDim };
  // Unless the user chose, the resident A panel follows the final tile and block count.
  if (tiling?.aResident === undefined) t = withResidentA(p, t, cfg);
  return t;
}

/** The note of a requested block count finalTiling clamped. */
function clampNote(tiling: Partial<GemmTiling> | undefined, t: GemmTiling, cfg: HwConfig): string[] {
  const asked = tiling?.blockDim;
  if (asked === undefined || asked <= t.blockDim) return [];
  const why = t.blockDim < cfg.cores ? `the output has ${t.blockDim} unit(s) of work (tiles${kSlices(t) > 1 ? ' x K slices' : ''}) at this tile size` : `${cfg.name} has ${cfg.cores} cores`;
  return [`blockDim ${asked} asked for, ${t.blockDim} used: ${why}, so more blocks would have nothing to do`];
}

/**
 * The kernel of problem `p` with the tiler's `choice` (made for `tilerProblem`: the same problem, or
 * for a K split's partial launch the whole GEMM the split stands for, so the notes explain the choice).
 */
export function buildGemm(p: GemmProblem, tilerProblem: GemmProblem, cfg: HwConfig, tiling: Partial<GemmTiling> | undefined, choice: TilerChoice, name = 'gemm'): Kernel {
  const t = finalTiling(p, cfg, tiling, choice);
  checkGemmTiling(p, t, cfg);
  const pl = plan(p, t, cfg);
  const blocks = Array.from({ length: t.blockDim }, (_, b) => blockTiles(p, t, cfg.organisation, b));
  const tileTotal = blocks.reduce((n, x) => n + x.length, 0);
  const tilesOfBlock = (b: number) => blocks[b]!;
  // one cross-core queue for both programs of a mixed kernel, so the AIC's and the AIVs' ids agree
  const crossQueue = pl.mixed ? new CrossQueue(WORKSPACE_SLOTS, AIVS_PER_TILE) : undefined;
  const workspaceOf = (block: number): Workspace | undefined => (crossQueue ? { queue: crossQueue, block } : undefined);
  const e = new Emitter(cfg);
  e.b.emit('bidx', { rd: 1 });
  for (let b = 1; b < t.blockDim; b++) {
    e.b.emit('li', { rd: 2, imm: b });
    e.b.emit('beq', { rs1: 1, rs2: 2, target: `block${b}` });
  }
  const regions = entryRegions(pl);
  let looped = 0;
  let tilesLooped = 0;
  for (let b = 0; b < t.blockDim; b++) {
    if (b > 0) e.b.label(`block${b}`);
    const tiles = tilesForBlock(pl, tilesOfBlock(b));
    // generated straight-line on its own, then appended with its repeating entries, or else its
    // runs of alike tiles, as loops
    const own = new Emitter(cfg);
    const marks: EntryMark[] = [];
    const tileMarks: number[] = [];
    emitBlock(own, pl, tiles, workspaceOf(b), marks, tileMarks);
    const insns = own.b.build().insns;
    const entries = regions ? entryRuns(insns, marks, regions) : undefined;
    if (entries && entries.runs.length > 0) looped += emitFolded(e, insns, entries.segs, entries.runs, `block${b}`);
    else {
      const tiles = tileRuns(insns, tileMarks);
      tilesLooped += emitFolded(e, insns, tiles.segs, tiles.runs, `block${b}`);
    }
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
      emitAivBlock(v, pl, { tiles: tilesForBlock(pl, tilesOfBlock(group)), workspace: workspaceOf(group)!, sub: i % AIVS_PER_TILE });
    }
    programs.aiv = v.b.build();
  }
  const notes = [
    `${kSlices(t) > 1 ? `K split in ${kSlices(t)} slices of at most ${Math.ceil(kChunks(p, t) / kSlices(t))} L1 chunks: each (tile, slice) pair writes its int32 partial tile to a GM workspace, which the reduction launch adds up; ` : ''}${tileTotal / kSlices(t)} output tiles of ${t.gridN ? 'at most ' : ''}${t.baseM} x ${t.baseN} over ${t.blockDim} block(s)${t.gridN ? ` on a core grid of ${t.blockDim / t.gridN} row ranges x ${t.gridN} column ranges (each block one rectangle of the output)` : ''}; K in chunks of ${t.stepK * t.baseK}, mmad depth ${t.baseK}${p.pieces > 1 ? `; ${p.pieces} weight pieces (zero-point correction needs 9 bits)` : ''}`,
    pl.coupled
      ? 'epilogue on the vector unit through UB'
      : pl.mixed
        ? 'epilogue on the AIVs: the fixpipe writes int32 tiles to a GM workspace, each AIV converts half of each tile in UB (cross-core flags)'
        : `epilogue in the fixpipe (${p.epilogue.kind === 'requant' ? (pl.uniform ? 'REQ8' : 'VREQ8') : FIXPIPE_QUANT[p.epilogue.kind].toUpperCase()})`,
    ...(p.aSource.kind === 'img2col' && !pl.mapWhole
      ? [`${featureMapPlan(p, t, cfg).fitsWhole ? 'feature map in slabs (whole maps would move more bytes, each block running only part of one)' : 'feature map larger than L1'}: each tile row keeps only the input rows it reads (slabs of at most ${maxSlabRows(p.aSource.conv, t.baseM)} rows)`]
      : []),
    ...clampNote(tiling, t, cfg),
    ...tilerNotes(tilerProblem, cfg, choice, t),
    ...(tilesLooped > 0 ? [`${tilesLooped} of ${tileTotal} output tiles run in scalar loops (a block's run of tiles whose code differs only in addresses that move on by a constant is one loop body)`] : []),
    ...(looped > 0 ? [`${looped} of ${p.batch} batch entries run in scalar loops (a block's run of identical entries is one loop body; the scalar unit's loop instructions are timed)`] : []),
      ...(p.aSource.kind === 'img2col' && pl.mapWhole && t.blockDim > 1 ? ['feature map split over the blocks: each block loads only the input rows its output rows read, plus the halo, once per image'] : []),
      ...(pl.bPanels > 0 ? [`weights resident in L1: a block runs its tiles column by column and loads each column's B panel once (${pl.bPanels} panel slot${pl.bPanels > 1 ? 's' : ''} of ${pl.bPanelBytes} bytes)`] : []),
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

/**
 * The per-entry A and output regions of a kernel whose batch entries differ only there (one A per
 * entry, one B, no groups, no K split, not a mixed kernel), which can then run as loops; else
 * undefined.
 */
function entryRegions(pl: Plan): EntryRegions | undefined {
  const { p, t } = pl;
  if (p.batch < 2 || !p.aPerBatch || p.groups !== 1 || p.bCount !== 1 || pl.mixed || kSlices(t) > 1) return undefined;
  const a = pl.gm.a!;
  const y = pl.gm.y!;
  return {
    a: { offset: a.offset, stride: pl.aBytes, end: a.offset + a.bytes },
    y: { offset: y.offset, stride: y.bytes / p.batch, end: y.offset + y.bytes },
  };
}
