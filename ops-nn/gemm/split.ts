/**
 * K split over cores, for GEMMs with fewer output tiles than the chip has cores (a few rows times a
 * few columns over a long K): two launches.
 *
 * 1. The partial GEMM: blocks run (output tile, K slice) pairs (blocks.ts sliceUnits), each over its
 *    slice's L1 chunks only, and write the int32 accumulator tile to the slice's part of a GM
 *    workspace `partials` (slices x rows x columns, row-major): through the fixpipe on separated
 *    chips, through UB on coupled ones (the int32 epilogue both already have). The first slice
 *    starts from the bias, the others from zero.
 * 2. The reduction: a streaming vector kernel (ops-nn/vector) reads the slices, adds them in int32
 *    and applies the GEMM's epilogue: none for int32 results; ONNX requant with the very steps of the
 *    unfused 'gm' variant's requant kernel (ops-nn/quant/requant.ts); the fixpipe datapath's requant
 *    with the steps of the coupled UB epilogue (vector-epilogue.ts).
 *
 * Exact: integer additions wrap the same way in any order, so the slices' sum is the unsplit
 * accumulator bit for bit, and the epilogue sees the same int32 values. FP16 GEMMs are not split: an
 * fp32 accumulator summed slice by slice rounds differently from the unsplit K order (tiling.ts).
 * The reduction reads the workspace as carries of the partial launch (ops-nn/launch-sequence.ts), so
 * in a warm sequence it reads the L2 lines the partial launch left.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { hardwareScale } from '../../isa/numeric/fixpipe-quant.js';
import type { Carry } from '../launch-sequence.js';
import { OpError, type Kernel } from '../kernel.js';
import { narrowSteps, QRANGE, REQUANT_NOTE, requantSteps } from '../quant/index.js';
import type { ParamSpec } from '../vector/elementwise.js';
import { readTensor, vectorGmImage, type VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { buildGemm, checkProblem } from './generator.js';
import { gemmGmImage, gemmOutput, type GemmInputs } from './host.js';
import { columnsOf, type GemmProblem } from './spec.js';
import { chooseGemmTiling } from './tiler.js';
import { kSlices, type GemmTiling } from './tiling.js';

/** One launch of a GEMM and the tensors it reads that an earlier launch wrote. */
export interface GemmLaunch {
  readonly kernel: Kernel;
  readonly carries?: readonly Carry[];
}

/** The launches of one GEMM: the kernel alone, or a K split's partial GEMM and its reduction. */
export interface GemmLaunches {
  readonly launches: readonly GemmLaunch[];
  /** the problem of the first launch (a split's partial GEMM: int32 out), whose GM image gemmGmImage builds */
  readonly first: GemmProblem;
  /** the GEMM's tiling (splitK > 1 for a split) */
  readonly tiling: GemmTiling;
}

/** Name of slice i's input tensor in the reduction kernel. */
const sliceInput = (i: number) => `partial${i}`;

/** The problem of a split's partial launch: int32 out where int32 leaves (fixpipe on separated chips, UB on coupled). */
export function partialProblem(p: GemmProblem, cfg: HwConfig): GemmProblem {
  return { ...p, epilogue: { kind: 'int32' }, place: cfg.organisation === 'coupled' ? 'ub' : 'fixpipe' };
}

/**
 * Generates the GEMM's launches; fields of `tiling` the caller leaves out come from the tiler, which
 * may split K (tiler.ts says when). Without a split this is generateGemm's kernel alone.
 */
export function generateGemmLaunches(p: GemmProblem, cfg: HwConfig, tiling?: Partial<GemmTiling>, name = 'gemm'): GemmLaunches {
  checkProblem(p, cfg);
  const choice = chooseGemmTiling(p, cfg, tiling, true);
  const slices = kSlices({ ...choice.tiling, ...tiling });
  if (slices === 1) {
    const kernel = buildGemm(p, p, cfg, tiling, choice, name);
    return { launches: [{ kernel }], first: p, tiling: kernel.tiling as unknown as GemmTiling };
  }
  const first = partialProblem(p, cfg);
  const gemm = buildGemm(first, p, cfg, tiling, choice, name);
  const reduce = generateSplitReduce(p, slices, cfg, `${name}_ksum`);
  const sliceBytes = rowsOf(p) * columnsOf(p) * 4;
  const carries = Array.from({ length: slices }, (_, i) => ({ tensor: sliceInput(i), back: 1, from: 'partials', offset: i * sliceBytes }));
  return { launches: [{ kernel: gemm }, { kernel: reduce, carries }], first, tiling: gemm.tiling as unknown as GemmTiling };
}

/** Output rows of a GEMM (every batch entry's rows; one column group). */
const rowsOf = (p: GemmProblem) => (p.batch / p.groups) * p.m;

/** The epilogue steps after the slices are summed into `acc` (int32), ending in `out0`, and their parameters. */
function epilogueSteps(p: GemmProblem, acc: Ref): { steps: Step[]; params: Record<string, ParamSpec>; note: string } {
  const ep = p.epilogue;
  if (ep.kind === 'int32') return { steps: [], params: {}, note: 'int32 out' };
  if (ep.kind !== 'requant') throw new OpError(`a K split's reduction has no ${ep.kind} epilogue (FP16 GEMMs are not split)`);
  const one = (l: readonly number[]) => (l.every((v) => v === l[0]) ? [l[0]!] : [...l]);
  if (ep.semantics === 'onnx') {
    const r = requantSteps({ multipliers: one(ep.scales), zeroPoints: [ep.offsets[0]!], outType: ep.outType }, acc);
    return { ...r, note: REQUANT_NOTE(ep.outType) };
  }
  // the fixpipe datapath (isa/numeric/fixpipe-quant.ts requant8), step for step as the coupled UB epilogue runs it
  const [qmin, qmax] = QRANGE[ep.outType];
  const offsets = one(ep.offsets);
  const steps: Step[] = [
    { op: 'conv', to: 'f32', from: 's32', round: 'rint', dst: acc, src: acc },
    { op: 'muls', dtype: 'f32', dst: acc, src: acc, value: { param: 'scale' } },
    ...(ep.relu ? [{ op: 'relu', dtype: 'f32', dst: acc, src: acc } as const] : []),
    { op: 'conv', to: 's32', from: 'f32', round: 'rint', dst: acc, src: acc },
    { op: 'maxs', dtype: 's32', dst: acc, src: acc, value: -256 },
    { op: 'mins', dtype: 's32', dst: acc, src: acc, value: 255 },
    ...(offsets.some((o) => o !== 0) ? [{ op: 'adds', dtype: 's32', dst: acc, src: acc, value: { param: 'offset' } } as const] : []),
    { op: 'maxs', dtype: 's32', dst: acc, src: acc, value: qmin },
    { op: 'mins', dtype: 's32', dst: acc, src: acc, value: qmax },
    ...narrowSteps(acc, 'tmp1', 'out0', ep.outType),
  ];
  const params: Record<string, ParamSpec> = { scale: { dtype: 'f32', values: one(ep.scales.map(hardwareScale)) }, offset: { dtype: 's32', values: offsets } };
  return { steps, params, note: `requant s32 -> ${ep.outType} with the fixpipe datapath: fp32 x scale (10 mantissa bits)${ep.relu ? ', ReLU' : ''}, round half to even, saturate to [-256, 255], + offset, saturate` };
}

/** The reduction launch of a K split in `slices` slices: sum the partial tiles in int32, then the epilogue of `p`. */
export function generateSplitReduce(p: GemmProblem, slices: number, cfg: HwConfig, name = 'gemm_ksum'): VectorKernel {
  if (!Number.isSafeInteger(slices) || slices < 2) throw new OpError(`a K split's reduction needs at least 2 slices, got ${slices}`);
  const int32 = p.epilogue.kind === 'int32';
  // int32 results are summed straight into the output; the others through the f32 scratch the epilogue converts in
  const acc: Ref = int32 ? 'out0' : 'tmp0';
  const adds: Step[] = [{ op: 'add', dtype: 's32', dst: acc, src0: 'in0', src1: 'in1' }];
  for (let i = 2; i < slices; i++) adds.push({ op: 'add', dtype: 's32', dst: acc, src0: acc, src1: `in${i}` });
  const ep = epilogueSteps(p, acc);
  const cols = columnsOf(p);
  const perColumn = Object.values(ep.params).some((v) => v.values.length > 1);
  return streamKernel(
    {
      name,
      dims: [rowsOf(p), cols],
      inputs: Array.from({ length: slices }, (_, i) => ({ name: sliceInput(i), dtype: 's32' as const })),
      outputs: [{ name: 'y', dtype: int32 ? 's32' : p.epilogue.kind === 'requant' ? p.epilogue.outType : 's32' }],
      temps: int32 ? [] : ['f32', 'f16'],
      ...(perColumn ? { axis: { channels: cols, inner: 1 } } : {}),
      params: ep.params,
      steps: [...adds, ...ep.steps],
      notes: [`K-split reduction: the ${slices} int32 partial slices added in int32 (wrapping, so exactly the unsplit accumulator), then ${ep.note}`],
    },
    cfg,
  );
}

/**
 * The GM image of launch `i` of `g`: the GEMM's from the host inputs (i = 0), or the reduction's
 * from GM after the partial launch (`before`).
 */
export function gemmLaunchImage(g: GemmLaunches, i: number, cfg: HwConfig, inputs: GemmInputs, before?: Uint8Array): Uint8Array {
  const k = g.launches[i]!.kernel;
  if (i === 0) return gemmGmImage(k, g.first, cfg, inputs);
  if (!before) throw new Error('internal: the reduction image needs GM after the partial launch');
  const partials = readTensor(g.launches[0]!.kernel, before, 'partials');
  const slice = partials.length / (g.launches[1]!.carries?.length ?? 1);
  const inputsOf = Object.fromEntries(Array.from({ length: partials.length / slice }, (_, s) => [sliceInput(s), partials.subarray(s * slice, (s + 1) * slice)]));
  return vectorGmImage(k as VectorKernel, inputsOf);
}

/** The GEMM's output bytes from GM after its last launch. */
export function gemmLaunchesOutput(g: GemmLaunches, after: Uint8Array): Uint8Array {
  const last = g.launches[g.launches.length - 1]!.kernel;
  return g.launches.length === 1 ? gemmOutput(last, after) : readTensor(last, after, 'y');
}
