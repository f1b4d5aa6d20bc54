/**
 * Bit-exactness tests for isa/numeric: round modes, generic float rounding,
 * f16 encode/decode, vconv casts and the fused multiply-add. Randomised checks use a seeded PRNG so
 * failures reproduce.
 */

import { describe, expect, it } from 'vitest';
import { castValue, saturate } from '../isa/numeric/cast.js';
import { DTYPES, DTYPE_BYTES, intRange, isFloat, type Dtype } from '../isa/numeric/dtype.js';
import { BF16, F16, F32, exponentOf, pow2, roundToFormat } from '../isa/numeric/float-format.js';
import {
  f16BitsToNumber,
  f32Bits,
  f32FromBits,
  numberToF16Bits,
  roundF16,
} from '../isa/numeric/float16.js';
import { ROUND_MODES, roundToInteger, type RoundMode } from '../isa/numeric/round-mode.js';
import { fmaF32, fmaRound } from '../isa/numeric/fma.js';
import { exactFma } from './support/exact-fma.js';
import { uint32Random } from './support/rng.js';


const dv = new DataView(new ArrayBuffer(8));

/** Double from raw hi/lo words. */
function doubleFromWords(hi: number, lo: number): number {
  dv.setUint32(0, hi >>> 0);
  dv.setUint32(4, lo >>> 0);
  return dv.getFloat64(0);
}

/** Random double with unbiased exponent in [eLo, eHi], random sign and mantissa. */
function randomDouble(rng: () => number, eLo: number, eHi: number): number {
  const e = eLo + (rng() % (eHi - eLo + 1));
  const sign = rng() & 1;
  return doubleFromWords((sign << 31) | ((e + 1023) << 20) | (rng() & 0xfffff), rng());
}

/**
 * Independent reference: round |x| to a format given by a monotone decoder of
 * non-negative bit patterns 0..infBits (infBits decodes to +Infinity), by
 * binary search for the neighbours and explicit mode rules. `top` is
 * 2^(emax+1), the virtual "even" neighbour above max finite used for ties.
 * Returns the rounded value.
 */
function refRound(
  x: number,
  decode: (bits: number) => number,
  infBits: number,
  top: number,
  mode: RoundMode,
): number {
  if (Number.isNaN(x) || x === 0 || !Number.isFinite(x)) return x;
  const neg = x < 0;
  const a = Math.abs(x);
  let lo = 0;
  let hi = infBits; // invariant: decode(lo) <= a < decode(hi)
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (decode(mid) <= a) lo = mid;
    else hi = mid;
  }
  const loV = decode(lo);
  if (loV === a) return x;
  const hiV = decode(hi);
  const hiForTie = hi === infBits ? top : hiV;
  const twice = 2 * a;
  const mid = loV + hiForTie; // exact: neighbours of a small format
  let up: boolean;
  switch (mode) {
    case 'trunc':
      up = false;
      break;
    case 'floor':
      up = neg;
      break;
    case 'ceil':
      up = !neg;
      break;
    case 'round':
      up = twice >= mid;
      break;
    case 'rint':
    case 'none':
      up = twice > mid || (twice === mid && (hi & 1) === 0);
      break;
    case 'odd':
      up = (hi & 1) === 1;
      break;
  }
  const r = up ? hiV : loV;
  return neg ? -r : r;
}

const refF16 = (x: number, m: RoundMode) => refRound(x, f16BitsToNumber, 0x7c00, 65536, m);
const refBF16 = (x: number, m: RoundMode) =>
  refRound(x, (b) => f32FromBits(b << 16), 0x7f80, pow2(128), m);
const refF32 = (x: number, m: RoundMode) => refRound(x, f32FromBits, 0x7f800000, pow2(128), m);

describe('roundToInteger', () => {
  // [x, rint, round, floor, ceil, trunc, odd]
  const table: [number, number, number, number, number, number, number][] = [
    [2.5, 2, 3, 2, 3, 2, 3],
    [3.5, 4, 4, 3, 4, 3, 3],
    [-2.5, -2, -3, -3, -2, -2, -3],
    [-3.5, -4, -4, -4, -3, -3, -3],
    [0.5, 0, 1, 0, 1, 0, 1],
    [-0.5, -0, -1, -1, -0, -0, -1],
    [1.5, 2, 2, 1, 2, 1, 1],
    [2.4, 2, 2, 2, 3, 2, 3],
    [-2.6, -3, -3, -3, -2, -2, -3],
    [0.49999999999999994, 0, 0, 0, 1, 0, 1],
    [-(0.5 - 2 ** -54), -0, -0, -1, -0, -0, -1],
    [1e300, 1e300, 1e300, 1e300, 1e300, 1e300, 1e300],
    [-1e300, -1e300, -1e300, -1e300, -1e300, -1e300, -1e300],
    [2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1],
    [2 ** 52 - 0.5, 2 ** 52, 2 ** 52, 2 ** 52 - 1, 2 ** 52, 2 ** 52 - 1, 2 ** 52 - 1],
    [2 ** 52 - 1.5, 2 ** 52 - 2, 2 ** 52 - 1, 2 ** 52 - 2, 2 ** 52 - 1, 2 ** 52 - 2, 2 ** 52 - 1],
    [-(2 ** 52 - 0.5), -(2 ** 52), -(2 ** 52), -(2 ** 52), -(2 ** 52 - 1), -(2 ** 52 - 1), -(2 ** 52 - 1)],
    [2 ** 51 + 0.5, 2 ** 51, 2 ** 51 + 1, 2 ** 51, 2 ** 51 + 1, 2 ** 51, 2 ** 51 + 1],
    [2 ** 50 + 0.25, 2 ** 50, 2 ** 50, 2 ** 50, 2 ** 50 + 1, 2 ** 50, 2 ** 50 + 1],
    [2 ** 50 + 0.75, 2 ** 50 + 1, 2 ** 50 + 1, 2 ** 50, 2 ** 50 + 1, 2 ** 50, 2 ** 50 + 1],
    [4, 4, 4, 4, 4, 4, 4],
    [-7, -7, -7, -7, -7, -7, -7],
    [5e-324, 0, 0, 0, 1, 0, 1],
    [-5e-324, -0, -0, -1, -0, -0, -1],
  ];
  const modes = ['rint', 'round', 'floor', 'ceil', 'trunc', 'odd'] as const;

  it.each(table)('%d', (x, ...expected) => {
    modes.forEach((mode, i) => {
      expect(Object.is(roundToInteger(x, mode), expected[i]), `${mode}(${x})`).toBe(true);
    });
    expect(Object.is(roundToInteger(x, 'none'), expected[0])).toBe(true);
  });

  it('keeps zeros, infinities and NaN', () => {
    for (const mode of ROUND_MODES) {
      expect(Object.is(roundToInteger(0, mode), 0)).toBe(true);
      expect(Object.is(roundToInteger(-0, mode), -0)).toBe(true);
      expect(roundToInteger(Infinity, mode)).toBe(Infinity);
      expect(roundToInteger(-Infinity, mode)).toBe(-Infinity);
      expect(roundToInteger(NaN, mode)).toBeNaN();
    }
  });

  it('matches Math.floor/ceil/trunc and nearest-rule invariants on random doubles', () => {
    const rng = uint32Random(1);
    const bad: string[] = []; // collected so the hot loop avoids per-check expect() cost
    for (let i = 0; i < 20000; i++) {
      const x = randomDouble(rng, -3, 54);
      const fl = Math.floor(x);
      const cl = Math.ceil(x);
      const floor = roundToInteger(x, 'floor');
      const ceil = roundToInteger(x, 'ceil');
      const trunc = roundToInteger(x, 'trunc');
      const rint = roundToInteger(x, 'rint');
      const away = roundToInteger(x, 'round');
      const odd = roundToInteger(x, 'odd');
      if (floor !== fl || ceil !== cl || trunc !== Math.trunc(x)) bad.push(`directed ${x}`);
      if (fl === cl) {
        if (rint !== x || away !== x || odd !== x) bad.push(`integer ${x}`);
        continue;
      }
      // Exact distances: fractional parts are exact for these magnitudes.
      const dLo = x - fl;
      const dHi = cl - x;
      if (dLo !== dHi) {
        const nearest = dLo < dHi ? fl : cl;
        if (rint !== nearest || away !== nearest) bad.push(`nearest ${x}`);
      } else {
        if (Math.abs(rint) % 2 !== 0) bad.push(`rint tie ${x}`);
        if (Math.abs(away) !== Math.max(Math.abs(fl), Math.abs(cl))) bad.push(`round tie ${x}`);
      }
      if (Math.abs(odd) % 2 !== 1 || (odd !== fl && odd !== cl)) bad.push(`odd ${x}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });
});

describe('pow2 / exponentOf', () => {
  it('are exact across the double range', () => {
    for (let k = -1074; k <= 1023; k++) {
      const p = pow2(k);
      const ok =
        p === 2 ** k &&
        exponentOf(p) === k &&
        exponentOf(-p) === k &&
        (k < -1022 || exponentOf(p * (2 - 2 ** -52)) === k);
      if (!ok) expect(`k=${k}`).toBe('exact');
    }
    expect(pow2(1024)).toBe(Infinity);
    expect(pow2(-1075)).toBe(0);
  });
});

describe('f16 encode/decode', () => {
  it('round-trips every bit pattern (NaN canonicalised) under every mode', () => {
    for (let b = 0; b <= 0xffff; b++) {
      const v = f16BitsToNumber(b);
      const isNan = (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0;
      if (Number.isNaN(v) !== isNan) expect(`0x${b.toString(16)} NaN=${isNan}`).toBe('decoded');
      const want = isNan ? 0x7e00 : b;
      for (const mode of ROUND_MODES) {
        const got = numberToF16Bits(v, mode);
        if (got !== want) expect(`${mode} 0x${got.toString(16)}`).toBe(`${mode} 0x${want.toString(16)}`);
      }
    }
  });

  it('every f16 value is exactly representable in f32', () => {
    for (let b = 0; b <= 0xffff; b++) {
      const v = f16BitsToNumber(b);
      if (!Object.is(Math.fround(v), v)) expect(`0x${b.toString(16)}`).toBe('exact');
    }
  });

  it('decodes known values', () => {
    expect(f16BitsToNumber(0x0000)).toBe(0);
    expect(Object.is(f16BitsToNumber(0x8000), -0)).toBe(true);
    expect(f16BitsToNumber(0x3c00)).toBe(1);
    expect(f16BitsToNumber(0xc000)).toBe(-2);
    expect(f16BitsToNumber(0x7bff)).toBe(65504);
    expect(f16BitsToNumber(0xfbff)).toBe(-65504);
    expect(f16BitsToNumber(0x0001)).toBe(2 ** -24);
    expect(f16BitsToNumber(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16BitsToNumber(0x0400)).toBe(2 ** -14);
    expect(f16BitsToNumber(0x3555)).toBe(0.333251953125);
    expect(f16BitsToNumber(0x3c01)).toBe(1 + 2 ** -10);
    expect(f16BitsToNumber(0x7c00)).toBe(Infinity);
    expect(f16BitsToNumber(0xfc00)).toBe(-Infinity);
    expect(f16BitsToNumber(0x7c01)).toBeNaN();
    expect(f16BitsToNumber(0xfe00)).toBeNaN();
    expect(() => f16BitsToNumber(0x10000)).toThrow(RangeError);
    expect(() => f16BitsToNumber(-1)).toThrow(RangeError);
    expect(() => f16BitsToNumber(1.5)).toThrow(RangeError);
  });

  it('encodes known values with each mode', () => {
    expect(numberToF16Bits(NaN)).toBe(0x7e00);
    expect(numberToF16Bits(-NaN, 'trunc')).toBe(0x7e00);
    expect(numberToF16Bits(-0)).toBe(0x8000);
    expect(numberToF16Bits(0)).toBe(0x0000);
    expect(numberToF16Bits(65504)).toBe(0x7bff);
    expect(numberToF16Bits(Infinity, 'trunc')).toBe(0x7c00);
    expect(numberToF16Bits(-Infinity, 'odd')).toBe(0xfc00);
    // 65520 is the midpoint between max finite and 2^16.
    expect(numberToF16Bits(65520)).toBe(0x7c00);
    expect(numberToF16Bits(65520, 'round')).toBe(0x7c00);
    expect(numberToF16Bits(65520, 'trunc')).toBe(0x7bff);
    expect(numberToF16Bits(65520, 'odd')).toBe(0x7bff);
    expect(numberToF16Bits(65520, 'floor')).toBe(0x7bff);
    expect(numberToF16Bits(65520, 'ceil')).toBe(0x7c00);
    expect(numberToF16Bits(-65520, 'floor')).toBe(0xfc00);
    expect(numberToF16Bits(-65520, 'ceil')).toBe(0xfbff);
    expect(numberToF16Bits(65519.99)).toBe(0x7bff);
    expect(numberToF16Bits(1e10, 'trunc')).toBe(0x7bff);
    expect(numberToF16Bits(1e10, 'none')).toBe(0x7c00);
    // Ties in the normal range.
    expect(numberToF16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(numberToF16Bits(1 + 2 ** -11, 'none')).toBe(0x3c00);
    expect(numberToF16Bits(1 + 2 ** -11, 'round')).toBe(0x3c01);
    expect(numberToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToF16Bits(1 + 3 * 2 ** -11, 'odd')).toBe(0x3c01);
    expect(numberToF16Bits(-(1 + 2 ** -11), 'round')).toBe(0xbc01);
    expect(numberToF16Bits(1 + 2 ** -12, 'ceil')).toBe(0x3c01);
    expect(numberToF16Bits(1 + 2 ** -12, 'odd')).toBe(0x3c01);
    expect(numberToF16Bits(1 + 2 ** -12, 'floor')).toBe(0x3c00);
    // Subnormals and underflow.
    expect(numberToF16Bits(2 ** -24)).toBe(0x0001);
    expect(numberToF16Bits(2 ** -25)).toBe(0x0000); // tie to even zero
    expect(numberToF16Bits(2 ** -25, 'round')).toBe(0x0001);
    expect(numberToF16Bits(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(numberToF16Bits(-(2 ** -26))).toBe(0x8000);
    expect(numberToF16Bits(1e-30, 'ceil')).toBe(0x0001);
    expect(numberToF16Bits(1e-30, 'odd')).toBe(0x0001);
    expect(numberToF16Bits(-1e-30, 'ceil')).toBe(0x8000);
    expect(numberToF16Bits(-1e-30, 'floor')).toBe(0x8001);
    expect(numberToF16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(numberToF16Bits(1023.5 * 2 ** -24)).toBe(0x0400); // carries into the first normal
    // f32 -> f16 is a single rounding: 1 + 2^-11 + 2^-23 is an f32 just above the tie.
    expect(numberToF16Bits(Math.fround(1 + 2 ** -11 + 2 ** -23))).toBe(0x3c01);
  });

  it('roundF16 matches decode(encode) and an independent reference for every mode', () => {
    const rng = uint32Random(16);
    const xs: number[] = [];
    for (let i = 0; i < 6000; i++) xs.push(randomDouble(rng, -30, 17));
    // Exact midpoints between adjacent f16 values and their double neighbours.
    for (let i = 0; i < 3000; i++) {
      const b = rng() % 0x7c00;
      const m = (f16BitsToNumber(b) + (b === 0x7bff ? 65536 : f16BitsToNumber(b + 1))) / 2;
      const s = rng() & 1 ? -1 : 1;
      xs.push(s * m, s * m * (1 + 2 ** -52), s * m * (1 - 2 ** -53));
    }
    for (const x of xs) {
      for (const mode of ROUND_MODES) {
        const want = refF16(x, mode);
        const got = roundF16(x, mode);
        if (!Object.is(got, want)) expect(`${mode}(${x}) = ${got}`).toBe(`${mode}(${x}) = ${want}`);
        const viaBits = f16BitsToNumber(numberToF16Bits(x, mode));
        if (!Object.is(viaBits, want)) expect(`bits ${mode}(${x}) = ${viaBits}`).toBe(`${want}`);
      }
    }
  });

  it('roundF16 defaults to rint', () => {
    expect(roundF16(1 + 2 ** -11)).toBe(1);
    expect(roundF16(2049)).toBe(2048);
    expect(roundF16(2051)).toBe(2052);
  });
});

describe('f32 bits', () => {
  it('round-trips and matches known patterns', () => {
    expect(f32Bits(1)).toBe(0x3f800000);
    expect(f32Bits(-2)).toBe(0xc0000000);
    expect(f32Bits(-0)).toBe(0x80000000);
    expect(f32Bits(Infinity)).toBe(0x7f800000);
    expect(f32Bits(0.1)).toBe(0x3dcccccd);
    expect(f32FromBits(0x00000001)).toBe(2 ** -149);
    expect(f32FromBits(0x7f7fffff)).toBe((2 - 2 ** -23) * 2 ** 127);
    expect(f32FromBits(0x7fc00000)).toBeNaN();
    expect(f32FromBits(-1)).toBeNaN(); // 0xffffffff
    const rng = uint32Random(32);
    for (let i = 0; i < 5000; i++) {
      const b = rng();
      if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) continue; // NaN payloads
      if (f32Bits(f32FromBits(b)) !== b) expect(f32Bits(f32FromBits(b))).toBe(b);
    }
  });
});

describe('roundToFormat', () => {
  it('F32 rint agrees with Math.fround on random doubles', () => {
    const rng = uint32Random(7);
    for (let i = 0; i < 20000; i++) {
      // Half over the whole double range, half near the f32 range edges.
      const x =
        i & 1
          ? doubleFromWords(rng(), rng())
          : randomDouble(rng, -155, 130);
      const got = roundToFormat(x, F32, 'rint');
      if (!Object.is(got, Math.fround(x))) expect(`${x} -> ${got}`).toBe(`${x} -> ${Math.fround(x)}`);
    }
  });

  it('F32 agrees with Math.fround on exact ties', () => {
    const rng = uint32Random(8);
    for (let i = 0; i < 5000; i++) {
      const b = rng() % 0x7f800000;
      const lo = f32FromBits(b);
      const hi = b === 0x7f7fffff ? pow2(128) : f32FromBits(b + 1);
      const mid = (lo + hi) / 2;
      if (roundToFormat(mid, F32, 'rint') !== Math.fround(mid)) {
        expect(roundToFormat(mid, F32, 'rint')).toBe(Math.fround(mid));
      }
      if (roundToFormat(-mid, F32, 'none') !== Math.fround(-mid)) {
        expect(roundToFormat(-mid, F32, 'none')).toBe(Math.fround(-mid));
      }
    }
  });

  it('F32 and BF16 match the reference for every mode', () => {
    const rng = uint32Random(9);
    for (let i = 0; i < 3000; i++) {
      const x = randomDouble(rng, -155, 130);
      for (const mode of ROUND_MODES) {
        const g32 = roundToFormat(x, F32, mode);
        const w32 = refF32(x, mode);
        if (!Object.is(g32, w32)) expect(`f32 ${mode}(${x}) = ${g32}`).toBe(`${w32}`);
        const gbf = roundToFormat(x, BF16, mode);
        const wbf = refBF16(x, mode);
        if (!Object.is(gbf, wbf)) expect(`bf16 ${mode}(${x}) = ${gbf}`).toBe(`${wbf}`);
      }
    }
  });

  it('handles special values and known BF16 cases', () => {
    for (const fmt of [F16, F32, BF16]) {
      for (const mode of ROUND_MODES) {
        expect(roundToFormat(NaN, fmt, mode)).toBeNaN();
        expect(Object.is(roundToFormat(-0, fmt, mode), -0)).toBe(true);
        expect(Object.is(roundToFormat(0, fmt, mode), 0)).toBe(true);
        expect(roundToFormat(Infinity, fmt, mode)).toBe(Infinity);
        expect(roundToFormat(-Infinity, fmt, mode)).toBe(-Infinity);
      }
    }
    expect(roundToFormat(1 + 2 ** -8, BF16, 'rint')).toBe(1);
    expect(roundToFormat(1 + 3 * 2 ** -8, BF16, 'rint')).toBe(1 + 2 ** -6);
    expect(roundToFormat(Math.fround(3.14159), BF16, 'rint')).toBe(3.140625);
    expect(roundToFormat(-(2 ** -150), F32, 'rint')).toBe(-0);
    expect(roundToFormat(-(2 ** -150), F32, 'floor')).toBe(-(2 ** -149));
  });

  it('works for other formats (f64 itself is the identity under every mode)', () => {
    const F64 = { expBits: 11, manBits: 52 };
    const rng = uint32Random(64);
    for (let i = 0; i < 2000; i++) {
      const x = doubleFromWords(rng(), rng());
      for (const mode of ROUND_MODES) {
        if (!Object.is(roundToFormat(x, F64, mode), x)) expect(`${mode}(${x})`).toBe('identity');
      }
    }
    // fp8 e4m3-shaped IEEE format (with infinities): max finite 240.
    const E4M3 = { expBits: 4, manBits: 3 };
    expect(roundToFormat(240, E4M3, 'rint')).toBe(240);
    expect(roundToFormat(248, E4M3, 'rint')).toBe(Infinity);
    expect(roundToFormat(1000, E4M3, 'trunc')).toBe(240);
    expect(roundToFormat(2 ** -9, E4M3, 'rint')).toBe(2 ** -9);
    expect(roundToFormat(2 ** -10, E4M3, 'rint')).toBe(0);
    expect(() => roundToFormat(1, { expBits: 12, manBits: 3 }, 'rint')).toThrow(RangeError);
    expect(() => roundToFormat(1, { expBits: 5, manBits: 0 }, 'rint')).toThrow(RangeError);
  });
});

describe('dtype', () => {
  it('describes sizes, kinds and ranges', () => {
    expect(DTYPES.map((d) => DTYPE_BYTES[d])).toEqual([1, 1, 2, 2, 4, 4, 2, 4]);
    expect(DTYPES.filter(isFloat)).toEqual(['f16', 'f32']);
    expect(intRange('s8')).toEqual({ min: -128, max: 127 });
    expect(intRange('u16')).toEqual({ min: 0, max: 65535 });
    expect(intRange('s32')).toEqual({ min: -2147483648, max: 2147483647 });
    expect(intRange('u32')).toEqual({ min: 0, max: 4294967295 });
    expect(() => intRange('f16')).toThrow(RangeError);
  });
});

describe('castValue / saturate', () => {
  it('saturates integers', () => {
    expect(saturate(300, 'u8')).toBe(255);
    expect(saturate(-1, 'u32')).toBe(0);
    expect(saturate(-40000, 's16')).toBe(-32768);
    expect(Object.is(saturate(-0, 's8'), 0)).toBe(true);
    expect(saturate(NaN, 's8')).toBe(0);
    expect(() => saturate(1, 'f32')).toThrow(RangeError);
    expect(castValue(300, 's32', 'u8', 'rint')).toBe(255);
    expect(castValue(-5, 's16', 'u16', 'rint')).toBe(0);
    expect(castValue(4294967295, 'u32', 's32', 'rint')).toBe(2147483647);
    expect(castValue(-128, 's8', 's32', 'rint')).toBe(-128);
  });

  it('f32 -> s8 saturates after rounding', () => {
    expect(castValue(1000.5, 'f32', 's8', 'rint')).toBe(127);
    expect(castValue(-1000, 'f32', 's8', 'rint')).toBe(-128);
    expect(castValue(127.4, 'f32', 's8', 'rint')).toBe(127);
    expect(castValue(Math.fround(-128.6), 'f32', 's8', 'trunc')).toBe(-128);
    expect(castValue(Infinity, 'f32', 's8', 'rint')).toBe(127);
    expect(castValue(-Infinity, 'f32', 's8', 'rint')).toBe(-128);
    expect(castValue(NaN, 'f32', 's8', 'rint')).toBe(0);
  });

  it('f16 -> u8 clamps negatives to 0 without -0', () => {
    expect(castValue(-3, 'f16', 'u8', 'rint')).toBe(0);
    expect(castValue(-65504, 'f16', 'u8', 'ceil')).toBe(0);
    expect(Object.is(castValue(roundF16(-0.4), 'f16', 'u8', 'rint'), 0)).toBe(true);
    expect(Object.is(castValue(-0, 'f16', 's8', 'rint'), 0)).toBe(true);
    expect(castValue(255.5, 'f16', 'u8', 'rint')).toBe(255);
    expect(castValue(NaN, 'f16', 'u8', 'rint')).toBe(0);
  });

  it('f32 -> s32 honours each mode', () => {
    const cases: [number, Record<RoundMode, number>][] = [
      [2.5, { rint: 2, round: 3, floor: 2, ceil: 3, trunc: 2, odd: 3, none: 2 }],
      [-2.5, { rint: -2, round: -3, floor: -3, ceil: -2, trunc: -2, odd: -3, none: -2 }],
      [2.4, { rint: 2, round: 2, floor: 2, ceil: 3, trunc: 2, odd: 3, none: 2 }],
      [-2.6, { rint: -3, round: -3, floor: -3, ceil: -2, trunc: -2, odd: -3, none: -3 }],
    ];
    for (const [v, want] of cases) {
      for (const mode of ROUND_MODES) {
        expect(castValue(Math.fround(v), 'f32', 's32', mode), `${mode}(${v})`).toBe(want[mode]);
      }
    }
    // 2^31 is the f32 nearest to 2147483647; it must saturate, not wrap.
    expect(castValue(Math.fround(2147483647), 'f32', 's32', 'rint')).toBe(2147483647);
    expect(castValue(-(2 ** 31), 'f32', 's32', 'rint')).toBe(-2147483648);
    expect(castValue(3e9, 'f32', 'u32', 'rint')).toBe(3e9);
  });

  it('int -> float rounds once with the mode', () => {
    expect(castValue(2049, 's32', 'f16', 'rint')).toBe(2048);
    expect(castValue(2049, 's32', 'f16', 'none')).toBe(2048);
    expect(castValue(2049, 's32', 'f16', 'round')).toBe(2050);
    expect(castValue(2049, 's32', 'f16', 'odd')).toBe(2050);
    expect(castValue(2049, 's32', 'f16', 'floor')).toBe(2048);
    expect(castValue(2051, 's32', 'f16', 'rint')).toBe(2052);
    expect(castValue(-2049, 's32', 'f16', 'ceil')).toBe(-2048);
    expect(castValue(70000, 's32', 'f16', 'rint')).toBe(Infinity);
    expect(castValue(70000, 's32', 'f16', 'trunc')).toBe(65504);
    expect(castValue(-70000, 's32', 'f16', 'floor')).toBe(-Infinity);
    expect(castValue(16777217, 's32', 'f32', 'rint')).toBe(16777216);
    expect(castValue(16777217, 's32', 'f32', 'round')).toBe(16777218);
    expect(castValue(16777217, 's32', 'f32', 'odd')).toBe(16777218);
    expect(castValue(4294967295, 'u32', 'f32', 'rint')).toBe(4294967296);
    expect(castValue(4294967295, 'u32', 'f32', 'trunc')).toBe(4294967040);
    expect(castValue(-128, 's8', 'f16', 'rint')).toBe(-128);
    expect(Object.is(castValue(0, 'u8', 'f32', 'floor'), 0)).toBe(true);
  });

  it('float -> float: f16 -> f32 is exact, f32 -> f16 rounds once', () => {
    for (let b = 0; b < 0x7c00; b += 37) {
      const v = f16BitsToNumber(b);
      expect(castValue(v, 'f16', 'f32', 'trunc')).toBe(v);
    }
    const x = Math.fround(1 + 2 ** -11 + 2 ** -20);
    expect(castValue(x, 'f32', 'f16', 'rint')).toBe(1 + 2 ** -10);
    expect(castValue(x, 'f32', 'f16', 'trunc')).toBe(1);
    expect(castValue(Math.fround(1e5), 'f32', 'f16', 'odd')).toBe(65504);
    expect(castValue(NaN, 'f32', 'f16', 'rint')).toBeNaN();
    expect(castValue(0.1, 'f32', 'f32', 'rint')).toBe(Math.fround(0.1));
  });

  it('every dtype pair maps in-range integers to themselves', () => {
    const all: readonly Dtype[] = DTYPES;
    for (const from of all) {
      for (const to of all) {
        for (const v of [0, 1, 100, 127]) {
          expect(castValue(v, from, to, 'rint'), `${from}->${to} ${v}`).toBe(v);
        }
      }
    }
  });
});

describe('fmaRound / fmaF32', () => {
  const f32Of = (rng: () => number, eLo: number, eHi: number) => Math.fround(randomDouble(rng, eLo, eHi));
  const f16Of = (rng: () => number) => f16BitsToNumber(rng() % 0x7c00 | (rng() & 0x8000));

  it('rounds x * y + z once, near f32 ties (where double rounding would go wrong)', () => {
    const rng = uint32Random(9);
    for (let i = 0; i < 5000; i++) {
      const x = (rng() % 511) - 255 || 1;
      const y = f32Of(rng, -3, 3);
      // z puts x * y + z next to a half-integer: the ties a fused multiply-add decides
      const z = Math.fround((rng() % 601) - 300 + 0.5 - Math.fround(x * y) + ((rng() / 2 ** 32) - 0.5) * 2 ** -18);
      expect(fmaF32(x, y, z), `${x} * ${y} + ${z}`).toBe(exactFma(x, y, z, 'f32'));
    }
  });

  it('rounds once over the whole f32 and f16 ranges, subnormals and overflow included', () => {
    const rng = uint32Random(10);
    for (let i = 0; i < 5000; i++) {
      const [x, y, z] = [f32Of(rng, -80, 70), f32Of(rng, -80, 70), f32Of(rng, -150, 127)];
      expect(fmaRound(x, y, z, Math.fround), `${x} * ${y} + ${z}`).toBe(exactFma(x, y, z, 'f32'));
      const [a, b, c] = [f16Of(rng), f16Of(rng), f16Of(rng)];
      expect(fmaRound(a, b, c, roundF16), `f16 ${a} * ${b} + ${c}`).toBe(exactFma(a, b, c, 'f16'));
    }
  });

  it('is not the product rounded, then the sum', () => {
    // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: a tie in f32, so a separate multiply loses 2^-24
    const x = 1 + 2 ** -12;
    expect(fmaF32(x, x, -1)).toBe(2 ** -11 + 2 ** -24);
    expect(Math.fround(Math.fround(x * x) - 1)).toBe(2 ** -11);
    // the sum in double rounds the tiny z away, then the tie would round to even: the exact sum is above it
    expect(fmaF32(x, x, 2 ** -80)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(Math.fround(x * x + 2 ** -80)).toBe(1 + 2 ** -11);
    expect(Object.is(fmaF32(-0, 1, -0), -0)).toBe(true);
    expect(Object.is(fmaF32(1, 1, -1), 0)).toBe(true);
  });
});
