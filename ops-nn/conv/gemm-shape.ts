/**
 * The one mapping of a 2-D convolution onto the GEMM core: one img2col GEMM per (image, group), its
 * rows the output positions, its K the group's channels (padded to C0) times the window, its columns
 * the group's output channels. Shared by the INT8 and FP16 convolutions and their timing entries.
 */
import type { GemmShape } from '../gemm/problem.js';
import type { ConvShape } from './geometry.js';
import { convK } from './layout.js';

/** The GEMM shape of convolution `s` with `c0` elements per 32-byte block (32 int8, 16 fp16). */
export function convGemmShape(s: ConvShape, c0: number): GemmShape {
  const { n, c, oc, group, ...window } = s;
  return { batch: n * group, m: s.oh * s.ow, k: convK(s, c0), n: oc / group, groups: group, bCount: group, aPerBatch: true, conv: { ...window, c: c / group } };
}
