/**
 * INT8 matmul on the simulated core: bit-exact against the plain reference on random shapes (many
 * not multiples of 16 or 32), on every preset kind; timing-only cycles equal functional cycles; no
 * run beats the cube's peak rate.
 */
import { describe, expect, it } from 'vitest';
import { levelTotals } from '../hw/stats.js';
import { loadConfig } from '../hw/config/load.js';
import { OpError } from '../ops-nn/kernel.js';
import { generateMatmul, type MatmulSpec } from '../ops-nn/matmul/index.js';
import { firstDiff } from './support/exec-kit.js';
import { rng, randInt } from './support/rng.js';
import { runMatmul } from './support/matmul-run.js';
import { launchKernel } from './support/launch.js';

const f32 = Math.fround;

function randomSpec(r: () => number, maxDim: number): MatmulSpec {
  const m = randInt(r, 1, maxDim);
  const k = randInt(r, 1, maxDim);
  const n = randInt(r, 1, maxDim);
  const perChannel = r() < 0.5;
  // Scales around 1 / (sqrt(k) * 128) keep outputs in range; some runs saturate on purpose.
  const base = f32(1 / (Math.sqrt(k) * 64));
  const scale = perChannel ? Array.from({ length: n }, () => f32(base * (0.25 + 2 * r()))) : f32(base * (0.25 + 2 * r()));
  const offset = perChannel ? Array.from({ length: n }, () => randInt(r, -20, 20)) : randInt(r, -20, 20);
  return { m, k, n, bias: r() < 0.7, quant: { scale, offset }, outType: r() < 0.7 ? 's8' : 'u8', relu: r() < 0.3 };
}

describe.each([
  ['tiny', 40, 100],
  ['tiny-sep', 40, 100],
  ['ascend910b', 20, 300],
  ['ascend910', 6, 200],
  ['ascend310p', 6, 150],
] as const)('matmul bit-exact on %s', (preset, cases, maxDim) => {
  const cfg = loadConfig(preset);
  it(`${cases} random shapes`, () => {
    const r = rng(0x5eed + preset.length);
    for (let c = 0; c < cases; c++) {
      const s = randomSpec(r, maxDim);
      const { got, want, result } = runMatmul(cfg, s, r);
      const at = firstDiff(got, want);
      expect(at, `case ${c} ${JSON.stringify({ m: s.m, k: s.k, n: s.n, bias: s.bias, out: s.outType, relu: s.relu })}: y[${at}] = ${got[at]}, want ${want[at]}`).toBe(-1);
      const peak = result.cores.reduce((sum, core) => sum + core.cubeIdealCycles, 0) / result.cores.length;
      expect(result.cycles).toBeGreaterThanOrEqual(Math.ceil(peak));
    }
  });
});

describe('matmul timing', () => {
  it('timing-only cycles and busy cycles equal functional ones', () => {
    for (const preset of ['tiny', 'tiny-sep', 'ascend910b', 'ascend910']) {
      const cfg = loadConfig(preset);
      const r1 = rng(7);
      const r2 = rng(7);
      const s = randomSpec(rng(99 + preset.length), 150);
      const f = runMatmul(cfg, s, r1, 'functional').result;
      const t = runMatmul(cfg, s, r2, 'timing').result;
      expect(t.cycles).toBe(f.cycles);
      expect(t.cores).toEqual(f.cores);
    }
  });

  it('reaches the cube utilisation of large GEMMs on one ascend910b AIC', () => {
    const cfg = loadConfig('ascend910b');
    const s: MatmulSpec = { m: 1024, k: 1024, n: 1024, bias: true, quant: { scale: f32(0.01), offset: 0 }, outType: 's8', relu: false };
    const k = generateMatmul(s, cfg, { blockDim: 1 });
    const res = runMatmul(cfg, s, rng(1), 'timing', k.tiling as never).result;
    const util = res.cores[0]!.cubeIdealCycles / res.cycles;
    expect(util).toBeGreaterThanOrEqual(0.85);
    expect(res.cycles).toBeGreaterThanOrEqual((1024 * 1024 * 1024) / cfg.derived.macsPerCycleInt8);
  });

  it('never beats the GM bandwidth bound', () => {
    const cfg = loadConfig('ascend910b');
    const s: MatmulSpec = { m: 512, k: 2048, n: 512, bias: false, quant: { scale: f32(0.001), offset: 0 }, outType: 's8', relu: false };
    const res = runMatmul(cfg, s, rng(2), 'timing').result;
    // every GM byte passes the chip's L2; what misses (whole lines) also passes HBM
    const bytes = res.cores.reduce((sum, c) => sum + (c.pathBytes.GM_L1 ?? 0) + (c.pathBytes.L0C_GM ?? 0), 0);
    const hbm = levelTotals(res.cores);
    expect(hbm.hbmRead).toBeGreaterThan(0);
    expect(res.cycles).toBeGreaterThanOrEqual(bytes / cfg.l2.chipBytesPerCycle);
    expect(res.cycles).toBeGreaterThanOrEqual((hbm.hbmRead + hbm.hbmWrite) / cfg.gm.chipBytesPerCycle);
    expect(res.cycles).toBeGreaterThanOrEqual((hbm.hbmRead + hbm.hbmWrite) / (cfg.gm.coreMissBytesPerCycle * res.cores.length));
  });
});

describe('matmul errors', () => {
  const cfg = loadConfig('tiny');
  const s: MatmulSpec = { m: 64, k: 64, n: 64, bias: false, quant: { scale: f32(0.1), offset: 0 }, outType: 's8', relu: false };
  it('names the buffer a tiling overflows and by how much', () => {
    expect(() => generateMatmul(s, cfg, { baseM: 64, baseN: 64, baseK: 64, stepK: 4 })).toThrow(/L0C needs 32768 bytes but tiny has 16384 \(over by 16384\)/); // 64 x 64 x 4 B, double-buffered
  });
  it('rejects per-channel tables of the wrong length', () => {
    expect(() => generateMatmul({ ...s, quant: { scale: [f32(0.1)], offset: 0 } }, cfg)).toThrow(OpError);
  });
  it('rejects offsets outside the 9-bit fixpipe range', () => {
    expect(() => generateMatmul({ ...s, quant: { scale: f32(0.1), offset: 300 } }, cfg)).toThrow(/offset\[0\] = 300/);
  });
});

describe('engine run-ahead', () => {
  it('changes no cycle, stall or byte count, single and multi-core', () => {
    for (const [preset, blockDim] of [['ascend910b', 4], ['ascend910', 2], ['tiny-sep', 2]] as const) {
      const cfg = loadConfig(preset);
      const s: MatmulSpec = { m: 300, k: 200, n: 260, bias: true, quant: { scale: f32(0.002), offset: 1 }, outType: 's8', relu: false };
      const k = generateMatmul(s, cfg, { blockDim, baseM: 32, baseN: 64, baseK: 64, stepK: 2 });
      const run = (runAhead: boolean) => launchKernel(cfg, k, undefined, { runAhead });
      const on = run(true);
      const off = run(false);
      expect(on.cycles).toBe(off.cycles);
      expect(on.cores).toEqual(off.cores);
    }
  });
});
