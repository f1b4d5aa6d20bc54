/**
 * The tiling space the search walks, as tables: tile sides, mmad depths, L1 chunk sizes, buffering
 * settings, A residency and the ways blocks share the output (tile order, core grids, K splits).
 * `tileShapes` gives the L0 / L1 shapes and `layouts` the block arrangements for one tile; the
 * search (search.ts) crosses them and checks every result with the generator's own validation.
 * The choices left out of the tables are the pruning rule, stated in PRUNING for the report.
 */
import { ceilDiv, roundUp } from '../../../ops-nn/kernel.js';
import { gridUnitN, gridUnits, k0Of, kChunks, tileGrid, type GemmProblem, type GemmTiling } from '../../../ops-nn/gemm/index.js';
import type { HwConfig } from '../../../hw/config/types.js';

/**
 * baseM and baseN: every multiple of the cube's 16-row fractal up to 128, then 192 and 256 (a
 * tile's accumulator, 4 bytes per element, fills the L0C of every preset well before 256 x 256).
 */
export const TILE_SIDES: readonly number[] = [16, 32, 48, 64, 80, 96, 112, 128, 192, 256];
/** mmad depth (baseK) in K0 fractals: 32 int8 or 16 fp16 elements each. */
export const DEPTH_FRACTALS: readonly number[] = [1, 2, 4, 8];
/** Bytes of K one L1 chunk row holds (stepK x baseK elements); a chunk is at least one mmad deep. */
export const CHUNK_K_BYTES: readonly number[] = [256, 512];

type Buffering = Pick<GemmTiling, 'dbL1' | 'dbL0' | 'dbL0C'>;
/**
 * Double-buffer settings, most buffered first. A tile takes the first that fits: single buffering
 * only ever helps by making room (it serialises loads with compute), so a setting after one that
 * fits is dominated.
 */
export const BUFFERINGS: readonly Buffering[] = [
  { dbL1: true, dbL0: true, dbL0C: true },
  { dbL1: true, dbL0: true, dbL0C: false },
  { dbL1: true, dbL0: false, dbL0C: true },
  { dbL1: false, dbL0: true, dbL0C: true },
  { dbL1: true, dbL0: false, dbL0C: false },
  { dbL1: false, dbL0: true, dbL0C: false },
  { dbL1: false, dbL0: false, dbL0C: true },
  { dbL1: false, dbL0: false, dbL0C: false },
];

/** The pruning rule, as the report states it. */
export const PRUNING = [
  `tile sides baseM, baseN in {${TILE_SIDES.join(', ')}} (multiples of the cube's 16 to 128, then 192 and 256; at most the padded M, N)`,
  `mmad depth baseK = K0 x {${DEPTH_FRACTALS.join(', ')}}`,
  `stepK: L1 chunks of ${CHUNK_K_BYTES.join(' or ')} B of K per row (or one mmad deep when that is more)`,
  'double buffering: the most-buffered setting that fits (L1, L0A/B, L0C; single buffering only to make room)',
  'A resident in L1 or streamed (matrix A)',
  'blocks: tile order on min(tiles, cores); every core grid gridN = 1..cores on the most blocks it holds (tile sides up to its largest rectangle); K splits 2..min(cores / tiles, K chunks) when the output has fewer tiles than cores',
  'dominated candidates dropped by the tiler\'s estimate: per tile size, the mmad depth, chunk and A residency estimated fastest in tile order stand for it on every layout, and one candidate per tile size and layout is kept',
].join('; ');

/** Every field of a GEMM tiling, in a fixed order (keys, reports). */
export const TILING_FIELDS: readonly (keyof GemmTiling)[] = ['baseM', 'baseN', 'baseK', 'stepK', 'dbL1', 'dbL0', 'dbL0C', 'aResident', 'blockDim', 'gridN', 'splitK'];

/** A field's value, with an absent gridN / splitK read as tile order (0) and no split (1). */
export const fieldValue = (t: GemmTiling, k: keyof GemmTiling): number | boolean => (k === 'gridN' ? (t.gridN ?? 0) : k === 'splitK' ? (t.splitK ?? 1) : t[k]!);

/** A tile's L0 and L1 shape before the blocks are chosen. */
export type TileShape = Pick<GemmTiling, 'baseM' | 'baseN' | 'baseK' | 'stepK'>;

/** The distinct values of `xs` in first-seen order. */
const distinct = (xs: readonly number[]): number[] => [...new Set(xs)];

/** The tile sides up to `cap` (the padded dimension). */
const sidesUpTo = (cap: number): number[] => distinct(TILE_SIDES.filter((s) => s <= cap));

/** Every tile shape of the tables for the problem, in a fixed order. */
export function tileShapes(p: GemmProblem): TileShape[] {
  const k0 = k0Of(p);
  const size = 32 / k0;
  const kPad = roundUp(p.k, k0);
  const depths = distinct(DEPTH_FRACTALS.map((f) => f * k0).filter((d) => d <= kPad));
  const out: TileShape[] = [];
  for (const baseM of sidesUpTo(roundUp(p.m, 16)))
    for (const baseN of sidesUpTo(roundUp(p.n, 16)))
      for (const baseK of depths)
        for (const stepK of distinct(CHUNK_K_BYTES.map((b) => Math.max(1, Math.min(ceilDiv(p.k, baseK), Math.floor(b / (baseK * size)))))))
          out.push({ baseM, baseN, baseK, stepK });
  return out;
}

/** How a candidate's blocks share the output. */
export type Layout = Pick<GemmTiling, 'blockDim' | 'gridN' | 'splitK'>;

/**
 * Whether `side` is a table side worth trying for a rectangle `extent` long: one no larger, or the
 * smallest larger one (every larger side cuts the rectangle into the same single tile).
 */
function sideFits(side: number, extent: number): boolean {
  const smaller = TILE_SIDES.filter((s) => s < side);
  return side <= extent || smaller.length === 0 || smaller[smaller.length - 1]! < extent;
}

/** The block layouts for a tile (tiling: the tile's fields), at most `cores` blocks. */
export function layouts(p: GemmProblem, cfg: HwConfig, tile: TileShape, cores: number): Layout[] {
  const tiles = tileGrid(p, tile).count;
  const out: Layout[] = [{ blockDim: Math.min(tiles, cores), gridN: 0, splitK: 1 }];
  const u = gridUnits(p, gridUnitN(cfg.organisation));
  for (let gridN = 1; gridN <= cores; gridN++) {
    const blockDim = gridN * Math.max(1, Math.min(u.rowUnits, Math.floor(cores / gridN)));
    // the largest rectangle of the grid: a tile larger than it repeats a smaller side's kernel
    const rows = ceilDiv(u.rowUnits, blockDim / gridN) * 16;
    const cols = ceilDiv(u.colUnits, gridN) * u.unitN;
    if (blockDim > 1 && sideFits(tile.baseM, rows) && sideFits(tile.baseN, cols)) out.push({ blockDim, gridN, splitK: 1 });
  }
  if (tiles < cores) {
    const most = Math.min(Math.floor(cores / tiles), kChunks(p, tile));
    for (let splitK = 2; splitK <= most; splitK++) out.push({ blockDim: tiles * splitK, gridN: 0, splitK });
  }
  return out;
}

/** Layout kinds by their fields, for grouping and reports. */
export const layoutText = (l: Layout): string =>
  `${l.gridN ? `grid ${l.blockDim / l.gridN!}x${l.gridN}` : (l.splitK ?? 1) > 1 ? `K split ${l.splitK}` : 'tile order'}, ${l.blockDim} block${l.blockDim > 1 ? 's' : ''}`;
