import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { gemmLaunchesOutput } from '../ops-nn/gemm/index.js';
import { generateMatmulLaunches, matmulLaunchImage, matmulReference, type MatmulSpec } from '../ops-nn/matmul/index.js';
import { launchKernel } from './support/launch.js';
import { randInt, rng } from './support/rng.js';

const spec = (m: number, k: number, n: number): MatmulSpec => ({ m, k, n, bias: true, quant: { scale: Math.fround(0.0003), offset: 1 }, outType: 's8', relu: false });

describe('quick', () => {
  it('runs', () => {
    const cfg = loadConfig('ascend910b');
    const s = spec(16, 8192, 64);
    const r = rng(5);
    const a = Int8Array.from({ length: s.m * s.k }, () => randInt(r, -128, 127));
    const b = Int8Array.from({ length: s.k * s.n }, () => randInt(r, -128, 127));
    const bias = Int32Array.from({ length: s.n }, () => randInt(r, -200000, 200000));
    const g = generateMatmulLaunches(s, cfg);
    console.log(g.tiling, g.launches.map((l) => l.kernel.notes));
    let gm: Uint8Array | undefined;
    let cycles = 0;
    g.launches.forEach((l, i) => {
      const res = launchKernel(cfg, l.kernel, matmulLaunchImage(g, i, s, cfg, a, b, bias, gm));
      gm = res.gm!;
      cycles += res.cycles;
      console.log(l.kernel.name, res.cycles);
    });
    const got = new Int8Array(gemmLaunchesOutput(g, gm!).buffer);
    expect(Array.from(got)).toEqual(Array.from(matmulReference(s, a, b, bias)));
  });
});
