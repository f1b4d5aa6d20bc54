/**
 * com.microsoft QLinearAdd, A and B of one shape, as ONNX Runtime's AVX2 kernel computes it:
 *   rA = fp32(sA / sC), rB = fp32(sB / sC)
 *   k  = fp32(zC - fma(rA, zA, fp32(rB * zB)))   (the compiler contracts rA*zA + rB*zB into one FMA)
 *   v  = fma(A, rA, fma(B, rB, k))               (two float32 FMAs per element, B first)
 *   C  = sat(RNE(v))
 * The zero point of C is added inside the float sum before rounding.
 */
import { fmaF32, fp32, qrange, rne, clamp } from './arith.js';
import { intArray, need, perChannel, RefError, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** QLinearAdd: C (the dtype of A) from A, B and their scales and zero points. */
export function qlinearAdd(inputs: RefInputs, _attrs: RefAttrs): RefTensor {
  const op = 'QLinearAdd';
  const a = need(inputs, 'A', op);
  const b = need(inputs, 'B', op);
  if (a.data.length !== b.data.length || a.dims.join() !== b.dims.join())
    throw new RefError(`${op}: A [${a.dims.join(',')}] and B [${b.dims.join(',')}] must have one shape (broadcasting is not modelled)`);
  const scalar = (name: string) => perChannel(inputs[name], 1, name)(0);
  const sc = scalar('C_scale');
  const ra = fp32(scalar('A_scale') / sc);
  const rb = fp32(scalar('B_scale') / sc);
  const k = fp32(scalar('C_zero_point') - fmaF32(ra, scalar('A_zero_point'), fp32(rb * scalar('B_zero_point'))));
  const [qmin, qmax] = qrange(a.dtype);
  const c = intArray(a.dtype, a.data.length);
  for (let i = 0; i < c.length; i++) c[i] = clamp(rne(fmaF32(a.data[i]!, ra, fmaF32(b.data[i]!, rb, k))), qmin, qmax);
  return { dtype: a.dtype, dims: [...a.dims], data: c };
}
