/**
 * Cube kernels of the regression table: the INT8 matmul with the fixpipe requant datapath (the
 * `run matmul` kernel), QLinearMatMul and QLinearConv in each fusion variant, and the FP16 matmul
 * and conv. Each row: parameters, tiling, and a runner that times the generated kernel(s).
 */
import { convF16Problem, convGemmShapeFor, generateConvF16 } from '../../../ops-nn/conv/index.js';
import { matrixShape } from '../../../ops-nn/gemm/index.js';
import { generateMatmulF16, generateMatmulLaunches, matmulF16Problem, matmulProblem, type MatmulSpec } from '../../../ops-nn/matmul/index.js';
import { randomQuant } from '../matmul-data.js';
import { seededRandom } from '../rng.js';
import { CONV_FIELDS, convOf } from './conv-fields.js';
import { convF16Check, qlinearConvCheck, qlinearMatmulCheck } from './cube-checks.js';
import { bool, oneOf, withDefault } from './fields.js';
import { defineKernel, dim, GEMM_TILING } from './kernel-def.js';
import { QUANT_GEMM_FIELDS, quantGemmProblem, runQuantGemm } from './quant-gemm.js';

const C0_INT8 = 32; // int8 elements per 32-byte block: K of img2col is in whole blocks

const MATMUL_SHAPE = { m: dim(), k: dim(), n: dim() } as const;

/** The `run matmul` spec: the scales it draws with its default seed, so the same kernel and cycles. */
const matmulSpec = (p: { m: number; k: number; n: number; perChannel: boolean; bias: boolean; outType: 's8' | 'u8'; relu: boolean }): MatmulSpec => ({
  m: p.m,
  k: p.k,
  n: p.n,
  bias: p.bias,
  quant: randomQuant({ ...p }, seededRandom(1)),
  outType: p.outType,
  relu: p.relu,
});

/** The GEMM shape of a QLinearMatMul (one A, one B). */
const qlinearMatmulShape = (p: { m: number; k: number; n: number }) => ({ ...matrixShape(p.m, p.k, p.n), aPerBatch: false });

export const matmul = defineKernel({
  describe: 'INT8 matmul y = requant(A x B + bias) with the fixpipe datapath (the `run matmul` kernel)',
  params: {
    ...MATMUL_SHAPE,
    perChannel: withDefault(bool(), false),
    bias: withDefault(bool(), true),
    outType: withDefault(oneOf(['s8', 'u8']), 's8'),
    relu: withDefault(bool(), false),
  },
  tiling: GEMM_TILING,
  run: (p, cfg, tiling) => [...generateMatmulLaunches(matmulSpec(p), cfg, tiling).launches],
  problem: (p, cfg) => matmulProblem(matmulSpec(p), cfg),
});

export const matmulF16 = defineKernel({
  describe: 'FP16 matmul: fp16 in, fp32 accumulate and bias, fp16 out',
  params: { ...MATMUL_SHAPE, bias: withDefault(bool(), true) },
  tiling: GEMM_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateMatmulF16(p, cfg, tiling) }],
  problem: (p, cfg) => matmulF16Problem(p, cfg),
});

export const qlinearMatmul = defineKernel({
  describe: 'QLinearMatMul int8 x int8 -> int8 (M x K times K x N), epilogue per fusion variant',
  params: { ...MATMUL_SHAPE, ...QUANT_GEMM_FIELDS },
  tiling: GEMM_TILING,
  run: (p, cfg, tiling) => runQuantGemm(qlinearMatmulShape(p), p, cfg, tiling, 'matmul'),
  problem: (p, cfg) => quantGemmProblem(qlinearMatmulShape(p), p, cfg),
  functional: (p, cfg, tiling, _planned, r) => qlinearMatmulCheck(p, cfg, tiling as Tiling, r),
});

type Tiling = Readonly<Record<string, number | boolean | string>>;

export const qlinearConv = defineKernel({
  describe: 'QLinearConv int8 x int8 -> int8 (img2col GEMM per image and group), epilogue per fusion variant',
  params: { ...CONV_FIELDS, ...QUANT_GEMM_FIELDS },
  tiling: GEMM_TILING,
  // One GEMM per (image, group) over img2col rows; the pad value (x_zp) does not change timing.
  run: (p, cfg, tiling) => runQuantGemm(convGemmShapeFor(convOf(p), C0_INT8), p, cfg, tiling, 'conv'),
  problem: (p, cfg) => quantGemmProblem(convGemmShapeFor(convOf(p), C0_INT8), p, cfg),
  functional: (p, cfg, tiling, _planned, r) => qlinearConvCheck({ ...p, s: convOf(p) }, cfg, tiling as Tiling, r),
});

export const convF16 = defineKernel({
  describe: 'FP16 convolution on the img2col GEMM: fp16 in, fp32 accumulate and bias, fp16 out',
  params: { ...CONV_FIELDS, bias: withDefault(bool(), true) },
  tiling: GEMM_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateConvF16(convOf(p), p.bias, cfg, tiling) }],
  problem: (p, cfg) => convF16Problem(convOf(p), p.bias, cfg),
  functional: (p, cfg, _tiling, planned, r) => convF16Check(convOf(p), p.bias, cfg, planned, r),
});
