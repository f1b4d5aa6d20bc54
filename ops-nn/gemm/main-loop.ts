/**
 * The K loop of one GEMM tile: every B piece, every K chunk: MTE2 loads GM -> L1, MTE1 loads
 * L1 -> L0A/L0B (or img2col from the feature map), M runs the mmads, joined by flags.
 */
import { mem } from '../../isa/builder.js';
import type { Dtype, Pipe } from '../../isa/types.js';
import { Emitter, gm, l1 } from '../emitter.js';
import { ceilDiv, roundUp } from '../kernel.js';
import type { Plan } from './plan.js';
import { tableStride, type ConvGeom, type GemmProblem } from './spec.js';
import { slabOf, wholeMap, type Slab } from './slab.js';
import type { Tile } from './vector-epilogue.js';

export function emitChunkLoad(e: Emitter, pl: Plan, dtype: Dtype, base: number, totalRows: number, dst: number, first: number, count: number, height: number, k0: number, kLen: number): void {
  const { p, size } = pl;
  if (!pl.coupled) {
    e.b.emit('copy_gm_l1_nd2nz', { dst: l1(dst), src: gm(base + (first * p.k + k0) * size), dtype, nValue: count, dValue: kLen, srcDValue: p.k, dstNzC0Stride: height });
    return;
  }
  // NZ in GM (host-converted): each 32-byte K column of the tile is height * 32 contiguous bytes.
  const fullHeight = roundUp(totalRows, 16);
  e.b.emit('copy_gm_l1', { dst: l1(dst), src: gm(base + (((k0 * size) / 32) * fullHeight + first) * 32), blockCount: ceilDiv(kLen * size, 32), blockLen: height * 32, srcGap: (fullHeight - height) * 32, dstGap: 0 });
}

interface Counters {
  /** global step (L0 slot) and chunk (L1 slot) counters within the tile */
  step: number;
  chunk: number;
}

/**
 * The K loop of one tile: every B piece, every K chunk. With a resident A (img2col feature map, or
 * an A panel kept for the tile row) only B streams per chunk; `newPanel` says the resident A was
 * just loaded for this tile, so MTE1 waits for it.
 */
export function emitTileMainLoop(e: Emitter, pl: Plan, tile: Tile, cslot: number, epi: Pipe, newPanel: boolean): void {
  const { p, t, k0 } = pl;
  const img2col = p.aSource.kind === 'img2col';
  const streamA = !img2col && !t.aResident;
  const kL1 = t.stepK * t.baseK;
  const chunks = ceilDiv(p.k, kL1);
  const stepsPerPiece = ceilDiv(p.k, t.baseK);
  const totalSteps = p.pieces * stepsPerPiece;
  const aBase = pl.gm.a!.offset + (p.aPerBatch ? tile.e : 0) * pl.aBytes;
  const c: Counters = { step: 0, chunk: 0 };
  for (let piece = 0; piece < p.pieces; piece++) {
    const bBase = pl.gm.b!.offset + (piece * p.bCount + (tile.e % p.bCount)) * pl.bBytes;
    for (let ch = 0; ch < chunks; ch++, c.chunk++) {
      const ls = c.chunk % pl.nL1;
      const kStart = ch * kL1;
      const kLen = Math.min(kL1, p.k - kStart);
      e.wait('MTE1', 'MTE2', ls);
      if (streamA) emitChunkLoad(e, pl, p.aType, aBase, p.m, pl.l1A[ls]!, tile.m0, tile.rows, tile.h, kStart, kLen);
      emitChunkLoad(e, pl, p.bType, bBase, p.n, pl.l1B[ls]!, tile.n0, tile.cols, tile.hn, kStart, kLen);
      e.set('MTE2', 'MTE1', ls);
      const stepsHere = ceilDiv(kLen, t.baseK);
      for (let j = 0; j < stepsHere; j++, c.step++) {
        const g = c.step;
        const l0 = g % pl.nL0;
        const kStep = Math.min(t.baseK, kLen - j * t.baseK);
        const k1 = ceilDiv(kStep, k0);
        const kc0 = (j * t.baseK) / k0;
        // MTE1: L1 -> L0A (one LoadData per K0 column, or one img2col) and L1 -> L0B (one LoadData)
        if (j === 0) e.wait('MTE2', 'MTE1', ls);
        if (g === 0 && newPanel) e.wait('MTE2', 'MTE1', 3);
        e.wait('M', 'MTE1', l0);
        if (g === 0 && p.bias && !pl.coupled)
          e.b.emit('copy_l1_bt', { dst: mem('BT', 0), src: l1(pl.l1Bias + tableColumn(p, tile) * 4), blockCount: 1, blockLen: tile.hn * 4, srcGap: 0, dstGap: 0 });
        if (p.aSource.kind === 'img2col') {
          const cv = p.aSource.conv;
          const slab = tileSlab(pl, tile);
          e.b.emit('load3d', {
            dst: mem('L0A', pl.l0a[l0]!),
            src: l1(0),
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
            e.b.emit('load2d', { dst: mem('L0A', pl.l0a[l0]! + kk * 512), src: l1(pl.l1A[streamA ? ls : 0]! + kc * tile.h * 32), dtype: p.aType, repeat: tile.h / 16, srcStride: 1, dstGap: k1 - 1, transpose: 0 });
          }
        e.b.emit('load2d', { dst: mem('L0B', pl.l0b[l0]!), src: l1(pl.l1B[ls]! + kc0 * tile.hn * 32), dtype: p.bType, repeat: k1 * (tile.hn / 16), srcStride: 1, dstGap: 0, transpose: 0 });
        e.set('MTE1', 'M', l0);
        if (j === stepsHere - 1) e.set('MTE1', 'MTE2', ls);
        // M: one mmad per step; the first starts from the bias (or zero), the rest accumulate
        e.wait('MTE1', 'M', l0);
        if (g === 0) e.wait(epi, 'M', cslot);
        const init = g > 0 ? 'acc' : p.bias && !pl.coupled ? 'bias' : 'zero';
        e.b.emit('mmad', { dst: mem('L0C', pl.l0c[cslot]!), a: mem('L0A', pl.l0a[l0]!), b: mem('L0B', pl.l0b[l0]!), bias: mem('BT', 0), m: tile.rows, k: kStep, n: tile.cols, aType: p.aType, bType: p.bType, init });
        e.set('M', 'MTE1', l0);
        if (g === totalSteps - 1) e.set('M', epi, cslot);
      }
    }
  }
}

/** The feature-map rows a tile's img2col reads (the whole map when it sits in L1). */
export function tileSlab(pl: Plan, tile: Tile): Slab {
  const cv = (pl.p.aSource as { conv: ConvGeom }).conv;
  return pl.mapWhole ? wholeMap(cv, tile.m0) : slabOf(cv, tile.m0, tile.rows);
}

/** Device slot of a tile's first column in the per-column tables. */
export const tableColumn = (p: GemmProblem, tile: Tile) => (tile.e % p.bCount) * tableStride(p) + tile.n0;
