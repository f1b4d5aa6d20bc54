/**
 * ONNX QLinearMatMul: exact int32 accumulation of (a - a_zp)(b - b_zp[j]), then the QLinear
 * requantisation with M[j] = fp32(fp32(a_scale * b_scale[j]) / y_scale) (b parameters per tensor, per
 * column, or per batch and column).
 */
import { qrange, requantize, requantScale } from './arith.js';
import { bParam, intMatmul } from './int-matmul.js';
import { intArray, need, perChannel, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** QLinearMatMul: y (the dtype of y_zero_point) from its eight inputs. */
export function qlinearMatmul(inputs: RefInputs, _attrs: RefAttrs): RefTensor {
  const op = 'QLinearMatMul';
  const a = need(inputs, 'a', op);
  const b = need(inputs, 'b', op);
  const yZp = need(inputs, 'y_zero_point', op);
  const aScale = perChannel(need(inputs, 'a_scale', op), 1, 'a_scale')(0);
  const aZp = perChannel(need(inputs, 'a_zero_point', op), 1, 'a_zero_point');
  const bScale = bParam(need(inputs, 'b_scale', op), b, 'b_scale');
  const bZp = bParam(need(inputs, 'b_zero_point', op), b, 'b_zero_point');
  const yScale = perChannel(need(inputs, 'y_scale', op), 1, 'y_scale')(0);
  const zp = perChannel(yZp, 1, 'y_zero_point')(0);
  const [qmin, qmax] = qrange(yZp.dtype);
  const p = intMatmul(a, b, aZp, bZp, op);
  const y = intArray(yZp.dtype, p.acc.length);
  for (let i = 0; i < y.length; i++) {
    const mult = requantScale(aScale, bScale(p.bBatch[Math.floor(i / (p.m * p.n))]!, i % p.n), yScale);
    y[i] = requantize(p.acc[i]!, mult, zp, qmin, qmax);
  }
  return { dtype: yZp.dtype, dims: p.dims, data: y };
}
