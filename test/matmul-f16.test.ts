/**
 * FP16 matmul (the floating-point counterpart): bit-exact against its reference on every preset,
 * and slower than INT8 on the same shape, as the cube's fp16 rate is half its int8 rate.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { gemmOutput } from '../ops-nn/gemm/index.js';
import { biasPlacement, generateMatmul, generateMatmulF16, matmulF16GmImage, matmulF16Reference, type MatmulF16Spec } from '../ops-nn/matmul/index.js';
import { rng, randInt } from './support/rng.js';
import { launchKernel } from './support/launch.js';

describe.each(['tiny', 'tiny-sep', 'ascend910', 'ascend910b'])('fp16 matmul on %s', (preset) => {
  it('is bit-exact on random shapes', () => {
    const cfg = loadConfig(preset);
    const r = rng(0xf16 + preset.length);
    for (let c = 0; c < 8; c++) {
      const s: MatmulF16Spec = { m: randInt(r, 1, 50), k: randInt(r, 1, 90), n: randInt(r, 1, 50), bias: r() < 0.6 };
      const val = () => roundF16((r() - 0.5) * 4);
      const a = Float32Array.from({ length: s.m * s.k }, val);
      const b = Float32Array.from({ length: s.k * s.n }, val);
      const bias = s.bias ? Float32Array.from({ length: s.n }, () => Math.fround((r() - 0.5) * 10)) : null;
      const k = generateMatmulF16(s, cfg);
      const res = launchKernel(cfg, k, matmulF16GmImage(k, s, cfg, a, b, bias));
      const got = new Uint16Array(gemmOutput(k, res.gm!).buffer);
      const wantBits = Uint16Array.from(matmulF16Reference(s, a, b, bias, biasPlacement(cfg)), (v) => numberToF16Bits(v));
      const at = Array.from(got).findIndex((v, i) => v !== wantBits[i]);
      expect(at, `case ${c} ${JSON.stringify(s)}: y[${at}] bits ${got[at]?.toString(16)}, want ${wantBits[at]?.toString(16)}`).toBe(-1);
    }
  });
});

it('fp16 takes about twice the cube cycles of int8 on the same shape (ascend910b)', () => {
  const cfg = loadConfig('ascend910b');
  const shape = { m: 512, k: 512, n: 512 };
  const f = generateMatmulF16({ ...shape, bias: false }, cfg, { blockDim: 1 });
  const i = generateMatmul({ ...shape, bias: false, quant: { scale: Math.fround(0.01), offset: 0 }, outType: 's8', relu: false }, cfg, { blockDim: 1 });
  const run = (k: typeof f) => launchKernel(cfg, { ...k, blockDim: 1 });
  const rf = run(f);
  const ri = run(i);
  expect(rf.cores[0]!.cubeIdealCycles).toBe(2 * ri.cores[0]!.cubeIdealCycles);
  expect(rf.cycles).toBeGreaterThan(1.5 * ri.cycles);
});
