/**
 * Depthwise convolution on the vector unit (ops-nn/conv/depthwise.ts): INT8 bit-exact with ONNX
 * Runtime on its own fixture file (QLinearConvDepthwise.json, QLinearConv nodes with group = C = OC)
 * and equal to the cube path; FP16 bit-exact with the model's reference (f32 taps in row-major
 * order, then bias, one f16 rounding); and its timing: cycles follow the output size, V is the busy
 * pipe, every vector core takes a share.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { convShape, depthwiseF16Reference, depthwiseInput, depthwiseOutput, depthwiseParams, generateDepthwise, type DepthwiseSpec } from '../ops-nn/conv/index.js';
import { comparable, loadFixture } from './support/fixtures.js';
import { launchKernel, launchVector, runOnnx } from './support/launch.js';
import { randInt, rng } from './support/rng.js';
import { qlinearConv } from '../ops-nn/onnx-ref/index.js';

const PRESETS = ['ascend910b', 'ascend310p', 'ascend910'];

describe('depthwise QLinearConv on the vector unit', () => {
  const fx = loadFixture('QLinearConvDepthwise');
  it.each(PRESETS)('matches ONNX Runtime on every depthwise fixture case on %s, through the vector kernel', (preset) => {
    expect(fx.cases.length).toBeGreaterThanOrEqual(100);
    const cfg = loadConfig(preset);
    for (const c of fx.cases) {
      const r = runOnnx(c.op, c.inputs, c.attrs, cfg);
      expect(r.kernels.map((k) => k.name), c.name).toEqual(['dw_conv']);
      expect(r.y.dims, c.name).toEqual(c.expected.dims);
      const g = comparable(r.y.dtype, r.y.data);
      const w = comparable(c.expected.dtype, c.expected.data);
      const at = g.findIndex((v, j) => v !== w[j]);
      expect(at, `${c.name}: y[${at}] = ${r.y.data[at]}, ORT gives ${c.expected.data[at]}`).toBe(-1);
    }
  });

  it('gives the bits of the cube path, which still runs with depthwise: cube or an explicit fusion', () => {
    const cfg = loadConfig('ascend910b');
    for (const c of fx.cases.filter((_, i) => i % 8 === 0)) {
      const vec = runOnnx(c.op, c.inputs, c.attrs, cfg);
      const cube = runOnnx(c.op, c.inputs, c.attrs, cfg, { depthwise: 'cube' });
      const gm = runOnnx(c.op, c.inputs, c.attrs, cfg, { fusion: 'gm' });
      expect(cube.kernels.map((k) => k.name)).not.toContain('dw_conv');
      expect(gm.kernels.map((k) => k.name)).not.toContain('dw_conv');
      expect(Array.from(cube.y.data), c.name).toEqual(Array.from(vec.y.data));
      expect(Array.from(gm.y.data), c.name).toEqual(Array.from(vec.y.data));
    }
  });

  it('runs clean under the sanitizer on every preset', () => {
    const c = fx.cases.find((k) => k.inputs['x']!.dims[1]! > 32)!; // two channel blocks
    for (const preset of PRESETS) {
      const r = runOnnx(c.op, c.inputs, c.attrs, loadConfig(preset), { sanitize: true });
      expect(r.kernels[0]!.sanitizer!.findings, `${preset}: ${c.name}`).toEqual([]);
    }
  });
});

/** A random fp16 value of a few binades (products and sums round in f32 often enough to matter). */
const f16Value = (r: () => number) => roundF16((r() - 0.5) * 2 ** randInt(r, -4, 6));

describe('FP16 depthwise on the vector unit', () => {
  it('is bit-exact with its reference on random shapes (strides, pads, dilations, channel padding)', () => {
    const r = rng(77);
    for (let i = 0; i < 14; i++) {
      const c = [1, 5, 16, 17, 40][randInt(r, 0, 4)]!;
      const [kh, kw] = ([[3, 3], [3, 3], [5, 5], [1, 3]] as const)[randInt(r, 0, 3)]!;
      const stride = randInt(r, 1, 2);
      const dil = i % 5 === 4 ? 2 : 1;
      const pads = [randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2), randInt(r, 0, 2)];
      const h = randInt(r, dil * (kh - 1) + 1, 12);
      const w = randInt(r, dil * (kw - 1) + 1, 12);
      const n = i % 4 === 3 ? 2 : 1;
      const shape = convShape([n, c, h, w], [c, 1, kh, kw], { group: c, pads, strides: [stride, stride], dilations: [dil, dil] });
      const spec: DepthwiseSpec = { shape, type: 'f16', padValue: 0 };
      const x = Float32Array.from({ length: n * c * h * w }, () => f16Value(r));
      const wt = Float32Array.from({ length: c * kh * kw }, () => f16Value(r));
      const bias = i % 3 === 0 ? null : Float32Array.from({ length: c }, () => f16Value(r));
      const cfg = loadConfig(PRESETS[i % 3]!);
      const k = generateDepthwise(spec, cfg);
      const params = depthwiseParams(spec, { weight: (ch, t) => wt[ch * kh * kw + t]!, bias: (ch) => (bias ? bias[ch]! : 0) });
      const { out } = launchVector(cfg, k, { x: depthwiseInput(spec, x), params });
      const got = depthwiseOutput(spec, out('y')) as Float32Array;
      const want = depthwiseF16Reference(spec, x, wt, bias);
      const bits = (a: Float32Array) => Array.from(a, (v) => numberToF16Bits(v));
      const g = bits(got);
      const wb = bits(want);
      const at = g.findIndex((v, j) => v !== wb[j]);
      expect(at, `case ${i} (${cfg.name}, C ${c}, ${h}x${w}, ${kh}x${kw}/${stride}, d ${dil}, pads ${pads}): y[${at}] = ${got[at]}, reference ${want[at]}`).toBe(-1);
    }
  });
});

/** Timing-only run of a depthwise layer: cycles and each pipe's busy cycles summed over the cores. */
function timeLayer(preset: string, type: DepthwiseSpec['type'], c: number, hw: number, stride: number, tiling?: { blocks?: number }) {
  const shape = convShape([1, c, hw, hw], [c, 1, 3, 3], { group: c, pads: [1, 1, 1, 1], strides: [stride, stride] });
  const spec: DepthwiseSpec = type === 'f16' ? { shape, type, padValue: 0 } : { shape, type, padValue: 3, multipliers: Array.from({ length: c }, (_, i) => 2 ** -(8 + (i % 3))), zeroPoint: 0, outType: 's8' };
  const cfg = loadConfig(preset);
  const k = generateDepthwise(spec, cfg, tiling);
  const r = launchKernel(cfg, k);
  const busy = (p: string) => r.cores.reduce((s, core) => s + ((core.pipes as Record<string, { busyCycles: number } | undefined>)[p]?.busyCycles ?? 0), 0);
  return { cycles: r.cycles, busy, blocks: (k.tiling as { blocks: number }).blocks, cores: r.cores.length };
}

describe('depthwise timing', () => {
  it.each(['s8', 'f16'] as const)('%s: on one core, four times the output takes between 3 and 5 times the cycles, and V is the busy pipe', (type) => {
    const small = timeLayer('ascend910b', type, 64, 14, 1, { blocks: 1 });
    const big = timeLayer('ascend910b', type, 64, 28, 1, { blocks: 1 });
    const ratio = big.cycles / small.cycles;
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(5);
    for (const t of [small, big]) for (const p of ['MTE2', 'MTE3', 'S']) expect(t.busy('V'), p).toBeGreaterThan(t.busy(p));
  });

  it.each(['ascend910b', 'ascend310p'])('a MobileNetV2 layer (144 x 56 x 56, 3x3/1) uses every vector core of %s and runs several times faster than on one', (preset) => {
    const cfg = loadConfig(preset);
    const all = timeLayer(preset, 's8', 144, 56, 1);
    const one = timeLayer(preset, 's8', 144, 56, 1, { blocks: 1 });
    const vectorCores = cfg.cores * (cfg.organisation === 'separated' ? cfg.aivPerAic : 1);
    expect(all.blocks).toBe(vectorCores);
    expect(one.cycles / all.cycles).toBeGreaterThan(vectorCores / 3);
  });

  it('stride 2 reads the same rows for a quarter of the outputs: fewer cycles than stride 1', () => {
    const s1 = timeLayer('ascend910b', 's8', 96, 28, 1, { blocks: 1 });
    const s2 = timeLayer('ascend910b', 's8', 96, 28, 2, { blocks: 1 });
    expect(s2.cycles).toBeLessThan(s1.cycles * 0.6);
  });
});

describe('depthwise rows too wide for UB', () => {
  const t = (dtype: 'int8' | 'float32', dims: number[], data: number[]) => ({ dtype, dims, data: dtype === 'int8' ? Int8Array.from(data) : Float32Array.from(data) });
  const c = 4;
  const w = 600; // one output row of 600 positions needs more than ascend910b's 184 KiB UB
  const inputs = {
    x: t('int8', [1, c, 3, w], Array.from({ length: c * 3 * w }, (_, i) => ((i * 37) % 255) - 127)),
    x_scale: t('float32', [], [1 / 16]),
    x_zero_point: t('int8', [], [3]),
    w: t('int8', [c, 1, 3, 3], Array.from({ length: c * 9 }, (_, i) => ((i * 91) % 255) - 127)),
    w_scale: t('float32', [], [1 / 64]),
    w_zero_point: t('int8', [], [0]),
    y_scale: t('float32', [], [2]),
    y_zero_point: t('int8', [], [0]),
  };
  const attrs = { group: c, pads: [1, 1, 1, 1] };
  it('run on the cube by default, with the reference bits', () => {
    const r = runOnnx('QLinearConv', inputs, attrs, loadConfig('ascend910b'));
    expect(r.kernels.map((k) => k.name)).not.toContain('dw_conv');
    expect(Array.from(r.y.data)).toEqual(Array.from(qlinearConv(inputs, attrs).data));
  });
  it('are refused with a message naming UB when the vector kernel is asked for', () => {
    expect(() => runOnnx('QLinearConv', inputs, attrs, loadConfig('ascend910b'), { depthwise: 'vector' })).toThrow(/UB needs \d+ bytes but ascend910b has \d+.*split the image along W/);
  });
});
