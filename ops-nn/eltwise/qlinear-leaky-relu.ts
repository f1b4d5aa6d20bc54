/**
 * com.microsoft QLinearLeakyRelu on the vector unit, bit for bit as ONNX Runtime 1.30 computes it
 * (ops-nn/onnx-ref/qlinear-leaky-relu.ts). ORT builds a 256-entry table on the host, each entry
 *   d = fp32(x_scale * (x - x_zp));  v = d >= 0 ? d : fp32(alpha * d);
 *   y = sat(RNE(clamp(fp32(v / y_scale), qmin - y_zp, qmax - y_zp)) + y_zp)   (MlasQuantizeLinear)
 * and looks every element up. The vector unit has no byte gather, so each element is computed with
 * exactly those float32 operations instead (the same function, so the same bits):
 *   vconv f16 <- 8 bit, f32 <- f16 (exact); vadds -x_zp (exact); vmuls x_scale (one rounding);
 *   p = vmaxs(d, 0), n = vmins(d, 0), vmuls n * alpha, v = p + n (one of them is 0: exact);
 *   vdiv y_scale (a true division); clamp; vconv s32 <- f32 (rint); vadds y_zp; narrow to 8 bits.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import { QRANGE, checkDims, checkZeroPoints, narrowSteps, type QType } from '../quant/common.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';

/** QLinearLeakyRelu: dims, the 8-bit type, input and output quantisation, slope. */
export interface QLinearLeakyReluSpec {
  readonly dims: readonly number[];
  readonly type: QType;
  readonly xScale: number;
  readonly xZeroPoint: number;
  readonly yScale: number;
  readonly yZeroPoint: number;
  /** a float32 value */
  readonly alpha: number;
}

const OP = 'QLinearLeakyRelu';
const fp32 = Math.fround;

function checkSpec(s: QLinearLeakyReluSpec): void {
  checkDims(s.dims, OP);
  if (s.type !== 's8' && s.type !== 'u8') throw new OpError(`${OP}: tensors must be int8 or uint8, not ${String(s.type)}`);
  for (const [what, v] of [['X_scale', s.xScale], ['Y_scale', s.yScale]] as const)
    if (!(v > 0 && Number.isFinite(v)) || fp32(v) !== v) throw new OpError(`${OP}: ${what} ${v} must be a positive finite float32 value`);
  if (!Number.isFinite(s.alpha) || fp32(s.alpha) !== s.alpha) throw new OpError(`${OP}: alpha ${s.alpha} must be a finite float32 value`);
  // an infinite dequantised value times alpha = 0 would be NaN, which ORT leaves to its conversion
  if (!Number.isFinite(fp32(s.xScale * 255 * Math.max(1, Math.abs(s.alpha))))) throw new OpError(`${OP}: X_scale ${s.xScale} (times alpha ${s.alpha}) overflows float32 on the 8-bit range`);
  checkZeroPoints([s.xZeroPoint, s.yZeroPoint], s.type, OP);
}

/** Generates QLinearLeakyRelu; GM tensors: input `x`, output `y` (same type). */
export function generateQLinearLeakyRelu(s: QLinearLeakyReluSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkSpec(s);
  const [qmin, qmax] = QRANGE[s.type];
  const steps: Step[] = [
    { op: 'conv', to: 'f16', from: s.type, dst: 'tmp0', src: 'in0' },
    { op: 'conv', to: 'f32', from: 'f16', dst: 'tmp1', src: 'tmp0' },
    { op: 'adds', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: -s.xZeroPoint + 0 },
    { op: 'muls', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: s.xScale },
    { op: 'maxs', dtype: 'f32', dst: 'tmp2', src: 'tmp1', value: 0 },
    { op: 'mins', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: 0 },
    { op: 'muls', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: s.alpha },
    { op: 'add', dtype: 'f32', dst: 'tmp1', src0: 'tmp1', src1: 'tmp2' },
    { op: 'divs', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: { param: 'y_scale' } },
    { op: 'maxs', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: qmin - s.yZeroPoint },
    { op: 'mins', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: qmax - s.yZeroPoint },
    { op: 'conv', to: 's32', from: 'f32', round: 'rint', dst: 'tmp1', src: 'tmp1' },
    { op: 'adds', dtype: 's32', dst: 'tmp1', src: 'tmp1', value: s.yZeroPoint },
    ...narrowSteps('tmp1', 'tmp0', 'out0', s.type),
  ];
  return streamKernel(
    {
      name: 'qlinear_leaky_relu',
      dims: s.dims,
      inputs: [{ name: 'x', dtype: s.type }],
      outputs: [{ name: 'y', dtype: s.type }],
      temps: ['f16', 'f32', 'f32'],
      params: { y_scale: { dtype: 'f32', values: [s.yScale] } },
      steps,
      notes: [
        `QLinearLeakyRelu ${s.type} (alpha ${s.alpha}) as ONNX Runtime's 256-entry table, computed per element: dequantise, leaky, y = sat(RNE(v / ${s.yScale}) + ${s.yZeroPoint})`,
      ],
    },
    cfg,
    tiling,
  );
}
