/**
 * The plain ONNX references (ops-nn/onnx-ref) against ONNX Runtime's golden fixtures
 * (test/fixtures/onnx, scripts/gen-fixtures.ts): every case bit-exactly (integers exactly, floats by
 * their float32 bits); and the float32 FMA emulation agrees with an exact BigInt oracle. That the
 * fixtures pin the arithmetic down (reject every rival formula) is test/fixture-rivals.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { f32Bits, f32FromBits } from '../isa/numeric/float16.js';
import { fmaF32, ONNX_REFERENCES, type RefTensor } from '../ops-nn/onnx-ref/index.js';
import { loadFixture } from './support/fixtures.js';
import { rng, randInt } from './support/rng.js';

const OPS = Object.keys(ONNX_REFERENCES);
const FIXTURES = Object.fromEntries(OPS.map((op) => [op, loadFixture(op)]));

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
      for (const c of f.cases) {
        const { expected } = c;
        const y = ONNX_REFERENCES[op]!(c.inputs, c.attrs);
        const d = diffs(y, expected);
        const shape = (t: { dtype: string; dims: readonly number[] }) => `${t.dtype}${JSON.stringify(t.dims)}`;
        if (shape(y) !== shape(expected)) bad.push(`${c.name}: ${shape(y)} vs ORT ${shape(expected)}`);
        else if (d.length > 0) bad.push(`${c.name}: ${d.length} elements differ, ${d.slice(0, 3).join(', ')}`);
      }
      expect(bad).toEqual([]);
    });
  }
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
