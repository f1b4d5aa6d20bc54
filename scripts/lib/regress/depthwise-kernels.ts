/**
 * The depthwise convolutions of the regression table, on the vector unit (ops-nn/conv/depthwise.ts):
 * INT8 as `exec` runs a depthwise QLinearConv (group = C = OC), and its FP16 twin. The manifest gives
 * the shape as for the cube convs, without `oc` and `group` (both are `c`).
 */
import { convShape, generateDepthwise, type DepthwiseSpec } from '../../../ops-nn/conv/index.js';
import { bool, int, oneOf, withDefault } from './fields.js';
import { defineKernel, dim } from './kernel-def.js';

const DEPTHWISE_FIELDS = {
  n: withDefault(dim(), 1),
  c: dim(),
  h: dim(),
  w: dim(),
  kh: withDefault(int(1, 255), 3),
  kw: withDefault(int(1, 255), 3),
  stride: withDefault(int(1, 63), 1),
  pad: withDefault(int(0, 255), 1),
  dilation: withDefault(int(1, 255), 1),
} as const;

/** The depthwise tiling (ops-nn/conv/depthwise-plan.ts). */
const DEPTHWISE_TILING = { blocks: int(1, 4096), rows: int(0, 65535), doubleBuffer: bool() } as const;

const shapeOf = (p: { n: number; c: number; h: number; w: number; kh: number; kw: number; stride: number; pad: number; dilation: number }) =>
  convShape([p.n, p.c, p.h, p.w], [p.c, 1, p.kh, p.kw], { group: p.c, strides: [p.stride, p.stride], pads: [p.pad, p.pad, p.pad, p.pad], dilations: [p.dilation, p.dilation] });

export const qlinearConvDw = defineKernel({
  describe: 'depthwise QLinearConv int8 (group = C = OC) on the vector unit: s32 multiply-add per tap, ONNX requant',
  params: {
    ...DEPTHWISE_FIELDS,
    xType: withDefault(oneOf(['s8', 'u8']), 's8'),
    perChannel: withDefault(bool(), true),
    zeroPoint: withDefault(int(-128, 255), 0),
  },
  tiling: DEPTHWISE_TILING,
  run: (p, cfg, tiling) => {
    // multipliers and zero points change no cycle, only whether the per-channel pass runs
    const spec: DepthwiseSpec = {
      shape: shapeOf(p),
      type: p.xType,
      padValue: 0,
      multipliers: Array.from({ length: p.perChannel ? p.c : 1 }, (_, i) => 2 ** -(8 + (i % 3))),
      zeroPoint: p.zeroPoint,
      outType: p.xType,
    };
    return [{ kernel: generateDepthwise(spec, cfg, tiling) }];
  },
});

export const convF16Dw = defineKernel({
  describe: 'depthwise FP16 convolution on the vector unit: f32 multiply-add per tap, fp16 out',
  params: DEPTHWISE_FIELDS,
  tiling: DEPTHWISE_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateDepthwise({ shape: shapeOf(p), type: 'f16', padValue: 0 }, cfg, tiling) }],
});
