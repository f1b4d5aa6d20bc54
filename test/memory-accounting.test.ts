/**
 * Honest byte accounting on random matmuls (INT8 and FP16, every real preset, 1 block to all): the
 * fixpipe charges the bytes it writes (1 per int8 element), every GM byte is an L2 hit or a miss, HBM
 * reads cover the compulsory input bytes and, while the working set fits the L2, no input line is read
 * from HBM twice; and no run beats its lower bounds (compute at the cube's peak on the launched cores,
 * HBM traffic at the chip's HBM bandwidth and at the launched cores' miss rates).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { simulate } from '../hw/simulate.js';
import { gmBytesMoved, levelTotals } from '../hw/stats.js';
import type { Kernel } from '../ops-nn/kernel.js';
import { generateMatmul, generateMatmulF16 } from '../ops-nn/matmul/index.js';
import { summarise } from '../traces/index.js';
import { randomMatmulKernel } from './support/random-matmul.js';

const roundUp = (a: number, b: number) => Math.ceil(a / b) * b;

describe('bytes by level and lower bounds', () => {
  it('random matmuls: fixpipe bytes, hits + misses, compulsory HBM reads, compute and HBM bounds', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 260 }),
          k: fc.integer({ min: 1, max: 260 }),
          n: fc.integer({ min: 1, max: 260 }),
          f16: fc.boolean(),
          blocks: fc.integer({ min: 1, max: 32 }),
          preset: fc.constantFrom('ascend910b', 'ascend310p', 'ascend910'),
        }),
        ({ m, k, n, f16, blocks, preset }) => {
          const cfg = loadConfig(preset);
          const kernel = randomMatmulKernel(cfg, { m, k, n, f16, blocks });
          const r = simulate({ config: cfg, programs: kernel.programs, blockDim: kernel.blockDim, gm: kernel.gmBytes, mode: 'timing' });
          const s = summarise(r, '', kernel.usefulMacs);
          const lv = levelTotals(r.cores);
          const outBytes = m * n * (f16 ? 2 : 1);
          // the fixpipe (separated presets) writes the output once, in its own type
          if (cfg.organisation === 'separated') expect(s.bytes.L0C_GM).toBe(outBytes);
          // every GM byte is an L2 hit or a miss, per path and in all
          expect(lv.l2Hit + lv.l2Miss).toBe(gmBytesMoved(r.cores));
          for (const [p, b] of Object.entries(s.memory.paths)) expect(b!.l2Hit + b!.l2Miss, p).toBe(s.bytes[p as keyof typeof s.bytes]);
          // compulsory: every input byte comes from HBM at least once; the working set fits the L2, so
          // no line of any tensor is read twice
          expect(lv.hbmRead).toBeGreaterThanOrEqual(m * k * (f16 ? 2 : 1) + k * n * (f16 ? 2 : 1));
          const L = cfg.l2.lineBytes;
          expect(lv.hbmRead).toBeLessThanOrEqual(kernel.tensors.reduce((sum, t) => sum + roundUp(t.bytes, L) + L, 0));
          expect(lv.hbmRead).toBeLessThanOrEqual(roundUp(kernel.gmBytes, L));
          // lower bounds
          const cubes = r.cores.filter((c) => c.pipes.M !== undefined).length;
          const peak = f16 ? cfg.derived.macsPerCycleF16 : cfg.derived.macsPerCycleInt8;
          expect(r.cycles).toBeGreaterThanOrEqual(Math.ceil(kernel.usefulMacs! / (peak * cubes)));
          const hbm = lv.hbmRead + lv.hbmWrite;
          expect(r.cycles).toBeGreaterThanOrEqual(Math.floor(hbm / cfg.gm.chipBytesPerCycle));
          expect(r.cycles).toBeGreaterThanOrEqual(Math.floor(hbm / (cfg.gm.coreMissBytesPerCycle * r.cores.length)));
          expect(r.cycles).toBeGreaterThanOrEqual(Math.floor(gmBytesMoved(r.cores) / cfg.l2.chipBytesPerCycle));
          // nothing was written back: everything fits, the output stays dirty in the L2
          expect(lv.hbmWrite).toBe(0);
          expect(r.l2DirtyBytes).toBeGreaterThanOrEqual(outBytes);
        },
      ),
      { seed: 2026, numRuns: 40 },
    );
  });

  it('the fixpipe moves 1 byte per int8 element and 2 per fp16 one, in the same cycles', () => {
    const cfg = loadConfig('ascend910b');
    const shape = { m: 128, k: 64, n: 256, bias: false } as const;
    const int8 = generateMatmul({ ...shape, quant: { scale: 0.0078125, offset: 0 }, outType: 's8', relu: false }, cfg);
    const fp16 = generateMatmulF16(shape, cfg);
    const run = (kernel: Kernel) => summarise(simulate({ config: cfg, programs: kernel.programs, blockDim: kernel.blockDim, gm: kernel.gmBytes, mode: 'timing' }));
    expect(run(int8).bytes.L0C_GM).toBe(128 * 256);
    expect(run(fp16).bytes.L0C_GM).toBe(128 * 256 * 2);
  });
});
