/**
 * QLinearAdd (com.microsoft) arithmetic: the candidate formulations of ONNX Runtime 1.30 CPU, as
 * per-element functions (the reference), and the tie corrections that make the device kernel match
 * the chosen one bit for bit. TO BE CONFIRMED AGAINST ORT FIXTURES: no ONNX Runtime was at hand when
 * this was written; if the fixtures disagree, switch QLINEAR_ADD_DEFAULT (or pass `formulation`).
 *
 * With rA = fp32(sA / sC), rB = fp32(sB / sC) and raw inputs a, b (not zero-point shifted):
 * - 'avx2-fma' (default; ORT's MlasQLinearAddKernelAvx2Helper as read from its source): the zero
 *   points are folded into one constant F = fp32(zC - fma(rA, zA, fp32(rB * zB))) (the scalar
 *   expression zC - (rA*zA + rB*zB) as GCC contracts it with -mfma; an assumption), and
 *   v = fma(a, rA, fma(b, rB, F)). With a broadcast scalar s on one side, F' = fp32(F + fp32(s * r))
 *   and v = fma(x, rX, F') for the other input x; ORT hands a scalar A to the kernel as its scalar
 *   B (QLinearAdd<T>::Compute swaps the inputs), so then F contracts rB * zB instead.
 * - 'mul-add': the same association without contraction (two roundings per multiply-add):
 *   F = fp32(zC - fp32(fp32(rA * zA) + fp32(rB * zB))), v = fp32(fp32(a * rA) + fp32(fp32(b * rB) + F)).
 * - 'dequant-sum': v = fp32(fp32(fp32((a - zA) * rA) + fp32((b - zB) * rB)) + zC).
 * Then y = sat(cvt(v)) where cvt is CVTPS2DQ (round half to even; NaN or out of int32 range gives
 * INT32_MIN) and sat the int16 then int8/uint8 pack saturations.
 *
 * Each formulation names the device chain that computes it: 'mul-add' and 'dequant-sum' run exactly
 * as written (vmuls, vadds, vadd are single float32 roundings; a - z is exact). The vector unit has no
 * FMA, so 'avx2-fma' runs the 'mul-add' chain with its own F. The output depends only on the pair
 * (a, b), 65536 cases, so the host enumerates them at generation time and lists the pairs where the
 * formulation's y differs from its chain's (near-ties, where an FMA's single rounding decides the
 * half-integer); the kernel then adds d * [a == a0][b == b0] to each such pair in float16,
 * branch-free. Random scales give about one such pair; power-of-two scale ratios give none.
 */
import { OpError } from '../kernel.js';
import type { QType } from '../quant/common.js';
import { fmaF32 } from './fma.js';

const fp32 = Math.fround;

/** Scales and zero points of a QLinearAdd. */
export interface QAddParams {
  readonly aScale: number;
  readonly aZeroPoint: number;
  readonly bScale: number;
  readonly bZeroPoint: number;
  readonly cScale: number;
  readonly cZeroPoint: number;
  readonly type: QType;
}

/** The constants every formulation starts from. */
export interface QAddConsts {
  readonly rA: number;
  readonly rB: number;
  readonly zA: number;
  readonly zB: number;
  readonly zC: number;
  readonly qmin: number;
  readonly qmax: number;
}

/** Which input is one broadcast scalar (its value is passed as that input for every element). */
export type Broadcast = 'none' | 'a' | 'b';

/** Float32 operation chains the device runs (exactly). */
export type DeviceChain = 'mul-add' | 'dequant-sum';

/** One candidate arithmetic of QLinearAdd. */
export interface QAddFormulation {
  readonly doc: string;
  /** the chain the device runs; where it differs from `value`, tie corrections make up */
  readonly device: DeviceChain;
  /** the constant the device adds: zero points folded (mul-add association) */
  readonly fixed: (k: QAddConsts, bc: Broadcast) => number;
  /** v for one element pair; `f` is fixed(k) */
  readonly value: (a: number, b: number, k: QAddConsts, f: number, bc: Broadcast) => number;
}

const mulAddFixed = (k: QAddConsts) => fp32(k.zC - fp32(fp32(k.rA * k.zA) + fp32(k.rB * k.zB)));

/**
 * F of the AVX2 kernel. ORT passes a broadcast A as the kernel's scalar B (the tensor B becomes the
 * kernel's A), so then the contracted product is rB * zB.
 */
const fmaFixed = (k: QAddConsts, bc: Broadcast) =>
  bc === 'a' ? fp32(k.zC - fmaF32(k.rB, k.zB, fp32(k.rA * k.zA))) : fp32(k.zC - fmaF32(k.rA, k.zA, fp32(k.rB * k.zB)));

/** The candidate formulations (see the module header). */
export const QADD_FORMULATIONS = {
  'avx2-fma': {
    doc: 'ORT AVX2 kernel: v = fma(a, rA, fma(b, rB, F)), F = fp32(zC - fma(rA, zA, fp32(rB * zB)))',
    device: 'mul-add',
    fixed: fmaFixed,
    value: (a, b, k, f, bc) =>
      bc === 'b' ? fmaF32(a, k.rA, fp32(f + fp32(b * k.rB))) : bc === 'a' ? fmaF32(b, k.rB, fp32(f + fp32(a * k.rA))) : fmaF32(a, k.rA, fmaF32(b, k.rB, f)),
  },
  'mul-add': {
    doc: 'v = fp32(fp32(a * rA) + fp32(fp32(b * rB) + F)), F = fp32(zC - fp32(fp32(rA * zA) + fp32(rB * zB)))',
    device: 'mul-add',
    fixed: mulAddFixed,
    value: (a, b, k, f, bc) =>
      bc === 'b' ? fp32(fp32(a * k.rA) + fp32(f + fp32(b * k.rB))) : bc === 'a' ? fp32(fp32(b * k.rB) + fp32(f + fp32(a * k.rA))) : fp32(fp32(a * k.rA) + fp32(fp32(b * k.rB) + f)),
  },
  'dequant-sum': {
    doc: 'v = fp32(fp32(fp32((a - zA) * rA) + fp32((b - zB) * rB)) + zC)',
    device: 'dequant-sum',
    fixed: mulAddFixed,
    value: (a, b, k) => fp32(fp32(fp32((a - k.zA) * k.rA) + fp32((b - k.zB) * k.rB)) + k.zC),
  },
} as const satisfies Record<string, QAddFormulation>;

/** The names of the candidate formulations. */
export type QAddFormulationName = keyof typeof QADD_FORMULATIONS;

/** The formulation used unless a caller picks another (see the header: to be confirmed). */
export const QLINEAR_ADD_DEFAULT: QAddFormulationName = 'avx2-fma';

const RANGES: Readonly<Record<QType, readonly [number, number]>> = { s8: [-128, 127], u8: [0, 255] };

/** The constants of `p`. */
export function qaddConsts(p: QAddParams): QAddConsts {
  const [qmin, qmax] = RANGES[p.type];
  return { rA: fp32(p.aScale / p.cScale), rB: fp32(p.bScale / p.cScale), zA: p.aZeroPoint, zB: p.bZeroPoint, zC: p.cZeroPoint, qmin, qmax };
}

/** CVTPS2DQ then the int16 and 8-bit pack saturations. */
export function ortConvert(v: number, k: QAddConsts): number {
  const r = Number.isNaN(v) ? NaN : Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v);
  const i32 = Number.isNaN(r) || r >= 2 ** 31 || r < -(2 ** 31) ? -(2 ** 31) : r;
  return Math.min(Math.max(i32, k.qmin), k.qmax);
}

/** The reference per-element function of a formulation: y for inputs (a, b). */
export function qaddElement(name: QAddFormulationName, k: QAddConsts, bc: Broadcast): (a: number, b: number) => number {
  const f = QADD_FORMULATIONS[name];
  const fixed = f.fixed(k, bc);
  return (a, b) => ortConvert(f.value(a, b, k, fixed, bc), k);
}

/** What the device computes before corrections: its chain with `fixed`, clamped in float, rint. */
export function deviceElement(chain: DeviceChain, k: QAddConsts, fixed: number, bc: Broadcast): (a: number, b: number) => number {
  const v = QADD_FORMULATIONS[chain].value;
  return (a, b) => {
    const x = v(a, b, k, fixed, bc);
    const c = Number.isNaN(x) ? k.qmin : Math.min(Math.max(x, k.qmin), k.qmax);
    return Math.abs(c % 1) === 0.5 ? 2 * Math.round(c / 2) : Math.round(c);
  };
}

/** One corrected input pair: add `delta` where a == a and b == b (b ignored when it is broadcast). */
export interface QAddCorrection {
  readonly a: number;
  readonly b: number;
  readonly delta: number;
}

/** Most corrections a kernel applies (each costs about a dozen f16 vector ops per element). */
export const MAX_CORRECTIONS = 64;

/**
 * The input pairs where the device chain's result differs from formulation `name`. `scalar` is the
 * value of the broadcast input, if any.
 */
export function qaddCorrections(name: QAddFormulationName, k: QAddConsts, bc: Broadcast, scalar: number): QAddCorrection[] {
  const want = qaddElement(name, k, bc);
  const got = deviceElement(QADD_FORMULATIONS[name].device, k, QADD_FORMULATIONS[name].fixed(k, bc), bc);
  const [lo, hi] = k.qmin < 0 ? [-128, 127] : [0, 255];
  const out: QAddCorrection[] = [];
  const as = bc === 'a' ? [scalar] : range(lo, hi);
  const bs = bc === 'b' ? [scalar] : range(lo, hi);
  for (const a of as)
    for (const b of bs) {
      const d = want(a, b) - got(a, b);
      if (d !== 0) out.push({ a, b, delta: d });
    }
  if (out.length > MAX_CORRECTIONS)
    throw new OpError(`QLinearAdd: ${out.length} input pairs differ between the device arithmetic and formulation '${name}' (at most ${MAX_CORRECTIONS} are corrected); the scales are out of the supported range`);
  return out;
}

const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
