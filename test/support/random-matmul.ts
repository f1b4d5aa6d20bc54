/**
 * The matmul kernel of a random property case: INT8 (requantised to s8, no bias) or FP16, on
 * `blocks` blocks, or with the default tiling when that many blocks is not a tiling (more blocks
 * than output tiles).
 */
import type { HwConfig } from '../../hw/config/types.js';
import type { Kernel } from '../../ops-nn/kernel.js';
import { generateMatmul, generateMatmulF16 } from '../../ops-nn/matmul/index.js';

export interface RandomMatmul {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly f16: boolean;
  readonly blocks: number;
}

export function randomMatmulKernel(cfg: HwConfig, c: RandomMatmul): Kernel {
  const { m, k, n } = c;
  const generate = (tiling: { blockDim?: number }) =>
    c.f16
      ? generateMatmulF16({ m, k, n, bias: false }, cfg, tiling)
      : generateMatmul({ m, k, n, bias: false, quant: { scale: 0.0078125, offset: 0 }, outType: 's8', relu: false }, cfg, tiling);
  try {
    return generate({ blockDim: Math.min(c.blocks, cfg.cores) });
  } catch {
    return generate({});
  }
}
