/**
 * AscendQuant (CANN ops-nn form) on the vector unit: y = round(x * scale + offset), sqrt mode
 * y = round(x * scale * scale + offset), x float16 or float32, y int8, scale and offset per tensor or
 * per channel (of `axis`, default the last). The kernel path of ops-nn: cast to float32, multiply,
 * add, cast to int32 with the round mode, to float16, to int8; each float step rounds to float32 once:
 *   y = sat_s8(round(fp32(fp32(fp32(x) * scale [* scale]) + offset)))
 * (the int32 -> f16 -> int8 narrowing is exact in [-2048, 2048] and saturates monotonically beyond).
 * Round modes are the ISA's cast modes: rint (half to even), round (half away), floor, ceil, trunc.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { checkDims, checkF32, narrowSteps, paramAxis } from './common.js';

/** The cast round modes AscendQuant accepts. */
export const ASCEND_ROUND_MODES = ['rint', 'round', 'floor', 'ceil', 'trunc'] as const;
export type AscendRoundMode = (typeof ASCEND_ROUND_MODES)[number];

/** AscendQuant: input dims and type, scale and offset (per tensor or per channel), modes. */
export interface AscendQuantSpec {
  readonly dims: readonly number[];
  readonly xType: 'f16' | 'f32';
  readonly scale: readonly number[];
  readonly offset: readonly number[];
  readonly sqrtMode?: boolean;
  /** default rint */
  readonly round?: AscendRoundMode;
  /** axis of per-channel scale/offset (default -1, the last) */
  readonly axis?: number;
}

const OP = 'AscendQuant';

/** Generates AscendQuant; GM tensors: input `x`, output `y` (int8). */
export function generateAscendQuant(s: AscendQuantSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkDims(s.dims, OP);
  if (s.xType !== 'f16' && s.xType !== 'f32') throw new OpError(`${OP}: x must be float16 or float32, not ${String(s.xType)}`);
  const round = s.round ?? 'rint';
  if (!ASCEND_ROUND_MODES.includes(round)) throw new OpError(`${OP}: round mode ${String(round)} is not one of ${ASCEND_ROUND_MODES.join(', ')}`);
  checkF32(s.scale, 'scale', OP);
  const offset = s.offset.length > 0 ? s.offset : [0];
  checkF32(offset, 'offset', OP);
  const axis = paramAxis(s.dims, s.axis ?? -1, OP, [s.scale, offset]);
  const v = 'tmp0';
  const mul: Step = { op: 'muls', dtype: 'f32', dst: v, src: v, value: { param: 'scale' } };
  const steps: Step[] = [
    s.xType === 'f16' ? { op: 'conv', to: 'f32', from: 'f16', dst: v, src: 'in0' } : { ...mul, src: 'in0' },
    ...(s.xType === 'f16' ? [mul] : []),
    ...(s.sqrtMode ? [mul] : []),
    ...(offset.some((o) => o !== 0) ? [{ op: 'adds', dtype: 'f32', dst: v, src: v, value: { param: 'offset' } } as const] : []),
    { op: 'conv', to: 's32', from: 'f32', round, dst: v, src: v },
    ...narrowSteps(v, 'tmp1', 'out0', 's8'),
  ];
  return streamKernel(
    {
      name: 'ascend_quant',
      dims: s.dims,
      inputs: [{ name: 'x', dtype: s.xType }],
      outputs: [{ name: 'y', dtype: 's8' }],
      temps: ['f32', 'f16'],
      ...(axis ? { axis } : {}),
      params: { scale: { dtype: 'f32', values: s.scale }, offset: { dtype: 'f32', values: offset } },
      steps,
      notes: [`AscendQuant ${s.xType} -> s8: round_${round}(x * scale${s.sqrtMode ? ' * scale' : ''} + offset) in float32`],
    },
    cfg,
    tiling,
  );
}
