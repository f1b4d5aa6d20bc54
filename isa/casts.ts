/**
 * Legal vconv type pairs (source -> destinations). Taken from the vector conversions the vendor
 * measured (docs/measured/vector.csv, VCONV_*) plus the exact s16/s32 <-> f16/f32 widenings kernels need.
 */
import type { Dtype } from './types.js';

export const CONV_PAIRS: Readonly<Partial<Record<Dtype, readonly Dtype[]>>> = {
  f32: ['f16', 's32', 's16'],
  f16: ['f32', 's32', 's16', 's8', 'u8'],
  s32: ['f32', 'f16', 's16'],
  s16: ['f16', 'f32'],
  s8: ['f16'],
  u8: ['f16'],
};

export const isLegalConv = (src: Dtype, dst: Dtype): boolean => (CONV_PAIRS[src] ?? []).includes(dst);
