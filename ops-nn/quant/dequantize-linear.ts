/**
 * ONNX DequantizeLinear (as ONNX Runtime 1.30 CPU computes it) on the vector unit:
 *   y = fp32(fp32(q - zp) * scale), per tensor or per axis; q int8, uint8 or int32; y float32, or
 *   float16 rounded once more from that float32 product (ORT computes in float and converts the
 *   result to half). For int32, q - zp is an int32 subtraction that wraps, as in ORT.
 *
 * Per element, in an f32 region w (the output itself for float32 output):
 *   int8/uint8: vconv f16 <- q (exact)  vconv f32 <- f16 (exact)  vadds w, -zp (exact: |q - zp| <= 255)
 *   int32:      [vadds s32 w <- q + (-zp), wrapping (in two parts if needed)]  vconv f32 <- s32 (rint: the
 *               one rounding of fp32(q - zp))
 *   then        vmuls w, scale  [vconv f16 <- f32 (rint)]
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import type { ElementwiseTiling, ParamSpec } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { checkDims, checkF32, checkZeroPoints, paramAxis } from './common.js';

/** DequantizeLinear: dims, input and output types, scale and zero point (per tensor or per axis). */
export interface DequantizeLinearSpec {
  readonly dims: readonly number[];
  readonly qType: 's8' | 'u8' | 's32';
  readonly scale: readonly number[];
  /** [] means 0; of the input type */
  readonly zeroPoint: readonly number[];
  readonly outType: 'f32' | 'f16';
  readonly axis?: number;
}

const OP = 'DequantizeLinear';

/**
 * -zp as the vadds immediates: one f32 value for 8-bit input. For int32, -zp wraps (-(-2^31) is
 * -2^31), and the scalar operand is a float32, so a value with more than 24 significant bits is
 * added in two exact parts, its high and its low 16 bits: the wrapped sums are the same.
 */
function negZeroPoint(zp: readonly number[], qType: DequantizeLinearSpec['qType']): Record<string, ParamSpec> {
  if (qType !== 's32') return { negZp: { dtype: 'f32', values: zp.map((z) => -z + 0) } };
  const neg = zp.map((z) => -z | 0);
  if (neg.every((v) => Math.fround(v) === v)) return { negZp: { dtype: 's32', values: neg } };
  const low = neg.map((v) => v & 0xffff);
  return { negZp: { dtype: 's32', values: neg.map((v, i) => v - low[i]!) }, negZpLow: { dtype: 's32', values: low } };
}

function dequantizeSteps(s: DequantizeLinearSpec, negZp: readonly string[]): Step[] {
  const w: Ref = s.outType === 'f32' ? 'out0' : 'tmp0';
  const sub = (dtype: 'f32' | 's32', x: Ref): Step[] =>
    negZp.map((param, i) => ({ op: 'adds', dtype, dst: w, src: i === 0 ? x : w, value: { param } }));
  // int32: subtract in s32 (w holds the s32 difference), then convert it in place
  const widen: Step[] =
    s.qType === 's32'
      ? [...sub('s32', 'in0'), { op: 'conv', to: 'f32', from: 's32', round: 'rint', dst: w, src: negZp.length > 0 ? w : 'in0' }]
      : [
          { op: 'conv', to: 'f16', from: s.qType, dst: 'tmp1', src: 'in0' },
          { op: 'conv', to: 'f32', from: 'f16', dst: w, src: 'tmp1' },
          ...sub('f32', w),
        ];
  return [
    ...widen,
    { op: 'muls', dtype: 'f32', dst: w, src: w, value: { param: 'scale' } },
    ...(s.outType === 'f16' ? [{ op: 'conv', to: 'f16', from: 'f32', round: 'rint', dst: 'out0', src: w } as const] : []),
  ];
}

/** Generates DequantizeLinear; GM tensors: input `x`, output `y`. */
export function generateDequantizeLinear(s: DequantizeLinearSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkDims(s.dims, OP);
  if (!['s8', 'u8', 's32'].includes(s.qType)) throw new OpError(`${OP}: x must be int8, uint8 or int32, not ${String(s.qType)}`);
  if (s.outType !== 'f32' && s.outType !== 'f16') throw new OpError(`${OP}: y must be float32 or float16, not ${String(s.outType)}`);
  checkF32(s.scale, 'x_scale', OP);
  const zp = s.zeroPoint.length > 0 ? s.zeroPoint : [0];
  checkZeroPoints(zp, s.qType, OP);
  const axis = paramAxis(s.dims, s.axis ?? 1, OP, [s.scale, zp]);
  const negZp = negZeroPoint(zp, s.qType);
  const temps = s.qType === 's32' ? ['f32' as const] : (['f32', 'f16'] as const);
  return streamKernel(
    {
      name: 'dequantize_linear',
      dims: s.dims,
      inputs: [{ name: 'x', dtype: s.qType }],
      outputs: [{ name: 'y', dtype: s.outType }],
      temps: s.outType === 'f32' && s.qType === 's32' ? [] : [...temps],
      ...(axis ? { axis } : {}),
      params: { scale: { dtype: 'f32', values: s.scale }, ...negZp },
      steps: dequantizeSteps(s, zp.some((z) => z !== 0) ? Object.keys(negZp) : []),
      notes: [`DequantizeLinear ${s.qType} -> ${s.outType}: fp32(fp32(q - zp) * x_scale)${s.outType === 'f16' ? ', rounded to float16' : ''}`],
    },
    cfg,
    tiling,
  );
}
