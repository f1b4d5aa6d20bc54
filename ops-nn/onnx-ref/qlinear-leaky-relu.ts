/**
 * com.microsoft QLinearLeakyRelu as ORT computes it (microsoft/onnxruntime:onnxruntime/contrib_ops/
 * cpu/quantization/qlinear_lookup_table.cc): a table over the 256 stored values, each d = fp32(X_scale * (x - X_zp)),
 * v = d >= 0 ? d : fp32(alpha * d), quantised by MlasQuantizeLinear:
 * y = RNE(clamp(fp32(v / Y_scale), qmin - Y_zp, qmax - Y_zp)) + Y_zp. alpha defaults to 0.01.
 */
import { clamp, fp32, qrange, rne } from './arith.js';
import { intArray, need, perChannel, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

export function qlinearLeakyRelu(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const x = need(inputs, 'X', 'QLinearLeakyRelu');
  const v = (name: string) => perChannel(inputs[name], 1, name)(0);
  const [xs, zx, ys, zy] = [v('X_scale'), v('X_zero_point'), v('Y_scale'), v('Y_zero_point')];
  const alpha = fp32((attrs['alpha'] as number | undefined) ?? 0.01);
  const [qmin, qmax] = qrange(x.dtype);
  const f = (q: number) => {
    const d = fp32(xs * (q - zx));
    const l = d >= 0 ? d : fp32(alpha * d);
    return rne(clamp(fp32(l / ys), qmin - zy, qmax - zy)) + zy;
  };
  const y = intArray(x.dtype, x.data.length);
  for (let i = 0; i < y.length; i++) y[i] = f(x.data[i]!);
  return { dtype: x.dtype, dims: [...x.dims], data: y };
}
