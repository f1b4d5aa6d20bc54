/**
 * com.microsoft QLinearGlobalAveragePool as MLAS computes it
 * (microsoft/onnxruntime:onnxruntime/core/mlas/lib/qlgavgpool.cpp, x86):
 * acc = sum(x) - x_zp * N in int32, scale = fp32(x_scale / fp32(y_scale * N)),
 * y = sat(RNE(clamp(fp32(fp32(acc) * scale), qmin - y_zp, qmax - y_zp)) + y_zp) (MLAS's GEMM
 * requantisation). ORT rejects N >= 2^24 and scales outside [2^-32, 256).
 */
import { fp32, qrange, requantize } from './arith.js';
import { intArray, intAttr, need, perChannel, RefError, sizeOf, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** The per-channel global average of `image` stored integers, as MLAS requantises it. */
export function globalAverage(op: string, s: { xs: number; zx: number; ys: number; zy: number }, image: number, qmin: number, qmax: number): (sum: number) => number {
  if (image >= 2 ** 24) throw new RefError(`${op}: image too large`);
  const scale = fp32(s.xs / fp32(s.ys * fp32(image)));
  if (!(scale >= 2 ** -32 && scale < 256)) throw new RefError(`${op}: parameter out of computation range`);
  return (sum) => requantize(sum - s.zx * image, scale, s.zy, qmin, qmax);
}

/** The scales and zero points of a QLinear pooling node. */
export function poolScales(inputs: RefInputs): { xs: number; zx: number; ys: number; zy: number } {
  const v = (name: string) => perChannel(inputs[name], 1, name)(0);
  return { xs: v('x_scale'), zx: v('x_zero_point'), ys: v('y_scale'), zy: v('y_zero_point') };
}

export function qlinearGlobalAveragePool(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const op = 'QLinearGlobalAveragePool';
  const x = need(inputs, 'X', op);
  const last = intAttr(attrs, 'channels_last', 0) !== 0;
  const n = x.dims[0]!;
  const c = last ? x.dims[x.dims.length - 1]! : x.dims[1]!;
  const image = sizeOf(x.dims) / (n * c);
  const [qmin, qmax] = qrange(x.dtype);
  const avg = globalAverage(op, poolScales(inputs), image, qmin, qmax);
  const y = intArray(x.dtype, n * c);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let p = 0; p < image; p++) sum += x.data[last ? (i * image + p) * c + ch : (i * c + ch) * image + p]!;
      y[i * c + ch] = avg(sum);
    }
  const dims = x.dims.map((d, k) => (k === 0 || k === (last ? x.dims.length - 1 : 1) ? d : 1));
  return { dtype: x.dtype, dims, data: y };
}
