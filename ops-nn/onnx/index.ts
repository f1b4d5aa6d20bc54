/**
 * The ONNX operators of ops-nn, one file each, as host programs over the library's kernels (see
 * types.ts), with the contract ORT holds each node to (contract.ts). References: ../onnx-ref.
 */
import { OpError } from '../kernel.js';
import { ConvInteger } from './conv-integer.js';
import { DequantizeLinear } from './dequantize-linear.js';
import { MatMulInteger } from './matmul-integer.js';
import { MaxPool } from './max-pool.js';
import { QGemm } from './qgemm.js';
import { QLinearAdd } from './qlinear-add.js';
import { QLinearAveragePool } from './qlinear-average-pool.js';
import { QLinearConv } from './qlinear-conv.js';
import { QLinearGlobalAveragePool } from './qlinear-global-average-pool.js';
import { QLinearLeakyRelu } from './qlinear-leaky-relu.js';
import { QLinearMatMul } from './qlinear-matmul.js';
import { QuantizeLinear } from './quantize-linear.js';
import type { OnnxOperator } from './types.js';

export * from './tensor.js';
export * from './contract.js';
export * from './types.js';
export { cubeGemmLaunches, cubeProblem, requantRuns, type CubeOutput, type CubeShape } from './cube-op.js';
export { ConvInteger, DequantizeLinear, MatMulInteger, MaxPool, QGemm, QLinearAdd, QLinearAveragePool, QLinearConv, QLinearGlobalAveragePool, QLinearLeakyRelu, QLinearMatMul, QuantizeLinear };

/** Every operator, by ONNX op type. */
export const OPERATORS: Readonly<Record<string, OnnxOperator>> = {
  QuantizeLinear,
  DequantizeLinear,
  QLinearMatMul,
  QGemm,
  MatMulInteger,
  QLinearConv,
  ConvInteger,
  QLinearAdd,
  MaxPool,
  QLinearAveragePool,
  QLinearGlobalAveragePool,
  QLinearLeakyRelu,
};

/** Names of the supported operators, sorted. */
export const supportedOps = (): string[] => Object.keys(OPERATORS).sort();

/** The operator `op`, or an OpError listing the supported ones. */
export function operatorFor(op: string): OnnxOperator {
  const o = Object.hasOwn(OPERATORS, op) ? OPERATORS[op] : undefined;
  if (!o) throw new OpError(`unknown op "${op}" (supported: ${supportedOps().join(', ')})`);
  return o;
}
