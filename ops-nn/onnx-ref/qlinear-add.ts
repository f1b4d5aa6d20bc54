/**
 * com.microsoft QLinearAdd as ONNX Runtime's AVX2 kernel computes it (measured against ORT 1.30 on
 * x86-64), for A and B of one shape or one of them a single element (broadcast). With
 * rA = fp32(sA / sC) and rB = fp32(sB / sC):
 *   A has more than one element (the vector loop, also when B is a broadcast scalar; the compiler
 *   contracts rA*zA + rB*zB as shown):
 *     k = fp32(zC - fma(rA, zA, fp32(rB * zB)));  v = fma(A, rA, fma(B, rB, k))
 *   A has exactly one element (ORT's "A is a scalar" path, also for same-shape single elements;
 *   contracted the other way):
 *     k = fp32(zC - fma(rB, zB, fp32(rA * zA)));  v = fma(B, rB, fma(A, rA, k))
 *   C = sat(RNE(v))
 * fma is one float32 rounding; the zero point of C is added inside the float sum before rounding.
 * Other broadcasts (ORT splits them into spans, each on one of these paths) are not modelled.
 */
import { clamp, fmaF32, fp32, qrange, rne } from './arith.js';
import { intArray, need, perChannel, RefError, type RefAttrs, type RefDtype, type RefInputs, type RefTensor } from './tensor.js';

/** Scales and zero points of a QLinearAdd. */
export interface AddParams {
  readonly sa: number;
  readonly za: number;
  readonly sb: number;
  readonly zb: number;
  readonly sc: number;
  readonly zc: number;
}

/** The float value before rounding, from the ratios, as one of ORT's two code paths computes it. */
interface AddPath {
  readonly fixed: (ra: number, rb: number, p: AddParams) => number;
  readonly value: (a: number, b: number, ra: number, rb: number, k: number) => number;
}

const PATHS: Readonly<Record<'vector' | 'single', AddPath>> = {
  vector: {
    fixed: (ra, rb, p) => fp32(p.zc - fmaF32(ra, p.za, fp32(rb * p.zb))),
    value: (a, b, ra, rb, k) => fmaF32(a, ra, fmaF32(b, rb, k)),
  },
  single: {
    fixed: (ra, rb, p) => fp32(p.zc - fmaF32(rb, p.zb, fp32(ra * p.za))),
    value: (a, b, ra, rb, k) => fmaF32(b, rb, fmaF32(a, ra, k)),
  },
};

/**
 * The element function C = f(A, B) of a QLinearAdd with parameters `p` and output type `dtype`;
 * `single` when A has exactly one element.
 */
export function qlinearAddElement(p: AddParams, dtype: RefDtype, single = false): (a: number, b: number) => number {
  const path = PATHS[single ? 'single' : 'vector'];
  const ra = fp32(p.sa / p.sc);
  const rb = fp32(p.sb / p.sc);
  const k = path.fixed(ra, rb, p);
  const [qmin, qmax] = qrange(dtype);
  return (a, b) => clamp(rne(path.value(a, b, ra, rb, k)), qmin, qmax);
}

/** Output dims of A + B when both have one shape or one of them has a single element. */
function outputDims(a: RefTensor, b: RefTensor, op: string): number[] {
  const single = a.data.length === 1 || b.data.length === 1;
  if (!single && a.dims.join() !== b.dims.join())
    throw new RefError(`${op}: A [${a.dims.join(',')}] and B [${b.dims.join(',')}] must have one shape or one element (other broadcasts are not modelled)`);
  const rank = Math.max(a.dims.length, b.dims.length);
  const at = (d: readonly number[], i: number) => d[d.length - rank + i] ?? 1;
  return Array.from({ length: rank }, (_, i) => Math.max(at(a.dims, i), at(b.dims, i)));
}

/** QLinearAdd: C (the dtype of A) from A, B and their scales and zero points. */
export function qlinearAdd(inputs: RefInputs, _attrs: RefAttrs): RefTensor {
  const op = 'QLinearAdd';
  const a = need(inputs, 'A', op);
  const b = need(inputs, 'B', op);
  const dims = outputDims(a, b, op);
  const s = (name: string) => perChannel(inputs[name], 1, name)(0);
  const p = { sa: s('A_scale'), za: s('A_zero_point'), sb: s('B_scale'), zb: s('B_zero_point'), sc: s('C_scale'), zc: s('C_zero_point') };
  const f = qlinearAddElement(p, a.dtype, a.data.length === 1);
  const c = intArray(a.dtype, dims.reduce((n, d) => n * d, 1));
  const ai = a.data.length === 1 ? () => 0 : (i: number) => i;
  const bi = b.data.length === 1 ? () => 0 : (i: number) => i;
  for (let i = 0; i < c.length; i++) c[i] = f(a.data[ai(i)]!, b.data[bi(i)]!);
  return { dtype: a.dtype, dims, data: c };
}
