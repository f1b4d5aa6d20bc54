/**
 * How output tiles are dealt to blocks: contiguous runs in tile order (batch entry, tile row, tile
 * column), as even as the count allows, so every launched block has work and neighbouring tiles of
 * one row (which share A) stay on one block.
 */
import { ceilDiv } from '../kernel.js';
import type { GemmProblem } from './spec.js';
import type { GemmTiling } from './tiling.js';

/** Tiles [start, end) of block `b` of `blockDim`: the first `count % blockDim` blocks get one more. */
export function blockRange(count: number, blockDim: number, b: number): { start: number; end: number } {
  const small = Math.floor(count / blockDim);
  const extra = count % blockDim;
  const start = b * small + Math.min(b, extra);
  return { start, end: start + small + (b < extra ? 1 : 0) };
}

/** Tile rows and columns of one batch entry. */
export function tileGrid(p: GemmProblem, t: Pick<GemmTiling, 'baseM' | 'baseN'>): { rows: number; cols: number; count: number } {
  const rows = ceilDiv(p.m, t.baseM);
  const cols = ceilDiv(p.n, t.baseN);
  return { rows, cols, count: p.batch * rows * cols };
}

/** Where tile `i` (in tile order) sits: batch entry, first output row and column. */
export function tileAt(p: GemmProblem, t: Pick<GemmTiling, 'baseM' | 'baseN'>, i: number): { e: number; m0: number; n0: number } {
  const cols = ceilDiv(p.n, t.baseN);
  const perEntry = ceilDiv(p.m, t.baseM) * cols;
  return { e: Math.floor(i / perEntry), m0: Math.floor((i % perEntry) / cols) * t.baseM, n0: (i % cols) * t.baseN };
}
