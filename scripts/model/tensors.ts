/**
 * Model tensors (graph.ts: float16 as bits, int64 as bigints, every ONNX type) to and from the host
 * tensors the ops-nn operators take (five types, float16 as values), and the element-wise comparison a
 * --test-data run makes: integers exactly, floats by their bits.
 */
import { f16BitsToNumber, numberToF16Bits } from '../../isa/numeric/float16.js';
import { ONNX_DTYPES, type HostTensor, type OnnxDtype } from '../../ops-nn/onnx/index.js';
import type { GraphData, GraphDtype, GraphTensor } from './graph.js';

/** Whether the operators of ops-nn take tensors of `dtype`. */
export const isHostDtype = (dtype: GraphDtype): dtype is OnnxDtype => (ONNX_DTYPES as readonly string[]).includes(dtype);

/** A graph tensor as a host tensor (the caller has checked the dtype with isHostDtype). */
export function toHost(t: GraphTensor): HostTensor {
  if (!isHostDtype(t.dtype)) throw new Error(`${t.name}: ${t.dtype} is not a host tensor type`);
  const data = t.dtype === 'float16' ? Float32Array.from(t.data as Uint16Array, f16BitsToNumber) : (t.data as HostTensor['data']);
  return { dtype: t.dtype, dims: t.dims, data };
}

/** A host tensor as the graph tensor `name`. */
export function fromHost(name: string, t: HostTensor): GraphTensor {
  const data = t.dtype === 'float16' ? Uint16Array.from(t.data, (v) => numberToF16Bits(v)) : t.data;
  return { name, dtype: t.dtype, dims: [...t.dims], data: data as GraphData[OnnxDtype] };
}

/** Where two tensors first differ (dtype, dims, or the first element not equal bit for bit), or null. */
export function firstDifference(got: GraphTensor, want: GraphTensor): string | null {
  if (got.dtype !== want.dtype) return `dtype ${got.dtype}, expected ${want.dtype}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `dims [${got.dims.join(', ')}], expected [${want.dims.join(', ')}]`;
  const bits = (t: GraphTensor): ArrayLike<unknown> => {
    const d = t.data as ArrayLike<unknown> & { buffer?: ArrayBufferLike; byteOffset?: number; byteLength?: number };
    if (t.dtype === 'float32') return new Uint32Array(d.buffer!, d.byteOffset, d.byteLength! / 4);
    if (t.dtype === 'float64') return new BigUint64Array(d.buffer!, d.byteOffset, d.byteLength! / 8);
    return d;
  };
  const g = bits(got);
  const w = bits(want);
  let count = 0;
  let first = -1;
  for (let i = 0; i < w.length; i++)
    if (g[i] !== w[i]) {
      count++;
      if (first < 0) first = i;
    }
  if (count === 0) return null;
  const show = (t: GraphTensor, i: number) => String((t.data as ArrayLike<unknown>)[i]);
  return `${count} of ${w.length} elements differ; the first at [${first}]: ${show(got, first)}, expected ${show(want, first)}`;
}
