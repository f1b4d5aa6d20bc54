/**
 * Fixpipe conversion arithmetic (docs/hardware.md §Fixpipe quantisation). Shared by the simulated
 * fixpipe and by reference implementations, so both sides define the same bits.
 *
 * Quant word (uint64, here as two uint32 halves): bits 31..0 fp32 scale of which the hardware keeps
 * sign, exponent and the top 10 mantissa bits; bits 45..37 a 9-bit signed offset; bit 46 signed output.
 * The shift / int16 pre-saturation of bits 35..32 and 36 is not modelled (see isa/README.md).
 */
import { f32Bits, f32FromBits, roundF16 } from './float16.js';
import { roundToInteger } from './round-mode.js';

/** The scale the hardware multiplies by: the fp32 value with its low 13 mantissa bits cleared. */
export const hardwareScale = (scale: number): number => f32FromBits(f32Bits(scale) & 0xffffe000);

export interface QuantWord {
  readonly lo: number;
  readonly hi: number;
}

/** Packs a per-channel quant word the way ops-nn's TransQuantParam does (truncating mode). */
export function packQuantWord(scale: number, offset: number, signed: boolean): QuantWord {
  if (!Number.isInteger(offset) || offset < -256 || offset > 255) throw new RangeError(`quant offset ${offset} is not a 9-bit signed value (-256..255)`);
  const lo = (f32Bits(scale) & 0xffffe000) >>> 0;
  const hi = (((offset & 0x1ff) << 5) | (signed ? 1 << 14 : 0)) >>> 0;
  return { lo, hi };
}

/** Decodes a quant word into the scale actually used, the offset and the output signedness. */
export function unpackQuantWord(lo: number, hi: number): { scale: number; offset: number; signed: boolean } {
  const raw = (hi >>> 5) & 0x1ff;
  return { scale: hardwareScale(f32FromBits(lo)), offset: raw >= 256 ? raw - 512 : raw, signed: ((hi >>> 14) & 1) === 1 };
}

/** The multiply stage: value * scale in fp32, with ReLU as a zero scale for negative values. */
const scaled = (acc: number, scale: number, relu: boolean): number => {
  const v = Math.fround(Math.fround(acc) * scale);
  return relu && v < 0 ? 0 : v;
};

/** REQ8 / VREQ8: s32 -> s8/u8. Round half to even, saturate to [-256, 255], add offset, saturate. */
export function requant8(acc: number, scale: number, offset: number, signed: boolean, relu: boolean): number {
  const r = roundToInteger(scaled(acc, scale, relu), 'rint');
  const v = Math.min(255, Math.max(-256, r)) + offset;
  return signed ? Math.min(127, Math.max(-128, v)) : Math.min(255, Math.max(0, v));
}

/** DEQF16 / VDEQF16: s32 -> f16 value. */
export const dequantF16 = (acc: number, scale: number, relu: boolean): number => roundF16(scaled(acc, scale, relu));

/** No conversion (s32 or f32 out), with optional ReLU. */
export const passThrough = (v: number, relu: boolean): number => (relu && v < 0 ? 0 : v);

/** F322F16: f32 -> f16 value. */
export const f32ToF16 = (v: number, relu: boolean): number => roundF16(passThrough(v, relu));
