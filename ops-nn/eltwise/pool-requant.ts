/**
 * ONNX Runtime's QLinear average pooling on the pooling kernel (pool.ts), where input and output have
 * their own scale and zero point, in the two ways ORT 1.30 computes it:
 * - 'dequant' (QLinearAveragePool; microsoft/onnxruntime:
 *   onnxruntime/contrib_ops/cpu/quantization/qlinear_pool.cc): every element is dequantised first, d = fp32(x_scale * (x - x_zp)); the window's d are summed in float32 in row
 *   order (padding skipped: adding 0 changes no float32 sum), divided by the element count in
 *   float32, then y = sat(nearbyint(fp32(fp32(avg / y_scale) + y_zp))). On V: vadds -x_zp and
 *   vmuls x_scale on the whole plane before the padding fill (the taps then add in ORT's order),
 *   after the division vdiv y_scale, vadds y_zp, clamp to [qmin, qmax] (clamping before rounding
 *   equals saturating after: the bounds are integers), round.
 * - 'sum' (QLinearGlobalAveragePool, and QLinearAveragePool whose window is the whole unpadded
 *   image: MLAS's integer path, microsoft/onnxruntime:onnxruntime/core/mlas/lib/qlgavgpool.cpp):
 *   acc = sum(x) - x_zp * N exactly, y = sat(RNE(fp32(fp32(acc) * scale)) + y_zp) with scale = fp32(x_scale / fp32(y_scale * N)),
 *   MLAS's requantisation of a GEMM accumulator. The taps sum the stored integers (exact in float32
 *   below 2^24); vadds bias, vmuls scale, clamp to [qmin - y_zp, qmax - y_zp], round, + y_zp in s32.
 */
import type { Emitter } from '../emitter.js';
import { QRANGE, type QType } from '../quant/common.js';
import { vBinary, vDup, vScalar } from '../vector/ops.js';

/** QLinearAveragePool's arithmetic: dequantise, float average, requantise by division. */
export interface DequantRequant {
  readonly kind: 'dequant';
  readonly xScale: number;
  readonly xZeroPoint: number;
  readonly yScale: number;
  readonly yZeroPoint: number;
}

/** The global average's arithmetic: integer sum plus bias, times one float32 scale. */
export interface SumRequant {
  readonly kind: 'sum';
  /** -x_zp * N */
  readonly bias: number;
  /** fp32(x_scale / fp32(y_scale * N)) */
  readonly scale: number;
  readonly yZeroPoint: number;
}

export type PoolRequant = DequantRequant | SumRequant;

/** Dequantises the f32 plane in place (before its padding is filled): d = (x - x_zp) * x_scale. */
export function emitDequantPlane(e: Emitter, r: PoolRequant, plane: number, elems: number): void {
  if (r.kind !== 'dequant') return;
  vScalar(e, 'vadds', 'f32', plane, plane, -r.xZeroPoint + 0, elems);
  e.barrier('V');
  vScalar(e, 'vmuls', 'f32', plane, plane, r.xScale, elems);
  e.barrier('V');
}

/** The y_scale vector (256 B) the 'dequant' division reads; emitted once per block. */
export function emitRequantConstants(e: Emitter, r: PoolRequant, yScaleAt: number): void {
  if (r.kind !== 'dequant') return;
  vDup(e, 'f32', yScaleAt, r.yScale, 64);
  e.barrier('V');
}

/** From the f32 average ('dequant') or sum ('sum') in `acc` to the clamped value rounded next. */
export function emitRequantBeforeRound(e: Emitter, r: PoolRequant, type: QType, acc: number, yScaleAt: number, elems: number): void {
  const [qmin, qmax] = QRANGE[type];
  const steps: readonly (() => void)[] =
    r.kind === 'dequant'
      ? [
          () => vBinary(e, 'vdiv', 'f32', acc, acc, yScaleAt, elems, { blk: 1, rep: 0 }),
          () => vScalar(e, 'vadds', 'f32', acc, acc, r.yZeroPoint, elems),
          () => vScalar(e, 'vmaxs', 'f32', acc, acc, qmin, elems),
          () => vScalar(e, 'vmins', 'f32', acc, acc, qmax, elems),
        ]
      : [
          () => vScalar(e, 'vadds', 'f32', acc, acc, r.bias, elems),
          () => vScalar(e, 'vmuls', 'f32', acc, acc, r.scale, elems),
          () => vScalar(e, 'vmaxs', 'f32', acc, acc, qmin - r.yZeroPoint, elems),
          () => vScalar(e, 'vmins', 'f32', acc, acc, qmax - r.yZeroPoint, elems),
        ];
  steps.forEach((step) => {
    e.barrier('V');
    step();
  });
}

/** After rounding to s32: the 'sum' path adds y_zp in integers (the 'dequant' path added it in float). */
export function emitRequantAfterRound(e: Emitter, r: PoolRequant, acc: number, elems: number): void {
  if (r.kind !== 'sum') return;
  e.barrier('V');
  vScalar(e, 'vadds', 's32', acc, acc, r.yZeroPoint, elems);
}
