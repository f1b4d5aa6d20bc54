/**
 * The quantised cube operators (QLinearConv, QLinearMatMul) for timing: the GemmProblem that
 * ops-nn/onnx/cube-op.ts builds for int8 x int8 -> int8 (weights with zero point 0, so one
 * weight piece; the activation zero point folded into the always-present int32 bias), with the
 * epilogue where the fusion variant puts it. The requant multipliers are powers of two, which fit
 * the fixpipe's 10 mantissa bits, so every variant is legal and exact. Variant `gm` is two kernels:
 * the int32 GEMM, then the standalone requant kernel over its rows; their cycles and pipes add, and
 * the requant kernels read the GEMM's output from the L2 when the entry runs warm. A K split (the
 * tiler's, or the manifest's splitK) adds its reduction launch, which requantises itself under `gm`.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { VECTOR_REQUANTS, type GemmProblem, type GemmShape, type GemmTiling, type VectorRequant } from '../../../ops-nn/gemm/index.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { generateRequant } from '../../../ops-nn/quant/index.js';
import { cubeGemmLaunches, cubeProblem, FUSIONS, requantRuns, type Fusion } from '../../../ops-nn/onnx/index.js';
import { bool, int, oneOf, withDefault } from './fields.js';
import type { PlannedLaunch } from './measure.js';

/** Fields every quantised cube operator takes besides its shape. */
export const QUANT_GEMM_FIELDS = {
  fusion: oneOf(FUSIONS),
  /** one requant multiplier per output channel (ONNX per-channel w_scale), else one for all */
  perChannel: withDefault(bool(), true),
  /** y_zero_point: a non-zero one costs a vector add in the UB and GM epilogues */
  zeroPoint: withDefault(int(-128, 127), 0),
  /** arithmetic of the UB epilogue's requantisation (ops-nn/gemm/spec.ts); exact, as exec's default */
  vectorRequant: withDefault(oneOf(VECTOR_REQUANTS), 'exact'),
} as const;

export interface QuantGemmOptions {
  readonly fusion: Fusion;
  readonly perChannel: boolean;
  readonly zeroPoint: number;
  readonly vectorRequant: VectorRequant;
}

/** Multiplier of table entry i: 2^-10, 2^-11, 2^-12 repeating (exact in the fixpipe). */
const multiplierOf = (perChannel: boolean, i: number): number => 2 ** -(10 + (perChannel ? i % 3 : 0));

/** The requant multipliers of an operator of shape `s`. */
const multipliersOf = (s: GemmShape, perChannel: boolean): number[] => Array.from({ length: s.bCount * s.n }, (_, i) => multiplierOf(perChannel, i));

/** The GEMM problem the operator's tiler tiles (int32 out under `gm`, the requant epilogue otherwise). */
export const quantGemmProblem = (s: GemmShape, o: QuantGemmOptions, cfg: HwConfig): GemmProblem => problem(s, o, multipliersOf(s, o.perChannel), cfg);

function problem(s: GemmShape, o: QuantGemmOptions, multipliers: readonly number[], cfg: HwConfig): GemmProblem {
  if (o.fusion === 'fixpipe' && cfg.organisation === 'coupled') throw new OpError(`${cfg.name} has no fixpipe: use fusion "ub" or "gm"`);
  const out = { kind: 'requant', multipliers, zeroPoint: o.zeroPoint, outType: 's8' } as const;
  return cubeProblem({ ...s, out }, { aType: 's8', pieces: 1, aZeroPoint: 0, fusion: o.fusion, vectorRequant: o.vectorRequant }, cfg);
}

/** Generates the kernels of one quantised cube operator, in launch order. */
export function runQuantGemm(s: GemmShape, o: QuantGemmOptions, cfg: HwConfig, tiling: Partial<GemmTiling>, name: string): PlannedLaunch[] {
  const multipliers = multipliersOf(s, o.perChannel);
  const out = { kind: 'requant', multipliers, zeroPoint: o.zeroPoint, outType: 's8' } as const;
  const { gemm, requantAfter } = cubeGemmLaunches({ ...s, out }, problem(s, o, multipliers, cfg), o.fusion, cfg, name, tiling);
  if (!requantAfter) return [...gemm.launches];
  // The requant launches of the operator (one over every row: all row blocks share multipliers),
  // each reading its rows of the GEMM's int32 output (a carry: warm in the L2 if the entry runs warm).
  const cols = s.groups * s.n;
  const rq = requantRuns(s, multipliers).map((r, i) => ({
    kernel: generateRequant({ rows: r.count * s.m, cols, multipliers: r.multipliers, zeroPoints: [o.zeroPoint], outType: 's8' }, cfg),
    carries: [{ tensor: 'acc', back: i + 1, from: 'y', offset: r.first * s.m * cols * 4 }],
  }));
  return [...gemm.launches, ...rq];
}
