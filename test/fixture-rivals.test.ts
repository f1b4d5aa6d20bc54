/**
 * The ONNX Runtime fixtures pin ORT's arithmetic down rather than merely agree with our references:
 * for every rival formulation of it (scripts/onnx/rivals.ts: other rounding orders, FMA contractions,
 * reciprocal multiplies, ...) some fixture element disagrees with what ORT produced. This tests the
 * fixture generator (scripts/gen-fixtures.ts, which crafts near-tie cases to that end).
 */
import { describe, expect, it } from 'vitest';
import { f32Bits } from '../isa/numeric/float16.js';
import { convInteger, matmulInteger, qlinearAddElement } from '../ops-nn/onnx-ref/index.js';
import { ADD_RIVALS, DEQUANTIZE_RIVALS, QUANTIZE_RIVALS, REQUANT_RIVALS } from '../scripts/onnx/rivals.js';
import { loadFixture, type FixtureCase } from './support/fixtures.js';

/** Counts, per rival, the fixture elements where it disagrees with ORT. */
function rivalMisses<R>(rivals: Readonly<Record<string, R>>, each: (rival: R, count: () => void) => void): Record<string, number> {
  const misses: Record<string, number> = {};
  for (const [name, r] of Object.entries(rivals)) {
    misses[name] = 0;
    each(r, () => misses[name]!++);
  }
  return misses;
}

const scalarOf = (c: FixtureCase, name: string) => c.inputs[name]?.data[0] ?? 0;
/** Element i of input `name`, a single element broadcast. */
const at = (c: FixtureCase, name: string, i: number) => {
  const d = c.inputs[name]!.data;
  return d[d.length === 1 ? 0 : i]!;
};
const isPerTensor = (c: FixtureCase, names: readonly string[]) => names.every((n) => (c.inputs[n]?.data.length ?? 1) === 1);
/** The scales and zero points of a QLinearAdd case. */
const addParams = (c: FixtureCase) => {
  const v = (n: string) => scalarOf(c, n);
  return { sa: v('A_scale'), za: v('A_zero_point'), sb: v('B_scale'), zb: v('B_zero_point'), sc: v('C_scale'), zc: v('C_zero_point') };
};
const RANGES: Readonly<Record<string, readonly [number, number]>> = { int8: [-128, 127], uint8: [0, 255] };

/** Exact accumulators (bias included) of the per-tensor QLinearMatMul and QLinearConv cases. */
function requantCases(): { c: FixtureCase; acc: ArrayLike<number>; xs: number; ws: number; want: readonly number[] }[] {
  const out: { c: FixtureCase; acc: ArrayLike<number>; xs: number; ws: number; want: readonly number[] }[] = [];
  for (const c of loadFixture('QLinearMatMul').cases) {
    if (!isPerTensor(c, ['b_scale', 'b_zero_point'])) continue;
    const { a, b, a_zero_point, b_zero_point } = c.inputs;
    const acc = matmulInteger({ A: a, B: b, a_zero_point, b_zero_point }, {}).data;
    out.push({ c, acc, xs: scalarOf(c, 'a_scale'), ws: scalarOf(c, 'b_scale'), want: c.expected.data });
  }
  for (const c of loadFixture('QLinearConv').cases) {
    if (!isPerTensor(c, ['w_scale', 'w_zero_point'])) continue;
    const { x, w, x_zero_point, w_zero_point, B } = c.inputs;
    const y = convInteger({ x, w, x_zero_point, w_zero_point }, c.attrs);
    const plane = y.dims[2]! * y.dims[3]!;
    const acc = Array.from(y.data, (v, i) => v + (B?.data[Math.floor(i / plane) % y.dims[1]!] ?? 0));
    out.push({ c, acc, xs: scalarOf(c, 'x_scale'), ws: scalarOf(c, 'w_scale'), want: c.expected.data });
  }
  return out;
}

describe('the fixtures reject the rival formulations of ORT arithmetic', () => {
  it('QLinearMatMul / QLinearConv requantisation', () => {
    const rc = requantCases();
    const misses = rivalMisses(REQUANT_RIVALS, (rival, miss) => {
      for (const { c, acc, xs, ws, want } of rc) {
        const [lo, hi] = RANGES[c.inputs['y_zero_point']!.dtype]!;
        want.forEach((w, i) => {
          if (rival(acc[i]!, xs, ws, scalarOf(c, 'y_scale'), scalarOf(c, 'y_zero_point'), lo, hi) !== w) miss();
        });
      }
    });
    for (const [name, n] of Object.entries(misses)) expect(n, name).toBeGreaterThan(0);
  });

  it('QLinearAdd', () => {
    const all = loadFixture('QLinearAdd').cases;
    const misses = rivalMisses(ADD_RIVALS, (rival, miss) => {
      for (const c of all) {
        const { expected } = c;
        const [lo, hi] = RANGES[c.inputs['A']!.dtype]!;
        const p = addParams(c);
        const f = rival(p, lo, hi);
        expected.data.forEach((w, i) => {
          if (f(at(c, 'A', i), at(c, 'B', i)) !== w) miss();
        });
      }
    });
    for (const [name, n] of Object.entries(misses)) expect(n, name).toBeGreaterThan(0);
  });

  it('QLinearAdd with A of one element takes another path than the vector loop', () => {
    const single = loadFixture('QLinearAdd').cases.filter((c) => c.inputs['A']!.data.length === 1);
    expect(single.length).toBeGreaterThan(0);
    const vectorFormulaMisses = single.filter((c) => {
      const p = addParams(c);
      return qlinearAddElement(p, c.inputs['A']!.dtype, false)(c.inputs['A']!.data[0]!, c.inputs['B']!.data[0]!) !== c.expected.data[0];
    });
    expect(vectorFormulaMisses.length).toBeGreaterThan(0);
  });

  it('QuantizeLinear and DequantizeLinear', () => {
    const q = loadFixture('QuantizeLinear').cases.filter((c) => isPerTensor(c, ['y_scale']));
    const qMisses = rivalMisses(QUANTIZE_RIVALS, (rival, miss) => {
      for (const c of q) {
        const { expected } = c;
        const [lo, hi] = RANGES[expected.dtype]!;
        c.inputs['x']!.data.forEach((x, i) => {
          if (rival(x, scalarOf(c, 'y_scale'), scalarOf(c, 'y_zero_point'), lo, hi) !== expected.data[i]) miss();
        });
      }
    });
    const dq = loadFixture('DequantizeLinear').cases.filter((c) => isPerTensor(c, ['x_scale']));
    const dqMisses = rivalMisses(DEQUANTIZE_RIVALS, (rival, miss) => {
      for (const c of dq)
        c.inputs['x']!.data.forEach((v, i) => {
          if (f32Bits(rival(v, scalarOf(c, 'x_scale'), scalarOf(c, 'x_zero_point'))) !== f32Bits(c.expected.data[i]!)) miss();
        });
    });
    for (const [name, n] of Object.entries({ ...qMisses, ...dqMisses })) expect(n, name).toBeGreaterThan(0);
  });
});
