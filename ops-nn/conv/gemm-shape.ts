/**
 * The one mapping of a 2-D convolution onto the GEMM core: one img2col GEMM per (image, group), its
 * rows the output positions, its K the group's channels (padded to C0) times the window, its columns
 * the group's output channels. Shared by the INT8 and FP16 convolutions and their timing entries.
 */
import type { GemmShape } from '../gemm/problem.js';
import type { ConvShape } from './geometry.js';
import { convK } from './layout.js';
import { roundUp } from '../kernel.js';

/** The GEMM shape of convolution `s` with `c0` elements per 32-byte block (32 int8, 16 fp16). */
export function convGemmShape(s: ConvShape, c0: number): GemmShape {
  const { n, c, oc, group, ...window } = s;
  return { batch: n * group, m: s.oh * s.ow, k: convK(s, c0), n: oc / group, groups: group, bCount: group, aPerBatch: true, conv: { ...window, c: c / group } };
}

/**
 * How many times larger K must be with the channels padded to C0 than with a host-side img2col matrix
 * (K = C x KH x KW, padded to C0 once) for the convolution to run as a plain GEMM over that matrix:
 * the first layer of an image network (3 channels padded to 32 is 10.7x its MACs), as the vendor does.
 */
const HOST_IMG2COL_WASTE = 2;

/** Whether convolution `s` runs over a host-side img2col matrix (few channels, one group). */
export const hostImg2col = (s: ConvShape, c0: number): boolean => s.group === 1 && convK(s, c0) >= HOST_IMG2COL_WASTE * roundUp(s.c * s.kh * s.kw, c0);

/**
 * The GEMM of convolution `s`: device img2col per (image, group), or, for few channels, one plain
 * GEMM per image over the host's img2col matrix (rows: output positions, K: C x KH x KW).
 */
export function convGemmShapeFor(s: ConvShape, c0: number): GemmShape {
  if (!hostImg2col(s, c0)) return convGemmShape(s, c0);
  // one GEMM per image (its rows stay within DataCopy's strides however large the batch), one B for all
  return { batch: s.n, m: s.oh * s.ow, k: s.c * s.kh * s.kw, n: s.oc, groups: 1, bCount: 1, aPerBatch: true };
}

/**
 * The host's img2col matrix of NCHW `x` (`size` bytes per element): row (image, oh, ow), column
 * (c, kh, kw), padding positions holding `pad` (the zero point's bytes).
 */
export function hostImg2colMatrix(x: Uint8Array, s: ConvShape, size: number, pad: Uint8Array): Uint8Array {
  const k = s.c * s.kh * s.kw;
  const out = new Uint8Array(s.n * s.oh * s.ow * k * size);
  let at = 0;
  for (let img = 0; img < s.n; img++)
    for (let oh = 0; oh < s.oh; oh++)
      for (let ow = 0; ow < s.ow; ow++)
        for (let c = 0; c < s.c; c++)
          for (let kh = 0; kh < s.kh; kh++)
            for (let kw = 0; kw < s.kw; kw++, at += size) {
              const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
              const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
              const inside = ih >= 0 && ih < s.h && iw >= 0 && iw < s.w;
              const src = ((img * s.c + c) * s.h + ih) * s.w + iw;
              for (let b = 0; b < size; b++) out[at + b] = inside ? x[src * size + b]! : pad[b]!;
            }
  return out;
}
