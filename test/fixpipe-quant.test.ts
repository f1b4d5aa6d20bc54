/**
 * The fixpipe quantisation arithmetic (isa/numeric/fixpipe-quant.ts) against hand-derived values and
 * against an independent model (test/support/fixpipe-model.ts): the 10-bit scale, the quant word's
 * bit fields, ties, the [-256, 255] clamp before the offset, saturation, ReLU and float16 rounding.
 * Each expected number is worked out in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import { dequantF16, hardwareScale, packQuantWord, requant8, unpackQuantWord } from '../isa/numeric/fixpipe-quant.js';
import { modelDequantF16, modelRequant8, quantWordBits, roundHalfEven, tenBitScale } from './support/fixpipe-model.js';
import { rng, randInt } from './support/rng.js';

describe('the 10-bit scale', () => {
  it('keeps sign, exponent and the top 10 mantissa bits', () => {
    // f32(0.1) = 0x3DCCCCCD; & 0xFFFFE000 = 0x3DCCC000 = (1 + 0x4CC000 / 2^23) * 2^-4 = 1.599609375 / 16
    expect(hardwareScale(Math.fround(0.1))).toBe(0.0999755859375);
    // 1 + 2^-10 is mantissa bit 13, the lowest kept; 1 + 2^-11 (bit 12) is dropped
    expect(hardwareScale(1 + 2 ** -10)).toBe(1 + 2 ** -10);
    expect(hardwareScale(1 + 2 ** -11)).toBe(1);
    // truncation, not rounding: 1 + 2^-10 - 2^-23 has bits 12..0 all set and loses them
    expect(hardwareScale(1 + 2 ** -10 - 2 ** -23)).toBe(1);
    expect(hardwareScale(-1.5)).toBe(-1.5);
    expect(hardwareScale(2 ** -126)).toBe(2 ** -126);
  });
});

describe('quant word packing', () => {
  it('places scale, offset and signedness in their bit fields', () => {
    // lo = 0x3DCCC000; offset -3 -> 9-bit 509 = 0x1FD at bits 45..37 = hi bits 13..5: 0x3FA0; signed = bit 46 = hi bit 14: 0x4000
    expect(packQuantWord(Math.fround(0.1), -3, true)).toEqual({ lo: 0x3dccc000, hi: 0x7fa0 });
    // 255 -> 0xFF << 5 = 0x1FE0, unsigned
    expect(packQuantWord(0.5, 255, false)).toEqual({ lo: 0x3f000000, hi: 0x1fe0 });
    // -256 -> 9-bit 0x100 << 5 = 0x2000, plus the signed bit
    expect(packQuantWord(-2, -256, true)).toEqual({ lo: 0xc0000000, hi: 0x6000 });
    expect(() => packQuantWord(1, 256, true)).toThrow(RangeError);
    expect(() => packQuantWord(1, -257, true)).toThrow(RangeError);
    expect(() => packQuantWord(1, 0.5, true)).toThrow(RangeError);
  });

  it('unpacks what it packs, and agrees with the independent bit composition', () => {
    expect(unpackQuantWord(0x3dccc000, 0x7fa0)).toEqual({ scale: 0.0999755859375, offset: -3, signed: true });
    // bits of the word outside the fields (shift, int16 flag) do not change the decoded fields
    expect(unpackQuantWord(0x3dccc000, 0x7fa0 | 0x1f)).toEqual({ scale: 0.0999755859375, offset: -3, signed: true });
    const r = rng(46);
    for (let i = 0; i < 2000; i++) {
      const scale = Math.fround((r() * 2 - 1) * 2 ** randInt(r, -20, 20));
      const offset = randInt(r, -256, 255);
      const signed = r() < 0.5;
      const w = packQuantWord(scale, offset, signed);
      expect(w).toEqual(quantWordBits(scale, offset, signed));
      expect(unpackQuantWord(w.lo, w.hi)).toEqual({ scale: tenBitScale(scale), offset, signed });
    }
  });
});

describe('REQ8', () => {
  it('rounds ties to even', () => {
    // scale 1/2: 1 -> 0.5 -> 0; 3 -> 1.5 -> 2; 5 -> 2.5 -> 2; 7 -> 3.5 -> 4; -3 -> -1.5 -> -2; -5 -> -2.5 -> -2
    expect([1, 3, 5, 7, -3, -5].map((a) => requant8(a, 0.5, 0, true, false))).toEqual([0, 2, 2, 4, -2, -2]);
  });

  it('clamps to [-256, 255] before adding the offset, then saturates', () => {
    // 1000 -> 255, + (-200) = 55 (a clamp after the offset alone would give 800 -> 127)
    expect(requant8(1000, 1, -200, true, false)).toBe(55);
    // -1000 -> -256, + 200 = -56
    expect(requant8(-1000, 1, 200, true, false)).toBe(-56);
    // u8: 300 -> 255 - 100 = 155; 100 + 100 = 200 fits u8 but saturates s8 to 127
    expect(requant8(300, 1, -100, false, false)).toBe(155);
    expect(requant8(100, 1, 100, false, false)).toBe(200);
    expect(requant8(100, 1, 100, true, false)).toBe(127);
    // u8 below zero saturates to 0
    expect(requant8(-5, 1, 2, false, false)).toBe(0);
  });

  it('multiplies in float32 by the scale it is given (the fixpipe gives it the 10-bit scale), and ReLU zeroes negatives before the offset', () => {
    // 2015 * f32(0.1) = 201.500004 -> 202; 2015 * 0.0999755859375 (the 10-bit scale) = 201.45 -> 201
    expect(requant8(2015, Math.fround(0.1), 0, false, false)).toBe(202);
    expect(requant8(2015, hardwareScale(Math.fround(0.1)), 0, false, false)).toBe(201);
    // the accumulator is converted to float32 first: 2^24 + 1 -> 2^24 (a tie, to even), * 2^-25 = 0.5 -> 0
    // (the exact product 0.5 + 2^-25 would round to 1)
    expect(requant8(2 ** 24 + 1, 2 ** -25, 0, true, false)).toBe(0);
    expect(requant8(2 ** 24 + 2, 2 ** -25, 0, true, false)).toBe(1);
    expect(requant8(-10, 1, 5, true, true)).toBe(5);
    expect(requant8(-10, 1, 5, true, false)).toBe(-5);
    // a negative scale turns positives negative; ReLU then zeroes them
    expect(requant8(10, -1, 0, true, true)).toBe(0);
  });

  it('agrees with the independent model everywhere', () => {
    const r = rng(8);
    for (let i = 0; i < 20000; i++) {
      const acc = r() < 0.2 ? randInt(r, -(2 ** 31), 2 ** 31 - 1) : randInt(r, -5000, 5000);
      const scale = r() < 0.3 ? 2 ** -randInt(r, 0, 12) : Math.fround((r() * 2 - 1) * 2 ** randInt(r, -12, 2));
      const offset = randInt(r, -256, 255);
      const signed = r() < 0.5;
      const relu = r() < 0.3;
      expect(requant8(acc, hardwareScale(scale), offset, signed, relu), `${acc} ${scale} ${offset} ${signed} ${relu}`).toBe(modelRequant8(acc, scale, offset, signed, relu));
    }
  });
});

describe('DEQF16', () => {
  it('rounds the float32 product to float16, ties to even, overflowing to infinity', () => {
    // 2049 / 8 = 256.125: f16 spacing at 256 is 0.25, a tie between 256 and 256.25 -> 256 (even)
    expect(dequantF16(2049, 0.125, false)).toBe(256);
    // 2051 / 8 = 256.375: a tie between 256.25 and 256.5 -> 256.5 (even)
    expect(dequantF16(2051, 0.125, false)).toBe(256.5);
    // 65520 is the first value that rounds to infinity in f16 (halfway above 65504)
    expect(dequantF16(65519, 1, false)).toBe(65504);
    expect(dequantF16(65520, 1, false)).toBe(Infinity);
    expect(dequantF16(-8, 0.125, true)).toBe(0);
  });

  it('agrees with the independent model', () => {
    const r = rng(16);
    for (let i = 0; i < 5000; i++) {
      const acc = randInt(r, -100000, 100000);
      const scale = Math.fround((r() * 2 - 1) * 2 ** randInt(r, -14, 0));
      const relu = r() < 0.3;
      expect(dequantF16(acc, hardwareScale(scale), relu)).toBe(modelDequantF16(acc, scale, relu));
    }
  });
});

it('the model rounds halves to even', () => {
  expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map((x) => roundHalfEven(x) + 0)).toEqual([0, 2, 2, 0, -2, -2, 2, 3]);
});
