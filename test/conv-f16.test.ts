/** FP16 convolution (the floating-point counterpart of QLinearConv): bit-exact against its reference. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { biasPlacement } from '../ops-nn/matmul/index.js';
import { convF16GmImage, convF16Reference, convShape, generateConvF16, nhwcToNchw } from '../ops-nn/conv/index.js';
import { gemmOutput } from '../ops-nn/gemm/index.js';
import { rng, randInt } from './support/rng.js';
import { launchKernel } from './support/launch.js';

describe.each(['tiny', 'tiny-sep', 'ascend910b'])('fp16 conv on %s', (preset) => {
  it('is bit-exact on random convolutions, groups included', () => {
    const cfg = loadConfig(preset);
    const r = rng(0xc16 + preset.length);
    for (let c = 0; c < 6; c++) {
      const group = [1, 2][randInt(r, 0, 1)]!;
      const cin = group * randInt(r, 1, 20);
      const oc = group * randInt(r, 1, 6);
      const kh = randInt(r, 1, 3);
      const kw = randInt(r, 1, 3);
      const s = convShape([randInt(r, 1, 2), cin, randInt(r, kh, 8), randInt(r, kw, 8)], [oc, cin / group, kh, kw], { group, strides: [randInt(r, 1, 2), 1], pads: [1, 0, 1, randInt(r, 0, 1)] });
      const val = () => roundF16((r() - 0.5) * 4);
      const x = Float32Array.from({ length: s.n * s.c * s.h * s.w }, val);
      const w = Float32Array.from({ length: s.oc * (s.c / group) * s.kh * s.kw }, val);
      const bias = r() < 0.5 ? Float32Array.from({ length: s.oc }, () => Math.fround(r() * 3)) : null;
      const k = generateConvF16(s, bias !== null, cfg);
      const res = launchKernel(cfg, k, convF16GmImage(k, s, cfg, x, w, bias));
      const got = nhwcToNchw(new Uint16Array(gemmOutput(k, res.gm!).buffer), s, (n) => new Uint16Array(n));
      const want = Uint16Array.from(convF16Reference(s, x, w, bias, biasPlacement(cfg)), (v) => numberToF16Bits(v));
      const at = Array.from(got).findIndex((v, i) => v !== want[i]);
      expect(at, `case ${c} ${JSON.stringify(s)}: y[${at}] = ${got[at]?.toString(16)}, want ${want[at]?.toString(16)}`).toBe(-1);
    }
  });
});
