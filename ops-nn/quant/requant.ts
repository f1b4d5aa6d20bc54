/**
 * Requantisation as a standalone vector kernel (the second kernel of conv/matmul "unfused through
 * GM"): a rows x cols int32 matrix (row-major) -> int8/uint8 with per-column multipliers and zero
 * points, with ONNX Runtime's QLinear semantics:
 *   v = fp32(fp32(acc) * M[c]); v = clamp(v, qmin - zp[c], qmax - zp[c]); y = RNE(v) + zp[c]
 * Per element: vconv f32 <- s32 (rint), vmul M, vmax qmin - zp, vmin qmax - zp, vconv s32 <- f32
 * (rint), vadd zp, vconv f16 <- s32, vconv s8|u8 <- f16. Per-column values come from UB tables
 * (one row of cols values, prepared on the host) unless the streaming tiler picks immediates.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import type { ElementwiseTiling, ParamSpec } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { QRANGE, checkDims, checkF32, checkZeroPoints, narrowSteps, type QType } from './common.js';

/** Requant: an int32 rows x cols matrix, per-column (or single) multipliers and zero points. */
export interface RequantSpec {
  readonly rows: number;
  readonly cols: number;
  /** fp32 multiplier per column (or one for all) */
  readonly multipliers: readonly number[];
  /** zero point per column (or one for all) */
  readonly zeroPoints: readonly number[];
  readonly outType: QType;
}

const OP = 'Requant';

/** Generates the requant kernel; GM tensors: input `acc` (s32, rows x cols), output `y`. */
export function generateRequant(s: RequantSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkDims([s.rows, s.cols], OP);
  if (s.outType !== 's8' && s.outType !== 'u8') throw new OpError(`${OP}: output must be s8 or u8, not ${String(s.outType)}`);
  for (const [what, l] of [['multipliers', s.multipliers], ['zeroPoints', s.zeroPoints]] as const)
    if (l.length !== 1 && l.length !== s.cols) throw new OpError(`${OP}: ${what} has ${l.length} values; give 1 or one per column (${s.cols})`);
  checkF32(s.multipliers, 'multiplier', OP);
  checkZeroPoints(s.zeroPoints, s.outType, OP);
  const r = requantSteps(s, 'in0');
  const perColumn = s.multipliers.length > 1 || s.zeroPoints.length > 1;
  return streamKernel(
    {
      name: 'requant',
      dims: [s.rows, s.cols],
      inputs: [{ name: 'acc', dtype: 's32' }],
      outputs: [{ name: 'y', dtype: s.outType }],
      temps: ['f32', 'f16'],
      ...(perColumn ? { axis: { channels: s.cols, inner: 1 } } : {}),
      params: r.params,
      steps: r.steps,
      notes: [REQUANT_NOTE(s.outType)],
    },
    cfg,
    tiling,
  );
}

export const REQUANT_NOTE = (outType: QType) => `requant s32 -> ${outType}: fp32(fp32(acc) * M[c]) clamped to [qmin - zp, qmax - zp], round half to even, + zp (ONNX Runtime QLinear)`;

/**
 * The requant steps and their parameters, from the int32 buffer `src` to `out0` through `tmp0`
 * (f32) and `tmp1` (f16): the requant kernel's body, also run by the K-split reduction
 * (ops-nn/gemm/split.ts) after it adds the slices.
 */
export function requantSteps(s: Pick<RequantSpec, 'multipliers' | 'zeroPoints' | 'outType'>, src: Ref): { steps: Step[]; params: Record<string, ParamSpec> } {
  const [qmin, qmax] = QRANGE[s.outType];
  const v = 'tmp0';
  const steps: Step[] = [
    { op: 'conv', to: 'f32', from: 's32', round: 'rint', dst: v, src },
    { op: 'muls', dtype: 'f32', dst: v, src: v, value: { param: 'm' } },
    { op: 'maxs', dtype: 'f32', dst: v, src: v, value: { param: 'lo' } },
    { op: 'mins', dtype: 'f32', dst: v, src: v, value: { param: 'hi' } },
    { op: 'conv', to: 's32', from: 'f32', round: 'rint', dst: v, src: v },
    ...(s.zeroPoints.some((z) => z !== 0) ? [{ op: 'adds', dtype: 's32', dst: v, src: v, value: { param: 'zp' } } as const] : []),
    ...narrowSteps(v, 'tmp1', 'out0', s.outType),
  ];
  const params: Record<string, ParamSpec> = {
    m: { dtype: 'f32', values: s.multipliers },
    lo: { dtype: 'f32', values: s.zeroPoints.map((z) => qmin - z) },
    hi: { dtype: 'f32', values: s.zeroPoints.map((z) => qmax - z) },
    zp: { dtype: 's32', values: s.zeroPoints },
  };
  return { steps, params };
}
