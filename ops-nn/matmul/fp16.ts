/**
 * FP16 matmul on the GEMM core, the floating-point counterpart of the INT8 matmul: fp16 inputs,
 * fp32 accumulation in L0C, fp32 bias, fp16 output (fixpipe F322F16 on arch 2201; on coupled
 * presets a vector cast, or the L0C -> UB copy's own conversion where it has one: 310P). Same tiling and pipeline, so INT8 and FP16 compare on equal terms.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { numberToF16Bits, roundF16 } from '../../isa/numeric/float16.js';
import { OpError, type Kernel } from '../kernel.js';
import { gemmGmImage, gemmProblem, generateGemm, matrixShape, type GemmProblem, type GemmTiling } from '../gemm/index.js';

export interface MatmulF16Spec {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly bias: boolean;
}

export function matmulF16Problem(s: MatmulF16Spec, cfg: HwConfig): GemmProblem {
  for (const d of ['m', 'k', 'n'] as const)
    if (!Number.isSafeInteger(s[d]) || s[d] < 1 || s[d] > 65535) throw new OpError(`matmul ${d} = ${s[d]} must be an integer in 1..65535`);
  return gemmProblem(matrixShape(s.m, s.k, s.n), { aType: 'f16', bType: 'f16', bias: s.bias, epilogue: { kind: 'f16' } }, cfg);
}

export const generateMatmulF16 = (s: MatmulF16Spec, cfg: HwConfig, tiling?: Partial<GemmTiling>): Kernel => generateGemm(matmulF16Problem(s, cfg), cfg, tiling, 'matmul_f16');

const f16Bytes = (values: ArrayLike<number>): Uint8Array => {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToF16Bits(values[i]!);
  return new Uint8Array(out.buffer);
};

/** GM image from A (m x k), B (k x n) and bias (n) given as fp16 values (B is transposed on the host). */
export function matmulF16GmImage(k: Kernel, s: MatmulF16Spec, cfg: HwConfig, a: Float32Array, b: Float32Array, bias: Float32Array | null): Uint8Array {
  const bt = new Float32Array(s.n * s.k);
  for (let kk = 0; kk < s.k; kk++) for (let nn = 0; nn < s.n; nn++) bt[nn * s.k + kk] = b[kk * s.n + nn]!;
  return gemmGmImage(k, matmulF16Problem(s, cfg), cfg, { a: f16Bytes(a), b: f16Bytes(bt), ...(bias ? { bias } : {}) });
}

/**
 * Where the kernel's fp32 bias enters: as the accumulator's start (the bias table on arch 2201, or
 * broadcast into L0C before the mmads where the L0C <-> UB path converts: features.enhancedL0cUb,
 * ops-nn/gemm/copy-deq.ts) or after it (a vector add in UB, 910).
 */
export const biasPlacement = (cfg: HwConfig): 'init' | 'end' => (cfg.organisation === 'coupled' && !cfg.features.enhancedL0cUb ? 'end' : 'init');

/**
 * Reference with the cube's documented accumulation: per K0 = 16 fractal a partial sum in double,
 * rounded to fp32 and added to the fp32 accumulator (one rounding); the bias either starts the
 * accumulator or is added to it at the end (one fp32 rounding); the result rounded to fp16. K steps
 * of the kernel (baseK) are whole fractals, so the order matches.
 */
export function matmulF16Reference(s: MatmulF16Spec, a: Float32Array, b: Float32Array, bias: Float32Array | null, biasAt: 'init' | 'end' = 'init'): Float32Array {
  const y = new Float32Array(s.m * s.n);
  for (let i = 0; i < s.m; i++)
    for (let j = 0; j < s.n; j++) {
      let acc = bias && biasAt === 'init' ? bias[j]! : 0;
      for (let k0 = 0; k0 < s.k; k0 += 16) {
        let dot = 0;
        for (let kk = k0; kk < Math.min(k0 + 16, s.k); kk++) dot += a[i * s.k + kk]! * b[kk * s.n + j]!;
        acc = Math.fround(acc + Math.fround(dot));
      }
      if (bias && biasAt === 'end') acc = Math.fround(acc + bias[j]!);
      y[i * s.n + j] = roundF16(acc);
    }
  return y;
}
