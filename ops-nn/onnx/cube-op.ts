/**
 * The common host program of the cube operators (QLinearMatMul, MatMulInteger, QLinearConv,
 * ConvInteger): map the activation type onto what the preset's cube multiplies, prepare the weights
 * (zero-point correction split into int8 pieces, folded into the bias), pick the epilogue placement,
 * and launch the kernels in order: [u8 -> s8 shift] -> GEMM -> [requant]. Exactness follows the
 * zero-point algebra of docs/quantisation.md: sum (x - x_zp)(w - w_zp) = sum x'(w - w_zp) -
 * x_zp' * sum (w - w_zp), where x' and x_zp' are the activation and its zero point in the device type.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { hardwareScale } from '../../isa/numeric/fixpipe-quant.js';
import { OpError } from '../kernel.js';
import { gemmLaunchesOutput, gemmLaunchImage, gemmProblem, generateGemmLaunches, generateSplitReduce, kSlices, prepareWeights, type GemmEpilogue, type GemmLaunches, type GemmProblem, type GemmShape, type GemmTiling } from '../gemm/index.js';
import { generateRequant, generateShiftU8ToS8 } from '../quant/index.js';
import { readTensor, vectorGmImage } from '../vector/index.js';
import { checkElementCount } from './tensor.js';
import type { Fusion, HostProgram, OperatorOptions } from './types.js';
import type { VectorRequant } from '../gemm/spec.js';

/** How the int32 accumulator leaves: as int32, or requantised to int8/uint8 (one multiplier per table entry). */
export type CubeOutput =
  | { readonly kind: 'int32' }
  | { readonly kind: 'requant'; readonly multipliers: readonly number[]; readonly zeroPoint: number; readonly outType: 's8' | 'u8' };

/** A cube operator's GEMM: its shape and output, without the data. */
export interface CubeShape extends GemmShape {
  readonly out: CubeOutput;
}

export interface CubeOp extends CubeShape {
  /** activation bytes in the kernel's input layout (row-major m x k per entry, or NC1HWC0), original type */
  readonly a: Uint8Array;
  readonly aType: 's8' | 'u8';
  readonly aZeroPoint: number;
  /** corrected weight w - w_zp of matrix c at (k, n), in the GEMM's K order */
  readonly weight: (c: number, k: number, n: number) => number;
  /** int32 bias per table entry (B matrix c, column j at c * n + j), or null */
  readonly bias: Int32Array | null;
  /** what the host does for this operator that a user should know (added to the GEMM's notes) */
  readonly hostNotes?: readonly string[];
  /** the GEMM kernel's name when not the default ('conv' for img2col shapes, else 'matmul') */
  readonly kernelName?: string;
}

export interface CubeResult {
  /** output bytes: rows x columns row-major (conv: NHWC) */
  readonly y: Uint8Array;
  readonly fusion: Fusion;
}

/** The activation type the cube will see, and whether a device shift kernel is needed first. */
function deviceActivation(cfg: HwConfig, aType: 's8' | 'u8'): { type: 's8' | 'u8'; shift: boolean } {
  if (cfg.cube.dtypePairs.some(([x, y]) => x === aType && y === 's8')) return { type: aType, shift: false };
  if (aType === 'u8') return { type: 's8', shift: true };
  throw new OpError(`the cube of ${cfg.name} cannot multiply ${aType} activations`);
}

/** Chooses the epilogue placement: the user's, or the fastest exact one for the preset. */
function choosePlacement(cfg: HwConfig, out: CubeOutput, wanted: Fusion | undefined): Fusion {
  const coupled = cfg.organisation === 'coupled';
  const exactInFixpipe = out.kind === 'int32' || out.multipliers.every((m) => hardwareScale(m) === m);
  if (wanted === 'fixpipe') {
    if (coupled) throw new OpError(`${cfg.name} has no fixpipe: use --fusion ub or gm`);
    if (!exactInFixpipe) throw new OpError('a requant multiplier needs more than the fixpipe\'s 10 mantissa bits, so the fused fixpipe epilogue would not match ONNX: use --fusion gm');
    return 'fixpipe';
  }
  if (wanted) return wanted;
  if (coupled) return 'ub';
  // the AIVs' epilogue (ub) beats a separate requant launch (gm) on every measured shape: README Operators
  return exactInFixpipe ? 'fixpipe' : 'ub';
}

/**
 * The GEMM problem of a cube operator: int32 out, or ONNX requant in the epilogue the fusion
 * variant places it in ('gm' leaves int32 for a separate requant kernel). On separated chips 'ub'
 * is the mixed AIC + AIV kernel; int32 results always leave through the fixpipe there.
 */
export function cubeProblem(s: CubeShape, o: { aType: 's8' | 'u8'; pieces: number; aZeroPoint: number; fusion: Fusion; vectorRequant?: VectorRequant }, cfg: HwConfig): GemmProblem {
  const out = s.out;
  const epilogue: GemmEpilogue =
    out.kind === 'int32' || o.fusion === 'gm'
      ? { kind: 'int32' }
      : {
          kind: 'requant',
          semantics: 'onnx',
          scales: out.multipliers,
          offsets: new Array<number>(s.bCount * s.n).fill(out.zeroPoint),
          outType: out.outType,
          relu: false,
          vectorRequant: o.vectorRequant ?? 'exact',
        };
  return gemmProblem(s, { aType: o.aType, bType: 's8', pieces: o.pieces, bias: true, epilogue, padValue: o.aZeroPoint, ubEpilogue: o.fusion === 'ub' }, cfg);
}

/**
 * Output row blocks (one image, or one batch entry) of the unfused-through-GM requantisation, each
 * with its multipliers: row block r holds the columns of B matrices r * groups ..; when every block
 * has the same multipliers, one run covers all rows.
 */
export function requantRuns(s: GemmShape, multipliers: readonly number[]): { first: number; count: number; multipliers: readonly number[] }[] {
  const cols = s.groups * s.n;
  const blocks = s.batch / s.groups;
  const perBlock = (b: number) => multipliers.slice(((b * s.groups) % s.bCount) * s.n, ((b * s.groups) % s.bCount) * s.n + cols);
  const uniform = Array.from({ length: blocks }, (_, b) => perBlock(b)).every((m) => m.every((v, i) => v === perBlock(0)[i]));
  return uniform ? [{ first: 0, count: blocks, multipliers: perBlock(0) }] : Array.from({ length: blocks }, (_, b) => ({ first: b, count: 1, multipliers: perBlock(b) }));
}

/** The second kernel(s) of the unfused-through-GM variant: requantise the int32 output. */
function* requantInGm(cfg: HwConfig, op: CubeOp, y: Uint8Array): HostProgram<Uint8Array> {
  const out = op.out as Extract<CubeOutput, { kind: 'requant' }>;
  const cols = op.groups * op.n;
  const acc = new Int32Array(y.buffer, y.byteOffset, y.byteLength / 4);
  const result = new Uint8Array(acc.length);
  const runs = requantRuns(op, out.multipliers);
  for (const [i, r] of runs.entries()) {
    const part = acc.subarray(r.first * op.m * cols, (r.first + r.count) * op.m * cols);
    const k = generateRequant({ rows: r.count * op.m, cols, multipliers: r.multipliers, zeroPoints: [out.zeroPoint], outType: out.outType }, cfg);
    // its input is rows of the GEMM's int32 output, still in the L2 if the sequence runs warm
    const carries = [{ tensor: 'acc', back: i + 1, from: 'y', offset: r.first * op.m * cols * 4 }];
    const gm = yield { kernel: k, gm: vectorGmImage(k, { acc: new Uint8Array(part.buffer, part.byteOffset, part.byteLength) }), carries };
    result.set(readTensor(k, gm, 'y'), r.first * op.m * cols);
  }
  return result;
}

/**
 * The GEMM launches of a cube operator (ops-nn/gemm/split.ts: the kernel alone, or a K split's partial GEMM
 * and reduction). With fusion 'gm' a split's reduction requantises as it adds (the requant kernel's
 * own steps), so only an unsplit 'gm' GEMM leaves its int32 output to separate requant launches.
 */
export function cubeGemmLaunches(s: CubeShape, p: GemmProblem, fusion: Fusion, cfg: HwConfig, name: string, tiling?: Partial<GemmTiling>): { gemm: GemmLaunches; requantAfter: boolean } {
  const g = generateGemmLaunches(p, cfg, tiling, name);
  const requant = fusion === 'gm' && s.out.kind === 'requant';
  if (!requant || g.launches.length === 1) return { gemm: g, requantAfter: requant };
  const out = s.out as Extract<CubeOutput, { kind: 'requant' }>;
  const epilogue: GemmEpilogue = { kind: 'requant', semantics: 'onnx', scales: out.multipliers, offsets: new Array<number>(s.bCount * s.n).fill(out.zeroPoint), outType: out.outType, relu: false };
  const [partials, reduction] = g.launches;
  const reduce = generateSplitReduce({ ...p, epilogue }, kSlices(g.tiling), cfg, reduction!.kernel.name);
  return { gemm: { ...g, launches: [partials!, { ...reduction!, kernel: reduce }] }, requantAfter: false };
}

/** x - 128 as int8, on the device (for cubes that only multiply s8 x s8). */
function* shiftU8ToS8(cfg: HwConfig, bytes: Uint8Array): HostProgram<Uint8Array> {
  const k = generateShiftU8ToS8(bytes.length, cfg);
  const gm = yield { kernel: k, gm: vectorGmImage(k, { x: bytes }) };
  return readTensor(k, gm, 'y');
}

/** The host program of a cube operator. */
export function* runCubeOp(cfg: HwConfig, op: CubeOp, opts: OperatorOptions): HostProgram<CubeResult> {
  const dev = deviceActivation(cfg, op.aType);
  let a = op.a;
  let zp = op.aZeroPoint;
  if (dev.shift) {
    a = yield* shiftU8ToS8(cfg, a);
    zp -= 128;
  }
  const fusion = choosePlacement(cfg, op.out, opts.fusion);
  // K is padded to whole C0 blocks of channels: the weight matrices can outgrow the weight tensor
  checkElementCount([op.bCount, op.k, op.n], 'weights as GEMM matrices');
  const w = prepareWeights(op.bCount, op.k, op.n, op.weight);
  // Tables have one entry per (B matrix c, column j), at c * n + j.
  const entries = op.bCount * op.n;
  const bias = new Int32Array(entries);
  for (let i = 0; i < entries; i++) {
    const v = (op.bias ? op.bias[i]! : 0) - zp * w.columnSums[i]!;
    if (!Number.isSafeInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new OpError(`folded bias of table entry ${i} (${v}) does not fit int32`);
    bias[i] = v;
  }
  const p = cubeProblem(op, { aType: dev.type, pieces: w.pieces, aZeroPoint: zp, fusion, ...(opts.vectorRequant ? { vectorRequant: opts.vectorRequant } : {}) }, cfg);
  const { gemm, requantAfter } = cubeGemmLaunches(op, p, fusion, cfg, op.kernelName ?? (op.conv ? 'conv' : 'matmul'), opts.tiling as Partial<GemmTiling> | undefined);
  let gm: Uint8Array | undefined;
  for (const [i, l] of gemm.launches.entries())
    gm = yield { kernel: l.kernel, gm: gemmLaunchImage(gemm, i, cfg, { a, b: w.data, bias }, gm), ...(l.carries ? { carries: l.carries } : {}), ...(i === 0 && op.hostNotes ? { hostNotes: op.hostNotes } : {}) };
  let y = gemmLaunchesOutput(gemm, gm!);
  if (requantAfter) y = yield* requantInGm(cfg, op, y);
  return { y, fusion };
}
