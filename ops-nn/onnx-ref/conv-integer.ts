/** ONNX ConvInteger: exact int32 2-D convolution of zero-point-shifted operands; padding behaves as x_zero_point. */
import { convGeometry, intConv } from './int-conv.js';
import { need, perChannel, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** ConvInteger: y (int32) from x, w and the optional x_zero_point / w_zero_point (per output channel). */
export function convInteger(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const op = 'ConvInteger';
  const x = need(inputs, 'x', op);
  const w = need(inputs, 'w', op);
  const g = convGeometry(x, w, attrs, op);
  const xZp = perChannel(inputs['x_zero_point'], 1, 'x_zero_point')(0);
  const acc = intConv(x, w, g, xZp, perChannel(inputs['w_zero_point'], g.m, 'w_zero_point'));
  return { dtype: 'int32', dims: [g.n, g.m, g.oh, g.ow], data: Int32Array.from(acc) };
}
