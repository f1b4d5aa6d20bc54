/**
 * QLinearAdd (com.microsoft) on the vector unit, bit for bit as ONNX Runtime 1.30 computes it
 * (ops-nn/onnx-ref/qlinear-add.ts), for same-shape int8 or uint8 inputs, or one input a single
 * element. With rA = fp32(sA / sC), rB = fp32(sB / sC) and fma a float32 multiply-add rounded once:
 *   A has more than one element:  k = fp32(zC - fma(rA, zA, fp32(rB * zB)));  v = fma(A, rA, fma(B, rB, k))
 *   A has exactly one element:    k = fp32(zC - fma(rB, zB, fp32(rA * zA)));  v = fma(B, rB, fma(A, rA, k))
 *   C = sat(RNE(v))
 * Both are v = fma(outer, rO, fma(inner, rI, k)): k is computed on the host, the rest per element:
 *   each input as f32: vconv f16 <- s8|u8, vconv f32 <- f16 (exact); a single-element input is a
 *     vdup of its value instead
 *   vdup t = k   vaxpy t += inner * rI   vaxpy t += outer * rO   (vaxpy: fused, one rounding)
 *   vmaxs t, qmin   vmins t, qmax   vconv s32 <- f32 (rint)   vconv f16 <- s32   vconv s8|u8 <- f16
 * Clamping before rounding equals rounding before clamping (the bounds are integers). With finite
 * ratios v is never NaN: the products are exact inside the fma, so infinities cannot cancel.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { fmaF32 } from '../../isa/numeric/fma.js';
import { OpError } from '../kernel.js';
import { QRANGE, checkDims, checkZeroPoints, type QType } from '../quant/common.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';

/** QLinearAdd: dims of C, the input type, scales and zero points, and an optional single-element input. */
export interface QLinearAddSpec {
  /** dims of C (and of A and B, except a single-element input) */
  readonly dims: readonly number[];
  readonly type: QType;
  readonly aScale: number;
  readonly aZeroPoint: number;
  readonly bScale: number;
  readonly bZeroPoint: number;
  readonly cScale: number;
  readonly cZeroPoint: number;
  /** the value of A when A is one element broadcast over B */
  readonly scalarA?: number;
  /** the value of B when B is one element broadcast over A */
  readonly scalarB?: number;
}

const OP = 'QLinearAdd';
const fp32 = Math.fround;

/** One input of the sum: its GM name, scale ratio, zero point and value if it is a single element. */
interface Input {
  readonly name: 'a' | 'b';
  readonly r: number;
  readonly z: number;
  readonly scalar: number | undefined;
}

function checkSpec(s: QLinearAddSpec): void {
  checkDims(s.dims, OP);
  if (s.type !== 's8' && s.type !== 'u8') throw new OpError(`${OP}: inputs must be int8 or uint8, not ${String(s.type)}`);
  for (const [what, v] of [['A_scale', s.aScale], ['B_scale', s.bScale], ['C_scale', s.cScale]] as const)
    if (!(v > 0 && Number.isFinite(v)) || fp32(v) !== v) throw new OpError(`${OP}: ${what} ${v} must be a positive finite float32 value`);
  // an infinite ratio would make 0 * inf = NaN, whose handling ORT leaves to its conversion
  for (const [what, v] of [['A_scale', s.aScale], ['B_scale', s.bScale]] as const)
    if (!Number.isFinite(fp32(v / s.cScale))) throw new OpError(`${OP}: ${what} / C_scale overflows float32`);
  checkZeroPoints([s.aZeroPoint, s.bZeroPoint, s.cZeroPoint], s.type, OP);
  if (s.scalarA !== undefined && s.scalarB !== undefined) throw new OpError(`${OP}: at most one input can be a broadcast scalar`);
  const scalar = s.scalarA ?? s.scalarB;
  if (scalar !== undefined) checkZeroPoints([scalar], s.type, OP);
}

/** Generates QLinearAdd; GM tensors: inputs `a` and `b` (a single-element input has none), output `c`. */
export function generateQLinearAdd(s: QLinearAddSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkSpec(s);
  const a: Input = { name: 'a', r: fp32(s.aScale / s.cScale), z: s.aZeroPoint, scalar: s.scalarA };
  const b: Input = { name: 'b', r: fp32(s.bScale / s.cScale), z: s.bZeroPoint, scalar: s.scalarB };
  // ORT's grouping depends on whether A has exactly one element (see the header)
  const aSingle = s.scalarA !== undefined || s.dims.reduce((p, d) => p * d, 1) === 1;
  const [inner, outer] = aSingle ? [a, b] : [b, a];
  const k = fp32(s.cZeroPoint - fmaF32(outer.r, outer.z, fp32(inner.r * inner.z)));
  const streamed = [a, b].filter((x) => x.scalar === undefined);
  const [qmin, qmax] = QRANGE[s.type];
  // scratch: an f16 and an f32 region per input, and the sum t (y reuses tmp0)
  const half = (i: number): Ref => (i === 0 ? 'tmp0' : 'tmp1');
  const wide = (i: number): Ref => (i === 0 ? 'tmp2' : 'tmp3');
  const t: Ref = 'tmp4';
  const asF32 = (x: Input, i: number): Step[] =>
    x.scalar !== undefined
      ? [{ op: 'dup', dtype: 'f32', dst: wide(i), scalar: x.scalar }]
      : [
          { op: 'conv', to: 'f16', from: s.type, dst: half(i), src: `in${streamed.indexOf(x)}` },
          { op: 'conv', to: 'f32', from: 'f16', dst: wide(i), src: half(i) },
        ];
  const steps: Step[] = [
    ...asF32(inner, 0),
    ...asF32(outer, 1),
    { op: 'dup', dtype: 'f32', dst: t, scalar: k },
    { op: 'axpy', dtype: 'f32', dst: t, src: wide(0), scalar: inner.r },
    { op: 'axpy', dtype: 'f32', dst: t, src: wide(1), scalar: outer.r },
    { op: 'maxs', dtype: 'f32', dst: t, src: t, value: qmin },
    { op: 'mins', dtype: 'f32', dst: t, src: t, value: qmax },
    { op: 'conv', to: 's32', from: 'f32', round: 'rint', dst: t, src: t },
    { op: 'conv', to: 'f16', from: 's32', dst: half(0), src: t },
    { op: 'conv', to: s.type, from: 'f16', dst: 'out0', src: half(0) },
  ];
  const term = (x: Input) => `${x.name.toUpperCase()} * ${x.r}`;
  const single = [a, b].find((x) => x.scalar !== undefined);
  return streamKernel(
    {
      name: 'qlinear_add',
      dims: s.dims,
      inputs: streamed.map((x) => ({ name: x.name, dtype: s.type })),
      outputs: [{ name: 'c', dtype: s.type }],
      temps: ['f16', 'f16', 'f32', 'f32', 'f32'],
      steps,
      notes: [
        `QLinearAdd ${s.type} as ONNX Runtime: v = fma(${term(outer)}, fma(${term(inner)}, ${k})), two fused vaxpy, then round half to even and saturate` +
          (single ? `; ${single.name.toUpperCase()} = ${single.scalar} is a single element, broadcast by vdup` : ''),
      ],
    },
    cfg,
    tiling,
  );
}
