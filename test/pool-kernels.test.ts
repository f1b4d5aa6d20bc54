/**
 * The pooling and activation operators of ops-nn/onnx (MaxPool, QLinearAveragePool,
 * QLinearGlobalAveragePool, QLinearLeakyRelu) on the simulated chip against their ONNX Runtime
 * references (ops-nn/onnx-ref) on random problems beyond the fixtures: windows, strides, pads,
 * ceil_mode, count_include_pad, channels_last, scale ratios; and the OpErrors for what they reject.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { ONNX_REFERENCES } from '../ops-nn/onnx-ref/index.js';
import type { HostTensor, NodeAttrs } from '../ops-nn/onnx/index.js';
import { runOnnx } from './support/launch.js';
import { rng, randInt } from './support/rng.js';

type Rnd = () => number;
const f32 = Math.fround;
const q8 = (dtype: 'int8' | 'uint8', dims: number[], r: Rnd): HostTensor => {
  const n = dims.reduce((p, d) => p * d, 1);
  return dtype === 'int8'
    ? { dtype, dims, data: Int8Array.from({ length: n }, () => randInt(r, -128, 127)) }
    : { dtype, dims, data: Uint8Array.from({ length: n }, () => randInt(r, 0, 255)) };
};
const sc = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
const zp = (dtype: 'int8' | 'uint8', v: number): HostTensor => ({ dtype, dims: [], data: dtype === 'int8' ? Int8Array.of(v) : Uint8Array.of(v) });

/** Runs `op` on the device and its reference; the outputs must be equal. */
function expectMatches(op: string, inputs: Record<string, HostTensor>, attrs: NodeAttrs, preset: string): void {
  const got = runOnnx(op, inputs, attrs, loadConfig(preset)).y;
  const want = ONNX_REFERENCES[op]!(inputs, attrs);
  const what = `${op} ${JSON.stringify(attrs)} X [${inputs['X']!.dims.join(',')}]`;
  expect(got.dims, what).toEqual(want.dims);
  const at = Array.from(got.data).findIndex((v, i) => v !== want.data[i]);
  expect(at, `${what}: Y[${at}] = ${got.data[at]}, reference ${want.data[at]}`).toBe(-1);
}

/** A random 2-D (or 1-D) pooling problem: dims and attributes. */
function randomWindow(r: Rnd): { dims: number[]; attrs: Record<string, unknown> } {
  const oneD = r() < 0.2;
  const k = [randInt(r, 1, 4), randInt(r, 1, 4)];
  const s = [randInt(r, 1, 3), randInt(r, 1, 3)];
  const h = randInt(r, k[0]!, 9);
  const w = randInt(r, k[1]!, 12);
  const p = [randInt(r, 0, k[0]! - 1), randInt(r, 0, k[1]! - 1), randInt(r, 0, k[0]! - 1), randInt(r, 0, k[1]! - 1)];
  const c = r() < 0.3 ? randInt(r, 33, 70) : randInt(r, 1, 8);
  const ceil = r() < 0.3 ? 1 : 0;
  // ceil_mode windows starting past the input are rejected: keep them out
  const fits = (n: number, kk: number, ss: number, a: number, b: number) => (Math.ceil((n + a + b - kk) / ss)) * ss - a < n;
  const ceilOk = ceil === 0 || (fits(h, k[0]!, s[0]!, p[0]!, p[2]!) && fits(w, k[1]!, s[1]!, p[1]!, p[3]!));
  const mode = ceilOk ? ceil : 0;
  if (oneD) return { dims: [randInt(r, 1, 2), c, w], attrs: { kernel_shape: [k[1]], strides: [s[1]], pads: [p[1], p[3]], ceil_mode: mode } };
  return { dims: [randInt(r, 1, 2), c, h, w], attrs: { kernel_shape: k, strides: s, pads: p, ceil_mode: mode } };
}

describe.each(['tiny-sep', 'ascend310p'])('pooling and activation operators on %s', (preset) => {
  it('MaxPool', () => {
    const r = rng(11);
    for (let t = 0; t < 12; t++) {
      const { dims, attrs } = randomWindow(r);
      expectMatches('MaxPool', { X: q8(r() < 0.5 ? 'int8' : 'uint8', dims, r) }, attrs, preset);
    }
  });

  it('QLinearAveragePool (both count_include_pad, channels_last, the global fallback)', () => {
    const r = rng(12);
    for (let t = 0; t < 14; t++) {
      const dtype = r() < 0.5 ? 'int8' : 'uint8';
      const { dims, attrs } = t === 13 ? { dims: [1, 5, 3, 4], attrs: { kernel_shape: [3, 4] } } : randomWindow(r);
      const last = r() < 0.25;
      const xdims = last ? [dims[0]!, ...dims.slice(2), dims[1]!] : dims;
      const xs = f32(0.01 + r() * 0.1);
      const inputs = { X: q8(dtype, xdims, r), x_scale: sc(xs), x_zero_point: zp(dtype, dtype === 'int8' ? randInt(r, -20, 20) : randInt(r, 100, 150)), y_scale: sc(f32(xs * (0.3 + r() * 2))), y_zero_point: zp(dtype, dtype === 'int8' ? randInt(r, -20, 20) : randInt(r, 100, 150)) };
      expectMatches('QLinearAveragePool', inputs, { ...attrs, count_include_pad: t % 2, ...(last ? { channels_last: 1 } : {}) }, preset);
    }
  });

  it('QLinearGlobalAveragePool (NCHW and channels last, 1-D to 3-D images)', () => {
    const r = rng(13);
    for (const [dims, last] of [[[1, 3, 7, 7], 0], [[2, 40, 5], 0], [[1, 4, 4, 3], 1], [[1, 2, 2, 3, 4], 0], [[1, 1, 1, 1], 0]] as const) {
      const dtype = r() < 0.5 ? 'int8' : 'uint8';
      const xs = f32(0.02 + r() * 0.1);
      const inputs = { X: q8(dtype, [...dims], r), x_scale: sc(xs), x_zero_point: zp(dtype, dtype === 'int8' ? 3 : 128), y_scale: sc(f32(xs * (0.2 + r()))), y_zero_point: zp(dtype, dtype === 'int8' ? -5 : 120) };
      expectMatches('QLinearGlobalAveragePool', inputs, { channels_last: last }, preset);
    }
  });

  it('QLinearLeakyRelu (every stored value, alphas of both signs)', () => {
    for (const dtype of ['int8', 'uint8'] as const)
      for (const alpha of [f32(0.1), f32(-0.37), f32(1.75)]) {
        const all: HostTensor = dtype === 'int8' ? { dtype, dims: [2, 128], data: Int8Array.from({ length: 256 }, (_, i) => i - 128) } : { dtype, dims: [256], data: Uint8Array.from({ length: 256 }, (_, i) => i) };
        const inputs = { X: all, X_scale: sc(f32(0.0371)), X_zero_point: zp(dtype, dtype === 'int8' ? 7 : 131), Y_scale: sc(f32(0.0219)), Y_zero_point: zp(dtype, dtype === 'int8' ? -9 : 100) };
        expectMatches('QLinearLeakyRelu', inputs, { alpha }, preset);
      }
  });
});

describe('pooling operators reject what they do not support, saying what to change', () => {
  const cfg = loadConfig('tiny-sep');
  const X = q8('int8', [1, 2, 5, 5], rng(1));
  const q = { x_scale: sc(0.1), x_zero_point: zp('int8', 0), y_scale: sc(0.1), y_zero_point: zp('int8', 0) };
  it.each([
    ['MaxPool', { X }, { kernel_shape: [2, 2], dilations: [2, 2] }, 'MaxPool: dilations [2, 2] are not supported (only 1)'],
    ['MaxPool', { X: q8('int8', [1, 1, 3, 3, 3], rng(2)) }, { kernel_shape: [2, 2, 2] }, /3-D pooling is not supported/],
    ['MaxPool', { X }, { kernel_shape: [2] }, /kernel_shape \[2\] must have 2 value\(s\)/],
    ['MaxPool', { X }, { kernel_shape: [2, 2], pads: [2, 0, 0, 0] }, /must be smaller than the kernel/],
    ['MaxPool', { X }, { kernel_shape: [2, 2], auto_pad: 'SAME' }, /auto_pad "SAME" is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER/],
    ['MaxPool', { X }, { kernel_shape: [1, 1], strides: [3, 3], ceil_mode: 1 }, /starts past the 5 x 5 input/],
    ['MaxPool', { X }, { kernel_shape: [2, 2], dilation: [1, 1] }, /^unknown attribute "dilation" for MaxPool/],
    ['QLinearGlobalAveragePool', { X, ...q, y_scale: sc(1e-6) }, {}, /outside \[2\^-32, 256\)/],
  ] as const)('%s %j', (op, inputs, attrs, msg) => {
    expect(() => runOnnx(op, inputs, attrs, cfg)).toThrow(msg);
  });
});
