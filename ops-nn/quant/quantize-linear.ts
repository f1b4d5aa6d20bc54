/**
 * ONNX QuantizeLinear (opset 13+, as ONNX Runtime 1.30 CPU computes it) on the vector unit:
 *   q = sat(RNE(fp32(x / scale)) + zp), per tensor or per axis, x float32 or float16, y int8/uint8.
 * The division is a true float32 division (vdiv by the scale), never x * (1/scale). Like ORT's MLAS
 * kernel, the quotient is clamped to [qmin - zp, qmax - zp] in float before it is rounded, so the
 * int32 conversion cannot saturate and the zero point is added to an in-range integer; a NaN quotient
 * becomes qmin (vmax returns its scalar for NaN, as MAXPS does). float16 x is widened to float32
 * exactly and divided in float32, as ORT does (x.ToFloat() / scale.ToFloat()).
 *
 * Per element, with v in an f32 scratch:
 *   [vconv f32 <- f16]  vdiv v = x / scale  vmaxs v, qmin - zp  vmins v, qmax - zp
 *   vconv s32 <- f32 (rint)  vadds s32 zp  vconv f16 <- s32  vconv s8|u8 <- f16
 *
 * ORT differences (documented, not modelled): ORT's scalar paths (per-axis along a non-innermost
 * axis, float16 input) convert to int32 before clamping, so |x / scale| >= 2^31 and +-inf give qmin
 * there; this kernel saturates them to the correct end, as the spec and ORT's per-tensor float path do.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { QRANGE, checkDims, checkF32, checkZeroPoints, narrowSteps, paramAxis, type QType } from './common.js';

/** QuantizeLinear: dims, input and output types, scale and zero point (per tensor or per axis). */
export interface QuantizeLinearSpec {
  readonly dims: readonly number[];
  readonly xType: 'f32' | 'f16';
  /** one value (per tensor) or one per channel of `axis` */
  readonly scale: readonly number[];
  /** one value or one per channel; [] means 0 */
  readonly zeroPoint: readonly number[];
  readonly outType: QType;
  /** ONNX `axis` (default 1), used when a parameter has more than one value */
  readonly axis?: number;
}

const OP = 'QuantizeLinear';

/** The per-element steps; `x` is the input buffer. */
function quantizeSteps(s: QuantizeLinearSpec, zeroPointsUsed: boolean): Step[] {
  const v: Ref = 'tmp0';
  const widen: Step[] = s.xType === 'f16' ? [{ op: 'conv', to: 'f32', from: 'f16', dst: v, src: 'in0' }] : [];
  return [
    ...widen,
    { op: 'divs', dtype: 'f32', dst: v, src: s.xType === 'f16' ? v : 'in0', value: { param: 'scale' } },
    { op: 'maxs', dtype: 'f32', dst: v, src: v, value: { param: 'lo' } },
    { op: 'mins', dtype: 'f32', dst: v, src: v, value: { param: 'hi' } },
    { op: 'conv', to: 's32', from: 'f32', round: 'rint', dst: v, src: v },
    ...(zeroPointsUsed ? [{ op: 'adds', dtype: 's32', dst: v, src: v, value: { param: 'zp' } } as const] : []),
    ...narrowSteps(v, 'tmp1', 'out0', s.outType),
  ];
}

/** Generates QuantizeLinear; GM tensors: input `x`, output `y` (row-major, `dims`). */
export function generateQuantizeLinear(s: QuantizeLinearSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkDims(s.dims, OP);
  if (s.xType !== 'f32' && s.xType !== 'f16') throw new OpError(`${OP}: x must be float32 or float16, not ${String(s.xType)}`);
  if (s.outType !== 's8' && s.outType !== 'u8') throw new OpError(`${OP}: y must be int8 or uint8, not ${String(s.outType)}`);
  checkF32(s.scale, 'y_scale', OP);
  const zp = s.zeroPoint.length > 0 ? s.zeroPoint : [0];
  checkZeroPoints(zp, s.outType, OP);
  const axis = paramAxis(s.dims, s.axis ?? 1, OP, [s.scale, zp]);
  const [qmin, qmax] = QRANGE[s.outType];
  const used = zp.some((z) => z !== 0);
  return streamKernel(
    {
      name: 'quantize_linear',
      dims: s.dims,
      inputs: [{ name: 'x', dtype: s.xType }],
      outputs: [{ name: 'y', dtype: s.outType }],
      temps: ['f32', 'f16'],
      ...(axis ? { axis } : {}),
      params: {
        scale: { dtype: 'f32', values: s.scale },
        lo: { dtype: 'f32', values: zp.map((z) => qmin - z) },
        hi: { dtype: 'f32', values: zp.map((z) => qmax - z) },
        zp: { dtype: 's32', values: zp },
      },
      steps: quantizeSteps(s, used),
      notes: [`QuantizeLinear ${s.xType} -> ${s.outType}: fp32 division by y_scale, clamp to [qmin - zp, qmax - zp], round half to even, + zp`],
    },
    cfg,
    tiling,
  );
}
