/**
 * Honest MAC accounting: a cube kernel says how many MACs its operator really needs (usefulMacs:
 * no channel padding, no zero-point pieces); the summary reports them beside the issued MACs, and
 * chipCubeUtilization (useful MACs over every cube of the preset) beside cubeUtilization (over the
 * launched cores, padding included). Random shapes: usefulMacs <= macs and chip <= launched, always.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { simulate } from '../hw/simulate.js';
import { generateConvF16 } from '../ops-nn/conv/index.js';
import type { Kernel } from '../ops-nn/kernel.js';
import { generateMatmul } from '../ops-nn/matmul/index.js';
import { summarise } from '../traces/index.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli.js';
import { randomMatmulKernel } from './support/random-matmul.js';
import { loadFixture } from './support/fixtures.js';

const summaryOf = (preset: string, k: Kernel) => {
  const cfg = loadConfig(preset);
  return summarise(simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: k.gmBytes, mode: 'timing' }), '', k.usefulMacs);
};

describe('useful MACs', () => {
  it('a matmul does m * k * n of them, all it issues', () => {
    const cfg = loadConfig('ascend910b');
    const k = generateMatmul({ m: 100, k: 70, n: 50, bias: false, quant: { scale: 0.0078125, offset: 0 }, outType: 's8', relu: false }, cfg);
    expect(k.usefulMacs).toBe(100 * 70 * 50);
    const s = summaryOf('ascend910b', k);
    expect(s.usefulMacs).toBe(s.macs);
  });

  it('a 12-channel conv pads K to 16 fp16 channels: 12/16 of the issued MACs are useful', () => {
    const conv = { n: 1, c: 12, h: 32, w: 32, oc: 32, group: 1, kh: 3, kw: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, oh: 32, ow: 32 };
    const k = generateConvF16(conv, false, loadConfig('ascend910b'));
    expect(k.usefulMacs).toBe(32 * 32 * 32 * 12 * 3 * 3);
    const s = summaryOf('ascend910b', k);
    expect(s.usefulMacs! / s.macs).toBeCloseTo(12 / 16, 5);
    expect(s.chipCubeUtilization!).toBeLessThan(s.cubeUtilization * (12 / 16) + 1e-12);
  });

  it('a 3-channel conv runs over the host\'s img2col matrix: no channel padding is issued', () => {
    const conv = { n: 1, c: 3, h: 32, w: 32, oc: 32, group: 1, kh: 3, kw: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, oh: 32, ow: 32 };
    const k = generateConvF16(conv, false, loadConfig('ascend910b'));
    expect(k.notes.join(' ')).toMatch(/host-side img2col/);
    const s = summaryOf('ascend910b', k);
    expect(s.usefulMacs).toBe(32 * 32 * 32 * 27);
    expect(s.macs).toBe(s.usefulMacs);
  });

  it('kernels without a cube give none, and chip utilisation is then null', () => {
    const s = summarise(simulate({ config: loadConfig('tiny'), programs: { coupled: { insns: [{ op: 'end' }], labels: new Map() } }, blockDim: 1, gm: 1024, mode: 'timing' }));
    expect([s.usefulMacs, s.chipCubeUtilization]).toEqual([null, null]);
  });
});

describe('exec results', () => {
  it('cube kernels report macs and usefulMacs; the others neither', async () => {
    const c = loadFixture('QLinearConv').cases.find((x) => x.raw.inputs['x']!.dims[1] === 3)!;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-acct-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify(c.raw));
    const r = await runCli('exec', '--case', file, '--out', '-', '--fusion', 'gm');
    expect(r.code).toBe(0);
    const kernels = (JSON.parse(r.stdout) as { kernels: { name: string; macs?: number; usefulMacs?: number }[] }).kernels;
    const conv = kernels.find((k) => k.name === 'conv')!;
    const [, , kh, kw] = c.raw.inputs['w']!.dims as number[];
    // 3 input channels: every useful MAC is one of c x kh x kw per output; the host's img2col matrix
    // (K = 3 x kh x kw) leaves no channel padding in the issued MACs
    expect(conv.usefulMacs! % (3 * kh! * kw!)).toBe(0);
    expect(conv.usefulMacs!).toBeLessThanOrEqual(conv.macs!);
    for (const k of kernels.filter((x) => x.name !== 'conv')) expect([k.macs, k.usefulMacs]).toEqual([undefined, undefined]);
  });
});

describe('chip-wide against launched-core utilisation', () => {
  it('random matmuls, INT8 and FP16, 1 block to all: usefulMacs <= macs, chip <= launched, chip = launched * useful/issued * launched/all cubes', () => {
    fc.assert(
      fc.property(
        fc.record({ m: fc.integer({ min: 1, max: 300 }), k: fc.integer({ min: 1, max: 300 }), n: fc.integer({ min: 1, max: 300 }), f16: fc.boolean(), blocks: fc.integer({ min: 1, max: 24 }), preset: fc.constantFrom('ascend910b', 'ascend310p') }),
        ({ m, k, n, f16, blocks, preset }) => {
          const cfg = loadConfig(preset);
          const kernel = randomMatmulKernel(cfg, { m, k, n, f16, blocks });
          const s = summaryOf(preset, kernel);
          expect(s.usefulMacs!).toBeLessThanOrEqual(s.macs);
          expect(s.chipCubeUtilization!).toBeLessThanOrEqual(s.cubeUtilization + 1e-12);
          const launched = s.perCore.filter((c) => c.pipes.M).length;
          expect(s.chipCubeUtilization!).toBeCloseTo((s.cubeUtilization * (s.usefulMacs! / s.macs) * launched) / cfg.cores, 10);
        },
      ),
      { seed: 91, numRuns: 40 },
    );
  });
});
