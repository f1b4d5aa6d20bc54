/**
 * QLinearAdd (com.microsoft) on the vector unit, for same-shape int8 or uint8 inputs, or one input a
 * broadcast scalar. Arithmetic and formulations in qlinear-add-formula.ts. Per element:
 *   vconv f16 <- a, b (exact)   vconv f32 <- f16 (exact)
 *   chain 'mul-add':     vmuls fb, rB  vadds fb, F  vmuls fa, rA  vadd v = fa + fb
 *   chain 'dequant-sum': vadds fa, -zA  vmuls fa, rA  (same for b)  vadd v = fa + fb  vadds v, zC
 *   vmaxs v, qmin  vmins v, qmax  vconv s32 <- f32 (rint)  vconv f16 <- s32   (NaN -> qmin, as CVTPS2DQ + pack)
 *   per corrected pair (a0, b0, d): y += d * (1 - min(1, min(1, |a - a0|) + min(1, |b - b0|)))   (f16, exact)
 *   vconv s8|u8 <- f16
 * With a broadcast scalar s its term is folded on the host (F' = fp32(F + fp32(s * r)), or
 * fp32((s - z) * r)) and only the other input is streamed. Scales must be positive finite float32.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';
import { QRANGE, checkDims, checkZeroPoints, type QType } from '../quant/common.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import type { Ref, Step } from '../vector/steps.js';
import { streamKernel } from '../vector/stream-kernel.js';
import {
  QADD_FORMULATIONS,
  QLINEAR_ADD_DEFAULT,
  qaddConsts,
  qaddCorrections,
  type Broadcast,
  type DeviceChain,
  type QAddConsts,
  type QAddCorrection,
  type QAddFormulationName,
  type QAddParams,
} from './qlinear-add-formula.js';

/** QLinearAdd: output dims, scales and zero points, an optional broadcast scalar, the formulation. */
export interface QLinearAddSpec extends QAddParams {
  /** dims of C (and of A and B, except a broadcast scalar) */
  readonly dims: readonly number[];
  /** the value of A when A is one broadcast scalar */
  readonly scalarA?: number;
  /** the value of B when B is one broadcast scalar */
  readonly scalarB?: number;
  readonly formulation?: QAddFormulationName;
}

const OP = 'QLinearAdd';
const fp32 = Math.fround;

function checkSpec(s: QLinearAddSpec): Broadcast {
  checkDims(s.dims, OP);
  if (s.type !== 's8' && s.type !== 'u8') throw new OpError(`${OP}: inputs must be int8 or uint8, not ${String(s.type)}`);
  for (const [what, v] of [['A_scale', s.aScale], ['B_scale', s.bScale], ['C_scale', s.cScale]] as const)
    if (!(v > 0 && Number.isFinite(v)) || fp32(v) !== v) throw new OpError(`${OP}: ${what} ${v} must be a positive finite float32 value`);
  checkZeroPoints([s.aZeroPoint, s.bZeroPoint, s.cZeroPoint], s.type, OP);
  if (s.scalarA !== undefined && s.scalarB !== undefined) throw new OpError(`${OP}: at most one input can be a broadcast scalar`);
  const scalar = s.scalarA ?? s.scalarB;
  if (scalar !== undefined) checkZeroPoints([scalar], s.type, OP);
  if (s.formulation !== undefined && !Object.hasOwn(QADD_FORMULATIONS, s.formulation))
    throw new OpError(`${OP}: unknown formulation '${String(s.formulation)}' (${Object.keys(QADD_FORMULATIONS).join(', ')})`);
  return s.scalarA !== undefined ? 'a' : s.scalarB !== undefined ? 'b' : 'none';
}

/** y += d * [x == x0][y == y0] in f16 over the indicator inputs `xs` (f16 copies of the inputs). */
function correctionSteps(c: QAddCorrection, inputs: readonly { ref: Ref; value: number }[], y: Ref): Step[] {
  const acc: Ref = 'tmp5';
  const part: Ref = 'tmp6';
  const mismatch = (dst: Ref, src: Ref, v: number): Step[] => [
    { op: 'adds', dtype: 'f16', dst, src, value: -v + 0 },
    { op: 'abs', dtype: 'f16', dst, src: dst },
    { op: 'mins', dtype: 'f16', dst, src: dst, value: 1 },
  ];
  const [first, second] = inputs;
  return [
    ...mismatch(acc, first!.ref, first!.value),
    ...(second ? [...mismatch(part, second.ref, second.value), { op: 'add', dtype: 'f16', dst: acc, src0: acc, src1: part } as const, { op: 'mins', dtype: 'f16', dst: acc, src: acc, value: 1 } as const] : []),
    { op: 'muls', dtype: 'f16', dst: acc, src: acc, value: -c.delta + 0 },
    { op: 'add', dtype: 'f16', dst: y, src0: y, src1: acc },
    { op: 'adds', dtype: 'f16', dst: y, src: y, value: c.delta },
  ];
}

/** One streamed input: its GM name, scale ratio, zero point and its value in a correction. */
interface Stream {
  readonly name: 'a' | 'b';
  readonly r: number;
  readonly z: number;
  readonly pick: (c: QAddCorrection) => number;
}

/** What a chain needs besides the streams. */
interface ChainArgs {
  readonly k: QAddConsts;
  /** F with a broadcast scalar's product folded in ('mul-add') */
  readonly fixed: number;
  /** the broadcast scalar's term fp32((s - zS) * rS) ('dequant-sum'), else 0 */
  readonly scalarTerm: number;
}

const half = (i: number): Ref => (i === 0 ? 'tmp0' : 'tmp1');
const wide = (i: number): Ref => (i === 0 ? 'tmp2' : 'tmp3');
/** Every chain leaves its float32 value here. */
const V: Ref = 'tmp2';

const widen = (streams: readonly Stream[], type: QType): Step[] =>
  streams.flatMap((_, i): Step[] => [
    { op: 'conv', to: 'f16', from: type, dst: half(i), src: `in${i}` },
    { op: 'conv', to: 'f32', from: 'f16', dst: wide(i), src: half(i) },
  ]);

/** The float32 steps of each device chain (after widening), ending with the value in V. */
const CHAINS: Readonly<Record<DeviceChain, (streams: readonly Stream[], c: ChainArgs) => Step[]>> = {
  // the last stream takes F first (b * rB + F with two inputs), then the other product is added
  'mul-add': (streams, c) => {
    const last = streams.length - 1;
    return [
      { op: 'muls', dtype: 'f32', dst: wide(last), src: wide(last), value: streams[last]!.r },
      { op: 'adds', dtype: 'f32', dst: wide(last), src: wide(last), value: c.fixed },
      ...(last === 1 ? ([{ op: 'muls', dtype: 'f32', dst: V, src: V, value: c.k.rA }, { op: 'add', dtype: 'f32', dst: V, src0: V, src1: wide(1) }] as const) : []),
    ];
  },
  'dequant-sum': (streams, c) => [
    ...streams.flatMap((st, i): Step[] => [
      { op: 'adds', dtype: 'f32', dst: wide(i), src: wide(i), value: -st.z + 0 },
      { op: 'muls', dtype: 'f32', dst: wide(i), src: wide(i), value: st.r },
    ]),
    streams.length === 2 ? { op: 'add', dtype: 'f32', dst: V, src0: V, src1: wide(1) } : { op: 'adds', dtype: 'f32', dst: V, src: V, value: c.scalarTerm },
    { op: 'adds', dtype: 'f32', dst: V, src: V, value: c.k.zC },
  ],
};

/** Generates QLinearAdd; GM tensors: inputs `a` and `b` (a broadcast scalar has none), output `c`. */
export function generateQLinearAdd(s: QLinearAddSpec, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  const bc = checkSpec(s);
  const name = s.formulation ?? QLINEAR_ADD_DEFAULT;
  const f = QADD_FORMULATIONS[name];
  const k = qaddConsts(s);
  const scalar = s.scalarA ?? s.scalarB ?? 0;
  const [rS, zS] = bc === 'a' ? [k.rA, k.zA] : [k.rB, k.zB];
  const args: ChainArgs = {
    k,
    fixed: bc === 'none' ? f.fixed(k, bc) : fp32(f.fixed(k, bc) + fp32(scalar * rS)),
    scalarTerm: bc === 'none' ? 0 : fp32((scalar - zS) * rS),
  };
  const corrections = qaddCorrections(name, k, bc, scalar);
  const [qmin, qmax] = QRANGE[s.type];
  const streams: Stream[] = [
    ...(bc === 'a' ? [] : [{ name: 'a', r: k.rA, z: k.zA, pick: (c: QAddCorrection) => c.a } as const]),
    ...(bc === 'b' ? [] : [{ name: 'b', r: k.rB, z: k.zB, pick: (c: QAddCorrection) => c.b } as const]),
  ];
  const y: Ref = 'tmp4';
  const steps: Step[] = [
    ...widen(streams, s.type),
    ...CHAINS[f.device](streams, args),
    { op: 'maxs', dtype: 'f32', dst: V, src: V, value: qmin },
    { op: 'mins', dtype: 'f32', dst: V, src: V, value: qmax },
    { op: 'conv', to: 's32', from: 'f32', round: 'rint', dst: V, src: V },
    { op: 'conv', to: 'f16', from: 's32', dst: y, src: V },
    ...corrections.flatMap((c) => correctionSteps(c, streams.map((st, i) => ({ ref: half(i), value: st.pick(c) })), y)),
    { op: 'conv', to: s.type, from: 'f16', dst: 'out0', src: y },
  ];
  return streamKernel(
    {
      name: 'qlinear_add',
      dims: s.dims,
      inputs: streams.map((st) => ({ name: st.name, dtype: s.type })),
      outputs: [{ name: 'c', dtype: s.type }],
      temps: ['f16', 'f16', 'f32', 'f32', 'f16', ...(corrections.length > 0 ? (['f16', 'f16'] as const) : [])],
      steps,
      notes: [
        `QLinearAdd ${s.type}, formulation '${name}' (to be confirmed against ORT fixtures): ${f.doc}`,
        `device chain '${f.device}' with rA = ${k.rA}, rB = ${k.rB}${f.device === 'mul-add' ? `, F = ${args.fixed}` : ''}${bc !== 'none' ? ` (broadcast ${bc.toUpperCase()} = ${scalar} folded on the host)` : ''}; ${corrections.length} tie correction(s)`,
      ],
    },
    cfg,
    tiling,
  );
}
