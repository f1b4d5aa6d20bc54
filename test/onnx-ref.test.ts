/**
 * The plain ONNX references (ops-nn/onnx-ref) against ONNX Runtime's golden fixtures
 * (test/fixtures/onnx, scripts/gen-fixtures.ts): every case bit-exactly (integers exactly, floats by
 * their float32 bits). Also: the fixtures reject every rival formulation of ORT's arithmetic
 * (scripts/onnx/rivals.ts), so the references are pinned down rather than merely consistent; and the
 * float32 FMA emulation agrees with an exact BigInt oracle.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { f32Bits, f32FromBits } from '../isa/numeric/float16.js';
import { convInteger, fmaF32, matmulInteger, ONNX_REFERENCES, qlinearAddElement, type RefTensor } from '../ops-nn/onnx-ref/index.js';
import { parseCase, type ParsedCase } from '../scripts/lib/exec/parse.js';
import type { FixtureFile } from '../scripts/onnx/fixture.js';
import { ADD_RIVALS, DEQUANTIZE_RIVALS, QUANTIZE_RIVALS, REQUANT_RIVALS } from '../scripts/onnx/rivals.js';
import { rng, randInt } from './support/rng.js';

const OPS = Object.keys(ONNX_REFERENCES);

const load = (op: string): FixtureFile => JSON.parse(readFileSync(new URL(`./fixtures/onnx/${op}.json`, import.meta.url), 'utf8')) as FixtureFile;
const FIXTURES = Object.fromEntries(OPS.map((op) => [op, load(op)]));

/** Every case of `op`, validated by the exec parser, with ORT's output. */
function cases(op: string): { c: ParsedCase; expected: { dtype: string; dims: readonly number[]; data: readonly number[] } }[] {
  return FIXTURES[op]!.cases.map((fc, i) => ({ c: parseCase(fc, i), expected: Object.values(fc.outputs)[0]! }));
}

/** Elements (index, got, want) where `got` differs from ORT; floats compared by float32 bits. */
function diffs(got: RefTensor, want: { dtype: string; data: readonly number[] }): string[] {
  const same = want.dtype.startsWith('float') ? (a: number, b: number) => f32Bits(a) === f32Bits(b) : (a: number, b: number) => a === b;
  const out: string[] = [];
  want.data.forEach((w, i) => {
    if (!same(got.data[i]!, w)) out.push(`[${i}] ${got.data[i]} vs ORT ${w}`);
  });
  return out;
}

describe('ONNX references are bit-exact with ONNX Runtime 1.30', () => {
  for (const op of OPS) {
    it(`${op}: all ${FIXTURES[op]!.cases.length} fixture cases`, () => {
      const f = FIXTURES[op]!;
      expect(f.ort).toBe('1.30.0');
      expect(f.cases.length).toBeGreaterThanOrEqual(110);
      const bad: string[] = [];
      for (const { c, expected } of cases(op)) {
        const y = ONNX_REFERENCES[op]!(c.inputs, c.attrs);
        const d = diffs(y, expected);
        const shape = (t: { dtype: string; dims: readonly number[] }) => `${t.dtype}${JSON.stringify(t.dims)}`;
        if (shape(y) !== shape(expected)) bad.push(`${c.label}: ${shape(y)} vs ORT ${shape(expected)}`);
        else if (d.length > 0) bad.push(`${c.label}: ${d.length} elements differ, ${d.slice(0, 3).join(', ')}`);
      }
      expect(bad).toEqual([]);
    });
  }
});

// ---- the fixtures reject every rival formulation ----------------------------------------------------

/** Counts, per rival, the fixture elements where it disagrees with ORT. */
function rivalMisses<R>(rivals: Readonly<Record<string, R>>, each: (rival: R, count: () => void) => void): Record<string, number> {
  const misses: Record<string, number> = {};
  for (const [name, r] of Object.entries(rivals)) {
    misses[name] = 0;
    each(r, () => misses[name]!++);
  }
  return misses;
}

const scalarOf = (c: ParsedCase, name: string) => c.inputs[name]?.data[0] ?? 0;
/** Element i of input `name`, a single element broadcast. */
const at = (c: ParsedCase, name: string, i: number) => {
  const d = c.inputs[name]!.data;
  return d[d.length === 1 ? 0 : i]!;
};
const isPerTensor = (c: ParsedCase, names: readonly string[]) => names.every((n) => (c.inputs[n]?.data.length ?? 1) === 1);
/** The scales and zero points of a QLinearAdd case. */
const addParams = (c: ParsedCase) => {
  const v = (n: string) => scalarOf(c, n);
  return { sa: v('A_scale'), za: v('A_zero_point'), sb: v('B_scale'), zb: v('B_zero_point'), sc: v('C_scale'), zc: v('C_zero_point') };
};
const RANGES: Readonly<Record<string, readonly [number, number]>> = { int8: [-128, 127], uint8: [0, 255] };

/** Exact accumulators (bias included) of the per-tensor QLinearMatMul and QLinearConv cases. */
function requantCases(): { c: ParsedCase; acc: ArrayLike<number>; xs: number; ws: number; want: readonly number[] }[] {
  const out: { c: ParsedCase; acc: ArrayLike<number>; xs: number; ws: number; want: readonly number[] }[] = [];
  for (const { c, expected } of cases('QLinearMatMul')) {
    if (!isPerTensor(c, ['b_scale', 'b_zero_point'])) continue;
    const { a, b, a_zero_point, b_zero_point } = c.inputs;
    const acc = matmulInteger({ A: a, B: b, a_zero_point, b_zero_point }, {}).data;
    out.push({ c, acc, xs: scalarOf(c, 'a_scale'), ws: scalarOf(c, 'b_scale'), want: expected.data });
  }
  for (const { c, expected } of cases('QLinearConv')) {
    if (!isPerTensor(c, ['w_scale', 'w_zero_point'])) continue;
    const { x, w, x_zero_point, w_zero_point, B } = c.inputs;
    const y = convInteger({ x, w, x_zero_point, w_zero_point }, c.attrs);
    const plane = y.dims[2]! * y.dims[3]!;
    const acc = Array.from(y.data, (v, i) => v + (B?.data[Math.floor(i / plane) % y.dims[1]!] ?? 0));
    out.push({ c, acc, xs: scalarOf(c, 'x_scale'), ws: scalarOf(c, 'w_scale'), want: expected.data });
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
    const all = cases('QLinearAdd');
    const misses = rivalMisses(ADD_RIVALS, (rival, miss) => {
      for (const { c, expected } of all) {
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
    const single = cases('QLinearAdd').filter(({ c }) => c.inputs['A']!.data.length === 1);
    expect(single.length).toBeGreaterThan(0);
    const vectorFormulaMisses = single.filter(({ c, expected }) => {
      const p = addParams(c);
      return qlinearAddElement(p, c.inputs['A']!.dtype, false)(c.inputs['A']!.data[0]!, c.inputs['B']!.data[0]!) !== expected.data[0];
    });
    expect(vectorFormulaMisses.length).toBeGreaterThan(0);
  });

  it('QuantizeLinear and DequantizeLinear', () => {
    const q = cases('QuantizeLinear').filter(({ c }) => isPerTensor(c, ['y_scale']));
    const qMisses = rivalMisses(QUANTIZE_RIVALS, (rival, miss) => {
      for (const { c, expected } of q) {
        const [lo, hi] = RANGES[expected.dtype]!;
        c.inputs['x']!.data.forEach((x, i) => {
          if (rival(x, scalarOf(c, 'y_scale'), scalarOf(c, 'y_zero_point'), lo, hi) !== expected.data[i]) miss();
        });
      }
    });
    const dq = cases('DequantizeLinear').filter(({ c }) => isPerTensor(c, ['x_scale']));
    const dqMisses = rivalMisses(DEQUANTIZE_RIVALS, (rival, miss) => {
      for (const { c, expected } of dq)
        c.inputs['x']!.data.forEach((v, i) => {
          if (f32Bits(rival(v, scalarOf(c, 'x_scale'), scalarOf(c, 'x_zero_point'))) !== f32Bits(expected.data[i]!)) miss();
        });
    });
    for (const [name, n] of Object.entries({ ...qMisses, ...dqMisses })) expect(n, name).toBeGreaterThan(0);
  });
});

// ---- fmaF32 against an exact oracle -----------------------------------------------------------------

/** A float32 value as m * 2^e with integer m (sign in m). */
function split(x: number): { m: bigint; e: number } {
  const bits = f32Bits(x);
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  const m = BigInt(exp === 0 ? mant : mant | 0x800000);
  return { m: bits >>> 31 ? -m : m, e: (exp === 0 ? 1 : exp) - 150 };
}

/** fp32(a * b + c) computed exactly with BigInt and rounded once, half to even (normal range). */
function exactFma(a: number, b: number, c: number): number {
  const pa = split(a);
  const pb = split(b);
  const pc = split(c);
  const ep = pa.e + pb.e;
  const e = Math.min(ep, pc.e);
  const s = ((pa.m * pb.m) << BigInt(ep - e)) + (pc.m << BigInt(pc.e - e));
  if (s === 0n) return 0;
  const neg = s < 0n;
  const mag = neg ? -s : s;
  const shift = Math.max(0, mag.toString(2).length - 24, -149 - e);
  let q = mag >> BigInt(shift);
  if (shift > 0) {
    const rem = mag - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const v = Number(q) * 2 ** (e + shift);
  return neg ? -v : v;
}

describe('fmaF32', () => {
  it('rounds a * b + c once, like an FMA instruction (random and near-midpoint operands)', () => {
    const r = rng(7);
    const f32 = () => f32FromBits((randInt(r, 0x30000000, 0x4f000000) | (r() < 0.5 ? 0x80000000 : 0)) >>> 0);
    for (let i = 0; i < 20000; i++) {
      const a = f32();
      const b = f32();
      // c near -a*b (cancellation) or of a different magnitude (sums wider than a double)
      const c = i % 3 === 0 ? f32FromBits((f32Bits(-(a * b)) + randInt(r, -3, 3)) >>> 0) : i % 3 === 1 ? f32() : Math.fround(a * b * 2 ** randInt(r, 20, 40));
      const want = exactFma(a, b, c);
      expect(f32Bits(fmaF32(a, b, c)), `${a} * ${b} + ${c}`).toBe(f32Bits(want));
    }
  });

  it('avoids the double rounding of fround(a * b + c)', () => {
    // a * b + c = 1 + 2^-23 + 2^-24 - 2^-60: just below the float32 midpoint, so it rounds down to
    // 1 + 2^-23; in double it rounds onto the midpoint first, and then to the even 1 + 2^-22
    const a = 2 ** -12 * (1 + 2 ** -18);
    const b = 2 ** -12 * (1 - 2 ** -18);
    const c = 1 + 2 ** -23;
    expect(fmaF32(a, b, c)).toBe(1 + 2 ** -23);
    expect(exactFma(a, b, c)).toBe(1 + 2 ** -23);
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
  });
});
