/**
 * The core grid of the GEMM kernels (ops-nn/gemm/blocks.ts, the tiling's gridN): the blocks'
 * rectangles cover the output exactly once, a grid kernel stays bit-exact (INT8 and FP16, matmul and
 * conv, separated and coupled presets), the tiler takes a grid where tile order leaves cores idle,
 * and a grid the output cannot hold is an error that says why.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { convF16GmImage, convF16Reference, convShape, generateConvF16, nhwcToNchw } from '../ops-nn/conv/index.js';
import { gemmOutput } from '../ops-nn/gemm/index.js';
import { gridBlockTiles, gridFits, gridUnits } from '../ops-nn/gemm/blocks.js';
import type { GemmProblem } from '../ops-nn/gemm/spec.js';
import { biasPlacement, generateMatmul, type MatmulSpec } from '../ops-nn/matmul/index.js';
import { qlinearConv as qlinearConvRef } from '../ops-nn/onnx-ref/qlinear-conv.js';
import { OpError } from '../ops-nn/kernel.js';
import { launchKernel, runOnnx } from './support/launch.js';
import { runMatmul } from './support/matmul-run.js';
import { randInt, rng } from './support/rng.js';
import { f, i8, int8 } from './support/host-tensors.js';

const spec = (m: number, k: number, n: number): MatmulSpec => ({ m, k, n, bias: true, quant: { scale: Math.fround(0.003), offset: 1 }, outType: 's8', relu: false });
const tilerNote = (notes: readonly string[]) => notes.find((n) => n.startsWith('tiler')) ?? '';

describe('core grid rectangles', () => {
  it('cover every output element of every batch entry exactly once, each block a non-empty rectangle', () => {
    const r = rng(0x961d);
    let checked = 0;
    for (let trial = 0; trial < 800; trial++) {
      const batch = randInt(r, 1, 3);
      const m = randInt(r, 1, 300);
      const n = randInt(r, 1, 300);
      const unitN = r() < 0.5 ? 16 : 32;
      const blockDim = randInt(r, 1, 24);
      const gridN = randInt(r, 1, blockDim);
      const p = { batch, m, n } as GemmProblem;
      if (!gridFits(gridUnits(p, unitN), blockDim, gridN)) continue;
      const baseM = 16 * randInt(r, 1, 8);
      const baseN = unitN * randInt(r, 1, 128 / unitN);
      const hits = new Uint8Array(batch * m * n);
      for (let b = 0; b < blockDim; b++) {
        const tiles = gridBlockTiles(p, { baseM, baseN, blockDim }, gridN, unitN, b);
        expect(tiles.length).toBeGreaterThan(0);
        const cols = new Set(tiles.map((t) => `${t.n0}+${t.cols}`));
        const n0s = tiles.map((t) => t.n0);
        // one column range per block: every tile row spans the same columns
        expect(Math.max(...n0s.map((x, i) => x + tiles[i]!.cols)) - Math.min(...n0s)).toBeLessThanOrEqual(Math.ceil(n / unitN / gridN) * unitN);
        expect(cols.size).toBeLessThanOrEqual(Math.ceil(Math.ceil(n / unitN / gridN) * unitN / baseN));
        for (const t of tiles) {
          expect(t.rows).toBeLessThanOrEqual(baseM);
          expect(t.cols).toBeLessThanOrEqual(baseN);
          for (let i = 0; i < t.rows; i++) for (let j = 0; j < t.cols; j++) hits[(t.e * m + t.m0 + i) * n + t.n0 + j]!++;
        }
      }
      expect(hits.every((h) => h === 1)).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe.each(['ascend910b', 'ascend310p'])('core-grid kernels on %s', (preset) => {
  const cfg = loadConfig(preset);

  it('int8 matmul on a user grid is bit-exact and runs one rectangle per block', () => {
    const r = rng(preset.length * 31);
    for (const [m, k, n, gridN] of [[200, 300, 160, 2], [48, 256, 500, 4], [333, 64, 96, 1]] as const) {
      const blockDim = Math.min(cfg.cores, 8);
      const run = runMatmul(cfg, spec(m, k, n), r, 'functional', { gridN, blockDim });
      expect(Array.from(run.got)).toEqual(Array.from(run.want));
      const kern = generateMatmul(spec(m, k, n), cfg, { gridN, blockDim });
      expect(kern.notes[0]).toContain(`on a core grid of ${blockDim / gridN} row ranges x ${gridN} column ranges`);
    }
  });

  it('fp16 conv on a user grid is bit-exact', () => {
    const r = rng(0xf16 + preset.length);
    const val = () => roundF16((r() - 0.5) * 4);
    const s = convShape([2, 32, 10, 10], [64, 32, 3, 3], { pads: [1, 1, 1, 1] });
    const x = Float32Array.from({ length: s.n * s.c * s.h * s.w }, val);
    const w = Float32Array.from({ length: s.oc * s.c * 9 }, val);
    const bias = Float32Array.from({ length: s.oc }, () => Math.fround((r() - 0.5) * 10));
    const ck = generateConvF16(s, true, cfg, { gridN: 2, blockDim: 6 });
    expect(ck.blockDim).toBe(6);
    const cres = launchKernel(cfg, ck, convF16GmImage(ck, s, cfg, x, w, bias));
    const got = nhwcToNchw(new Uint16Array(gemmOutput(ck, cres.gm!).buffer), s, (n) => new Uint16Array(n));
    const want = Uint16Array.from(convF16Reference(s, x, w, bias, biasPlacement(cfg)), (v) => numberToF16Bits(v));
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('rejects a grid the output cannot hold, saying why', () => {
    expect(() => generateMatmul(spec(32, 64, 64), cfg, { gridN: 3, blockDim: 2 })).toThrow(OpError);
    expect(() => generateMatmul(spec(32, 64, 64), cfg, { gridN: 3, blockDim: 2 })).toThrow(/gridN to divide blockDim/);
    expect(() => generateMatmul(spec(32, 64, 64), cfg, { gridN: cfg.cores + 1 })).toThrow(/gridN \d+ must be an integer in 0\.\.\d+/);
  });
});

describe('the tiler on ascend910b', () => {
  const cfg = loadConfig('ascend910b');

  it('fills every core with a grid where uniform tiles leave some idle (ResNet-50 layer2.1.conv1, batch 1), bit-exact', () => {
    // 784 output rows are 49 16-row blocks: uniform tiles make 21 of them (7 x 3) on 24 cores
    const r = rng(0x2101);
    const q = { x: int8(r, [1, 512, 28, 28]), x_scale: f(2 ** -4), x_zero_point: i8(3), w: int8(r, [128, 512, 1, 1]), w_scale: f(2 ** -9), w_zero_point: i8(0), y_scale: f(8), y_zero_point: i8(-2) };
    const run = runOnnx('QLinearConv', q, {}, cfg);
    const note = tilerNote(run.kernels[0]!.notes);
    expect(note).toMatch(/^tiler: a core grid of \d+ x \d+ rectangles/);
    expect(note).toContain(`on ${cfg.cores} of ${cfg.cores} cores`);
    expect(Array.from(run.y.data)).toEqual(Array.from(qlinearConvRef(q, {}).data));
  });
});
