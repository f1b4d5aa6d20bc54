/**
 * The common path of the cube operators (QLinearMatMul, MatMulInteger, QLinearConv, ConvInteger):
 * map the activation type onto what the preset's cube multiplies, prepare the weights (zero-point
 * correction split into int8 pieces, folded into the bias), pick the epilogue placement, and run
 * the kernels in order: [u8 -> s8 shift] -> GEMM -> [requant]. Exactness follows DESIGN.md's
 * zero-point algebra: sum (x - x_zp)(w - w_zp) = sum x'(w - w_zp) - x_zp' * sum (w - w_zp), where x'
 * and x_zp' are the activation and its zero point in the device type.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { hardwareScale } from '../../../isa/numeric/fixpipe-quant.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { gemmGmImage, gemmOutput, generateGemm, prepareWeights, type ConvGeom, type GemmEpilogue, type GemmProblem } from '../../../ops-nn/gemm/index.js';
import { launch } from './launch.js';
import { requantRows, shiftU8ToS8 } from './vector-steps.js';
import type { Fusion, KernelRun, RunOptions } from './types.js';

export interface CubeOp {
  readonly batch: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly groups: number;
  readonly bCount: number;
  readonly aPerBatch: boolean;
  /** conv geometry without the pad value (it is the activation zero point in the device type) */
  readonly conv?: Omit<ConvGeom, 'padValue'>;
  /** activation bytes in the kernel's input layout (row-major m x k per entry, or NC1HWC0), original type */
  readonly a: Uint8Array;
  readonly aType: 's8' | 'u8';
  readonly aZeroPoint: number;
  /** corrected weight w - w_zp of matrix c at (k, n), in the GEMM's K order */
  readonly weight: (c: number, k: number, n: number) => number;
  /** int32 bias per table entry (B matrix c, column j at c * n + j), or null */
  readonly bias: Int32Array | null;
  /** int32 output, or requantisation to int8/uint8 with one multiplier per table entry */
  readonly out: { readonly kind: 'int32' } | { readonly kind: 'requant'; readonly multipliers: readonly number[]; readonly zeroPoint: number; readonly outType: 's8' | 'u8' };
}

export interface CubeRun {
  /** output bytes: rows x columns row-major (conv: NHWC) */
  readonly y: Uint8Array;
  readonly kernels: readonly KernelRun[];
  readonly fusion: Fusion;
}

/** The activation type the cube will see, and whether a device shift kernel is needed first. */
function deviceActivation(cfg: HwConfig, aType: 's8' | 'u8'): { type: 's8' | 'u8'; shift: boolean } {
  if (cfg.cube.dtypePairs.some(([x, y]) => x === aType && y === 's8')) return { type: aType, shift: false };
  if (aType === 'u8') return { type: 's8', shift: true };
  throw new OpError(`the cube of ${cfg.name} cannot multiply ${aType} activations`);
}

/** Chooses the epilogue placement: the user's, or the fastest exact one for the preset. */
function choosePlacement(cfg: HwConfig, op: CubeOp, wanted: Fusion | undefined): Fusion {
  const coupled = cfg.organisation === 'coupled';
  const exactInFixpipe = op.out.kind === 'int32' || op.out.multipliers.every((m) => hardwareScale(m) === m);
  if (wanted === 'fixpipe') {
    if (coupled) throw new OpError(`${cfg.name} has no fixpipe: use --fusion ub or gm`);
    if (!exactInFixpipe) throw new OpError('a requant multiplier needs more than the fixpipe\'s 10 mantissa bits, so the fused fixpipe epilogue would not match ONNX: use --fusion gm');
    return 'fixpipe';
  }
  if (wanted) return wanted;
  if (coupled) return 'ub';
  return exactInFixpipe ? 'fixpipe' : 'gm';
}


/** The shape and output of a cube operator: everything but the data. */
export type CubeShape = Pick<CubeOp, 'batch' | 'm' | 'k' | 'n' | 'groups' | 'bCount' | 'aPerBatch' | 'conv' | 'out'>;

/**
 * The GEMM problem of a cube operator: int32 out, or ONNX requant in the epilogue the fusion
 * variant places it in ('gm' leaves int32 for a separate requant kernel). On separated chips 'ub'
 * is the mixed AIC + AIV kernel; int32 results always leave through the fixpipe there.
 */
export function cubeProblem(s: CubeShape, o: { aType: 's8' | 'u8'; pieces: number; aZeroPoint: number; fusion: Fusion }, cfg: HwConfig): GemmProblem {
  const entries = s.bCount * s.n;
  const out = s.out;
  const epilogue: GemmEpilogue =
    out.kind === 'int32' || o.fusion === 'gm'
      ? { kind: 'int32' }
      : { kind: 'requant', semantics: 'onnx', scales: out.multipliers, offsets: new Array<number>(entries).fill(out.zeroPoint), outType: out.outType, relu: false };
  return {
    batch: s.batch,
    m: s.m,
    k: s.k,
    n: s.n,
    aType: o.aType,
    bType: 's8',
    pieces: o.pieces,
    aSource: s.conv ? { kind: 'img2col', conv: { ...s.conv, padValue: o.aZeroPoint } } : { kind: 'matrix' },
    aPerBatch: s.aPerBatch,
    bCount: s.bCount,
    bias: true,
    epilogue,
    place: cfg.organisation === 'coupled' || (o.fusion === 'ub' && epilogue.kind === 'requant') ? 'ub' : 'fixpipe',
    groups: s.groups,
  };
}

/**
 * The second kernel of the unfused-through-GM variant: requantise the int32 output. Output row
 * block r (one image, or one batch entry) holds the columns of B matrices r * groups .. ; when the
 * multipliers are the same for every block, one launch covers all rows.
 */
function requantInGm(cfg: HwConfig, op: CubeOp, y: Uint8Array, kernels: KernelRun[], opts: RunOptions): Uint8Array {
  const out = op.out as Extract<CubeOp['out'], { kind: 'requant' }>;
  const cols = op.groups * op.n;
  const blocks = op.batch / op.groups;
  const acc = new Int32Array(y.buffer, y.byteOffset, y.byteLength / 4);
  const perBlock = (b: number) => out.multipliers.slice(((b * op.groups) % op.bCount) * op.n, ((b * op.groups) % op.bCount) * op.n + cols);
  const uniform = Array.from({ length: blocks }, (_, b) => perBlock(b)).every((m) => m.every((v, i) => v === perBlock(0)[i]));
  const runs = uniform ? [{ first: 0, count: blocks }] : Array.from({ length: blocks }, (_, b) => ({ first: b, count: 1 }));
  const result = new Uint8Array(acc.length);
  for (const r of runs) {
    const rows = r.count * op.m;
    const part = acc.subarray(r.first * op.m * cols, (r.first + r.count) * op.m * cols);
    const q = requantRows(cfg, part, rows, cols, perBlock(r.first), out.zeroPoint, out.outType, opts);
    result.set(q.out, r.first * op.m * cols);
    kernels.push(q.run);
  }
  return result;
}

export function runCubeOp(cfg: HwConfig, op: CubeOp, opts: RunOptions): CubeRun {
  const kernels: KernelRun[] = [];
  const dev = deviceActivation(cfg, op.aType);
  let a = op.a;
  let zp = op.aZeroPoint;
  if (dev.shift) {
    const r = shiftU8ToS8(cfg, a, opts);
    a = r.out;
    zp -= 128;
    kernels.push(r.run);
  }
  const fusion = choosePlacement(cfg, op, opts.fusion);
  const w = prepareWeights(op.bCount, op.k, op.n, op.weight);
  const cols = op.groups * op.n;
  // Tables have one entry per (B matrix c, column j), at c * n + j.
  const entries = op.bCount * op.n;
  const bias = new Int32Array(entries);
  for (let i = 0; i < entries; i++) {
    const v = (op.bias ? op.bias[i]! : 0) - zp * w.columnSums[i]!;
    if (!Number.isSafeInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new OpError(`folded bias of table entry ${i} (${v}) does not fit int32`);
    bias[i] = v;
  }
  const p = cubeProblem(op, { aType: dev.type, pieces: w.pieces, aZeroPoint: zp, fusion }, cfg);
  const kernel = generateGemm(p, cfg, undefined, op.conv ? 'conv' : 'matmul');
  const image = gemmGmImage(kernel, p, cfg, { a, b: w.data, bias });
  const g = launch(cfg, kernel, image, opts);
  kernels.push(g.run);
  let y = gemmOutput(kernel, g.gm);
  if (fusion === 'gm' && op.out.kind === 'requant') y = requantInGm(cfg, op, y, kernels, opts);
  return { y, kernels, fusion };
}
