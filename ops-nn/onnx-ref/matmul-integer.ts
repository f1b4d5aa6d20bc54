/** ONNX MatMulInteger: exact int32 products of zero-point-shifted operands (per-column or per-batch-column b zero points). */
import { bParam, intMatmul } from './int-matmul.js';
import { need, perChannel, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** MatMulInteger: Y (int32) from A, B and the optional a_zero_point / b_zero_point. */
export function matmulInteger(inputs: RefInputs, _attrs: RefAttrs): RefTensor {
  const op = 'MatMulInteger';
  const a = need(inputs, 'A', op);
  const b = need(inputs, 'B', op);
  const rows = a.dims.length === 1 ? 1 : a.dims[a.dims.length - 2]!;
  const p = intMatmul(a, b, perChannel(inputs['a_zero_point'], rows, 'a_zero_point'), bParam(inputs['b_zero_point'], b, 'b_zero_point'), op);
  return { dtype: 'int32', dims: p.dims, data: Int32Array.from(p.acc) };
}
