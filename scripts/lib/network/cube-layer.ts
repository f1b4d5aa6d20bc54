/**
 * The cube layers of a network (convolutions and fully connected layers) as the regress kernel table
 * times them (scripts/lib/regress/kernels.ts: the kernels `exec` builds for QLinearConv and
 * QLinearMatMul), and one planned launch run timing-only as the next of a launch sequence. The
 * ResNet-50 table (../resnet50.ts) and the network runner (run.ts) both time their layers here.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import type { SimResult } from '../../../hw/simulate.js';
import type { LaunchSequence } from '../../../ops-nn/launch-sequence.js';
import type { VectorRequant } from '../../../ops-nn/gemm/spec.js';
import type { Fusion } from '../../../ops-nn/onnx/index.js';
import { summarise, type OpSummary } from '../../../traces/index.js';
import { KERNELS } from '../regress/kernels.js';
import type { PlannedLaunch } from '../regress/measure.js';
import { simulateInSequence } from '../sequence.js';

export interface ConvLayer {
  readonly kind: 'conv';
  readonly name: string;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly oc: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
}
export interface FcLayer {
  readonly kind: 'fc';
  readonly name: string;
  readonly k: number;
  readonly n: number;
}
export type Layer = ConvLayer | FcLayer;

/** Where the epilogue runs and, through UB, in which arithmetic. */
export interface Epilogue {
  readonly fusion: Fusion;
  readonly vectorRequant: VectorRequant;
}

/** The regress kernel and parameters that time `l` at `batch` images, in launch order. */
export function cubeLaunches(l: Layer, batch: number, cfg: HwConfig, e: Epilogue, tiling?: unknown): PlannedLaunch[] {
  const { fusion, vectorRequant } = e;
  if (l.kind === 'fc') return KERNELS['qlinear-matmul']!.bind({ m: batch, k: l.k, n: l.n, fusion, vectorRequant }, tiling)(cfg);
  return KERNELS['qlinear-conv']!.bind({ n: batch, c: l.c, h: l.h, w: l.w, oc: l.oc, kh: l.k, kw: l.k, stride: l.stride, pad: l.pad, fusion, vectorRequant }, tiling)(cfg);
}

/** How to run one launch: plainly, or through `traced` (which writes its trace files). */
export type LaunchRunner = (launch: Parameters<typeof simulateInSequence>[1], sequence: LaunchSequence, p: PlannedLaunch, label: string) => SimResult;

const plain: LaunchRunner = (launch, sequence, p) => simulateInSequence(sequence, launch, p.kernel.tensors, p.carries);

/** Runs a planned launch timing-only as the next of `sequence`; its summary is labelled `label`. */
export function timePlanned(sequence: LaunchSequence, cfg: HwConfig, p: PlannedLaunch, label: string, run: LaunchRunner = plain): { result: SimResult; summary: OpSummary } {
  const k = p.kernel;
  const result = run({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: k.gmBytes, mode: 'timing' }, sequence, p, label);
  return { result, summary: summarise(result, label, k.usefulMacs) };
}
