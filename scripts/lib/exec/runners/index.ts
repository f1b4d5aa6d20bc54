/**
 * The simulated implementations of ONNX nodes, by ONNX op name. Each runner turns validated inputs
 * into one or more ops-nn kernels on the simulated chip (see ../types.ts NodeRunner); ops without a
 * runner yet are reported by the registry as "no kernel for <op> yet".
 */
import type { NodeRunner } from '../types.js';
import { convInteger, qlinearConv } from './conv-ops.js';
import { matMulInteger, qlinearMatMul } from './matmul-ops.js';
import { dequantizeLinear } from './dequantize.js';
import { qlinearAdd } from './qlinear-add.js';
import { quantizeLinear } from './quantize.js';

/** Runners by ONNX op name (an op missing here has no kernel yet). */
export const RUNNERS: Partial<Record<string, NodeRunner>> = {
  QLinearMatMul: qlinearMatMul,
  MatMulInteger: matMulInteger,
  QLinearConv: qlinearConv,
  ConvInteger: convInteger,
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  QLinearAdd: qlinearAdd,
};
