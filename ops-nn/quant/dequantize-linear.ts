/**
 * ONNX DequantizeLinear (as ONNX Runtime 1.30 CPU computes it) on the vector unit:
 *   y = fp32(fp32(q - zp) * scale), per tensor or per axis; q int8, uint8 or int32 (zero point 0);
 *   y float32, or float16 rounded once more from that float32 product (ORT computes in float and
 *   converts the result to half).
 *
 * Per element, in an f32 region w (the output itself for float32 output):
 *   int8/uint8: vconv f16 <- q (exact)  vconv f32 <- f16 (exact)  vadds w, -zp (exact: |q - zp| <= 255)
 *   int32:      vconv f32 <- s32 (rint: the one rounding of fp32(q))
 *   then        vmuls w, scale  [vconv f16 <- f32 (rint)]
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { checkDims, checkF32, checkZeroPoints, paramAxis } from './common.js';

/** DequantizeLinear: dims, input and output types, scale and zero point (per tensor or per axis). */
export interface DequantizeLinearSpec {
  readonly dims: readonly number[];
  readonly qType: 's8' | 'u8' | 's32';
  readonly scale: readonly number[];
  /** [] means 0; must be 0 for int32 input */
  readonly zeroPoint: readonly number[];
  readonly outType: 'f32' | 'f16';
  readonly axis?: number;
}

const OP = 'DequantizeLinear';

function dequantizeSteps(s: DequantizeLinearSpec, subtract: boolean): Step[] {
  const w: Ref = s.outType === 'f32' ? 'out0' : 'tmp0';
  const widen: Step[] =
    s.qType === 's32'
      ? [{ op: 'conv', to: 'f32', from: 's32', round: 'rint', dst: w, src: 'in0' }]
      : [
          { op: 'conv', to: 'f16', from: s.qType, dst: 'tmp1', src: 'in0' },
          { op: 'conv', to: 'f32', from: 'f16', dst: w, src: 'tmp1' },
        ];
  return [
    ...widen,
    ...(subtract ? [{ op: 'adds', dtype: 'f32', dst: w, src: w, value: { param: 'negZp' } } as const] : []),
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
  if (s.qType === 's32') {
    if (zp.some((z) => z !== 0)) throw new OpError(`${OP}: an int32 input needs zero point 0 (ONNX), got ${zp.find((z) => z !== 0)}`);
  } else checkZeroPoints(zp, s.qType, OP);
  const axis = paramAxis(s.dims, s.axis ?? 1, OP, [s.scale, zp]);
  const temps = s.qType === 's32' ? ['f32' as const] : (['f32', 'f16'] as const);
  return streamKernel(
    {
      name: 'dequantize_linear',
      dims: s.dims,
      inputs: [{ name: 'x', dtype: s.qType }],
      outputs: [{ name: 'y', dtype: s.outType }],
      temps: s.outType === 'f32' && s.qType === 's32' ? [] : [...temps],
      ...(axis ? { axis } : {}),
      params: { scale: { dtype: 'f32', values: s.scale }, negZp: { dtype: 'f32', values: zp.map((z) => -z + 0) } },
      steps: dequantizeSteps(s, zp.some((z) => z !== 0)),
      notes: [`DequantizeLinear ${s.qType} -> ${s.outType}: fp32(fp32(q - zp) * x_scale)${s.outType === 'f16' ? ', rounded to float16' : ''}`],
    },
    cfg,
    tiling,
  );
}
