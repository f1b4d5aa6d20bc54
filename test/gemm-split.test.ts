/**
 * K split over cores (ops-nn/gemm/split.ts): the partial GEMM and the reduction launch give the
 * reference's bits on separated and coupled presets for several shapes, slice counts and epilogues;
 * exec's QLinearMatMul and MatMulInteger with a split the tiler chose are bit-exact against the ONNX
 * references; the tiler splits a small-output, long-K GEMM and not a big one, and the split runs in
 * fewer cycles; bad slice counts are clear OpErrors.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import type { HwConfig } from '../hw/config/types.js';
import { gemmLaunchesOutput, generateGemmLaunches, type GemmLaunches } from '../ops-nn/gemm/index.js';
import { OpError } from '../ops-nn/kernel.js';
import { generateMatmul, generateMatmulLaunches, matmulF16Problem, matmulLaunchImage, matmulReference, type MatmulSpec, type MatmulTiling } from '../ops-nn/matmul/index.js';
import { matmulProblem } from '../ops-nn/matmul/generator.js';
import { matmulInteger } from '../ops-nn/onnx-ref/matmul-integer.js';
import { qlinearMatmul } from '../ops-nn/onnx-ref/qlinear-matmul.js';
import { qlinearConv } from '../ops-nn/onnx-ref/qlinear-conv.js';
import type { HostTensor } from '../ops-nn/onnx/index.js';
import { runMatmul as runMatmulJob } from '../scripts/lib/run-matmul.js';
import { launchKernel, runOnnx } from './support/launch.js';
import { randInt, rng } from './support/rng.js';
import { f, i8, int8 } from './support/host-tensors.js';

type R = () => number;

const spec = (m: number, k: number, n: number, more: Partial<MatmulSpec> = {}): MatmulSpec => ({ m, k, n, bias: true, quant: { scale: Math.fround(0.0004), offset: 3 }, outType: 's8', relu: false, ...more });

/** Runs every launch of `g` functionally in order; returns the output bytes and each launch's sanitizer findings. */
function runLaunches(cfg: HwConfig, g: GemmLaunches, image: (i: number, before?: Uint8Array) => Uint8Array, sanitize = false) {
  let gm: Uint8Array | undefined;
  const findings: number[] = [];
  const cycles: number[] = [];
  g.launches.forEach((l, i) => {
    const r = launchKernel(cfg, l.kernel, image(i, gm), sanitize ? { sanitize: true } : {});
    gm = r.gm!;
    cycles.push(r.cycles);
    if (r.sanitizer) findings.push(r.sanitizer.findings.length);
  });
  return { out: gemmLaunchesOutput(g, gm!), findings, cycles };
}

function splitMatmul(cfg: HwConfig, s: MatmulSpec, tiling: Partial<MatmulTiling>, r: R, sanitize = false) {
  const a = Int8Array.from({ length: s.m * s.k }, () => randInt(r, -128, 127));
  const b = Int8Array.from({ length: s.k * s.n }, () => randInt(r, -128, 127));
  const bias = s.bias ? Int32Array.from({ length: s.n }, () => randInt(r, -300000, 300000)) : null;
  const g = generateMatmulLaunches(s, cfg, tiling);
  const run = runLaunches(cfg, g, (i, before) => matmulLaunchImage(g, i, s, cfg, a, b, bias, before), sanitize);
  const got = s.outType === 's8' ? new Int8Array(run.out.buffer) : run.out;
  return { g, got: Array.from(got), want: Array.from(matmulReference(s, a, b, bias)), ...run };
}

/** [preset, shape, tiling] cases: uneven slices, K not a multiple of a chunk, M and N not multiples of 16, several tiles. */
const CASES: readonly [string, MatmulSpec, Partial<MatmulTiling>][] = [
  ['ascend910b', spec(16, 4096, 64), { splitK: 8 }],
  ['ascend910b', spec(20, 3000, 40, { outType: 'u8', relu: true }), { splitK: 5, baseM: 16, baseN: 16 }],
  ['ascend910b', spec(33, 2100, 70, { quant: { scale: Array.from({ length: 70 }, (_, i) => Math.fround(0.0002 * (1 + (i % 5)))), offset: Array.from({ length: 70 }, (_, i) => (i % 7) - 3) } }), { splitK: 3 }],
  ['ascend910b', spec(16, 1000, 32, { bias: false }), { splitK: 2, stepK: 1, blockDim: 1 }],
  ['ascend310p', spec(16, 4096, 64), { splitK: 4 }],
  ['ascend310p', spec(40, 2500, 96, { outType: 'u8', quant: { scale: Math.fround(0.0003), offset: -7 } }), { splitK: 3, baseM: 32, baseN: 32 }],
  ['ascend910', spec(16, 2048, 64, { relu: true }), { splitK: 6 }],
  ['tiny', spec(16, 1024, 32), { splitK: 2 }],
  ['tiny-sep', spec(24, 700, 48), { splitK: 2 }],
];

describe('INT8 matmul split over K', () => {
  it.each(CASES.map(([preset, s, t]) => [`${preset} ${s.m}x${s.k}x${s.n}${s.bias ? '' : ' no bias'}${s.relu ? ' relu' : ''} ${s.outType}${typeof s.quant.scale === 'number' ? '' : ' per-channel'} splitK ${t.splitK}`, preset, s, t] as const))('is bit-exact against the reference: %s', (_label, preset, s, tiling) => {
    const cfg = loadConfig(preset);
    const run = splitMatmul(cfg, s, tiling, rng(s.m * 7919 + s.k + preset.length));
    expect(run.g.launches.map((l) => l.kernel.name)).toEqual(['matmul', 'matmul_ksum']);
    expect(run.g.tiling.splitK).toBe(tiling.splitK);
    expect(run.got).toEqual(run.want);
  });

  it('runs clean under the sanitizer on every launch', () => {
    for (const preset of ['ascend910b', 'ascend310p']) {
      const run = splitMatmul(loadConfig(preset), spec(16, 2048, 64), { splitK: 4 }, rng(3), true);
      expect(run.findings).toEqual([0, 0]);
      expect(run.got).toEqual(run.want);
    }
  });

  it('the slices add up to the unsplit int32 accumulator exactly, even where it wraps', () => {
    // MatMulInteger-style int32 out: the partial GEMM with an int32 epilogue and a bias that makes the sum wrap
    const cfg = loadConfig('ascend910b');
    const s = spec(16, 2048, 32);
    const p = { ...matmulProblem(s, cfg), epilogue: { kind: 'int32' } as const };
    const g = generateGemmLaunches(p, cfg, { splitK: 4 });
    const a = new Int8Array(s.m * s.k).fill(-128);
    const b = new Int8Array(s.k * s.n).fill(-128);
    const bias = new Int32Array(s.n).fill(2 ** 31 - 2 ** 24); // + 2048 * 16384 = 2^25: wraps past 2^31
    const run = runLaunches(cfg, g, (i, before) => matmulLaunchImage(g, i, s, cfg, a, b, bias, before));
    const got = new Int32Array(run.out.buffer);
    expect(Array.from(new Set(got))).toEqual([(bias[0]! + s.k * 128 * 128) | 0]);
  });
});

describe('the tiler and K splits', () => {
  const cfg = loadConfig('ascend910b');
  const tilerNote = (notes: readonly string[]) => notes.find((n) => n.startsWith('tiler')) ?? '';

  it('splits M=16, N=64, K=8192 over the idle cores, and says why', () => {
    const g = generateMatmulLaunches(spec(16, 8192, 64), cfg);
    expect(g.launches).toHaveLength(2);
    expect(g.tiling.splitK).toBeGreaterThan(1);
    expect(g.tiling.blockDim).toBeGreaterThan(4);
    expect(tilerNote(g.launches[0]!.kernel.notes)).toMatch(/K split in \d+ slices \(the reduction launch estimated ~\d+ clk of it\); chosen over the unsplit \d+ tiles of .* estimated ~\d+ clk.*fewer tiles than the chip has cores/);
  });

  it('does not split 1024^3 (more tiles than cores), nor where only one launch can run', () => {
    const big = generateMatmulLaunches(spec(1024, 1024, 1024), cfg);
    expect(big.launches).toHaveLength(1);
    expect(big.tiling.splitK).toBeUndefined();
    // generateMatmul returns one kernel: its tiler never splits
    expect(generateMatmul(spec(16, 8192, 64), cfg).tiling.splitK).toBeUndefined();
    // one core: nothing to split over
    expect(generateMatmulLaunches(spec(16, 8192, 64), cfg, { blockDim: 1 }).launches).toHaveLength(1);
  });

  it('the split runs M=16, N=64, K=8192 in fewer cycles than the unsplit kernel (run matmul --cores all)', () => {
    const split = runMatmulJob({ m: 16, k: 8192, n: 64, mode: 'timing' });
    const unsplit = runMatmulJob({ m: 16, k: 8192, n: 64, mode: 'timing', tiling: { splitK: 1 } });
    expect(split.launches?.map((l) => l.name)).toEqual(['matmul', 'matmul_ksum']);
    expect(split.launches!.reduce((n, l) => n + l.cycles, 0)).toBe(split.result.cycles);
    expect(unsplit.launches).toBeUndefined();
    expect(split.result.cycles).toBeLessThan(unsplit.result.cycles);
    // functional: the same cycles, bit-exact
    const f = runMatmulJob({ m: 16, k: 8192, n: 64 });
    expect(f.verified).toBe(true);
    expect(f.result.cycles).toBe(split.result.cycles);
  });
});


describe.each(['ascend910b', 'ascend310p'])('exec with a tiler-chosen K split on %s', (preset) => {
  const cfg = loadConfig(preset);
  const r = rng(0x5b11 + preset.length);
  const a = int8(r, [16, 8192]);
  const b = int8(r, [8192, 64]);
  const inputs = { a, a_scale: f(Math.fround(0.02)), a_zero_point: i8(3), b, b_scale: f(Math.fround(0.01)), b_zero_point: i8(-2), y_scale: f(Math.fround(37.7)), y_zero_point: i8(5) };
  const same = (got: HostTensor, want: { dims: readonly number[]; data: ArrayLike<number> }) => {
    expect(got.dims).toEqual(want.dims);
    const at = Array.from(got.data).findIndex((v, i) => v !== want.data[i]);
    expect(at, `first difference at ${at}: got ${got.data[at]}, want ${want.data[at]}`).toBe(-1);
  };

  it('QLinearMatMul is bit-exact in every fusion variant', () => {
    for (const fusion of preset === 'ascend910b' ? (['gm', 'ub'] as const) : (['ub', 'gm'] as const)) {
      const run = runOnnx('QLinearMatMul', inputs, {}, cfg, { fusion });
      expect(run.kernels.map((k) => k.name), fusion).toEqual(['matmul', 'matmul_ksum']);
      same(run.y, qlinearMatmul(inputs, {}));
    }
    // the default fusion
    same(runOnnx('QLinearMatMul', inputs, {}, cfg).y, qlinearMatmul(inputs, {}));
  });

  it('QLinearConv (img2col K slices) is bit-exact', () => {
    // 4 x 4 output pixels, 64 channels, K = 512 x 3 x 3: one or a few tiles over a long K
    const x = int8(r, [1, 512, 4, 4]);
    const w = int8(r, [64, 512, 3, 3]);
    const conv = { x, x_scale: f(Math.fround(0.02)), x_zero_point: i8(-4), w, w_scale: f(Math.fround(0.01)), w_zero_point: i8(0), y_scale: f(Math.fround(29.3)), y_zero_point: i8(-3) };
    const attrs = { pads: [1, 1, 1, 1] };
    const run = runOnnx('QLinearConv', conv, attrs, cfg);
    expect(run.kernels.map((k) => k.name)).toEqual(['conv', 'conv_ksum']);
    same(run.y, qlinearConv(conv, attrs));
  });

  it('MatMulInteger is bit-exact', () => {
    const ints = { A: a, B: b, a_zero_point: inputs.a_zero_point, b_zero_point: inputs.b_zero_point };
    const run = runOnnx('MatMulInteger', ints, {}, cfg);
    expect(run.kernels.map((k) => k.name)).toEqual(['matmul', 'matmul_ksum']);
    same(run.y, matmulInteger(ints, {}));
  });
});

describe('bad splitK values', () => {
  const cfg = loadConfig('ascend910b');
  const s = spec(16, 2048, 64);
  const fails = (t: Partial<MatmulTiling>, message: RegExp, gen: () => unknown = () => generateMatmulLaunches(s, cfg, t)) => {
    expect(gen).toThrow(OpError);
    expect(gen).toThrow(message);
  };

  it('a block count past the (tile, slice) units is clamped to them, with a note', () => {
    const k = generateMatmulLaunches(s, cfg, { splitK: 4, baseM: 16, baseN: 16, blockDim: 25 }).launches[0]!.kernel;
    expect(k.blockDim).toBe(16);
    expect(k.notes).toContainEqual(expect.stringMatching(/^blockDim 25 asked for, 16 used: .*16 unit\(s\) of work \(tiles x K slices\)/));
  });

  it('are OpErrors that say what is wrong and how to fix it', () => {
    fails({ splitK: 0 }, /splitK 0 must be a positive integer \(1: no K split\)/);
    fails({ splitK: 2.5 }, /splitK 2.5 must be a positive integer/);
    // K 2048 in chunks of 256: 8 chunks
    fails({ splitK: 9, stepK: 2, baseK: 128 }, /splitK 9 is more than the 8 L1 chunk\(s\) of K .*use at most 8, or a smaller stepK/);
    fails({ splitK: 3, gridN: 2, blockDim: 4 }, /splitK 3 and gridN 2 cannot be combined/);
    fails({ splitK: 2 }, /splitK 2: a K split runs two launches .*generateGemmLaunches, or use splitK 1/, () => generateMatmul(s, cfg, { splitK: 2 }));
    fails({ splitK: 2 }, /FP16 GEMMs are not split over K/, () => generateGemmLaunches(matmulF16Problem({ m: 16, k: 2048, n: 64, bias: true }, cfg), cfg, { splitK: 2 }));
    // and the tiler never splits them
    expect(generateGemmLaunches(matmulF16Problem({ m: 16, k: 8192, n: 64, bias: true }, cfg), cfg).launches).toHaveLength(1);
  });

  it('the regress manifest and run matmul reject them the same way', () => {
    expect(() => runMatmulJob({ m: 16, k: 2048, n: 64, mode: 'timing', tiling: { splitK: 40 } })).toThrow(/splitK 40 is more than/);
  });
});
