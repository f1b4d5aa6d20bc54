/** Host tensors for operator tests: random 8-bit data and the scalar / vector parameters ONNX nodes take. */
import type { HostTensor } from '../../ops-nn/onnx/index.js';
import { randInt } from './rng.js';

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Random int8 data of `dims`, values in lo..hi. */
export const int8 = (r: () => number, dims: number[], lo = -128, hi = 127): HostTensor => ({ dtype: 'int8', dims, data: Int8Array.from({ length: count(dims) }, () => randInt(r, lo, hi)) });
/** Random uint8 data of `dims`. */
export const uint8 = (r: () => number, dims: number[]): HostTensor => ({ dtype: 'uint8', dims, data: Uint8Array.from({ length: count(dims) }, () => randInt(r, 0, 255)) });
/** Scalars and vectors of float32, int8 and uint8. */
export const f = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
export const fv = (v: number[]): HostTensor => ({ dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });
export const i8 = (v: number): HostTensor => ({ dtype: 'int8', dims: [], data: Int8Array.of(v) });
export const i8v = (v: number[]): HostTensor => ({ dtype: 'int8', dims: [v.length], data: Int8Array.from(v) });
export const u8 = (v: number): HostTensor => ({ dtype: 'uint8', dims: [], data: Uint8Array.of(v) });
