/**
 * com.microsoft QLinearAveragePool as ORT computes it
 * (microsoft/onnxruntime:onnxruntime/contrib_ops/cpu/quantization/qlinear_pool.cc):
 * d = fp32(x_scale * (x - x_zp)) per element; the window's d summed in float32 in row-major order;
 * divided in float32 by the element count (kernel size with count_include_pad, else the elements
 * inside the input); y = sat(nearbyint(fp32(fp32(avg / y_scale) + y_zp))). A window equal to the
 * whole unpadded image goes to the global average pool instead (integer sums, MLAS's scale).
 */
import { moveChannelAxis } from '../layout.js';
import { clamp, fp32, qrange, rne } from './arith.js';
import { forEachWindow, poolWindows } from './pool-window.js';
import { globalAverage, poolScales } from './qlinear-global-average-pool.js';
import { intArray, intAttr, need, sizeOf, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

/** N x spatial x C <-> N x C x spatial. */
function moveChannels(t: RefTensor, toFirst: boolean): RefTensor {
  const n = t.dims[0]!;
  const c = toFirst ? t.dims[t.dims.length - 1]! : t.dims[1]!;
  const spatial = toFirst ? t.dims.slice(1, -1) : t.dims.slice(2);
  const data = moveChannelAxis(t.data, n, c, sizeOf(spatial), toFirst);
  return { dtype: t.dtype, dims: toFirst ? [n, c, ...spatial] : [n, ...spatial, c], data };
}

export function qlinearAveragePool(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const op = 'QLinearAveragePool';
  const last = intAttr(attrs, 'channels_last', 0) !== 0;
  const x0 = need(inputs, 'X', op);
  const x = last ? moveChannels(x0, true) : x0;
  const w = poolWindows(x.dims, attrs, op);
  const s = poolScales(inputs);
  const [qmin, qmax] = qrange(x.dtype);
  const dims = [x.dims[0]!, x.dims[1]!, ...w.out];
  const y = intArray(x.dtype, sizeOf(dims));
  const inPlane = sizeOf(w.spatial);
  const outPlane = sizeOf(w.out);
  const global = w.kernel.every((k, i) => k === w.spatial[i]) && [...w.head, ...w.tail].every((p) => p === 0);
  const includePad = intAttr(attrs, 'count_include_pad', 0) !== 0;
  const avg = global ? globalAverage(op, s, inPlane, qmin, qmax) : null;
  const dq = (v: number) => fp32(s.xs * (v - s.zx));
  forEachWindow(w, x.dims[0]! * x.dims[1]!, (p, o, idx) => {
    const vals = idx.map((i) => x.data[p * inPlane + i]!);
    if (avg) {
      y[p * outPlane + o] = avg(vals.reduce((a, b) => a + b, 0));
      return;
    }
    const sum = vals.reduce((a, v) => fp32(a + dq(v)), 0);
    const mean = fp32(sum / (includePad ? sizeOf(w.kernel) : idx.length));
    y[p * outPlane + o] = clamp(rne(fp32(fp32(mean / s.ys) + s.zy)), qmin, qmax);
  });
  const out: RefTensor = { dtype: x.dtype, dims, data: y };
  return last ? moveChannels(out, false) : out;
}
