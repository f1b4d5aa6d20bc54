/**
 * How output tiles are dealt to blocks, in one of two ways:
 * - in tile order (batch entry, tile row, tile column): contiguous runs of the uniform baseM x baseN
 *   tiles, as even as the count allows, so neighbouring tiles of one row (which share A) stay on one
 *   block;
 * - on a core grid (the tiling's `gridN`, like the vendor's singleCoreM / singleCoreN): the output's
 *   16-row blocks (over all batch entries) are cut into blockDim / gridN row ranges and its columns
 *   into gridN column ranges, as evenly as whole units allow, and each block runs the tiles of one
 *   rectangle. A block then reads only the A rows and the B columns of its rectangle, and a layer
 *   whose 16-row blocks do not split evenly into uniform tiles still spreads over every core.
 */
import { ceilDiv, roundUp } from '../kernel.js';
import type { GemmProblem } from './spec.js';
import type { GemmTiling } from './tiling.js';

/**
 * One output tile of the GEMM: rows m0 .. m0 + rows of batch entry `e`, columns n0 .. n0 + cols.
 * `h` and `hn` are rows and cols rounded up to the cube's 16-row fractal: the heights of the tile's
 * A and B^T in the NZ layout of L1 / L0, and the shape of its L0C accumulator.
 */
export interface Tile {
  /** batch entry (image x group for a conv) */
  readonly e: number;
  /** first output row, rows in the tile, rows rounded up to 16 */
  readonly m0: number;
  readonly rows: number;
  readonly h: number;
  /** first output column, columns in the tile, columns rounded up to 16 */
  readonly n0: number;
  readonly cols: number;
  readonly hn: number;
  /** K split: which slice of K the tile runs (its L1 chunks first .. first + count); absent: all of K */
  readonly slice?: KSlice;
}

/** One K slice: its index and its L1 chunks (of every weight piece). */
export interface KSlice {
  readonly index: number;
  readonly first: number;
  readonly count: number;
}

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

const tile = (e: number, m0: number, rows: number, n0: number, cols: number): Tile => ({ e, m0, rows, h: roundUp(rows, 16), n0, cols, hn: roundUp(cols, 16) });

/** Every tile in tile order. */
export function tilesOf(p: GemmProblem, t: Pick<GemmTiling, 'baseM' | 'baseN'>): Tile[] {
  const out: Tile[] = [];
  for (let e = 0; e < p.batch; e++)
    for (let m0 = 0; m0 < p.m; m0 += t.baseM)
      for (let n0 = 0; n0 < p.n; n0 += t.baseN) out.push(tile(e, m0, Math.min(t.baseM, p.m - m0), n0, Math.min(t.baseN, p.n - n0)));
  return out;
}

/** Width of a grid's column unit: 32 columns on coupled presets (UB output rows are 32 B aligned), else 16. */
export type GridUnits = { readonly rowUnits: number; readonly colUnits: number; readonly unitN: number };

/** The units a core grid cuts: 16-row blocks of every batch entry, and columns in units of `unitN`. */
export function gridUnits(p: GemmProblem, unitN: number): GridUnits {
  return { rowUnits: p.batch * ceilDiv(p.m, 16), colUnits: ceilDiv(p.n, unitN), unitN };
}

/** Whether a grid of `blockDim` blocks, `gridN` along N, gives every block a non-empty rectangle. */
export const gridFits = (u: GridUnits, blockDim: number, gridN: number): boolean =>
  gridN >= 1 && blockDim % gridN === 0 && gridN <= u.colUnits && blockDim / gridN <= u.rowUnits;

/** The tiles of block `b` on the core grid of `t` (row ranges outer, column ranges inner). */
export function gridBlockTiles(p: GemmProblem, t: Pick<GemmTiling, 'baseM' | 'baseN' | 'blockDim'>, gridN: number, unitN: number, b: number): Tile[] {
  const u = gridUnits(p, unitN);
  const perEntry = ceilDiv(p.m, 16);
  const r = blockRange(u.rowUnits, t.blockDim / gridN, Math.floor(b / gridN));
  const c = blockRange(u.colUnits, gridN, b % gridN);
  const n0 = c.start * unitN;
  const n1 = Math.min(p.n, c.end * unitN);
  const out: Tile[] = [];
  for (let e = Math.floor(r.start / perEntry); e * perEntry < r.end; e++) {
    const m0 = Math.max(r.start - e * perEntry, 0) * 16;
    const m1 = Math.min(p.m, (Math.min(r.end, (e + 1) * perEntry) - e * perEntry) * 16);
    for (let m = m0; m < m1; m += t.baseM)
      for (let n = n0; n < n1; n += t.baseN) out.push(tile(e, m, Math.min(t.baseM, m1 - m), n, Math.min(t.baseN, n1 - n)));
  }
  return out;
}

/** The grid's column unit on `organisation`. */
export const gridUnitN = (organisation: string): number => (organisation === 'coupled' ? 32 : 16);

/**
 * The (tile, K slice) units of a K split, slice by slice (each slice's tiles in tile order, so a block
 * with several units of one slice runs neighbouring tiles, as an unsplit block does): slice s takes
 * the L1 chunks blockRange(chunks, slices, s).
 */
export function sliceUnits(p: GemmProblem, t: Pick<GemmTiling, 'baseM' | 'baseN' | 'baseK' | 'stepK' | 'splitK'>): Tile[] {
  const slices = t.splitK ?? 1;
  const all = tilesOf(p, t);
  if (slices === 1) return all;
  const chunks = ceilDiv(p.k, t.stepK * t.baseK);
  const out: Tile[] = [];
  for (let index = 0; index < slices; index++) {
    const r = blockRange(chunks, slices, index);
    for (const x of all) out.push({ ...x, slice: { index, first: r.start, count: r.end - r.start } });
  }
  return out;
}

/** The tiles block `b` runs, in the tiling's way of dealing them (its own order comes later: tilesForBlock). */
export function blockTiles(p: GemmProblem, t: Pick<GemmTiling, 'baseM' | 'baseN' | 'baseK' | 'stepK' | 'blockDim' | 'gridN' | 'splitK'>, organisation: string, b: number): Tile[] {
  if (t.gridN) return gridBlockTiles(p, t, t.gridN, gridUnitN(organisation), b);
  const all = sliceUnits(p, t);
  const r = blockRange(all.length, t.blockDim, b);
  return all.slice(r.start, r.end);
}
