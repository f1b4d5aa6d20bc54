/**
 * ONNX MaxPool on int8 / uint8 (1-D and 2-D, dilations 1): each output the max of its window's
 * elements inside the input (ORT's integer pool loops; padding never takes part).
 */
import { poolWindows, forEachWindow } from './pool-window.js';
import { intArray, need, sizeOf, type RefAttrs, type RefInputs, type RefTensor } from './tensor.js';

export function maxPool(inputs: RefInputs, attrs: RefAttrs): RefTensor {
  const x = need(inputs, 'X', 'MaxPool');
  const w = poolWindows(x.dims, attrs, 'MaxPool');
  const dims = [x.dims[0]!, x.dims[1]!, ...w.out];
  const y = intArray(x.dtype, sizeOf(dims));
  const inPlane = sizeOf(w.spatial);
  const outPlane = sizeOf(w.out);
  forEachWindow(w, x.dims[0]! * x.dims[1]!, (p, o, idx) => {
    y[p * outPlane + o] = Math.max(...idx.map((i) => x.data[p * inPlane + i]!));
  });
  return { dtype: x.dtype, dims, data: y };
}
