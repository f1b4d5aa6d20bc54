/**
 * ONNX QLinearConv: exact int32 accumulation of (x - x_zp)(w - w_zp[m]) plus the int32 bias, then the
 * QLinear requantisation with M[m] = fp32(fp32(x_scale * w_scale[m]) / y_scale).
 */
import { qrange, requantize, requantScale } from './arith.js';
import { convGeometry, intConv } from './int-conv.js';
import { intArray, need, perChannel, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** QLinearConv: y (the dtype of y_zero_point) from its eight inputs and the optional bias B. */
export function qlinearConv(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const op = 'QLinearConv';
  const x = need(inputs, 'x', op);
  const w = need(inputs, 'w', op);
  const yZp = need(inputs, 'y_zero_point', op);
  const g = convGeometry(x, w, attrs, op);
  const xScale = perChannel(need(inputs, 'x_scale', op), 1, 'x_scale')(0);
  const xZp = perChannel(need(inputs, 'x_zero_point', op), 1, 'x_zero_point')(0);
  const wScale = perChannel(need(inputs, 'w_scale', op), g.m, 'w_scale');
  const wZp = perChannel(need(inputs, 'w_zero_point', op), g.m, 'w_zero_point');
  const yScale = perChannel(need(inputs, 'y_scale', op), 1, 'y_scale')(0);
  const zp = perChannel(yZp, 1, 'y_zero_point')(0);
  const bias = inputs['B'] ? perChannel(inputs['B'], g.m, 'B') : () => 0;
  const [qmin, qmax] = qrange(yZp.dtype);
  const acc = intConv(x, w, g, xZp, wZp);
  const plane = g.oh * g.ow;
  const y = intArray(yZp.dtype, acc.length);
  for (let i = 0; i < y.length; i++) {
    const m = Math.floor(i / plane) % g.m;
    y[i] = requantize(acc[i]! + bias(m), requantScale(xScale, wScale(m), yScale), zp, qmin, qmax);
  }
  return { dtype: yZp.dtype, dims: [g.n, g.m, g.oh, g.ow], data: y };
}
