/**
 * The default GEMM tiler. It starts from the largest tile of a fixed list that fits the buffers with
 * double buffering everywhere (the tile big GEMMs want: most MACs per byte moved), then weighs it
 * against smaller tiles (baseM and baseN down to 16, or 32 where a coupled preset's UB rows need it)
 * by the cost estimate of cost-model.ts, and takes the fastest; tilings within a margin of it count
 * as equal, and of those the one on most cores wins, then the big tile. A smaller tile wins when the
 * big one leaves cores idle: a small layer split finer spreads over the chip, each core doing less
 * cube work and reading fewer bytes. Big GEMMs already fill the chip, and their big tile moves the
 * fewest bytes per MAC, so it stays.
 *
 * K is split over cores (split.ts) only when the caller can run the two launches a split takes
 * (`allowSplitK`), the output has fewer tiles than the chip has cores, and the estimate of the split,
 * the workspace traffic and the reduction launch included, is faster than the unsplit choice by more
 * than the margin. A user's splitK is kept like any other fixed field.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError, ceilDiv, roundUp } from '../kernel.js';
import { gridFits, gridUnitN, gridUnits, tileGrid } from './blocks.js';
import { estimateGemm, estimateSplitGemm, type GemmEstimate } from './cost-model.js';
import { k0Of } from './sizes.js';
import type { GemmProblem } from './spec.js';
import { capBlocks, featureMapPlan, fits, kChunks, kSlices, withResidentA, type GemmTiling } from './tiling.js';

/** The big tiles, largest first: [baseM, baseN, K fractals per mmad]. */
const BIG_TILES: readonly (readonly [number, number, number])[] = [
  [128, 128, 4],
  [128, 128, 2],
  [64, 128, 2],
  [64, 64, 2],
  [32, 64, 1],
  [16, 32, 1],
];
/** Sizes the tiler may shrink baseM and baseN to (every multiple of 16, so a layer's 16-row blocks
 * can be cut into as many tiles as there are cores), and the mmad depths (K fractals) it tries. */
const SMALL_SIDES = [128, 112, 96, 80, 64, 48, 32, 16] as const;
const K_FRACTALS = [4, 2, 1] as const;
/** Tilings estimated within this fraction of the fastest count as equally fast: the estimate is rough. */
const MARGIN = 0.05;
/**
 * The margin a core grid that fills idle cores gets against a tile-order split: the two share the L2
 * and HBM in different patterns, which the estimate tells apart least well (docs: README, Kernel
 * quality), so their estimates are equal within this.
 */
const GRID_MARGIN = 0.1;
/** An L1 chunk row holds at most 256 B of K (8 fractals of 32 B). */
const CHUNK_K_FRACTALS = 8;

export interface TilerChoice {
  readonly tiling: GemmTiling;
  readonly estimate: GemmEstimate;
  /** the largest tile that fits, and its estimate, when the tiler chose another */
  readonly bigTile?: { readonly tiling: GemmTiling; readonly estimate: GemmEstimate };
  /** fields the caller fixed, which every candidate keeps */
  readonly fixed: readonly (keyof GemmTiling)[];
  /** the tiler split K: the best unsplit tiling, and its estimate */
  readonly unsplit?: { readonly tiling: GemmTiling; readonly estimate: GemmEstimate };
}

/** A candidate tiling with double buffering everywhere, sized to the problem. */
function candidate(p: GemmProblem, cfg: HwConfig, bm: number, bn: number, kFractals: number, blockDim?: number): GemmTiling {
  const k0 = k0Of(p);
  const baseM = Math.min(bm, roundUp(p.m, 16));
  const baseN = Math.min(bn, roundUp(p.n, cfg.organisation === 'coupled' ? 32 : 16));
  const baseK = Math.min(kFractals * k0, roundUp(p.k, k0));
  const stepK = Math.max(1, Math.min(Math.ceil(p.k / baseK), Math.floor((CHUNK_K_FRACTALS * k0) / baseK)));
  const tiles = tileGrid(p, { baseM, baseN }).count;
  const t: GemmTiling = { baseM, baseN, baseK, stepK, dbL1: true, dbL0: true, dbL0C: true, aResident: false, blockDim: Math.min(tiles, blockDim ?? cfg.cores) };
  return withResidentA(p, t, cfg);
}

/** The candidate with the caller's fixed fields; undefined when it does not fit. */
function fitted(p: GemmProblem, cfg: HwConfig, t: GemmTiling, fixed: Partial<GemmTiling>): GemmTiling | undefined {
  const merged = { ...t, ...fixed };
  const units = tileGrid(p, merged).count * Math.max(1, kSlices(merged));
  // a user's core grid takes all the blocks it is given; (tile, K slice) units in order, at most one block each
  const blockDim = merged.gridN ? (fixed.blockDim ?? gridBlocks(p, cfg, merged.gridN)) : Math.min(units, fixed.blockDim ?? cfg.cores);
  if (merged.gridN && !gridFits(gridUnits(p, gridUnitN(cfg.organisation)), blockDim, merged.gridN)) return undefined;
  const withBlocks = { ...merged, blockDim };
  const full = fixed.aResident === undefined ? withResidentA(p, withBlocks, cfg) : withBlocks;
  return fits(p, full, cfg) ? full : undefined;
}

/**
 * The cost estimate the tiler ranks a complete tiling by (a K split's with its reduction launch;
 * img2col maps kept whole or in slabs as the kernel will keep them). Exported for the tiling search
 * (scripts/lib/tune), which prunes its candidates by the same estimate.
 */
export const estimateTiling = (p: GemmProblem, t: GemmTiling, cfg: HwConfig): GemmEstimate =>
  (kSlices(t) > 1 ? estimateSplitGemm : estimateGemm)(p, t, cfg, featureMapPlan(p, t, cfg).whole ? 'whole' : 'slabs');

/**
 * Chooses the tiling: fields in `fixed` (the user's) are kept, the tiler picks the rest. Throws when
 * no tile fits at all.
 */
export function chooseGemmTiling(p: GemmProblem, cfg: HwConfig, asked: Partial<GemmTiling> = {}, allowSplitK = false): TilerChoice {
  const fixed = capBlocks(asked, cfg);
  const plain = choosePlain(p, cfg, fixed);
  if (!allowSplitK || fixed.splitK !== undefined || fixed.gridN || !splittable(p) || tileGrid(p, plain.tiling).count >= cfg.cores) return plain;
  const split = splitCandidates(p, cfg, fixed).map((t) => ({ tiling: t, estimate: estimateTiling(p, t, cfg) }));
  if (split.length === 0) return plain;
  const fastest = split.reduce((a, b) => (b.estimate.cycles < a.estimate.cycles ? b : a));
  if (fastest.estimate.cycles >= plain.estimate.cycles * (1 - MARGIN)) return plain;
  return { ...fastest, fixed: plain.fixed, unsplit: { tiling: plain.tiling, estimate: plain.estimate } };
}

/** Whether a problem can be split over K at all (tiling.ts checkSplitK says why not). */
const splittable = (p: GemmProblem) => p.aType !== 'f16' && p.aType !== 'f32' && p.bCount === 1 && p.groups === 1;

/**
 * K-split candidates: every tile-order candidate that leaves cores idle, with each slice count that
 * fits its (tile, slice) units on the cores and gives every slice at least one L1 chunk.
 */
function splitCandidates(p: GemmProblem, cfg: HwConfig, fixed: Partial<GemmTiling>): GemmTiling[] {
  const out: GemmTiling[] = [];
  for (const base of smallTiles(p, cfg, fixed)) {
    const tiles = tileGrid(p, base).count;
    const most = Math.min(Math.floor((fixed.blockDim ?? cfg.cores) / tiles), kChunks(p, base), cfg.cores);
    for (let splitK = 2; splitK <= most; splitK++) {
      const t = fitted(p, cfg, { ...base, splitK, aResident: false }, fixed);
      if (t) out.push(t);
    }
  }
  return out;
}

/** The tiling without a K split. */
function choosePlain(p: GemmProblem, cfg: HwConfig, fixed: Partial<GemmTiling>): TilerChoice {
  const fixedKeys = (Object.keys(fixed) as (keyof GemmTiling)[]).filter((k) => fixed[k] !== undefined);
  const blockDim = fixed.blockDim;
  const big = BIG_TILES.map(([bm, bn, kf]) => fitted(p, cfg, candidate(p, cfg, bm, bn, kf, blockDim), fixed)).find((t) => t !== undefined);
  if (!big) {
    // The user's fields leave nothing that fits: fall back to the unconstrained big tile, so the
    // generator's check names the buffer the user's fields overflow.
    const free = BIG_TILES.map(([bm, bn, kf]) => candidate(p, cfg, bm, bn, kf, blockDim)).find((t) => fits(p, t, cfg));
    if (!free)
      throw new OpError(
        `no tiling fits ${cfg.name} for batch=${p.batch} m=${p.m} k=${p.k} n=${p.n}${p.aSource.kind === 'img2col' ? ': even the smallest slab of input rows (every channel, the whole width, the window\'s height) does not fit in L1, and the library does not cut a feature map along W or the channels; run the image as narrower strips, each with the window\'s halo, and join the outputs (README, Limitations)' : ''}`,
      );
    return { tiling: free, estimate: estimateTiling(p, free, cfg), fixed: fixedKeys };
  }
  const bigEstimate = estimateTiling(p, big, cfg);
  const options = [{ tiling: big, estimate: bigEstimate }];
  for (const t of smallTiles(p, cfg, fixed)) if (!sameTile(t, big)) options.push({ tiling: t, estimate: estimateTiling(p, t, cfg) });
  // Within the margin of the fastest the estimate cannot tell tilings apart: take the one on most
  // cores (their ports and miss rates add up, which the estimate only partly sees), then the big
  // tile, then the largest.
  const fastestPlain = Math.min(...options.map((o) => o.estimate.cycles));
  const plain = preferPlain(options.filter((o) => o.estimate.cycles <= fastestPlain * (1 + MARGIN)), big);
  // A core grid replaces the tile-order split only when it fills cores that one leaves idle, or the
  // estimate calls it faster by more than its margin: the estimate sees a grid's effects on the L2
  // and HBM (cores sharing an operand, or each drawing its own) too roughly to trust it on less.
  const grids = gridCandidates(p, cfg, fixed).map((g) => ({ tiling: g, estimate: estimateTiling(p, g, cfg) }));
  const fastest = Math.min(fastestPlain, ...grids.map((o) => o.estimate.cycles));
  const better = grids.filter(
    (g) => (g.estimate.cores > plain.estimate.cores && g.estimate.cycles <= fastest * (1 + GRID_MARGIN)) || g.estimate.cycles < plain.estimate.cycles * (1 - MARGIN),
  );
  const chosen = better.length ? preferGrid(better) : plain;
  return chosen.tiling === big ? { ...chosen, fixed: fixedKeys } : { ...chosen, bigTile: { tiling: big, estimate: bigEstimate }, fixed: fixedKeys };
}

const sameTile = (a: GemmTiling, b: GemmTiling) => a.baseM === b.baseM && a.baseN === b.baseN && a.baseK === b.baseK;

/** The first of `makers` whose result is defined, calling no more of them than it needs. */
function firstDefined<T>(makers: readonly (() => T | undefined)[]): T | undefined {
  for (const make of makers) {
    const t = make();
    if (t !== undefined) return t;
  }
  return undefined;
}

/**
 * The distinct tile-order tilings of the small sides (baseM, baseN each down to 16, baseN in steps of
 * the preset's column unit), each with the deepest mmad that fits and the caller's fixed fields.
 */
function smallTiles(p: GemmProblem, cfg: HwConfig, fixed: Partial<GemmTiling>): GemmTiling[] {
  const stepN = cfg.organisation === 'coupled' ? 32 : 16;
  const out: GemmTiling[] = [];
  for (const bm of SMALL_SIDES)
    for (const bn of SMALL_SIDES) {
      if (bn % stepN) continue;
      const t = firstDefined(K_FRACTALS.map((kf) => () => fitted(p, cfg, candidate(p, cfg, bm, bn, kf, fixed.blockDim), fixed)));
      if (t && !out.some((o) => sameTile(o, t))) out.push(t);
    }
  return out;
}

/** `total` units cut into `parts` ranges, then each range into tiles of at most `max` units: the even tile size, in units. */
const evenTile = (total: number, parts: number, max: number) => {
  const range = ceilDiv(total, parts);
  return ceilDiv(range, ceilDiv(range, max));
};

/**
 * Core-grid candidates (blocks.ts): every way of arranging the blocks as row ranges x column ranges
 * that gives each a non-empty rectangle, each with the tile that cuts its rectangle most evenly
 * (shrunk until it fits the buffers). A grid uses every block even when the output's 16-row blocks
 * do not divide into uniform tiles, and lets a block read only its rectangle's A rows and B columns.
 */
function gridCandidates(p: GemmProblem, cfg: HwConfig, fixed: Partial<GemmTiling>): GemmTiling[] {
  // a user's tile size asks for the tile-order split, unless the user asks for a grid too
  if (fixed.gridN === 0 || (fixed.gridN === undefined && (fixed.baseM !== undefined || fixed.baseN !== undefined))) return [];
  const unitN = gridUnitN(cfg.organisation);
  const u = gridUnits(p, unitN);
  const out: GemmTiling[] = [];
  for (let gridN = 1; gridN <= cfg.cores; gridN++) {
    const blockDim = fixed.blockDim ?? (fixed.gridN ? gridBlocks(p, cfg, gridN) : cfg.cores);
    if ((fixed.gridN !== undefined && fixed.gridN !== gridN) || !gridFits(u, blockDim, gridN) || blockDim === 1) continue;
    const maxM = evenTile(u.rowUnits, blockDim / gridN, 128 / 16) * 16;
    const maxN = evenTile(u.colUnits, gridN, 128 / unitN) * unitN;
    const sidesM = [maxM, ...SMALL_SIDES.filter((x) => x < maxM)];
    const sidesN = [maxN, ...SMALL_SIDES.filter((x) => x < maxN && x % unitN === 0)];
    const found = firstDefined(sidesM.flatMap((bm) => sidesN.map((bn) => () => gridTiling(p, cfg, bm, bn, blockDim, gridN, fixed))));
    if (found) out.push(found);
  }
  return out;
}

/** The most blocks (at most the chip's cores) a grid of `gridN` column ranges can give a rectangle each. */
function gridBlocks(p: GemmProblem, cfg: HwConfig, gridN: number): number {
  const u = gridUnits(p, gridUnitN(cfg.organisation));
  return gridN * Math.max(1, Math.min(u.rowUnits, Math.floor(cfg.cores / gridN)));
}

/** A grid candidate with the caller's fixed fields; undefined when it does not fit. */
function gridTiling(p: GemmProblem, cfg: HwConfig, bm: number, bn: number, blockDim: number, gridN: number, fixed: Partial<GemmTiling>): GemmTiling | undefined {
  for (const kf of K_FRACTALS) {
    const base = { ...candidate(p, cfg, bm, bn, kf, blockDim), ...fixed, blockDim, gridN };
    const t = fixed.aResident === undefined ? withResidentA(p, base, cfg) : base;
    if (fits(p, t, cfg)) return t;
  }
  return undefined;
}

type Option = { readonly tiling: GemmTiling; readonly estimate: GemmEstimate };

/** The option whose key is greatest (keys compare element by element). */
function best(options: readonly Option[], key: (o: Option) => number[]): Option {
  const greater = (a: number[], b: number[]) => {
    const i = a.findIndex((x, j) => x !== b[j]);
    return i >= 0 && a[i]! > b[i]!;
  };
  return options.reduce((a, b) => (greater(key(b), key(a)) ? b : a));
}

/** Preference among tile-order tilings the estimate cannot separate: cores, then the big tile, then tile area. */
const preferPlain = (options: readonly Option[], big: GemmTiling) => best(options, (o) => [o.estimate.cores, o.tiling === big ? 1 : 0, o.tiling.baseM * o.tiling.baseN]);

/** Preference among core grids: cores, then the estimate, then the fewest GM -> L1 bytes. */
const preferGrid = (options: readonly Option[]) => best(options, (o) => [o.estimate.cores, -o.estimate.cycles, -o.estimate.chipBytes]);

/** The default tiling (chooseGemmTiling with at most `blockDim` blocks). */
export const defaultGemmTiling = (p: GemmProblem, cfg: HwConfig, blockDim?: number): GemmTiling => chooseGemmTiling(p, cfg, blockDim === undefined ? {} : { blockDim }).tiling;

const shape = (t: GemmTiling) => `${t.baseM} x ${t.baseN}`;
const describe = (p: GemmProblem, t: GemmTiling, e: GemmEstimate, cfg: HwConfig) =>
  `${t.gridN ? `a core grid of ${t.blockDim / t.gridN} x ${t.gridN} rectangles in tiles of at most ${shape(t)}` : `${tileGrid(p, t).count} tiles of ${shape(t)}${kSlices(t) > 1 ? ` x ${kSlices(t)} K slices` : ''}`} on ${e.cores} of ${cfg.cores} cores, estimated ~${e.cycles} clk, bound by ${e.bound} (busiest core: ${e.tilesPerCore} tile(s), ${Math.round(e.busy.cube)} clk of cube work, ${Math.round(e.bytesPerCore / 1024)} KiB GM -> L1)`;

/** Kernel notes: which tile the tiler chose and why, and how many cores it uses. */
export function tilerNotes(p: GemmProblem, cfg: HwConfig, c: TilerChoice, final: GemmTiling): string[] {
  const user = c.fixed.length ? ` (${c.fixed.join(', ')} given by the user)` : '';
  const e = final === c.tiling ? c.estimate : estimateTiling(p, final, cfg);
  const head = `tiler${user}: ${describe(p, final, e, cfg)}`;
  if (kSlices(final) > 1) {
    const why = c.unsplit
      ? `chosen over the unsplit ${describe(p, c.unsplit.tiling, c.unsplit.estimate, cfg)}: the output has fewer tiles than the chip has cores, and the split is estimated more than ${MARGIN * 100}% faster with the workspace traffic and the reduction launch counted`
      : 'splitK given by the user';
    return [`${head}; K split in ${kSlices(final)} slices (the reduction launch estimated ~${e.reduceCycles ?? 0} clk of it); ${why}`];
  }
  if (!c.bigTile) return [`${head}; the largest tile that fits: no smaller tile is estimated more than ${MARGIN * 100}% faster or on more cores`];
  return [`${head}; chosen over the largest tile that fits, ${describe(p, c.bigTile.tiling, c.bigTile.estimate, cfg)}`];
}
