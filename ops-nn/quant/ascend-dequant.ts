/**
 * AscendDequant (CANN ops-nn form) on the vector unit: int32 -> float16 or float32 with a deq scale
 * per tensor or per channel (of `axis`, default the last), optional sqrt mode and ReLU:
 *   y = out(relu(fp32(fp32(fp32(acc) * scale) [* scale])))
 * with out the identity (float32) or one float16 rounding (half to even). The scale is the float32
 * value itself: a packed uint64 deq word's fp32 field is used as given (this vector path does not
 * truncate it to the fixpipe's 10 mantissa bits).
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { checkDims, checkF32, paramAxis } from './common.js';

/** AscendDequant: int32 dims, deq scale(s), output type, sqrt mode, ReLU. */
export interface AscendDequantSpec {
  readonly dims: readonly number[];
  readonly scale: readonly number[];
  readonly outType: 'f16' | 'f32';
  readonly sqrtMode?: boolean;
  readonly relu?: boolean;
  readonly axis?: number;
}

const OP = 'AscendDequant';

/** Generates AscendDequant; GM tensors: input `x` (int32), output `y`. */
export function generateAscendDequant(s: AscendDequantSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkDims(s.dims, OP);
  if (s.outType !== 'f16' && s.outType !== 'f32') throw new OpError(`${OP}: y must be float16 or float32, not ${String(s.outType)}`);
  checkF32(s.scale, 'deq scale', OP);
  const axis = paramAxis(s.dims, s.axis ?? -1, OP, [s.scale]);
  const w: Ref = s.outType === 'f32' ? 'out0' : 'tmp0';
  const mul: Step = { op: 'muls', dtype: 'f32', dst: w, src: w, value: { param: 'scale' } };
  const steps: Step[] = [
    { op: 'conv', to: 'f32', from: 's32', round: 'rint', dst: w, src: 'in0' },
    mul,
    ...(s.sqrtMode ? [mul] : []),
    ...(s.relu ? [{ op: 'relu', dtype: 'f32', dst: w, src: w } as const] : []),
    ...(s.outType === 'f16' ? [{ op: 'conv', to: 'f16', from: 'f32', round: 'rint', dst: 'out0', src: w } as const] : []),
  ];
  return streamKernel(
    {
      name: 'ascend_dequant',
      dims: s.dims,
      inputs: [{ name: 'x', dtype: 's32' }],
      outputs: [{ name: 'y', dtype: s.outType }],
      temps: s.outType === 'f16' ? ['f32'] : [],
      ...(axis ? { axis } : {}),
      params: { scale: { dtype: 'f32', values: s.scale } },
      steps,
      notes: [`AscendDequant s32 -> ${s.outType}: fp32(acc) * scale${s.sqrtMode ? ' * scale' : ''}${s.relu ? ', ReLU' : ''}`],
    },
    cfg,
    tiling,
  );
}
