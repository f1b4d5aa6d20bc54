/**
 * The default GEMM tiler (ops-nn/gemm/tiler.ts): small layers get smaller tiles that spread over
 * every core, big GEMMs keep the big tile, the kernel notes say what was chosen and why, the user's
 * tiling fields win, and whatever tile is chosen the results stay bit-exact.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { convF16GmImage, convF16Reference, convShape, generateConvF16, nhwcToNchw } from '../ops-nn/conv/index.js';
import { gemmOutput } from '../ops-nn/gemm/index.js';
import { biasPlacement, generateMatmul, generateMatmulF16, matmulF16GmImage, matmulF16Reference, type MatmulSpec } from '../ops-nn/matmul/index.js';
import { qlinearConv as qlinearConvRef } from '../ops-nn/onnx-ref/qlinear-conv.js';
import { launchKernel, runOnnx } from './support/launch.js';
import { runMatmul } from './support/matmul-run.js';
import { rng } from './support/rng.js';
import { f, i8, int8 } from './support/host-tensors.js';

const spec = (m: number, k: number, n: number): MatmulSpec => ({ m, k, n, bias: true, quant: { scale: Math.fround(0.003), offset: 1 }, outType: 's8', relu: false });
const tilerNote = (notes: readonly string[]) => notes.find((n) => n.startsWith('tiler')) ?? '';

describe.each(['ascend910b', 'ascend310p'])('the tiler on %s', (preset) => {
  const cfg = loadConfig(preset);

  it('gives a small-M GEMM smaller tiles so every core works, and says why', () => {
    // 128 x 128 tiles would make 2 x 4 = 8 tiles: fewer than the cores of ascend910b
    const k = generateMatmul(spec(256, 2048, 512), cfg);
    expect(k.blockDim).toBeGreaterThanOrEqual(Math.min(cfg.cores, 16));
    expect(tilerNote(k.notes)).toContain(`on ${k.blockDim} of ${cfg.cores} cores`);
    if (cfg.cores > 8) {
      expect(Number(k.tiling!.baseM) * Number(k.tiling!.baseN)).toBeLessThan(128 * 128);
      expect(tilerNote(k.notes)).toMatch(/chosen over the largest tile that fits, 8 tiles of 128 x 128 on 8 of \d+ cores, estimated ~\d+ clk/);
    }
  });

  it('keeps the big tile for a big GEMM', () => {
    const k = generateMatmul(spec(4096, 4096, 4096), cfg);
    expect(k.tiling).toMatchObject({ baseM: 128, baseN: 128, blockDim: cfg.cores });
    expect(tilerNote(k.notes)).toMatch(/the largest tile that fits: no smaller tile/);
  });

  it('keeps the user\'s tiling fields and fills in the rest', () => {
    const k = generateMatmul(spec(256, 2048, 512), cfg, { baseM: 128, baseN: 128 });
    expect(k.tiling).toMatchObject({ baseM: 128, baseN: 128, blockDim: 8 });
    expect(tilerNote(k.notes)).toMatch(/^tiler \(baseM, baseN given by the user\): 8 tiles of 128 x 128 on 8 of/);
    expect(generateMatmul(spec(256, 2048, 512), cfg, { blockDim: 3 }).blockDim).toBe(3);
  });

  it('splits a 14 x 14 layer over every core (ResNet-50 layer3.1.conv2 at batch 1)', () => {
    const s = convShape([1, 256, 14, 14], [256, 256, 3, 3], { pads: [1, 1, 1, 1] });
    const k = generateConvF16(s, true, cfg);
    expect(k.blockDim).toBeGreaterThan(4); // the 128 x 128 tile gives 2 x 2 tiles
  });

  it('int8 matmul stays bit-exact on the tiles it picks', () => {
    const r = rng(preset.length * 101);
    for (const [m, k, n] of [[200, 300, 160], [48, 1000, 96], [130, 64, 500]] as const) {
      const run = runMatmul(cfg, spec(m, k, n), r);
      expect(Array.from(run.got)).toEqual(Array.from(run.want));
    }
  });

  it('int8 conv stays bit-exact when small layers are cut into slabs over every core', () => {
    const r = rng(preset.length * 7);
    const attrs = { pads: [1, 1, 1, 1] };
    const q = { x: int8(r, [1, 64, 14, 14]), x_scale: f(2 ** -4), x_zero_point: i8(3), w: int8(r, [96, 64, 3, 3]), w_scale: f(2 ** -7), w_zero_point: i8(0), y_scale: f(4), y_zero_point: i8(-2) };
    const run = runOnnx('QLinearConv', q, attrs, cfg);
    expect(tilerNote(run.kernels[0]!.notes)).toMatch(new RegExp(`on ${cfg.cores} of ${cfg.cores} cores`));
    expect(Array.from(run.y.data)).toEqual(Array.from(qlinearConvRef(q, attrs).data));
  });

  it('fp16 matmul and conv use the same tiler and stay bit-exact', () => {
    const r = rng(0xf16);
    const val = () => roundF16((r() - 0.5) * 4);
    const ms = { m: 96, k: 200, n: 160, bias: true };
    const a = Float32Array.from({ length: ms.m * ms.k }, val);
    const b = Float32Array.from({ length: ms.k * ms.n }, val);
    const bias = Float32Array.from({ length: ms.n }, () => Math.fround((r() - 0.5) * 10));
    const mk = generateMatmulF16(ms, cfg);
    expect(mk.blockDim).toBeGreaterThan(1);
    const mres = launchKernel(cfg, mk, matmulF16GmImage(mk, ms, cfg, a, b, bias));
    const mwant = Uint16Array.from(matmulF16Reference(ms, a, b, bias, biasPlacement(cfg)), (v) => numberToF16Bits(v));
    expect(Array.from(new Uint16Array(gemmOutput(mk, mres.gm!).buffer))).toEqual(Array.from(mwant));

    const s = convShape([1, 32, 12, 12], [64, 32, 3, 3], { pads: [1, 1, 1, 1] });
    const x = Float32Array.from({ length: s.n * s.c * s.h * s.w }, val);
    const w = Float32Array.from({ length: s.oc * s.c * 9 }, val);
    const ck = generateConvF16(s, false, cfg);
    expect(ck.blockDim).toBeGreaterThan(2); // the 128 x 128 tile gives 2 x 1 tiles
    const cres = launchKernel(cfg, ck, convF16GmImage(ck, s, cfg, x, w, null));
    const got = nhwcToNchw(new Uint16Array(gemmOutput(ck, cres.gm!).buffer), s, (n) => new Uint16Array(n));
    const want = Uint16Array.from(convF16Reference(s, x, w, null, biasPlacement(cfg)), (v) => numberToF16Bits(v));
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
