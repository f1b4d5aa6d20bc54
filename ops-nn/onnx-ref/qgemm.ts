/**
 * com.microsoft QGemm with a quantised output: A' = transA ? A^T : A, B' likewise, exact int32
 * accumulation of (A' - a_zp)(B' - b_zp[j]) plus the int32 bias C[j], then the requantisation with
 * M[j] = fp32(fp32(fp32(alpha * a_scale) * b_scale[j]) / y_scale), as ORT's QGemm kernel computes it.
 */
import { fp32, qrange, requantize } from './arith.js';
import { intMatmul } from './int-matmul.js';
import { intAttr, need, perChannel, RefError, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

const transpose = (t: RefTensor): RefTensor => {
  const [r, c] = t.dims as [number, number];
  const data = new (t.data.constructor as new (n: number) => RefTensor['data'])(t.data.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, dims: [c, r], data };
};

export function qgemm(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const op = 'QGemm';
  let a = need(inputs, 'A', op);
  let b = need(inputs, 'B', op);
  if (a.dims.length !== 2 || b.dims.length !== 2) throw new RefError(`${op}: A and B must be 2-D`);
  if (intAttr(attrs, 'transA', 0)) a = transpose(a);
  if (intAttr(attrs, 'transB', 0)) b = transpose(b);
  const alpha = attrs['alpha'] === undefined ? 1 : (attrs['alpha'] as number);
  const yZp = need(inputs, 'y_zero_point', op);
  const n = b.dims[1]!;
  const aScale = perChannel(need(inputs, 'a_scale', op), 1, 'a_scale')(0);
  const aZp = perChannel(need(inputs, 'a_zero_point', op), 1, 'a_zero_point');
  const bScale = perChannel(need(inputs, 'b_scale', op), n, 'b_scale');
  const bZp = perChannel(need(inputs, 'b_zero_point', op), n, 'b_zero_point');
  const cd = inputs['C']?.data;
  if (cd && cd.length !== 1 && cd.length !== n) throw new RefError(`${op}: C must be a scalar or one value per column`);
  const bias = (j: number) => (!cd ? 0 : cd.length === 1 ? cd[0]! : cd[j]!);
  const yScale = perChannel(need(inputs, 'y_scale', op), 1, 'y_scale')(0);
  const zp = perChannel(yZp, 1, 'y_zero_point')(0);
  const [qmin, qmax] = qrange(yZp.dtype);
  const p = intMatmul(a, b, aZp, (_, j) => bZp(j), op);
  const y = new (yZp.dtype === 'int8' ? Int8Array : Uint8Array)(p.acc.length);
  for (let i = 0; i < y.length; i++) {
    const j = i % n;
    const m = fp32(fp32(fp32(alpha * aScale) * bScale(j)) / yScale);
    // the int32 accumulator wraps as ORT's does (bias added in int32); real cases stay far inside
    y[i] = requantize((p.acc[i]! + bias(j)) | 0, m, zp, qmin, qmax);
  }
  return { dtype: yZp.dtype, dims: p.dims, data: y };
}
