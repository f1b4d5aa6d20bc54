/**
 * The K loop of one GEMM tile: every B piece, every K chunk: MTE2 loads GM -> L1, MTE1 loads
 * L1 -> L0A/L0B (or img2col from the feature map), M runs the mmads, joined by the block's queues
 * (queues.ts).
 */
import { mem } from '../../isa/builder.js';
import type { Dtype } from '../../isa/types.js';
import { Emitter, gm, l1 } from '../emitter.js';
import { ceilDiv, roundUp } from '../kernel.js';
import type { Plan, Tile, TileTurn } from './plan.js';
import type { CubeQueues } from './queues.js';
import { tableColumn, type ConvGeom, type GemmProblem } from './spec.js';
import { slabOf, wholeMap, type Slab } from './slab.js';
import { biasInL0c } from './copy-deq.js';

/** A GM -> L1 copy of one K chunk of some rows of A or B^T. */
export interface ChunkLoad {
  readonly dtype: Dtype;
  /** GM offset of the matrix (A, or one B piece-matrix) and its row count */
  readonly base: number;
  readonly totalRows: number;
  /** L1 address of the slot */
  readonly dst: number;
  /** the rows: first, count, and count rounded up to 16 (the NZ height in L1) */
  readonly first: number;
  readonly count: number;
  readonly height: number;
  /** the K range: first element and length */
  readonly kStart: number;
  readonly kLen: number;
}

export function emitChunkLoad(e: Emitter, pl: Plan, c: ChunkLoad): void {
  const { p, size } = pl;
  if (!pl.coupled) {
    e.b.emit('copy_gm_l1_nd2nz', { dst: l1(c.dst), src: gm(c.base + (c.first * p.k + c.kStart) * size), dtype: c.dtype, nValue: c.count, dValue: c.kLen, srcDValue: p.k, dstNzC0Stride: c.height });
    return;
  }
  // NZ in GM (host-converted): each 32-byte K column of the tile is height * 32 contiguous bytes.
  const fullHeight = roundUp(c.totalRows, 16);
  e.b.emit('copy_gm_l1', { dst: l1(c.dst), src: gm(c.base + (((c.kStart * size) / 32) * fullHeight + c.first) * 32), blockCount: ceilDiv(c.kLen * size, 32), blockLen: c.height * 32, srcGap: (fullHeight - c.height) * 32, dstGap: 0 });
}

/** The chunk load of a tile's A rows (`which` = 'a') or B^T rows ('b'). */
export function tileChunk(pl: Plan, tile: Tile, which: 'a' | 'b', at: { base: number; dst: number; kStart: number; kLen: number }): ChunkLoad {
  const { p } = pl;
  return which === 'a'
    ? { dtype: p.aType, totalRows: p.m, first: tile.m0, count: tile.rows, height: tile.h, ...at }
    : { dtype: p.bType, totalRows: p.n, first: tile.n0, count: tile.cols, height: tile.hn, ...at };
}

interface Counters {
  /** global step (L0 slot) and chunk (L1 slot) counters within the tile */
  step: number;
  chunk: number;
}

/**
 * The K loop of one tile: every B piece, every K chunk. With a resident A (img2col feature map, or
 * an A panel kept for the tile row) only B streams per chunk; when the turn's `newPanel` is set the
 * resident A was just loaded for this tile, so MTE1 waits for it.
 */
export function emitTileMainLoop(e: Emitter, pl: Plan, q: CubeQueues, turn: TileTurn): void {
  const { p, t, k0 } = pl;
  const { tile, cslot, newPanel } = turn;
  const img2col = p.aSource.kind === 'img2col';
  const streamA = !img2col && !t.aResident;
  // resident B panels: nothing streams per chunk; the panel's l1B slot is this tile's B
  const panel = turn.bPanel;
  const kL1 = t.stepK * t.baseK;
  // a K slice runs only its chunks of every piece (blocks.ts sliceUnits); otherwise all of K
  const firstChunk = tile.slice?.first ?? 0;
  const chunks = tile.slice?.count ?? ceilDiv(p.k, kL1);
  const kBegin = firstChunk * kL1;
  const kEnd = Math.min(p.k, (firstChunk + chunks) * kL1);
  const stepsPerPiece = ceilDiv(kEnd - kBegin, t.baseK);
  const totalSteps = p.pieces * stepsPerPiece;
  const totalChunks = p.pieces * chunks;
  const aBase = pl.gm.a!.offset + (p.aPerBatch ? tile.e : 0) * pl.aBytes;
  const c: Counters = { step: 0, chunk: 0 };
  // the bias is added once: by the first K slice of a split tile (integer adds: any slice would do)
  const withBias = hasBias(p, tile);
  for (let piece = 0; piece < p.pieces; piece++) {
    const bBase = pl.gm.b!.offset + (piece * p.bCount + (tile.e % p.bCount)) * pl.bBytes;
    for (let ch = 0; ch < chunks; ch++, c.chunk++) {
      const ls = c.chunk % pl.nL1;
      const kStart = kBegin + ch * kL1;
      const kLen = Math.min(kL1, p.k - kStart);
      if (!panel) {
        q.l1.alloc(ls);
        if (streamA) emitChunkLoad(e, pl, tileChunk(pl, tile, 'a', { base: aBase, dst: pl.l1A[ls]!, kStart, kLen }));
        emitChunkLoad(e, pl, tileChunk(pl, tile, 'b', { base: bBase, dst: pl.l1B[ls]!, kStart, kLen }));
        q.l1.enque(ls);
      }
      const stepsHere = ceilDiv(kLen, t.baseK);
      for (let j = 0; j < stepsHere; j++, c.step++) {
        const g = c.step;
        const l0 = g % pl.nL0;
        const kStep = Math.min(t.baseK, kLen - j * t.baseK);
        const k1 = ceilDiv(kStep, k0);
        const kc0 = (j * t.baseK) / k0;
        // MTE1: L1 -> L0A (one LoadData per K0 column, or one img2col) and L1 -> L0B (one LoadData)
        // a resident panel's chunk arrives like a streamed one, on the column's first tile only
        const panelSlot = panel ? (panel.fill + c.chunk) % pl.nL1 : -1;
        if (j === 0 && (!panel || panel.filling)) q.l1.deque(panel ? panelSlot : ls);
        if (g === 0 && newPanel) q.panel.deque(turn.aSlot);
        q.l0.alloc(l0);
        if (g === 0 && withBias && !pl.coupled)
          e.b.emit('copy_l1_bt', { dst: mem('BT', 0), src: l1(pl.l1Bias + tableColumn(p, tile) * 4), blockCount: 1, blockLen: tile.hn * 4, srcGap: 0, dstGap: 0 });
        if (p.aSource.kind === 'img2col') {
          const cv = p.aSource.conv;
          const slab = turn.slab ?? tileSlab(pl, tile);
          e.b.emit('load3d', {
            dst: mem('L0A', pl.l0a[l0]!),
            src: l1(pl.l1A[turn.aSlot]!),
            dtype: p.aType,
            l1H: slab.rows,
            l1W: cv.w,
            channelSize: roundUp(cv.c, k0),
            kExtension: kStep,
            mExtension: tile.rows,
            kStartPt: kStart + j * t.baseK,
            mStartPt: slab.mStart,
            strideW: cv.strideW,
            strideH: cv.strideH,
            filterW: cv.kw,
            filterH: cv.kh,
            dilationW: cv.dilationW,
            dilationH: cv.dilationH,
            padLeft: cv.padLeft,
            padRight: cv.padRight,
            padTop: slab.padTop,
            padBottom: slab.padBottom,
            padValue: cv.padValue,
          });
        } else
          for (let kk = 0; kk < k1; kk++) {
            // A resident panel holds all of K; a streamed chunk starts at this chunk's K.
            const kc = streamA ? kc0 + kk : (kStart + j * t.baseK) / k0 + kk;
            e.b.emit('load2d', { dst: mem('L0A', pl.l0a[l0]! + kk * 512), src: l1(pl.l1A[streamA ? ls : turn.aSlot]! + kc * tile.h * 32), dtype: p.aType, repeat: tile.h / 16, srcStride: 1, dstGap: k1 - 1, transpose: 0 });
          }
        // a streamed chunk holds this chunk's K from its start; a panel holds every piece and all of K
        const bAt = panel ? pl.l1B[0]! + piece * pl.bPieceBytes + ((kStart + j * t.baseK) / k0) * tile.hn * 32 : pl.l1B[ls]! + kc0 * tile.hn * 32;
        e.b.emit('load2d', { dst: mem('L0B', pl.l0b[l0]!), src: l1(bAt), dtype: p.bType, repeat: k1 * (tile.hn / 16), srcStride: 1, dstGap: 0, transpose: 0 });
        q.l0.enque(l0);
        if (j === stepsHere - 1) {
          if (!panel) q.l1.free(ls);
          // the column's last nL1 allocations are what the next column's first chunks wait for: they
          // are freed only once the column's last tile has read the panel
          else if (panel.filling && c.chunk < totalChunks - pl.nL1) q.l1.free(panelSlot);
        }
        if (panel?.last && g === totalSteps - 1)
          for (let a = totalChunks - pl.nL1; a < totalChunks; a++) q.l1.free((panel.fill + a) % pl.nL1);
        // M: one mmad per step; the rest accumulate
        q.l0.deque(l0);
        if (g === 0) q.l0c.alloc(cslot);
        // the first starts from the bias table (separated chips), from the bias already broadcast into L0C (copy-deq.ts), or from zero
        const init = g > 0 || biasInL0c(pl) ? 'acc' : withBias && !pl.coupled ? 'bias' : 'zero';
        e.b.emit('mmad', { dst: mem('L0C', pl.l0c[cslot]!), a: mem('L0A', pl.l0a[l0]!), b: mem('L0B', pl.l0b[l0]!), bias: mem('BT', 0), m: tile.rows, k: kStep, n: tile.cols, aType: p.aType, bType: p.bType, init });
        q.l0.free(l0);
        if (g === totalSteps - 1) q.l0c.enque(cslot);
      }
    }
  }
}

/** The feature-map rows a tile's img2col reads (the whole map when it sits in L1). */
export function tileSlab(pl: Plan, tile: Tile): Slab {
  const cv = (pl.p.aSource as { conv: ConvGeom }).conv;
  return pl.mapWhole ? wholeMap(cv, tile.m0) : slabOf(cv, tile.m0, tile.rows);
}


/** Whether a tile's accumulator starts from (or gets) the bias: every tile, or a K split's first slice only. */
export const hasBias = (p: GemmProblem, tile: Tile): boolean => p.bias && (tile.slice?.index ?? 0) === 0;
