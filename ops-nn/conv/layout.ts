/**
 * Host-side layout conversions for convolution (reported in the kernel notes): NCHW activations to
 * NC1HWC0 per (image, group), OIHW weights to the K order img2col produces, NHWC results back to NCHW.
 */
import type { ConvShape } from './geometry.js';
import { ceilDiv } from '../kernel.js';

/** NCHW (element values as bytes, `size` bytes each) -> per (image, group) C1 x H x W x C0, zero-padded channels. */
export function nchwToGroupedNc1hwc0(x: Uint8Array, s: ConvShape, size: number): Uint8Array {
  const c0 = 32 / size;
  const cg = s.c / s.group;
  const c1 = ceilDiv(cg, c0);
  const per = c1 * s.h * s.w * 32;
  const out = new Uint8Array(s.n * s.group * per);
  for (let img = 0; img < s.n; img++)
    for (let g = 0; g < s.group; g++)
      for (let ci = 0; ci < cg; ci++) {
        const c = g * cg + ci;
        const dst = (img * s.group + g) * per + Math.floor(ci / c0) * s.h * s.w * 32 + (ci % c0) * size;
        for (let p = 0; p < s.h * s.w; p++)
          for (let b = 0; b < size; b++) out[dst + p * 32 + b] = x[((img * s.c + c) * s.h * s.w + p) * size + b]!;
      }
  return out;
}

/** The K index of weight (ci, kh, kw) of one group in img2col order: ((c1 * KH + kh) * KW + kw) * C0 + c0. */
export const img2colK = (s: ConvShape, c0: number, ci: number, kh: number, kw: number): number =>
  ((Math.floor(ci / c0) * s.kh + kh) * s.kw + kw) * c0 + (ci % c0);

/** K of one group's GEMM. */
export const convK = (s: ConvShape, c0: number): number => ceilDiv(s.c / s.group, c0) * s.kh * s.kw * c0;

/** Rows (N * OH * OW) x OC row-major -> N x OC x OH x OW. */
export function nhwcToNchw<T extends Int8Array | Uint8Array | Uint16Array | Int32Array | Float32Array>(y: T, s: ConvShape, make: (n: number) => T): T {
  const hw = s.oh * s.ow;
  const out = make(s.n * s.oc * hw);
  for (let img = 0; img < s.n; img++)
    for (let p = 0; p < hw; p++)
      for (let oc = 0; oc < s.oc; oc++) out[(img * s.oc + oc) * hw + p] = y[(img * hw + p) * s.oc + oc]!;
  return out;
}
