/** Runs the INT8 matmul kernel on random data and returns the simulated and reference outputs. */
import type { HwConfig } from '../../hw/config/types.js';
import type { SimMode, SimResult } from '../../hw/simulate.js';
import { generateMatmul, matmulGmImage, matmulReference, type MatmulSpec, type MatmulTiling } from '../../ops-nn/matmul/index.js';
import { randInt } from './rng.js';
import { launchKernel } from './launch.js';

export interface MatmulRun {
  got: Int8Array | Uint8Array;
  want: Int8Array | Uint8Array;
  result: SimResult;
}

export function runMatmul(cfg: HwConfig, s: MatmulSpec, r: () => number, mode: SimMode = 'functional', tiling?: Partial<MatmulTiling>): MatmulRun {
  const a = Int8Array.from({ length: s.m * s.k }, () => randInt(r, -128, 127));
  const b = Int8Array.from({ length: s.k * s.n }, () => randInt(r, -128, 127));
  const bias = s.bias ? Int32Array.from({ length: s.n }, () => randInt(r, -200000, 200000)) : null;
  const k = generateMatmul(s, cfg, tiling);
  const gmImage = matmulGmImage(k, s, cfg, a, b, bias);
  const result = launchKernel(cfg, k, mode === 'functional' ? gmImage : undefined);
  const y = k.tensors.find((t) => t.name === 'y')!;
  const out = result.gm ? result.gm.slice(y.offset, y.offset + s.m * s.n) : new Uint8Array(0);
  const got = s.outType === 's8' ? new Int8Array(out.buffer) : out;
  return { got, want: matmulReference(s, a, b, bias), result };
}
