/**
 * GEMM tiling: the L0 tile (baseM x baseN x baseK), how many base-K steps one L1 chunk holds (stepK),
 * double buffering and the number of blocks. Validated against the preset's buffers with errors that
 * name the buffer and by how much it overflows. The default tiler is in tiler.ts.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError, ceilDiv, roundUp } from '../kernel.js';
import { blockRange, gridBlockTiles, gridFits, gridUnitN, gridUnits, tileGrid } from './blocks.js';
import { aPanelBytes, elemBytes, featureMapBytes, k0Of, mapRowBytes } from './sizes.js';
import { tableStride, type GemmProblem } from './spec.js';
import { maxSlabRows, slabOf } from './slab.js';
import { blockTraffic, tilesTraffic, type MapMode } from './traffic.js';

export { aPanelBytes, elemBytes, featureMapBytes, k0Of } from './sizes.js';

export interface GemmTiling {
  /** rows of the L0A / L0C tile (multiple of 16) */
  readonly baseM: number;
  /** columns of the L0B / L0C tile (multiple of 16; of 32 on coupled presets) */
  readonly baseN: number;
  /** depth of one mmad (multiple of K0: 32 int8 elements, 16 fp16) */
  readonly baseK: number;
  /** base-K steps per L1 chunk: one GM -> L1 load covers stepK * baseK of K */
  readonly stepK: number;
  /** double-buffer L1 chunks, L0A/L0B tiles, L0C tiles */
  readonly dbL1: boolean;
  readonly dbL0: boolean;
  readonly dbL0C: boolean;
  /** blocks (cores, or AIC groups) to split the output tiles over */
  readonly blockDim: number;
  /** keep a tile row's whole A panel (baseM x K) in L1 and reuse it for every tile of the row
   * (matrix A only); otherwise A is reloaded chunk by chunk for every tile */
  readonly aResident: boolean;
  /**
   * cores along N of a core grid (blocks.ts): blockDim / gridN row ranges times gridN column ranges,
   * one rectangle of the output per block; absent or 0: tiles are dealt in tile order
   */
  readonly gridN?: number;
  /**
   * K slices (split.ts): blocks run (output tile, K slice) pairs and write int32 partial tiles to a
   * GM workspace, and a second launch adds the slices and applies the epilogue; absent or 1: no split
   */
  readonly splitK?: number;
}

/** K slices of a tiling (1: unsplit). */
export const kSlices = (t: Pick<GemmTiling, 'splitK'>): number => t.splitK ?? 1;

/** L1 chunks of one K pass (per weight piece): the unit K slices are cut in. */
export const kChunks = (p: GemmProblem, t: Pick<GemmTiling, 'stepK' | 'baseK'>): number => ceilDiv(p.k, t.stepK * t.baseK);

/**
 * How much of an img2col feature map L1 keeps: all of it when it fits next to the B chunks and
 * tables and loading whole maps moves no more bytes than loading each tile row's slab (slab.ts);
 * else the slab. Slabs win when blocks run only a few tile rows each (a small layer split over
 * many cores): a block then reads only the input rows its tiles need instead of the whole map.
 */
export function featureMapPlan(p: GemmProblem, t: GemmTiling, cfg: HwConfig): { whole: boolean; bytes: number; fitsWhole: boolean } {
  if (p.aSource.kind !== 'img2col') return { whole: true, bytes: 0, fitsWhole: true };
  const l1 = cfg.coreKinds[cfg.organisation === 'coupled' ? 'coupled' : 'aic']?.buffers.L1?.bytes ?? 0;
  const others = gemmFootprintWithA(p, t, cfg, 0).L1 ?? 0;
  const whole = featureMapBytes(p);
  const fitsWhole = whole + others <= l1;
  if (fitsWhole && (!slabsLegal(p, t, cfg.organisation) || mapLoadBytes(p, t, 'whole', cfg.organisation) <= mapLoadBytes(p, t, 'slabs', cfg.organisation))) return { whole: true, bytes: whole, fitsWhole };
  return { whole: false, bytes: mapRowBytes(p, maxSlabRows(p.aSource.conv, t.baseM)), fitsWhole };
}

/**
 * Whether every tile row's slab gives LoadData 3D legal padding: a tile whose first output rows read
 * only bottom padding (large stride or pad) would need a negative top pad in its slab, so such
 * layers keep whole maps when they fit.
 */
function slabsLegal(p: GemmProblem, t: GemmTiling, organisation: string): boolean {
  if (p.aSource.kind !== 'img2col') return true;
  if (t.gridN) {
    const cv = p.aSource.conv;
    for (let b = 0; b < t.blockDim; b++)
      for (const x of gridBlockTiles(p, t, t.gridN, gridUnitN(organisation), b)) {
        const s = slabOf(cv, x.m0, x.rows);
        if (s.padTop < 0 || s.padTop > 255 || s.padBottom > 255) return false;
      }
    return true;
  }
  for (let m0 = 0; m0 < p.m; m0 += t.baseM) {
    const s = slabOf(p.aSource.conv, m0, Math.min(t.baseM, p.m - m0));
    if (s.padTop < 0 || s.padTop > 255 || s.padBottom > 255) return false;
  }
  return true;
}

/** GM -> L1 bytes of the feature maps over all blocks, when L1 keeps them as `mode`. */
function mapLoadBytes(p: GemmProblem, t: GemmTiling, mode: MapMode, organisation: string): number {
  if (t.gridN) {
    let sum = 0;
    for (let b = 0; b < t.blockDim; b++) sum += tilesTraffic(p, t, mode, gridBlockTiles(p, t, t.gridN, gridUnitN(organisation), b)).a;
    return sum;
  }
  const count = tileGrid(p, t).count;
  const blocks = Math.max(1, Math.min(t.blockDim, count));
  let sum = 0;
  for (let b = 0; b < blocks; b++) sum += blockTraffic(p, t, mode, blockRange(count, blocks, b)).a;
  return sum;
}

/** Bytes each buffer needs for a tiling; keys are buffer names. */
export function gemmFootprint(p: GemmProblem, t: GemmTiling, cfg: HwConfig): Record<string, number> {
  return gemmFootprintWithA(p, t, cfg, p.aSource.kind === 'img2col' ? featureMapPlan(p, t, cfg).bytes : undefined);
}

/** The footprint with the img2col feature map's L1 bytes given (undefined: not img2col). */
function gemmFootprintWithA(p: GemmProblem, t: GemmTiling, cfg: HwConfig, mapBytes: number | undefined): Record<string, number> {
  const db = (b: boolean) => (b ? 2 : 1);
  const size = elemBytes(p);
  const kL1 = t.stepK * t.baseK;
  const cols = p.bCount * tableStride(p);
  const aL1 = mapBytes !== undefined ? mapBytes : t.aResident ? aPanelBytes(p, t) : t.baseM * kL1 * size * db(t.dbL1);
  const out: Record<string, number> = {
    L0A: t.baseM * t.baseK * size * db(t.dbL0),
    L0B: t.baseK * t.baseN * size * db(t.dbL0),
    L0C: t.baseM * t.baseN * 4 * db(t.dbL0C),
    L1: aL1 + t.baseN * kL1 * size * db(t.dbL1),
  };
  if (cfg.organisation === 'separated' && p.place === 'ub') {
    // mixed kernel: AIV UB holds the tables and two slots of half a tile's rows
    if (p.bias) out.BT = roundUp(t.baseN, 16) * 4;
    out.L1! += p.bias ? cols * 4 : 0;
    out.UB = 3 * (roundUp(cols, 64) + 64) * 4 + 2 * roundUp(Math.ceil(t.baseM / 2), 4) * roundUp(t.baseN, 32) * 4;
  } else if (cfg.organisation === 'separated') {
    const perChannelWords = p.epilogue.kind === 'requant' ? cols * 8 : 0;
    out.L1! += (p.bias ? cols * 4 : 0) + perChannelWords;
    if (p.bias) out.BT = roundUp(t.baseN, 16) * 4;
    if (perChannelWords) out.FB = t.baseN * 8;
  } else {
    const params = roundUp(cols, 64) + 64;
    out.UB = 3 * params * 4 + t.baseM * t.baseN * 4 + 2 * t.baseM * roundUp(t.baseN, 32) * 4;
  }
  return out;
}

/** The core kind whose buffers a footprint entry lives in. */
const kindOf = (cfg: HwConfig, buf: string) => (cfg.organisation === 'coupled' ? 'coupled' : buf === 'UB' ? 'aiv' : 'aic');

/** Throws an OpError naming the first constraint the tiling breaks. */
export function checkGemmTiling(p: GemmProblem, t: GemmTiling, cfg: HwConfig): void {
  const bad = (what: string): never => {
    throw new OpError(`tiling ${JSON.stringify(t)}: ${what}`);
  };
  const k0 = k0Of(p);
  if (t.baseM % 16 || t.baseM < 16) bad(`baseM ${t.baseM} must be a positive multiple of 16`);
  if (t.baseN % 16 || t.baseN < 16) bad(`baseN ${t.baseN} must be a positive multiple of 16`);
  if (cfg.organisation === 'coupled' && t.baseN % 32) bad(`baseN ${t.baseN} must be a multiple of 32 on coupled presets (output rows are 32 B aligned in UB)`);
  if (t.baseK % k0 || t.baseK < k0) bad(`baseK ${t.baseK} must be a positive multiple of K0 = ${k0}`);
  if (!Number.isSafeInteger(t.stepK) || t.stepK < 1) bad(`stepK ${t.stepK} must be a positive integer`);
  if (t.aResident && p.aSource.kind !== 'matrix') bad('aResident applies to a matrix A only (img2col keeps its feature map resident anyway)');
  if (t.baseM / 16 > 255) bad(`baseM ${t.baseM} needs more than 255 fractals per LoadData`);
  if ((t.baseK / k0) * (t.baseN / 16) > 255) bad(`baseK x baseN = ${t.baseK} x ${t.baseN} needs more than 255 fractals per LoadData`);
  if (t.baseM > 4095 || t.baseN > 4095 || t.baseK > 4095) bad('mmad sizes are limited to 4095');
  if (t.splitK !== undefined && t.splitK !== 1) checkSplitK(p, t, cfg, bad);
  if (t.gridN) {
    const u = gridUnits(p, gridUnitN(cfg.organisation));
    if (!Number.isSafeInteger(t.gridN) || t.gridN < 0 || t.gridN > cfg.cores) bad(`gridN ${t.gridN} must be an integer in 0..${cfg.cores} (0: no core grid; ${cfg.cores} cores)`);
    if (!Number.isSafeInteger(t.blockDim) || t.blockDim < 1 || t.blockDim > cfg.cores) bad(`blockDim ${t.blockDim} must be in 1..${cfg.cores} (${cfg.cores} cores)`);
    if (!gridFits(u, t.blockDim, t.gridN))
      bad(`a core grid of ${t.blockDim} blocks, ${t.gridN} along N, needs gridN to divide blockDim, at most ${u.colUnits} column ranges of ${u.unitN} and at most ${u.rowUnits} row ranges of 16 rows`);
  } else {
    const tiles = p.batch * ceilDiv(p.m, t.baseM) * ceilDiv(p.n, t.baseN);
    const units = tiles * kSlices(t);
    const what = kSlices(t) > 1 ? `${tiles} output tiles x ${kSlices(t)} K slices` : `${tiles} output tiles`;
    if (!Number.isSafeInteger(t.blockDim) || t.blockDim < 1 || t.blockDim > Math.min(units, cfg.cores))
      bad(`blockDim ${t.blockDim} must be in 1..${Math.min(units, cfg.cores)} (${what}, ${cfg.cores} cores)`);
  }
  for (const [buf, need] of Object.entries(gemmFootprint(p, t, cfg))) {
    const kp = cfg.coreKinds[kindOf(cfg, buf)]?.buffers ?? {};
    const have = kp[buf as keyof typeof kp]?.bytes ?? 0;
    if (need > have) bad(`${buf} needs ${need} bytes but ${cfg.name} has ${have} (over by ${need - have}); use a smaller base tile or turn off double buffering`);
  }
}

/**
 * What a K split needs: an integer accumulator (an fp32 one would sum its partials in another order
 * than the unsplit kernel, so FP16 GEMMs stay unsplit), one set of per-column tables for every output
 * row (the reduction applies them per column), no core grid, and at least one L1 chunk per slice.
 */
function checkSplitK(p: GemmProblem, t: GemmTiling, cfg: HwConfig, bad: (what: string) => never): void {
  const s = t.splitK!;
  const chunks = kChunks(p, t);
  if (!Number.isSafeInteger(s) || s < 1) bad(`splitK ${s} must be a positive integer (1: no K split)`);
  if (p.aType === 'f16' || p.aType === 'f32')
    bad(`splitK ${s}: FP16 GEMMs are not split over K (fp32 partial sums added in another order would not give the unsplit kernel's bits); use splitK 1`);
  if (p.bCount > 1 || p.groups > 1) bad(`splitK ${s}: a K split needs one B matrix and one column group (this GEMM has ${p.bCount} B matrices, ${p.groups} groups); use splitK 1`);
  if (t.gridN) bad(`splitK ${s} and gridN ${t.gridN} cannot be combined: K slices are dealt in tile order; drop one`);
  if (s > chunks) bad(`splitK ${s} is more than the ${chunks} L1 chunk(s) of K (K ${p.k} in chunks of stepK x baseK = ${t.stepK * t.baseK}): use at most ${chunks}, or a smaller stepK`);
  if (s > cfg.cores) bad(`splitK ${s} is more than the ${cfg.cores} cores of ${cfg.name}`);
}

/**
 * Turns on the resident A panel when it pays: A is a matrix, the panel fits, and some block runs
 * several tiles of one tile row to reuse it for. Otherwise it only delays the first mmad (the whole
 * panel loads before it) and A streams chunk by chunk instead.
 */
export function withResidentA(p: GemmProblem, t: GemmTiling, cfg: HwConfig): GemmTiling {
  const tiles = p.batch * ceilDiv(p.m, t.baseM) * ceilDiv(p.n, t.baseN);
  // on a core grid a block's row of tiles spans its column range, not all of N
  const rowSpan = t.gridN ? gridBlockTiles(p, t, t.gridN, gridUnitN(cfg.organisation), 0).filter((x) => x.m0 === 0 && x.e === 0).length : ceilDiv(p.n, t.baseN);
  // a K slice reads only its part of K: a whole-K panel would load more than it uses
  const reuse = p.aSource.kind === 'matrix' && kSlices(t) === 1 && rowSpan > 1 && (t.gridN ? true : ceilDiv(tiles, t.blockDim) >= 2);
  const resident = { ...t, aResident: true };
  return reuse && fits(p, resident, cfg) ? resident : { ...t, aResident: false };
}

/** Whether the buffers hold a tiling (every constraint but the block count). */
export function fits(p: GemmProblem, t: GemmTiling, cfg: HwConfig): boolean {
  try {
    // buffers only: the block count (and the core grid it shapes) is checked once it is chosen
    const { gridN: _grid, ...buffers } = t;
    checkGemmTiling(p, { ...buffers, blockDim: 1 }, cfg);
    return true;
  } catch (e) {
    if (e instanceof OpError) return false;
    throw e;
  }
}

/**
 * The caller's fields with a block count past the chip's cores cut to the cores: the tiler then
 * chooses for the blocks that can run (a core grid included), and the kernel notes say so.
 */
export function capBlocks<T extends Partial<GemmTiling> | undefined>(fixed: T, cfg: HwConfig): T {
  const b = fixed?.blockDim;
  return b !== undefined && Number.isSafeInteger(b) && b > cfg.cores ? { ...fixed, blockDim: cfg.cores } : fixed;
}
