/**
 * The 'deq-f16' vector requantisation (ops-nn/gemm/deq-epilogue.ts) on the coupled presets:
 * - its accuracy against ONNX Runtime over the fixtures is what docs/quantisation.md states (the
 *   figures are computed here and compared with the committed table, never typed in);
 * - it is bit-exact where docs/quantisation.md claims it is: M an fp16 value and every in-range
 *   fp32(acc) * M an fp16 value (here M = 2^-e with accumulators of at most 11 significant bits);
 * - exec's default stays the exact path: a case the fast path gets wrong still matches ORT by default.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { deqToF16 } from '../isa/numeric/deq.js';
import { qlinearMatmul } from '../ops-nn/onnx-ref/index.js';
import type { HostTensor } from '../ops-nn/onnx/index.js';
import { DEQ_BEGIN, DEQ_DOC, DEQ_END, measureAllDeqAccuracy, renderDeqAccuracy } from '../scripts/lib/deq-accuracy.js';
import { loadFixture } from './support/fixtures.js';
import { runOnnx } from './support/launch.js';
import { randInt, rng } from './support/rng.js';

const PRESETS = ['ascend310p', 'ascend910'] as const;

describe('deq-f16 accuracy over the ONNX Runtime fixtures', () => {
  const rows = measureAllDeqAccuracy();

  it('is what docs/quantisation.md states (run npm run deq:accuracy after a change)', () => {
    const doc = readFileSync(DEQ_DOC, 'utf8');
    const committed = doc.slice(doc.indexOf(DEQ_BEGIN) + DEQ_BEGIN.length, doc.indexOf(DEQ_END)).trim();
    expect(committed).toBe(renderDeqAccuracy(rows));
  });

  it('is never more than one unit in the last place off, and not exact on these fixtures', () => {
    for (const r of rows) {
      expect(r.maxLsb, `${r.op} on ${r.preset}`).toBe(1);
      expect(r.elementsDiffering, `${r.op} on ${r.preset}`).toBeGreaterThan(0);
    }
  });
});

/** A QLinearMatMul node: s8 x s8 -> s8 (or u8 x s8 -> u8), scales as given. */
function matmulNode(m: number, k: number, n: number, a: number[], b: number[], wScales: number[], yZp: number, unsigned: boolean): Record<string, HostTensor> {
  const t = (dtype: HostTensor['dtype'], dims: number[], data: number[]): HostTensor => {
    const Ctor = dtype === 'int8' ? Int8Array : dtype === 'uint8' ? Uint8Array : dtype === 'int32' ? Int32Array : Float32Array;
    return { dtype, dims, data: Ctor.from(data) };
  };
  const act = unsigned ? 'uint8' : 'int8';
  return {
    a: t(act, [m, k], a),
    a_scale: t('float32', [], [1]),
    a_zero_point: t(act, [], [unsigned ? 128 : 0]),
    b: t('int8', [k, n], b),
    b_scale: t('float32', [wScales.length], wScales),
    b_zero_point: t('int8', [wScales.length], wScales.map(() => 0)),
    y_scale: t('float32', [], [1]),
    y_zero_point: t(act, [], [yZp]),
  };
}

describe('deq-f16 is bit-exact where the arithmetic allows', () => {
  // |acc| <= 8 * 15 * 15 = 1800 < 2^11: acc * 2^-e has at most 11 significant bits, so the cast to
  // fp16 is exact and the only rounding left is the final RNE, as in ORT
  it.each(PRESETS)('M = 2^-e, accumulators of at most 11 significant bits, on %s', (preset) => {
    const cfg = loadConfig(preset);
    const r = rng(0xdec16 ^ preset.length);
    for (let trial = 0; trial < 6; trial++) {
      const unsigned = trial % 2 === 1;
      const [m, k, n] = [1 + randInt(r, 0, 40), 1 + randInt(r, 0, 7), 1 + randInt(r, 0, 90)];
      const perChannel = trial % 3 !== 0;
      const wScales = Array.from({ length: perChannel ? n : 1 }, () => 2 ** -randInt(r, 0, 6));
      const a = Array.from({ length: m * k }, () => randInt(r, -15, 15) + (unsigned ? 128 : 0));
      const b = Array.from({ length: k * n }, () => randInt(r, -15, 15));
      const yZp = trial < 2 ? (unsigned ? 128 : 0) : randInt(r, unsigned ? 0 : -128, unsigned ? 255 : 127);
      const inputs = matmulNode(m, k, n, a, b, wScales, yZp, unsigned);
      const want = qlinearMatmul(inputs, {});
      const got = runOnnx('QLinearMatMul', inputs, {}, cfg, { vectorRequant: 'deq-f16' }).y;
      expect(Array.from(got.data), `trial ${trial}: ${m}x${k}x${n}, zp ${yZp}`).toEqual(Array.from(want.data));
    }
  });
});

describe("exec's default stays exact", () => {
  const fx = loadFixture('QLinearMatMul');
  it.each(PRESETS)('a fixture case the fast path gets wrong matches ORT by default on %s', (preset) => {
    const cfg = loadConfig(preset);
    const wrong = fx.cases.find((c) => {
      const fast = runOnnx(c.op, c.inputs, c.attrs, cfg, { vectorRequant: 'deq-f16' }).y.data;
      return c.expected.data.some((w, i) => fast[i] !== w);
    });
    expect(wrong, 'some case differs under deq-f16').toBeDefined();
    const y = runOnnx(wrong!.op, wrong!.inputs, wrong!.attrs, cfg).y.data;
    expect(Array.from(y)).toEqual(wrong!.expected.data);
    // and the sanitizer finds nothing in the fast path's kernel
    const run = runOnnx(wrong!.op, wrong!.inputs, wrong!.attrs, cfg, { vectorRequant: 'deq-f16', sanitize: true });
    for (const k of run.kernels) expect(k.sanitizer?.findings ?? [], k.name).toEqual([]);
  });
});

describe('the counterexample of docs/quantisation.md', () => {
  it('acc = 103926, M = 2^-10: fp16 rounds 101.490234375 to 101.5, which RNE takes to 102 (ORT: 101)', () => {
    expect(deqToF16(103926, 2 ** -10)).toBe(101.5);
    expect(Math.fround(103926 * 2 ** -10)).toBe(101.490234375);
  });
});
