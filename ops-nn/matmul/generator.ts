/**
 * INT8 matmul with fixpipe-style requantisation, on the GEMM core: y = requant(A x B + bias).
 * The epilogue runs in the fixpipe on arch 2201 and through UB on coupled presets; both compute the
 * fixpipe datapath's bits.
 */
import type { HwConfig } from '../../hw/config/types.js';
import type { Kernel } from '../kernel.js';
import { checkGemmTiling, defaultGemmTiling, gemmGmImage, gemmLaunchImage, gemmProblem, generateGemm, generateGemmLaunches, matrixShape, prepareWeights, type GemmLaunches, type GemmProblem, type GemmTiling } from '../gemm/index.js';
import { checkMatmulSpec, columnQuant, type MatmulSpec } from './spec.js';

export type MatmulTiling = GemmTiling;

/** The GEMM problem of a matmul spec on `cfg`. */
export function matmulProblem(s: MatmulSpec, cfg: HwConfig): GemmProblem {
  const { scales, offsets } = columnQuant(s);
  const epilogue = { kind: 'requant', semantics: 'fixpipe', scales, offsets, outType: s.outType, relu: s.relu } as const;
  return gemmProblem(matrixShape(s.m, s.k, s.n), { aType: 's8', bType: 's8', bias: s.bias, epilogue }, cfg);
}

export const defaultMatmulTiling = (s: MatmulSpec, cfg: HwConfig, blockDim?: number): MatmulTiling => defaultGemmTiling(matmulProblem(s, cfg), cfg, blockDim);
export const checkMatmulTiling = (s: MatmulSpec, t: MatmulTiling, cfg: HwConfig): void => checkGemmTiling(matmulProblem(s, cfg), t, cfg);

/** Generates the INT8 matmul kernel for `cfg`; the tiling defaults to `defaultMatmulTiling`. */
export function generateMatmul(s: MatmulSpec, cfg: HwConfig, tiling?: Partial<MatmulTiling>): Kernel {
  checkMatmulSpec(s);
  const k = generateGemm(matmulProblem(s, cfg), cfg, tiling, 'matmul');
  return { ...k, notes: [...k.notes, ...hostNotes(cfg)] };
}

/** The host notes every matmul kernel carries: what the host does to its inputs. */
function hostNotes(cfg: HwConfig): string[] {
  return [
    cfg.organisation === 'coupled'
      ? 'host-side layout conversion: A and B^T are given to the kernel in NZ (this preset has no ND -> NZ DataCopy)'
      : 'host-side layout conversion: B is transposed to B^T (N x K) on the host, as weights are prepared offline',
    // the matmul's requant semantics are the fixpipe's on every preset, so the results agree across
    // presets; a coupled preset applies them on the vector unit, which has no fixpipe to name
    cfg.organisation === 'coupled'
      ? 'scale used = the fp32 scale with its low 13 mantissa bits cleared, as a fixpipe (which this preset does not use for the epilogue) would keep 10: the same results on every preset'
      : 'scale used = the fp32 scale with its low 13 mantissa bits cleared (the fixpipe keeps 10)',
  ];
}

/**
 * The INT8 matmul's launches: the kernel alone, or, when the tiler (or the tiling's splitK) splits K
 * over cores, the partial GEMM and the reduction that adds the slices and requantises (ops-nn/gemm/split.ts).
 */
export function generateMatmulLaunches(s: MatmulSpec, cfg: HwConfig, tiling?: Partial<MatmulTiling>): GemmLaunches {
  checkMatmulSpec(s);
  const g = generateGemmLaunches(matmulProblem(s, cfg), cfg, tiling, 'matmul');
  const [first, ...rest] = g.launches;
  return { ...g, launches: [{ ...first!, kernel: { ...first!.kernel, notes: [...first!.kernel.notes, ...hostNotes(cfg)] } }, ...rest] };
}

/** Host side of the launches: the GM image of launch i (the first from the inputs, the reduction from GM after the partial launch). */
export function matmulLaunchImage(g: GemmLaunches, i: number, s: MatmulSpec, cfg: HwConfig, a: Int8Array, b: Int8Array, bias: Int32Array | null, before?: Uint8Array): Uint8Array {
  const w = prepareWeights(1, s.k, s.n, (_c, kk, nn) => b[kk * s.n + nn]!);
  const inputs = { a: new Uint8Array(a.buffer, a.byteOffset, a.byteLength), b: w.data, ...(bias ? { bias } : {}) };
  return gemmLaunchImage(g, i, cfg, inputs, before);
}

/** Host side: lays out A (M x K), B (K x N) and bias in GM the way the kernel expects them. */
export function matmulGmImage(k: Kernel, s: MatmulSpec, cfg: HwConfig, a: Int8Array, b: Int8Array, bias: Int32Array | null): Uint8Array {
  const w = prepareWeights(1, s.k, s.n, (_c, kk, nn) => b[kk * s.n + nn]!);
  const inputs = { a: new Uint8Array(a.buffer, a.byteOffset, a.byteLength), b: w.data, ...(bias ? { bias } : {}) };
  return gemmGmImage(k, matmulProblem(s, cfg), cfg, inputs);
}
