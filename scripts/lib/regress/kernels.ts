/**
 * The regression kernel table: manifest kernel name -> parameters, tiling and timing runner.
 * Adding a kernel is one row here (and its definition beside the others).
 */
import { convF16, matmul, matmulF16, qlinearConv, qlinearMatmul } from './cube-kernels.js';
import { convF16Dw, qlinearConvDw } from './depthwise-kernels.js';
import { activation, add, pool } from './eltwise-kernels.js';
import type { RegressKernel } from './kernel-def.js';
import { dequantize, quantize, requant } from './vector-kernels.js';

export const KERNELS: Readonly<Record<string, RegressKernel>> = {
  matmul,
  'matmul-f16': matmulF16,
  'qlinear-matmul': qlinearMatmul,
  'qlinear-conv': qlinearConv,
  'conv-f16': convF16,
  'qlinear-conv-dw': qlinearConvDw,
  'conv-f16-dw': convF16Dw,
  quantize,
  dequantize,
  requant,
  add,
  activation,
  pool,
};

/** Names of the kernels a manifest may use. */
export const kernelNames = (): string[] => Object.keys(KERNELS);
