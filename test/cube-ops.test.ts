/**
 * The cube operators as `exec` runs them (QLinearMatMul, MatMulInteger, QLinearConv, ConvInteger):
 * simulated outputs bit-exact against the ONNX references on random cases, on coupled and separated
 * presets, with both epilogue placements each preset has.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { hardwareScale } from '../isa/numeric/fixpipe-quant.js';
import { qlinearMatmul } from '../ops-nn/onnx-ref/qlinear-matmul.js';
import { matmulInteger } from '../ops-nn/onnx-ref/matmul-integer.js';
import { qlinearConv } from '../ops-nn/onnx-ref/qlinear-conv.js';
import { convInteger } from '../ops-nn/onnx-ref/conv-integer.js';
import type { Fusion, HostTensor } from '../ops-nn/onnx/index.js';
import { runOnnx } from './support/launch.js';
import { rng, randInt } from './support/rng.js';
import { f, fv, i8, i8v, int8, u8, uint8 } from './support/host-tensors.js';

type R = () => number;
const f32 = Math.fround;

const same = (got: HostTensor, want: { dims: readonly number[]; data: ArrayLike<number> }, label: string) => {
  expect(got.dims, label).toEqual(want.dims);
  const at = Array.from(got.data).findIndex((v, i) => v !== want.data[i]);
  expect(at, `${label}: first difference at ${at}: got ${got.data[at]}, want ${want.data[at]}`).toBe(-1);
};

/** Scales whose multiplier fits the fixpipe (powers of two times small mantissas) or not. */
const scalePair = (r: R, fitsFixpipe: boolean): [number, number, number] => {
  if (fitsFixpipe) return [f32(2 ** -randInt(r, 3, 6)), f32(2 ** -randInt(r, 2, 5)), f32(2 ** randInt(r, 0, 4))];
  return [f32(0.01 + r() * 0.05), f32(0.002 + r() * 0.01), f32(0.05 + r() * 0.2)];
};

const PRESETS: [string, Fusion[]][] = [
  ['tiny', ['ub']],
  ['tiny-sep', ['fixpipe']],
  ['ascend310p', ['ub']],
  ['ascend910b', ['fixpipe']],
];

describe.each(PRESETS)('QLinearMatMul and MatMulInteger on %s', (preset, fusions) => {
  const cfg = loadConfig(preset);
  it('matches the ONNX references on random cases', () => {
    const r = rng(0xa11 + preset.length);
    for (let c = 0; c < 12; c++) {
      const m = randInt(r, 1, 40);
      const k = randInt(r, 1, 70);
      const n = randInt(r, 1, 40);
      const batched = r() < 0.3;
      const aDims = batched ? [2, m, k] : [m, k];
      const bDims = batched && r() < 0.5 ? [2, k, n] : [k, n];
      const a = int8(r, aDims);
      const b = int8(r, bDims);
      // ORT: a per-column b_scale with a batched b needs b's dims with 1 second to last; keep it 2-D here
      const perCol = bDims.length === 2 && r() < 0.5;
      const [as, bs, ys] = scalePair(r, fusions[0] === 'fixpipe');
      const inputs = {
        a,
        a_scale: f(as),
        a_zero_point: i8(randInt(r, -20, 20)),
        b,
        b_scale: perCol ? fv(Array.from({ length: n }, () => bs)) : f(bs),
        b_zero_point: perCol ? i8v(Array.from({ length: n }, () => randInt(r, -128, 127))) : i8(randInt(r, -5, 5)),
        y_scale: f(ys),
        y_zero_point: i8(randInt(r, -10, 10)),
      };
      same(runOnnx('QLinearMatMul', inputs, {}, cfg).y, qlinearMatmul(inputs, {}), `QLinearMatMul case ${c}`);
      const ints = { A: a, B: b, a_zero_point: inputs.a_zero_point, b_zero_point: inputs.b_zero_point };
      same(runOnnx('MatMulInteger', ints, {}, cfg).y, matmulInteger(ints, {}), `MatMulInteger case ${c}`);
    }
  });
});

describe.each(PRESETS)('QLinearConv and ConvInteger on %s', (preset, fusions) => {
  const cfg = loadConfig(preset);
  it('matches the ONNX references on random convolutions', () => {
    const r = rng(0xc0 + preset.length);
    for (let c = 0; c < 8; c++) {
      const group = [1, 1, 2, 3][randInt(r, 0, 3)]!;
      const depthwise = r() < 0.2;
      const cin = depthwise ? randInt(r, 2, 5) : group * randInt(r, 1, 6);
      const g = depthwise ? cin : group;
      const oc = g * randInt(r, 1, depthwise ? 2 : 5);
      const kh = randInt(r, 1, 3);
      const kw = randInt(r, 1, 3);
      const h = randInt(r, kh, 9);
      const w = randInt(r, kw, 9);
      const attrs = { group: g, strides: [randInt(r, 1, 2), randInt(r, 1, 2)], dilations: [randInt(r, 1, 2), 1], pads: [randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1), randInt(r, 0, 1)] };
      if ((h + attrs.pads[0]! + attrs.pads[2]! - attrs.dilations[0]! * (kh - 1) - 1) < 0) continue;
      const x = int8(r, [randInt(r, 1, 2), cin, h, w]);
      const wt = int8(r, [oc, cin / g, kh, kw]);
      const [xs, ws, ys] = scalePair(r, fusions[0] === 'fixpipe');
      const inputs = {
        x,
        x_scale: f(xs),
        x_zero_point: i8(randInt(r, -20, 20)),
        w: wt,
        w_scale: fv(Array.from({ length: oc }, () => ws)),
        w_zero_point: r() < 0.5 ? i8v(Array.from({ length: oc }, () => randInt(r, -3, 3))) : i8(0),
        y_scale: f(ys),
        y_zero_point: i8(randInt(r, -10, 10)),
        B: { dtype: 'int32' as const, dims: [oc], data: Int32Array.from({ length: oc }, () => randInt(r, -5000, 5000)) },
      };
      same(runOnnx('QLinearConv', inputs, attrs, cfg).y, qlinearConv(inputs, attrs), `QLinearConv case ${c} ${JSON.stringify({ cin, oc, kh, kw, h, w, ...attrs })}`);
      const ints = { x, w: wt, x_zero_point: inputs.x_zero_point, w_zero_point: inputs.w_zero_point };
      same(runOnnx('ConvInteger', ints, attrs, cfg).y, convInteger(ints, attrs), `ConvInteger case ${c}`);
    }
  });
});

describe('uint8 activations on a cube that multiplies them natively (310P)', () => {
  it('QLinearMatMul u8 x u8 -> u8', () => {
    const cfg = loadConfig('ascend310p');
    const r = rng(5);
    const a = uint8(r, [9, 33]);
    const b = uint8(r, [33, 17]);
    const inputs = { a, a_scale: f(f32(0.02)), a_zero_point: u8(128), b, b_scale: f(f32(0.01)), b_zero_point: u8(131), y_scale: f(f32(0.3)), y_zero_point: u8(120) };
    same(runOnnx('QLinearMatMul', inputs, {}, cfg).y, qlinearMatmul(inputs, {}), 'u8 x u8');
  });
});

it('multipliers that fit the fixpipe are used there, others fall back or are refused', () => {
  expect(hardwareScale(f32(0.125))).toBe(0.125);
  const cfg = loadConfig('tiny-sep');
  const r = rng(9);
  const inputs = { a: int8(r, [4, 8]), a_scale: f(f32(0.013)), a_zero_point: i8(0), b: int8(r, [8, 4]), b_scale: f(f32(0.007)), b_zero_point: i8(0), y_scale: f(f32(0.11)), y_zero_point: i8(0) };
  expect(() => runOnnx('QLinearMatMul', inputs, {}, cfg, { fusion: 'fixpipe' })).toThrow(/10 mantissa bits/);
});
