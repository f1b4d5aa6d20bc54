/**
 * Fusion variants of the quantised cube operators: the epilogue fused in the fixpipe, unfused
 * through UB with vector ops, unfused through GM as a separate requant kernel. Same bits; the fused
 * variant takes fewer cycles and moves fewer GM bytes.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { qlinearConv as qlinearConvRef } from '../ops-nn/onnx-ref/qlinear-conv.js';
import type { Fusion, HostTensor } from '../ops-nn/onnx/index.js';
import { runOnnx } from './support/launch.js';
import { rng, randInt } from './support/rng.js';

const f32 = Math.fround;
const int8 = (r: () => number, dims: number[]): HostTensor => ({ dtype: 'int8', dims, data: Int8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => randInt(r, -128, 127)) });
const scalarF = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
const scalarI8 = (v: number): HostTensor => ({ dtype: 'int8', dims: [], data: Int8Array.of(v) });

/** A QLinearConv case whose requant multiplier fits the fixpipe (so all three variants are exact). */
function convCase(r: () => number, c: number, hw: number, oc: number, k: number) {
  const inputs = {
    x: int8(r, [1, c, hw, hw]),
    x_scale: scalarF(f32(2 ** -4)),
    x_zero_point: scalarI8(3),
    w: int8(r, [oc, c, k, k]),
    w_scale: { dtype: 'float32' as const, dims: [oc], data: Float32Array.from({ length: oc }, (_, i) => f32(2 ** -(6 + (i % 3)))) },
    w_zero_point: scalarI8(0),
    y_scale: scalarF(f32(2)),
    y_zero_point: scalarI8(-5),
    B: { dtype: 'int32' as const, dims: [oc], data: Int32Array.from({ length: oc }, () => randInt(r, -1000, 1000)) },
  };
  return { inputs, attrs: { pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] } };
}

describe('fusion variants give the same bits', () => {
  it.each([
    ['tiny-sep', ['fixpipe', 'ub', 'gm']],
    ['tiny', ['ub', 'gm']],
  ] as const)('%s', (preset, fusions) => {
    const cfg = loadConfig(preset);
    const { inputs, attrs } = convCase(rng(3), 40, 7, 24, 3);
    const want = qlinearConvRef(inputs, attrs);
    for (const fusion of fusions) {
      const got = runOnnx('QLinearConv', inputs, attrs, cfg, { fusion: fusion as Fusion }).y;
      expect(Array.from(got.data), fusion).toEqual(Array.from(want.data));
    }
  });
});

// Conv layers of ResNet-50 (one image): input channels, spatial size, output channels, kernel.
const RESNET50: [string, number, number, number, number][] = [
  ['layer1 3x3', 64, 56, 64, 3],
  ['layer1 1x1 expand', 64, 56, 256, 1],
  ['layer2 3x3', 128, 28, 128, 3],
  ['layer3 1x1 reduce', 1024, 14, 256, 1],
  ['layer4 3x3', 512, 7, 512, 3],
];

describe('fused fixpipe beats unfused through GM on ResNet-50 convolutions (ascend910b)', () => {
  const cfg = loadConfig('ascend910b');
  it.each(RESNET50)('%s', (_name, c, hw, oc, k) => {
    const { inputs, attrs } = convCase(rng(c + hw), c, hw, oc, k);
    const fused = runOnnx('QLinearConv', inputs, attrs, cfg, { fusion: 'fixpipe' });
    const viaGm = runOnnx('QLinearConv', inputs, attrs, cfg, { fusion: 'gm' });
    expect(Array.from(fused.y.data)).toEqual(Array.from(viaGm.y.data));
    const bytes = (r: typeof fused) => r.kernels.reduce((s, kr) => s + kr.gmBytes, 0);
    expect(fused.cycles).toBeLessThan(viaGm.cycles);
    expect(bytes(fused)).toBeLessThan(bytes(viaGm));
  });
});

describe('the default placement is the fastest exact one (ascend910b)', () => {
  const cfg = loadConfig('ascend910b');
  it.each(RESNET50.slice(0, 3))('%s: ub when a multiplier does not fit the fixpipe, and ub beats gm', (_name, c, hw, oc, k) => {
    const { inputs, attrs } = convCase(rng(c * hw), c, hw, oc, k);
    // y_scale 3: multipliers 2^-n / 3 need more than the fixpipe's 10 mantissa bits
    const odd = { ...inputs, y_scale: scalarF(f32(3)) };
    const byDefault = runOnnx('QLinearConv', odd, attrs, cfg);
    const ub = runOnnx('QLinearConv', odd, attrs, cfg, { fusion: 'ub' });
    const gm = runOnnx('QLinearConv', odd, attrs, cfg, { fusion: 'gm' });
    expect(() => runOnnx('QLinearConv', odd, attrs, cfg, { fusion: 'fixpipe' })).toThrow(/10 mantissa bits/);
    expect(byDefault.kernels.map((x) => [x.name, x.cycles])).toEqual(ub.kernels.map((x) => [x.name, x.cycles]));
    expect(Array.from(byDefault.y.data)).toEqual(Array.from(qlinearConvRef(odd, attrs).data));
    expect(ub.cycles).toBeLessThan(gm.cycles);
  });
});
