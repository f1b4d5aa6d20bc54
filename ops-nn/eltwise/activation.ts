/**
 * Activations on quantised int8/uint8 tensors (the epilogues of a quantised conv or matmul), with
 * one scale and zero point shared by input and output:
 * - relu:       y = max(x, zp)                                   (real 0 is zp)
 * - relu6:      y = min(max(x, zp), q6), q6 = sat(RNE(fp32(6 / scale)) + zp)   (6 quantised as QuantizeLinear does)
 * - leaky-relu: y = x for x >= zp; y = sat(RNE(fp32((x - zp) * alpha)) + zp) below: the negative
 *   side is requantised with the float32 multiplier alpha, rounded half to even.
 * relu and relu6 run in float16 (exact for 8-bit values). leaky-relu splits d = x - zp into
 * p = max(d, 0) and n = min(d, 0) (one of them is 0, so p + fp32(n * alpha) rounds only once),
 * clamps to [qmin - zp, qmax - zp] in float, rounds (rint) and adds zp in int32.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import { QRANGE, checkDims, checkZeroPoints, type QType } from '../quant/common.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';

/** The quantised activations. */
export const ACTIVATIONS = ['relu', 'relu6', 'leaky-relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** A quantised activation: tensor dims and type, its scale and zero point, leaky slope. */
export interface QActivationSpec {
  readonly dims: readonly number[];
  readonly type: QType;
  readonly kind: Activation;
  /** the tensor's quantisation scale (relu6 quantises 6 with it) */
  readonly scale: number;
  readonly zeroPoint: number;
  /** leaky-relu slope (a float32 value) */
  readonly alpha?: number;
}

const fp32 = Math.fround;
const rne = (x: number) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));

/** q6: 6 quantised like QuantizeLinear (true float32 division, half to even, saturated). */
export function quantizedSix(scale: number, zp: number, t: QType): number {
  const [qmin, qmax] = QRANGE[t];
  return Math.min(Math.max(rne(Math.min(Math.max(fp32(6 / scale), qmin - zp), qmax - zp)) + zp, qmin), qmax);
}

/** The steps of each activation (input in0, output out0). */
const STEPS: Readonly<Record<Activation, (s: QActivationSpec) => Step[]>> = {
  relu: (s) => [
    { op: 'conv', to: 'f16', from: s.type, dst: 'tmp0', src: 'in0' },
    { op: 'maxs', dtype: 'f16', dst: 'tmp0', src: 'tmp0', value: s.zeroPoint },
    { op: 'conv', to: s.type, from: 'f16', dst: 'out0', src: 'tmp0' },
  ],
  relu6: (s) => [
    { op: 'conv', to: 'f16', from: s.type, dst: 'tmp0', src: 'in0' },
    { op: 'maxs', dtype: 'f16', dst: 'tmp0', src: 'tmp0', value: s.zeroPoint },
    { op: 'mins', dtype: 'f16', dst: 'tmp0', src: 'tmp0', value: quantizedSix(s.scale, s.zeroPoint, s.type) },
    { op: 'conv', to: s.type, from: 'f16', dst: 'out0', src: 'tmp0' },
  ],
  'leaky-relu': (s) => {
    const [qmin, qmax] = QRANGE[s.type];
    const zp = s.zeroPoint;
    return [
      { op: 'conv', to: 'f16', from: s.type, dst: 'tmp0', src: 'in0' },
      { op: 'conv', to: 'f32', from: 'f16', dst: 'tmp1', src: 'tmp0' },
      { op: 'adds', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: -zp + 0 },
      { op: 'maxs', dtype: 'f32', dst: 'tmp2', src: 'tmp1', value: 0 },
      { op: 'mins', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: 0 },
      { op: 'muls', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: s.alpha! },
      { op: 'add', dtype: 'f32', dst: 'tmp1', src0: 'tmp1', src1: 'tmp2' },
      { op: 'maxs', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: qmin - zp },
      { op: 'mins', dtype: 'f32', dst: 'tmp1', src: 'tmp1', value: qmax - zp },
      { op: 'conv', to: 's32', from: 'f32', round: 'rint', dst: 'tmp1', src: 'tmp1' },
      { op: 'adds', dtype: 's32', dst: 'tmp1', src: 'tmp1', value: zp },
      { op: 'conv', to: 'f16', from: 's32', dst: 'tmp0', src: 'tmp1' },
      { op: 'conv', to: s.type, from: 'f16', dst: 'out0', src: 'tmp0' },
    ];
  },
};

/** Generates a quantised activation; GM tensors: input `x`, output `y` (same type). */
export function generateQActivation(s: QActivationSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  const op = `Quantised ${String(s.kind)}`;
  checkDims(s.dims, op);
  if (!ACTIVATIONS.includes(s.kind)) throw new OpError(`unknown activation '${String(s.kind)}' (${ACTIVATIONS.join(', ')})`);
  if (s.type !== 's8' && s.type !== 'u8') throw new OpError(`${op}: tensors must be int8 or uint8, not ${String(s.type)}`);
  checkZeroPoints([s.zeroPoint], s.type, op);
  if (!(s.scale > 0 && Number.isFinite(s.scale)) || fp32(s.scale) !== s.scale) throw new OpError(`${op}: scale ${s.scale} must be a positive finite float32 value`);
  if (s.kind === 'leaky-relu' && (s.alpha === undefined || !Number.isFinite(s.alpha) || fp32(s.alpha) !== s.alpha))
    throw new OpError(`${op}: alpha ${String(s.alpha)} must be a finite float32 value`);
  return streamKernel(
    {
      name: `q_${s.kind.replace('-', '_')}`,
      dims: s.dims,
      inputs: [{ name: 'x', dtype: s.type }],
      outputs: [{ name: 'y', dtype: s.type }],
      temps: s.kind === 'leaky-relu' ? ['f16', 'f32', 'f32'] : ['f16'],
      steps: STEPS[s.kind](s),
      notes: [`quantised ${s.kind} on ${s.type} (scale ${s.scale}, zero point ${s.zeroPoint}${s.kind === 'leaky-relu' ? `, alpha ${s.alpha}` : ''})`],
    },
    cfg,
    tiling,
  );
}
