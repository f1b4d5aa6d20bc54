/**
 * The streaming vector-kernel framework (ops-nn/vector): tiling covers every element once with
 * balanced blocks; kernels built from steps are exact on every preset kind for sizes from 1 to
 * multi-block, in both per-channel parameter modes, single- and double-buffered; blocks with the
 * same work share one body; separated launches run whole AIC groups; timing-only cycles equal
 * functional ones and no run beats the GM bandwidth; UB and tiling errors are clear OpErrors.
 */
import { describe, expect, it } from 'vitest';
import type { HwConfig } from '../hw/config/types.js';
import { loadConfig } from '../hw/config/load.js';
import { OpError } from '../ops-nn/kernel.js';
import { generateQuantizeLinear } from '../ops-nn/quant/index.js';
import {
  blockRange,
  streamKernel,
  tileTensor,
  vectorTarget,
  type ElementwiseTiling,
  type Step,
  type VectorKernel,
} from '../ops-nn/vector/index.js';
import { launchVector } from './support/launch.js';
import { rng, randInt } from './support/rng.js';

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);


describe('tileTensor', () => {
  it('covers every element exactly once, within the chunk, with balanced blocks', () => {
    const r = rng(1);
    for (let c = 0; c < 150; c++) {
      const rows = randInt(r, 1, 50);
      const cols = randInt(r, 1, r() < 0.5 ? 300 : 5000);
      const align = r() < 0.5 ? 64 : 128;
      const chunk = 128 * randInt(r, 1, 40);
      const blocks = randInt(r, 1, 48);
      const tiles = tileTensor(rows, cols, chunk, align, blocks, false);
      const seen = new Uint8Array(rows * cols);
      for (const t of tiles) {
        expect(t.pitch % align).toBe(0);
        expect(t.nc).toBeLessThanOrEqual(t.pitch);
        expect(t.nr * t.pitch).toBeLessThanOrEqual(chunk);
        for (let i = 0; i < t.nr; i++) for (let j = 0; j < t.nc; j++) seen[(t.r0 + i) * cols + t.c0 + j]!++;
      }
      expect(seen.every((v) => v === 1), `${rows} x ${cols} chunk ${chunk}`).toBe(true);
      const used = Math.min(blocks, tiles.length);
      const counts = Array.from({ length: used }, (_, b) => blockRange(tiles.length, used, b)).map(([f, e]) => e - f);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });
});

/** y = (x0 + 3 * x1 + p[c]) with int32 wrap-free values, p per channel of the axis. */
function testKernel(cfg: HwConfig, dims: number[], axis: { channels: number; inner: number } | undefined, p: number[], t: Partial<ElementwiseTiling>): VectorKernel {
  const steps: Step[] = [
    { op: 'muls', dtype: 's32', dst: 'tmp0', src: 'in1', value: 3 },
    { op: 'add', dtype: 's32', dst: 'tmp0', src0: 'tmp0', src1: 'in0' },
    { op: 'adds', dtype: 's32', dst: 'out0', src: 'tmp0', value: { param: 'p' } },
    { op: 'conv', to: 'f32', from: 's32', dst: 'out1', src: 'out0' },
    { op: 'divs', dtype: 'f32', dst: 'out1', src: 'out1', value: { param: 'd' } },
  ];
  return streamKernel(
    {
      name: 'test',
      dims,
      inputs: [{ name: 'x0', dtype: 's32' }, { name: 'x1', dtype: 's32' }],
      outputs: [{ name: 'y', dtype: 's32' }, { name: 'z', dtype: 'f32' }],
      temps: ['s32'],
      ...(axis ? { axis } : {}),
      params: { p: { dtype: 's32', values: p }, d: { dtype: 'f32', values: p.map((v) => (v === 0 ? 1 : v)) } },
      steps,
    },
    cfg,
    t,
  );
}

const PRESETS = ['tiny', 'tiny-sep', 'ascend910b', 'ascend910', 'ascend310p'] as const;

describe.each(PRESETS)('streaming kernels on %s', (preset) => {
  const cfg = loadConfig(preset);
  const maxBlocks = vectorTarget(cfg).maxBlocks;
  it('are exact for sizes 1 .. multi-block, per tensor and per channel in both modes', () => {
    const r = rng(7 + preset.length);
    for (const n of [1, 3, 17, 33, 255, 256, 1000, 4099]) {
      for (const mode of ['tensor', 'rows', 'table'] as const) {
        const channels = mode === 'tensor' ? 1 : randInt(r, 1, Math.min(n, 9));
        const outer = mode === 'tensor' ? 1 : randInt(r, 1, Math.max(1, Math.floor(n / channels)));
        const inner = Math.max(1, Math.floor(n / (channels * outer)));
        const count = mode === 'tensor' ? n : outer * channels * inner;
        const p = Array.from({ length: channels }, () => randInt(r, -1000, 1000));
        const t: Partial<ElementwiseTiling> = {
          blocks: randInt(r, 1, Math.min(maxBlocks, 8)),
          doubleBuffer: r() < 0.7,
          ...(mode === 'tensor' ? {} : { paramMode: mode }),
          ...(r() < 0.5 ? { chunk: 128 * randInt(r, 1, 6) } : {}),
        };
        let k: VectorKernel;
        try {
          k = testKernel(cfg, [count], mode === 'tensor' ? undefined : { channels, inner }, p, t);
        } catch (e) {
          expect(e).toBeInstanceOf(OpError); // a forced table must fit the chunk
          k = testKernel(cfg, [count], { channels, inner }, p, { ...t, paramMode: 'rows' });
        }
        const x0 = Int32Array.from({ length: count }, () => randInt(r, -1e6, 1e6));
        const x1 = Int32Array.from({ length: count }, () => randInt(r, -1e6, 1e6));
        const { out } = launchVector(cfg, k, { x0: bytesOf(x0), x1: bytesOf(x1) });
        const y = new Int32Array(out('y').buffer);
        const z = new Float32Array(out('z').buffer);
        for (let i = 0; i < count; i++) {
          const c = Math.floor(i / inner) % channels;
          const want = x0[i]! + 3 * x1[i]! + p[c]!;
          if (y[i] !== want || z[i] !== Math.fround(Math.fround(want) / (p[c] === 0 ? 1 : p[c]!)))
            expect.fail(`n ${count} ${mode} ${JSON.stringify(k.tiling)}: element ${i} (channel ${c}) y ${y[i]} z ${z[i]}, want ${want}`);
        }
      }
    }
  });
});

describe('block dispatch and launch geometry', () => {
  it('blocks with the same work share one body', () => {
    const cfg = loadConfig('ascend910b');
    const k = generateQuantizeLinear({ dims: [1 << 20], xType: 'f32', scale: [0.5], zeroPoint: [0], outType: 's8' }, cfg);
    expect(k.tiling.blocks).toBe(48);
    expect(k.blockDim).toBe(24);
    expect(k.notes.join(' ')).toMatch(/[1-3] distinct block bodies/);
    expect(k.programs.aiv!.insns.length).toBeLessThan(1200);
  });
  it('a separated launch runs whole AIC groups; the spare AIV ends at once', () => {
    const cfg = loadConfig('tiny-sep');
    const k = testKernel(cfg, [1000], undefined, [5], { blocks: 3 });
    expect(k.blockDim).toBe(2);
    const x = Int32Array.from({ length: 1000 }, (_, i) => i);
    const { r, out } = launchVector(cfg, k, { x0: bytesOf(x), x1: bytesOf(x) });
    expect(r.cores.length).toBe(4);
    expect(Array.from(new Int32Array(out('y').buffer))).toEqual(Array.from(x, (v) => 4 * v + 5));
  });
});

describe('streaming timing', () => {
  it('timing-only equals functional; double buffering helps; GM bandwidth is never beaten', () => {
    for (const preset of PRESETS) {
      const cfg = loadConfig(preset);
      const n = 20000;
      const x = Int32Array.from({ length: n }, (_, i) => i);
      const double = testKernel(cfg, [n], undefined, [1], { blocks: 1 });
      const single = testKernel(cfg, [n], undefined, [1], { blocks: 1, doubleBuffer: false, chunk: double.tiling.chunk as number });
      const f = launchVector(cfg, double, { x0: bytesOf(x), x1: bytesOf(x) }).r;
      const t = launchVector(cfg, double, {}, 'timing').r;
      expect(t.cycles).toBe(f.cycles);
      expect(t.cores).toEqual(f.cores);
      const s = launchVector(cfg, single, {}, 'timing').r;
      expect(f.cycles).toBeLessThan(s.cycles);
      const gmBytes = n * 4 * 4; // two s32 inputs in, an s32 and an f32 output out
      expect(f.cycles).toBeGreaterThanOrEqual(gmBytes / cfg.gm.chipBytesPerCycle);
    }
  });
});

describe('streaming errors', () => {
  const cfg = loadConfig('tiny');
  it('are OpErrors that say what to change', () => {
    expect(() => testKernel(cfg, [1000], undefined, [1], { chunk: 1 << 14 })).toThrow(/UB needs \d+ bytes but tiny has 32768 \(over by \d+\); use a smaller chunk/);
    expect(() => testKernel(cfg, [1000], undefined, [1], { blocks: 3 })).toThrow(/blocks 3 is outside 1\.\.2 \(tiny has 2 vector cores\)/);
    expect(() => testKernel(cfg, [0], undefined, [1], {})).toThrow(/element count 0/);
    expect(() => testKernel(cfg, [12], { channels: 4, inner: 3 }, [1, 2, 3], {})).toThrow(/3 values; give 1 or one per channel \(4\)/);
    expect(() => testKernel(cfg, [10], { channels: 4, inner: 3 }, [1, 2, 3, 4], {})).toThrow(/not a whole number of 4 channels/);
    expect(() => testKernel(cfg, [4 * 2000], { channels: 4000, inner: 2 }, Array.from({ length: 4000 }, () => 1), { paramMode: 'table' })).toThrow(OpError);
  });
});
