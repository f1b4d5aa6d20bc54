/**
 * The convolution parameters a manifest gives (one square-or-not 2-D convolution, NCHW), shared by
 * the INT8 and FP16 conv kernels, and their resolution to a ConvShape through the same ONNX
 * attribute path `exec` uses (so shape errors read the same).
 */
import { convShape, type ConvShape } from '../../../ops-nn/conv/index.js';
import { dim, DIM_MAX } from './kernel-def.js';
import { int, withDefault, type Values } from './fields.js';

export const CONV_FIELDS = {
  /** images */
  n: withDefault(dim(), 1),
  c: dim(),
  h: dim(),
  w: dim(),
  oc: dim(),
  kh: int(1, 255),
  kw: int(1, 255),
  stride: withDefault(int(1, 63), 1),
  /** the same padding on all four sides */
  pad: withDefault(int(0, 255), 0),
  group: withDefault(int(1, DIM_MAX), 1),
  dilation: withDefault(int(1, 255), 1),
} as const;

export type ConvFields = Values<typeof CONV_FIELDS>;

/** The resolved geometry (throws OpError when the kernel does not fit the input or group is wrong). */
export const convOf = (p: ConvFields): ConvShape =>
  convShape([p.n, p.c, p.h, p.w], [p.oc, Math.floor(p.c / p.group), p.kh, p.kw], {
    group: p.group,
    strides: [p.stride, p.stride],
    pads: [p.pad, p.pad, p.pad, p.pad],
    dilations: [p.dilation, p.dilation],
  });
