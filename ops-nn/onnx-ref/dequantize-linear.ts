/** ONNX DequantizeLinear (opset 21, per tensor or per axis): x = fp32(fp32(q - zp) * scale). */
import { roundF16 } from '../../isa/numeric/float16.js';
import { fp32 } from './arith.js';
import { axisGeometry } from './quantize-linear.js';
import { need, perChannel, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** DequantizeLinear: y (the dtype of x_scale) from x, x_scale and the optional x_zero_point. */
export function dequantizeLinear(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const op = 'DequantizeLinear';
  const q = need(inputs, 'x', op);
  const scale = need(inputs, 'x_scale', op);
  const perAxis = scale.data.length !== 1;
  const { channels, inner } = perAxis ? axisGeometry(q.dims, attrs, op) : { channels: 1, inner: 1 };
  const s = perChannel(scale, channels, 'x_scale');
  const z = perChannel(inputs['x_zero_point'], channels, 'x_zero_point');
  // float16 output: the float32 product rounded once more (not covered by the ORT fixtures)
  const round = scale.dtype === 'float16' ? (v: number) => roundF16(v) : fp32;
  const y = new Float32Array(q.data.length);
  for (let i = 0; i < y.length; i++) {
    const c = Math.floor(i / inner) % channels;
    y[i] = round(fp32(fp32(q.data[i]! - z(c)) * s(c)));
  }
  return { dtype: scale.dtype, dims: [...q.dims], data: y };
}
