/**
 * ONNX QuantizeLinear (opset 21, per tensor or per axis): q = sat(RNE(fp32(x / scale)) + zp) with a
 * true float32 division (ORT divides; it does not multiply by 1/scale).
 */
import { clamp, fp32, qrange, rne } from './arith.js';
import { intAttr, intArray, need, perChannel, RefError, sizeOf, type RefAttrs, type RefDtype, type RefInputs, type RefTensor } from './tensor.js';

/** TensorProto data type codes of output_dtype. */
const OUTPUT_DTYPES: Readonly<Record<number, RefDtype>> = { 2: 'uint8', 3: 'int8' };

/** The channel count and the stride (elements per channel step) of `axis` in `dims`. */
export function axisGeometry(dims: readonly number[], attrs: RefAttrs, op: string): { channels: number; inner: number } {
  if (dims.length === 0) return { channels: 1, inner: 1 };
  const raw = intAttr(attrs, 'axis', 1);
  const axis = raw < 0 ? raw + dims.length : raw;
  if (axis < 0 || axis >= dims.length) throw new RefError(`${op}: axis ${raw} out of range for rank ${dims.length}`);
  return { channels: dims[axis]!, inner: sizeOf(dims.slice(axis + 1)) };
}

/** QuantizeLinear: y from x, y_scale and the optional y_zero_point (absent: uint8 with zero point 0). */
export function quantizeLinear(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const op = 'QuantizeLinear';
  const x = need(inputs, 'x', op);
  const scale = need(inputs, 'y_scale', op);
  const zpT = inputs['y_zero_point'];
  if (intAttr(attrs, 'block_size', 0) !== 0) throw new RefError(`${op}: blocked quantisation is not supported`);
  const outType = zpT?.dtype ?? OUTPUT_DTYPES[intAttr(attrs, 'output_dtype', 2)];
  if (!outType) throw new RefError(`${op}: output_dtype ${String(attrs['output_dtype'])} is not int8 or uint8`);
  const [qmin, qmax] = qrange(outType);
  const perAxis = scale.data.length !== 1;
  const { channels, inner } = perAxis ? axisGeometry(x.dims, attrs, op) : { channels: 1, inner: 1 };
  const s = perChannel(scale, channels, 'y_scale');
  const z = perChannel(zpT, channels, 'y_zero_point');
  const y = intArray(outType, x.data.length);
  for (let i = 0; i < y.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const zp = z(c);
    // ORT clamps the quotient to [qmin - zp, qmax - zp] before rounding: the same as saturating after
    y[i] = rne(clamp(fp32(x.data[i]! / s(c)), qmin - zp, qmax - zp)) + zp;
  }
  return { dtype: outType, dims: [...x.dims], data: y };
}
