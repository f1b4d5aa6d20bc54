/**
 * Plain references of the quantised ONNX operators, bit-exact with ONNX Runtime 1.30 CPU on x86-64
 * (checked against test/fixtures/onnx), used only by tests.
 */
import { convInteger } from './conv-integer.js';
import { dequantizeLinear } from './dequantize-linear.js';
import { matmulInteger } from './matmul-integer.js';
import { maxPool } from './max-pool.js';
import { qgemm } from './qgemm.js';
import { qlinearAdd } from './qlinear-add.js';
import { qlinearAveragePool } from './qlinear-average-pool.js';
import { qlinearConv } from './qlinear-conv.js';
import { qlinearGlobalAveragePool } from './qlinear-global-average-pool.js';
import { qlinearLeakyRelu } from './qlinear-leaky-relu.js';
import { qlinearMatmul } from './qlinear-matmul.js';
import { quantizeLinear } from './quantize-linear.js';
import type { OnnxReference } from './tensor.js';

export * from './tensor.js';
export { clamp, fmaF32, fp32, requantize, requantScale, rne } from './arith.js';
export { qlinearAddElement, type AddParams } from './qlinear-add.js';
export { convInteger, dequantizeLinear, matmulInteger, maxPool, qgemm, qlinearAdd, qlinearAveragePool, qlinearConv, qlinearGlobalAveragePool, qlinearLeakyRelu, qlinearMatmul, quantizeLinear };

/** The reference of each ONNX operator, by op name. */
export const ONNX_REFERENCES: Readonly<Record<string, OnnxReference>> = {
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  QLinearMatMul: qlinearMatmul,
  QGemm: qgemm,
  MatMulInteger: matmulInteger,
  QLinearConv: qlinearConv,
  ConvInteger: convInteger,
  QLinearAdd: qlinearAdd,
  MaxPool: maxPool,
  QLinearAveragePool: qlinearAveragePool,
  QLinearGlobalAveragePool: qlinearGlobalAveragePool,
  QLinearLeakyRelu: qlinearLeakyRelu,
};
