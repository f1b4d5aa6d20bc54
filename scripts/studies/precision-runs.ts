/**
 * One layer of the precision study, run twice on the simulated chip from the same real-valued data:
 * as the INT8 operator ONNX Runtime's quantiser would emit (QLinearConv, or QGemm for the fc and the
 * GEMM: int8 in, int32 bias, requantised int8 out) and as the FP16 kernel (fp16 in, fp32 accumulate
 * and bias, fp16 out). Both are functional runs of the bit-exact kernels at full size (batch 1), so
 * the outputs are the kernels' and the cycles are those of a timing-only run; each is compared with
 * a float64 reference computed on the host from the unrounded data.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { simulate } from '../../hw/simulate.js';
import { gmBytesMoved, levelTotals, type LevelBytes } from '../../hw/stats.js';
import { f16BitsToNumber } from '../../isa/numeric/float16.js';
import { convF16GmImage, convShape, generateConvF16, nhwcToNchw, type ConvShape } from '../../ops-nn/conv/index.js';
import { gemmOutput } from '../../ops-nn/gemm/index.js';
import type { Kernel } from '../../ops-nn/kernel.js';
import { generateMatmulF16, matmulF16GmImage } from '../../ops-nn/matmul/index.js';
import { LaunchSequence } from '../../ops-nn/launch-sequence.js';
import { drive, operatorFor, type HostTensor, type NodeInputs } from '../../ops-nn/onnx/index.js';
import { runKernelLaunch } from '../lib/exec/driver.js';
import type { KernelRun } from '../lib/exec/types.js';
import { seededRandom } from '../lib/rng.js';
import { gaussians, quantizeBias, quantizeInt8, sqnrDb, symmetricScale, toF16, weightScales } from './precision-quant.js';

/** A convolution (NCHW, square kernel, the same padding on every side) or a matrix product M x K x N. */
export type PrecisionCase =
  | { readonly kind: 'conv'; readonly name: string; readonly c: number; readonly h: number; readonly w: number; readonly oc: number; readonly k: number; readonly stride: number; readonly pad: number }
  | { readonly kind: 'matrix'; readonly name: string; readonly m: number; readonly k: number; readonly n: number };

/** What one precision's run cost and how close it came. */
export interface PrecisionRun {
  readonly cycles: number;
  /** the kernels launched, in order ('+' between them) */
  readonly kernels: string;
  /** blocks (AIC groups) of the widest launch */
  readonly cores: number;
  /** every GM transfer's bytes (reads and writes), and the GM bytes by level */
  readonly gmBytes: number;
  readonly memory: LevelBytes;
  readonly sqnrDb: number;
}

export interface PrecisionRow {
  readonly case: PrecisionCase;
  readonly macs: number;
  /** outputs the SQNR is measured on: all, or CHECKED_ROWS rows of a large product */
  readonly checkedOutputs: number;
  readonly int8: PrecisionRun;
  readonly fp16: PrecisionRun;
}

/** The real-valued operands: input, weights (OIHW, or K x N row-major) and bias per output channel. */
interface RealData {
  readonly x: Float64Array;
  readonly w: Float64Array;
  readonly bias: Float64Array;
}

/** Std of the bias: small against the outputs (std about 1.4 with He weights), as in a trained layer. */
const BIAS_STD = 0.1;

const fanIn = (c: PrecisionCase) => (c.kind === 'conv' ? c.c * c.k * c.k : c.k);
const outChannels = (c: PrecisionCase) => (c.kind === 'conv' ? c.oc : c.n);
const inputCount = (c: PrecisionCase) => (c.kind === 'conv' ? c.c * c.h * c.w : c.m * c.k);

function realData(c: PrecisionCase, seed: number): RealData {
  const r = seededRandom(seed);
  return {
    x: gaussians(r, inputCount(c), 1),
    // He initialisation: the weights of a ReLU network keep the activations' variance
    w: gaussians(r, fanIn(c) * outChannels(c), Math.sqrt(2 / fanIn(c))),
    bias: gaussians(r, outChannels(c), BIAS_STD),
  };
}

const shapeOf = (c: Extract<PrecisionCase, { kind: 'conv' }>): ConvShape =>
  convShape([1, c.c, c.h, c.w], [c.oc, c.c, c.k, c.k], { strides: [c.stride, c.stride], pads: [c.pad, c.pad, c.pad, c.pad] });

/** Rows of a large product the accuracy is measured on (every M / CHECKED_ROWS-th row). */
const CHECKED_ROWS = 128;

/** The float64 outputs a run is measured against, and how to pick the same ones from a run's output. */
interface Reference {
  readonly values: Float64Array;
  /** outputs of the layer (all of them, checked or not) */
  readonly outputs: number;
  readonly pick: (all: Float64Array) => Float64Array;
}

/** The float64 convolution, NCHW out. */
function convReference(s: ConvShape, d: RealData): Reference {
  const y = new Float64Array(s.oc * s.oh * s.ow);
  for (let oc = 0; oc < s.oc; oc++) {
    const out = oc * s.oh * s.ow;
    y.fill(d.bias[oc]!, out, out + s.oh * s.ow);
    for (let ci = 0; ci < s.c; ci++)
      for (let kh = 0; kh < s.kh; kh++)
        for (let kw = 0; kw < s.kw; kw++) {
          const wv = d.w[((oc * s.c + ci) * s.kh + kh) * s.kw + kw]!;
          for (let oh = 0; oh < s.oh; oh++) {
            const ih = oh * s.strideH - s.padTop + kh;
            if (ih < 0 || ih >= s.h) continue;
            const row = (ci * s.h + ih) * s.w;
            for (let ow = 0; ow < s.ow; ow++) {
              const iw = ow * s.strideW - s.padLeft + kw;
              if (iw >= 0 && iw < s.w) y[out + oh * s.ow + ow]! += wv * d.x[row + iw]!;
            }
          }
        }
  }
  return { values: y, outputs: y.length, pick: (all) => all };
}

/**
 * The float64 product at every `stride`-th row (M x N row-major): a large product's accuracy is
 * measured on CHECKED_ROWS rows, which cost a host-side float64 GEMM of their own.
 */
function matrixReference(m: number, k: number, n: number, d: RealData): Reference {
  const stride = Math.max(1, Math.floor(m / CHECKED_ROWS));
  const rows = Array.from({ length: Math.ceil(m / stride) }, (_, i) => i * stride);
  const y = new Float64Array(rows.length * n);
  rows.forEach((row, i) => {
    const out = y.subarray(i * n, (i + 1) * n);
    out.set(d.bias);
    for (let kk = 0; kk < k; kk++) {
      const a = d.x[row * k + kk]!;
      const b = d.w.subarray(kk * n, (kk + 1) * n);
      for (let j = 0; j < n; j++) out[j]! += a * b[j]!;
    }
  });
  const pick = (all: Float64Array) => {
    const out = new Float64Array(rows.length * n);
    rows.forEach((row, i) => out.set(all.subarray(row * n, (row + 1) * n), i * n));
    return out;
  };
  return { values: y, outputs: m * n, pick };
}

const f32Scalar = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
const zeroI8: HostTensor = { dtype: 'int8', dims: [], data: Int8Array.of(0) };
const int8Tensor = (v: Float64Array, dims: number[], scale: (i: number) => number): HostTensor => ({ dtype: 'int8', dims, data: Int8Array.from(v, (x, i) => quantizeInt8(x, scale(i))) });

/** The INT8 operator's inputs: activations and outputs per tensor, weights per output channel. */
function int8Inputs(c: PrecisionCase, d: RealData, ref: Reference): { op: string; inputs: NodeInputs; yScale: number } {
  const xs = symmetricScale(d.x);
  // the output scale a calibration over this very input would observe
  const ys = symmetricScale(ref.values);
  const oc = outChannels(c);
  // OIHW weights are channel-major; the K x N matrix is column-per-channel
  const channelOf = c.kind === 'conv' ? (i: number) => Math.floor(i / fanIn(c)) : (i: number) => i % oc;
  const ws = weightScales(d.w, oc, xs, ys, channelOf);
  const bias: HostTensor = { dtype: 'int32', dims: [oc], data: quantizeBias(d.bias, xs, ws) };
  const x = int8Tensor(d.x, c.kind === 'conv' ? [1, c.c, c.h, c.w] : [c.m, c.k], () => xs);
  const w = int8Tensor(d.w, c.kind === 'conv' ? [c.oc, c.c, c.k, c.k] : [c.k, c.n], (i) => ws[channelOf(i)]!);
  const wScale: HostTensor = { dtype: 'float32', dims: [oc], data: ws };
  const quant = { y_scale: f32Scalar(ys), y_zero_point: zeroI8 };
  if (c.kind === 'conv') return { op: 'QLinearConv', yScale: ys, inputs: { x, x_scale: f32Scalar(xs), x_zero_point: zeroI8, w, w_scale: wScale, w_zero_point: zeroI8, B: bias, ...quant } };
  return { op: 'QGemm', yScale: ys, inputs: { A: x, a_scale: f32Scalar(xs), a_zero_point: zeroI8, B: w, b_scale: wScale, b_zero_point: zeroI8, C: bias, ...quant } };
}

function runInt8(c: PrecisionCase, d: RealData, ref: Reference, cfg: HwConfig): PrecisionRun {
  const { op, inputs, yScale } = int8Inputs(c, d, ref);
  const attrs = c.kind === 'conv' ? { strides: [c.stride, c.stride], pads: [c.pad, c.pad, c.pad, c.pad] } : {};
  // the operator's launches as exec runs them (one warm sequence), keeping each kernel for its block count
  const sequence = new LaunchSequence('warm');
  const runs: { kernel: Kernel; run: KernelRun }[] = [];
  const y = drive(operatorFor(op).run(inputs, attrs, cfg, {}), (l) => {
    const r = runKernelLaunch(cfg, l, {}, sequence);
    runs.push({ kernel: l.kernel, run: r.run });
    return r.gm;
  });
  return {
    cycles: runs.reduce((s, r) => s + r.run.cycles, 0),
    kernels: runs.map((r) => r.kernel.name).join('+'),
    cores: Math.max(...runs.map((r) => r.kernel.blockDim)),
    gmBytes: runs.reduce((s, r) => s + r.run.gmBytes, 0),
    memory: runs.reduce((s, r) => addLevels(s, r.run.memory!), NO_BYTES),
    sqnrDb: sqnrDb(ref.values, ref.pick(Float64Array.from(y.data, (q) => q * yScale))),
  };
}

const NO_BYTES: LevelBytes = { l2Hit: 0, l2Miss: 0, hbmRead: 0, hbmWrite: 0 };
const addLevels = (a: LevelBytes, b: LevelBytes): LevelBytes => ({ l2Hit: a.l2Hit + b.l2Hit, l2Miss: a.l2Miss + b.l2Miss, hbmRead: a.hbmRead + b.hbmRead, hbmWrite: a.hbmWrite + b.hbmWrite });

/** The FP16 kernel and its GM image, and how to read its output in the reference's order. */
function fp16Kernel(c: PrecisionCase, d: RealData, cfg: HwConfig): { kernel: Kernel; image: Uint8Array; read: (bits: Uint16Array) => Uint16Array } {
  const [x, w, bias] = [toF16(d.x), toF16(d.w), Float32Array.from(d.bias)];
  if (c.kind === 'conv') {
    const s = shapeOf(c);
    const kernel = generateConvF16(s, true, cfg);
    return { kernel, image: convF16GmImage(kernel, s, cfg, x, w, bias), read: (bits) => nhwcToNchw(bits, s, (n) => new Uint16Array(n)) };
  }
  const spec = { m: c.m, k: c.k, n: c.n, bias: true };
  const kernel = generateMatmulF16(spec, cfg);
  return { kernel, image: matmulF16GmImage(kernel, spec, cfg, x, w, bias), read: (bits) => bits };
}

function runFp16(c: PrecisionCase, d: RealData, ref: Reference, cfg: HwConfig): PrecisionRun {
  const { kernel, image, read } = fp16Kernel(c, d, cfg);
  const r = simulate({ config: cfg, programs: kernel.programs, blockDim: kernel.blockDim, gm: image, mode: 'functional' });
  const out = gemmOutput(kernel, r.gm!);
  const bits = read(new Uint16Array(out.buffer, out.byteOffset, out.byteLength / 2));
  return {
    cycles: r.cycles,
    kernels: kernel.name,
    cores: kernel.blockDim,
    gmBytes: gmBytesMoved(r.cores),
    memory: levelTotals(r.cores),
    sqnrDb: sqnrDb(ref.values, ref.pick(Float64Array.from(bits, (b) => f16BitsToNumber(b)))),
  };
}

/** Runs one case both ways from the data of `seed`. */
export function runPrecisionCase(c: PrecisionCase, cfg: HwConfig, seed: number): PrecisionRow {
  const d = realData(c, seed);
  const ref = c.kind === 'conv' ? convReference(shapeOf(c), d) : matrixReference(c.m, c.k, c.n, d);
  return { case: c, macs: ref.outputs * fanIn(c), checkedOutputs: ref.values.length, int8: runInt8(c, d, ref, cfg), fp16: runFp16(c, d, ref, cfg) };
}
