/**
 * An independent model of the fixpipe's conversion arithmetic (docs/hardware.md, "Fixpipe
 * quantisation"), written from the description and not from isa/numeric/fixpipe-quant.ts, so the
 * simulator's arithmetic has an oracle other than itself: the quant word's bit fields composed by
 * shifts, the 10-bit scale by masking the float32 bit pattern, rounding half to even by hand.
 */
import { roundF16 } from '../../isa/numeric/float16.js';

const word = new DataView(new ArrayBuffer(4));
const bitsOf = (x: number): number => (word.setFloat32(0, x, true), word.getUint32(0, true));
const floatOf = (bits: number): number => (word.setUint32(0, bits >>> 0, true), word.getFloat32(0, true));

/** The scale the hardware multiplies by: sign, 8 exponent bits and the top 10 of 23 mantissa bits. */
export const tenBitScale = (scale: number): number => floatOf(bitsOf(scale) & ~((1 << 13) - 1));

/** The 64-bit quant word as two 32-bit halves: [31:0] scale, [45:37] offset (9-bit two's complement), [46] signed. */
export function quantWordBits(scale: number, offset: number, signed: boolean): { lo: number; hi: number } {
  const offset9 = offset < 0 ? offset + 512 : offset;
  const hi = offset9 * 2 ** (37 - 32) + (signed ? 2 ** (46 - 32) : 0);
  return { lo: bitsOf(tenBitScale(scale)) >>> 0, hi };
}

/** Nearest integer, halves to the even one. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** value * scale as the fixpipe's float32 multiply (the int32 accumulator is converted to float32 first); ReLU zeroes negatives. */
const product = (acc: number, scale: number, relu: boolean): number => {
  const v = Math.fround(Math.fround(acc) * tenBitScale(scale));
  return relu && v < 0 ? 0 : v;
};

/** REQ8 / VREQ8 of one accumulator: round, clamp to [-256, 255], add the offset, saturate to s8 / u8. */
export const modelRequant8 = (acc: number, scale: number, offset: number, signed: boolean, relu: boolean): number =>
  clamp(clamp(roundHalfEven(product(acc, scale, relu)), -256, 255) + offset, signed ? -128 : 0, signed ? 127 : 255);

/** DEQF16 / VDEQF16 of one accumulator: the product rounded to float16. */
export const modelDequantF16 = (acc: number, scale: number, relu: boolean): number => roundF16(product(acc, scale, relu));
