/**
 * The depthwise convolutions of the regression table, on the vector unit (ops-nn/conv/depthwise.ts):
 * INT8 as `exec` runs a depthwise QLinearConv (group = C = OC), and its FP16 twin. The manifest gives
 * the shape as for the cube convs, without `oc` and `group` (both are `c`).
 */
import { convShape, depthwiseF16Reference, depthwiseInput, depthwiseOutput, depthwiseParams, generateDepthwise, type DepthwiseSpec } from '../../../ops-nn/conv/index.js';
import { QLinearConv, type HostTensor } from '../../../ops-nn/onnx/index.js';
import { encode, onnxCheck, randomValues, vectorCheck } from './check.js';
import { bool, int, oneOf, withDefault } from './fields.js';
import { BAND_TILING, defineKernel, WINDOW_FIELDS } from './kernel-def.js';

const DEPTHWISE_FIELDS = {
  ...WINDOW_FIELDS,
  pad: withDefault(int(0, 255), 1),
  dilation: withDefault(int(1, 255), 1),
} as const;


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
  tiling: BAND_TILING,
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
  functional: (p, cfg, tiling, _planned, r) => {
    // the QLinearConv node exec runs on the vector unit, with the table's multipliers scaled to the taps
    const s = shapeOf(p);
    const type = p.xType === 's8' ? 'int8' : 'uint8';
    const t = (dtype: 'int8' | 'uint8' | 'float32', dims: number[], values: readonly number[]): HostTensor =>
      ({ dtype, dims, data: dtype === 'int8' ? Int8Array.from(values) : dtype === 'uint8' ? Uint8Array.from(values) : Float32Array.from(values) });
    const e = 4 + Math.round(Math.log2(p.kh * p.kw) / 2);
    const inputs = {
      x: t(type, [s.n, s.c, s.h, s.w], randomValues(p.xType, s.n * s.c * s.h * s.w, r)),
      x_scale: t('float32', [], [1]),
      x_zero_point: t(type, [], [0]),
      w: t('int8', [s.c, 1, s.kh, s.kw], randomValues('s8', s.c * s.kh * s.kw, r)),
      w_scale: p.perChannel ? t('float32', [s.c], Array.from({ length: s.c }, (_, i) => 2 ** -(e + (i % 3)))) : t('float32', [], [2 ** -e]),
      w_zero_point: t('int8', [], [0]),
      y_scale: t('float32', [], [1]),
      y_zero_point: t(type, [], [p.zeroPoint]),
    };
    const attrs = { group: s.c, strides: [p.stride, p.stride], pads: [p.pad, p.pad, p.pad, p.pad], dilations: [p.dilation, p.dilation] };
    return onnxCheck(QLinearConv, inputs, attrs, cfg, { tiling: tiling as Readonly<Record<string, number | boolean>> });
  },
});

export const convF16Dw = defineKernel({
  describe: 'depthwise FP16 convolution on the vector unit: f32 multiply-add per tap, fp16 out',
  params: DEPTHWISE_FIELDS,
  tiling: BAND_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateDepthwise({ shape: shapeOf(p), type: 'f16', padValue: 0 }, cfg, tiling) }],
  functional: (p, _cfg, _tiling, planned, r) => {
    const spec: DepthwiseSpec = { shape: shapeOf(p), type: 'f16', padValue: 0 };
    const s = spec.shape;
    const x = Float32Array.from(randomValues('f16', s.n * s.c * s.h * s.w, r));
    const w = Float32Array.from(randomValues('f16', s.c * s.kh * s.kw, r));
    const bias = Float32Array.from(randomValues('f16', s.c, r));
    const params = depthwiseParams(spec, { weight: (c, tap) => w[c * s.kh * s.kw + tap]!, bias: (c) => bias[c]! });
    const want = encode('f16', depthwiseF16Reference(spec, x, w, bias));
    return vectorCheck(planned[0]!.kernel, { x: depthwiseInput(spec, x), params }, 'y', 'f16', want, (y) => encode('f16', depthwiseOutput(spec, y)));
  },
});
