/**
 * Matmul tiling: the L0 tile (baseM x baseN x baseK), how many base-K steps one L1 chunk holds
 * (stepK), double buffering and the number of blocks. Validated against the preset's buffers with
 * errors that name the buffer and by how much it overflows. The default tiler picks the largest
 * tile that fits with double buffering everywhere.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError, ceilDiv, roundUp } from '../kernel.js';
import type { MatmulSpec } from './spec.js';

export interface MatmulTiling {
  /** rows of the L0A / L0C tile (multiple of 16) */
  readonly baseM: number;
  /** columns of the L0B / L0C tile (multiple of 16; of 32 on coupled presets) */
  readonly baseN: number;
  /** depth of one mmad (multiple of 32 for int8) */
  readonly baseK: number;
  /** base-K steps per L1 chunk: one GM -> L1 load covers stepK * baseK of K */
  readonly stepK: number;
  /** double-buffer L1 chunks, L0A/L0B tiles, L0C tiles */
  readonly dbL1: boolean;
  readonly dbL0: boolean;
  readonly dbL0C: boolean;
  /** blocks (cores, or AIC groups) to split the output tiles over */
  readonly blockDim: number;
}

/** Bytes each buffer needs for a tiling; keys are buffer names. */
export function matmulFootprint(s: MatmulSpec, t: MatmulTiling, cfg: HwConfig): Record<string, number> {
  const db = (b: boolean) => (b ? 2 : 1);
  const kL1 = t.stepK * t.baseK;
  const n16 = roundUp(s.n, 16);
  const out: Record<string, number> = {
    L0A: t.baseM * t.baseK * db(t.dbL0),
    L0B: t.baseK * t.baseN * db(t.dbL0),
    L0C: t.baseM * t.baseN * 4 * db(t.dbL0C),
    L1: (t.baseM + t.baseN) * kL1 * db(t.dbL1),
  };
  if (cfg.organisation === 'separated') {
    out.L1! += (s.bias ? n16 * 4 : 0) + (t.baseN > 0 ? s.n * 8 : 0);
    if (s.bias) out.BT = t.baseN * 4;
    out.FB = t.baseN * 8;
  } else {
    const params = roundUp(s.n, 64) + 64;
    out.UB = 3 * params * 4 + t.baseM * t.baseN * 4 + 2 * (t.baseM * roundUp(t.baseN, 32) * 4 + 256);
  }
  return out;
}

const kindOf = (cfg: HwConfig) => (cfg.organisation === 'coupled' ? 'coupled' : 'aic');

/** Throws an OpError naming the first constraint the tiling breaks. */
export function checkMatmulTiling(s: MatmulSpec, t: MatmulTiling, cfg: HwConfig): void {
  const bad = (what: string): never => {
    throw new OpError(`matmul tiling ${JSON.stringify(t)}: ${what}`);
  };
  if (t.baseM % 16 || t.baseM < 16) bad(`baseM ${t.baseM} must be a positive multiple of 16`);
  if (t.baseN % 16 || t.baseN < 16) bad(`baseN ${t.baseN} must be a positive multiple of 16`);
  if (cfg.organisation === 'coupled' && t.baseN % 32) bad(`baseN ${t.baseN} must be a multiple of 32 on coupled presets (int8 output rows are 32 B aligned in UB)`);
  if (t.baseK % 32 || t.baseK < 32) bad(`baseK ${t.baseK} must be a positive multiple of 32 (int8 K0)`);
  if (!Number.isSafeInteger(t.stepK) || t.stepK < 1) bad(`stepK ${t.stepK} must be a positive integer`);
  if (t.baseM / 16 > 255) bad(`baseM ${t.baseM} needs more than 255 fractals per LoadData`);
  if ((t.baseK / 32) * (t.baseN / 16) > 255) bad(`baseK x baseN = ${t.baseK} x ${t.baseN} needs more than 255 fractals per LoadData`);
  if (t.baseM > 4095 || t.baseN > 4095 || t.baseK > 4095) bad('mmad sizes are limited to 4095');
  const tiles = ceilDiv(s.m, t.baseM) * ceilDiv(s.n, t.baseN);
  const maxBlocks = cfg.cores;
  if (!Number.isSafeInteger(t.blockDim) || t.blockDim < 1 || t.blockDim > Math.min(tiles, maxBlocks))
    bad(`blockDim ${t.blockDim} must be in 1..${Math.min(tiles, maxBlocks)} (${tiles} output tiles, ${maxBlocks} cores)`);
  const kp = cfg.coreKinds[kindOf(cfg)]!.buffers;
  for (const [buf, need] of Object.entries(matmulFootprint(s, t, cfg))) {
    const have = kp[buf as keyof typeof kp]?.bytes ?? 0;
    if (need > have) bad(`${buf} needs ${need} bytes but ${cfg.name} has ${have} (over by ${need - have}); use a smaller base tile or turn off double buffering`);
  }
}

/**
 * The default tiling: the largest tile of a fixed list that fits the buffers with double buffering
 * everywhere, and as many blocks as there are output tiles (up to the core count) unless given.
 */
export function defaultMatmulTiling(s: MatmulSpec, cfg: HwConfig, blockDim?: number): MatmulTiling {
  const coupled = cfg.organisation === 'coupled';
  const candidates: [number, number, number][] = [
    [128, 128, 128],
    [128, 128, 64],
    [64, 128, 64],
    [64, 64, 64],
    [32, 64, 32],
    [16, 32, 32],
  ];
  for (const [bm, bn, bk] of candidates) {
    const baseM = Math.min(bm, roundUp(s.m, 16));
    const baseN = Math.min(bn, roundUp(s.n, coupled ? 32 : 16));
    const baseK = Math.min(bk, roundUp(s.k, 32));
    const stepK = Math.max(1, Math.min(ceilDiv(s.k, baseK), Math.floor(256 / baseK)));
    const tile = { baseM, baseN, baseK, stepK, dbL1: true, dbL0: true, dbL0C: true };
    const tiles = ceilDiv(s.m, baseM) * ceilDiv(s.n, baseN);
    try {
      checkMatmulTiling(s, { ...tile, blockDim: 1 }, cfg);
    } catch (e) {
      if (e instanceof OpError) continue;
      throw e;
    }
    return { ...tile, blockDim: blockDim ?? Math.min(tiles, cfg.cores) };
  }
  throw new OpError(`no matmul tiling fits ${cfg.name} for m=${s.m} k=${s.k} n=${s.n} (N too large for the per-column tables?)`);
}
