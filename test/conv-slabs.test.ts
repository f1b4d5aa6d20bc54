/**
 * Convolutions whose feature map does not fit in L1: each tile row keeps only the input rows it
 * reads (ops-nn/gemm/slab.ts). Outputs stay bit-exact with the ONNX references, and ResNet-50's
 * first layer (224 x 224, 7 x 7 stride 2) now runs on ascend910b.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { convF16GmImage, convF16Reference, convShape, generateConvF16, nhwcToNchw } from '../ops-nn/conv/index.js';
import { gemmOutput } from '../ops-nn/gemm/index.js';
import { biasPlacement } from '../ops-nn/matmul/index.js';
import { convInteger as convIntegerRef } from '../ops-nn/onnx-ref/conv-integer.js';
import { qlinearConv as qlinearConvRef } from '../ops-nn/onnx-ref/qlinear-conv.js';
import { launchKernel, runOnnx } from './support/launch.js';
import { rng } from './support/rng.js';
import { f, i8, int8 } from './support/host-tensors.js';


describe.each(['tiny', 'tiny-sep'])('int8 convolutions larger than L1 on %s', (preset) => {
  const cfg = loadConfig(preset);
  it.each([
    ['3x3 pad 1', [1, 64, 40, 40], [16, 64, 3, 3], { pads: [1, 1, 1, 1] }],
    ['3x3 stride 2 dilation 2', [1, 48, 44, 30], [8, 48, 3, 3], { strides: [2, 2], dilations: [2, 1], pads: [2, 1, 0, 1] }],
    ['5x1 stride (2, 1)', [2, 40, 37, 36], [12, 40, 5, 1], { strides: [2, 1], pads: [2, 0, 2, 0] }],
  ] as const)('%s', (_name, xDims, wDims, attrs) => {
    const r = rng(xDims.reduce((a, b) => a + b, 0));
    const x = int8(r, [...xDims]);
    const w = int8(r, [...wDims]);
    const q = { x, x_scale: f(2 ** -4), x_zero_point: i8(5), w, w_scale: f(2 ** -7), w_zero_point: i8(0), y_scale: f(4), y_zero_point: i8(-3) };
    const run = runOnnx('QLinearConv', q, attrs, cfg);
    expect(run.kernels.at(-1)!.notes.join(' ')).toMatch(/feature map larger than L1/);
    expect(Array.from(run.y.data)).toEqual(Array.from(qlinearConvRef(q, attrs).data));
    const ints = { x, w, x_zero_point: i8(5), w_zero_point: i8(-2) };
    expect(Array.from(runOnnx('ConvInteger', ints, attrs, cfg).y.data)).toEqual(Array.from(convIntegerRef(ints, attrs).data));
  });
});

it('fp16 convolution larger than L1 (tiny-sep) is bit-exact', () => {
  const cfg = loadConfig('tiny-sep');
  const r = rng(11);
  const s = convShape([1, 32, 36, 40], [8, 32, 3, 3], { pads: [1, 1, 1, 1], strides: [1, 2] });
  const val = () => roundF16((r() - 0.5) * 2);
  const x = Float32Array.from({ length: s.n * s.c * s.h * s.w }, val);
  const w = Float32Array.from({ length: s.oc * s.c * 9 }, val);
  const k = generateConvF16(s, false, cfg);
  expect(k.notes.join(' ')).toMatch(/feature map larger than L1/);
  const res = launchKernel(cfg, k, convF16GmImage(k, s, cfg, x, w, null));
  const got = nhwcToNchw(new Uint16Array(gemmOutput(k, res.gm!).buffer), s, (n) => new Uint16Array(n));
  const want = Uint16Array.from(convF16Reference(s, x, w, null, biasPlacement(cfg)), (v) => numberToF16Bits(v));
  expect(Array.from(got)).toEqual(Array.from(want));
});

it('runs ResNet-50\'s first layer (224 x 224 x 3, 7 x 7 stride 2) on ascend910b as a GEMM over the host\'s img2col matrix', () => {
  const cfg = loadConfig('ascend910b');
  const r = rng(50);
  const attrs = { strides: [2, 2], pads: [3, 3, 3, 3] };
  const q = { x: int8(r, [1, 3, 224, 224]), x_scale: f(2 ** -4), x_zero_point: i8(0), w: int8(r, [64, 3, 7, 7]), w_scale: f(2 ** -8), w_zero_point: i8(0), y_scale: f(8), y_zero_point: i8(0) };
  const got = runOnnx('QLinearConv', q, attrs, cfg);
  expect(got.y.dims).toEqual([1, 64, 112, 112]);
  expect(Array.from(got.y.data)).toEqual(Array.from(qlinearConvRef(q, attrs).data));
  const conv = got.kernels.find((k) => k.name === 'conv')!;
  expect(conv.notes.join(' ')).toMatch(/host-side img2col: 3 channels x 7 x 7 = K 147/);
  expect(conv.notes.join(' ')).toMatch(/instead of the channels padded to 32 \(K 1568\)/);
});

describe('multi-core convolutions whose feature map fits in L1: no core loads the whole map for part of its rows', () => {
  it.each(['ascend910b', 'ascend310p', 'tiny-sep'])('%s: bit-exact, and the map goes in bands or slabs', (preset) => {
    const cfg = loadConfig(preset);
    const r = rng(7);
    const attrs = { pads: [1, 1, 1, 1] };
    const q = { x: int8(r, [2, 32, 28, 28]), x_scale: f(2 ** -4), x_zero_point: i8(3), w: int8(r, [64, 32, 3, 3]), w_scale: f(2 ** -7), w_zero_point: i8(0), y_scale: f(4), y_zero_point: i8(-1) };
    const run = runOnnx('QLinearConv', q, attrs, cfg);
    expect(Array.from(run.y.data)).toEqual(Array.from(qlinearConvRef(q, attrs).data));
    const conv = run.kernels.find((k) => k.name === 'conv')!;
    expect(conv.notes.join(' ')).toMatch(/feature map (in slabs|split over the blocks)/);
  });
});

describe('resident B panels: a block runs its tiles column by column and loads each column\'s weights once', () => {
  it.each(['ascend910b', 'ascend310p'])('%s: fp16 conv on 2 blocks, bit-exact and sanitizer-clean', (preset) => {
    const cfg = loadConfig(preset);
    const r = rng(9);
    const s = convShape([4, 32, 20, 20], [96, 32, 3, 3], { pads: [1, 1, 1, 1] });
    const val = () => roundF16((r() - 0.5) * 2);
    const x = Float32Array.from({ length: s.n * s.c * s.h * s.w }, val);
    const w = Float32Array.from({ length: s.oc * s.c * 9 }, val);
    const k = generateConvF16(s, false, cfg, { blockDim: 2 });
    expect(k.notes.join(' ')).toMatch(/weights resident in L1/);
    const res = launchKernel(cfg, k, convF16GmImage(k, s, cfg, x, w, null), { sanitize: true });
    expect(res.sanitizer!.findings).toEqual([]);
    const got = nhwcToNchw(new Uint16Array(gemmOutput(k, res.gm!).buffer), s, (n) => new Uint16Array(n));
    const want = Uint16Array.from(convF16Reference(s, x, w, null, biasPlacement(cfg)), (v) => numberToF16Bits(v));
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

describe('few-channel convolutions over the host\'s img2col matrix', () => {
  it.each(['ascend910b', 'ascend310p'])('fp16 3-channel 7 x 7 stride 2 on %s is bit-exact', (preset) => {
    const cfg = loadConfig(preset);
    const r = rng(13);
    const s = convShape([2, 3, 30, 30], [16, 3, 7, 7], { pads: [3, 3, 3, 3], strides: [2, 2] });
    const val = () => roundF16((r() - 0.5) * 2);
    const x = Float32Array.from({ length: s.n * s.c * s.h * s.w }, val);
    const w = Float32Array.from({ length: s.oc * s.c * 49 }, val);
    const bias = Float32Array.from({ length: s.oc }, val);
    const k = generateConvF16(s, true, cfg);
    expect(k.notes.join(' ')).toMatch(/host-side img2col: 3 channels x 7 x 7 = K 147/);
    const res = launchKernel(cfg, k, convF16GmImage(k, s, cfg, x, w, bias));
    const got = nhwcToNchw(new Uint16Array(gemmOutput(k, res.gm!).buffer), s, (n) => new Uint16Array(n));
    const want = Uint16Array.from(convF16Reference(s, x, w, bias, biasPlacement(cfg)), (v) => numberToF16Bits(v));
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
