/**
 * The host operators of a model run: the shape and float nodes that sit between the quantised ones,
 * computed on the host and not timed (the layer table says so). Each takes its inputs by ONNX
 * position (absent optional ones undefined) and the node's attributes, and returns its outputs.
 */
import type { AttrValue, GraphData, GraphDtype, GraphTensor } from '../graph.js';

export type HostInputs = readonly (GraphTensor | undefined)[];
export type HostAttrs = Readonly<Record<string, AttrValue>>;
/** Outputs by position, without names (the runner names them after the node's outputs). */
export type HostOutput = Omit<GraphTensor, 'name'>;
export type HostOp = (inputs: HostInputs, attrs: HostAttrs) => HostOutput[];

/** A user-facing problem with a node (bad shape, unsupported attribute value); the runner adds the node's name. */
export class HostOpError extends Error {}

export const fail = (msg: string): never => {
  throw new HostOpError(msg);
};

/** Input `pos`, required. */
export function need(inputs: HostInputs, pos: number, what: string): GraphTensor {
  return inputs[pos] ?? fail(`input ${pos} (${what}) is required`);
}

export const intAttr = (a: HostAttrs, name: string, fallback: number): number => {
  const v = a[name];
  return v?.type === 'int' ? v.value : fallback;
};
export const floatAttr = (a: HostAttrs, name: string, fallback: number): number => {
  const v = a[name];
  return v?.type === 'float' ? v.value : v?.type === 'int' ? v.value : fallback;
};
export const intsAttr = (a: HostAttrs, name: string): readonly number[] | undefined => {
  const v = a[name];
  return v?.type === 'ints' ? v.value : undefined;
};
export const stringAttr = (a: HostAttrs, name: string, fallback: string): string => {
  const v = a[name];
  return v?.type === 'string' ? v.value : fallback;
};

export const sizeOf = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/** An empty array of `dtype` with `n` elements. */
export function makeData<D extends GraphDtype>(dtype: D, n: number): GraphData[D] {
  const make: Record<GraphDtype, (n: number) => unknown> = {
    float32: (k) => new Float32Array(k),
    uint8: (k) => new Uint8Array(k),
    int8: (k) => new Int8Array(k),
    uint16: (k) => new Uint16Array(k),
    int16: (k) => new Int16Array(k),
    int32: (k) => new Int32Array(k),
    int64: (k) => new BigInt64Array(k),
    bool: (k) => new Uint8Array(k),
    float16: (k) => new Uint16Array(k),
    float64: (k) => new Float64Array(k),
    uint32: (k) => new Uint32Array(k),
    uint64: (k) => new BigUint64Array(k),
    bfloat16: (k) => new Uint16Array(k),
    string: (k) => new Array<string>(k).fill(''),
  };
  return make[dtype](n) as GraphData[D];
}

/** Integer values of a constant-like input (shapes, axes, pads), bigints converted. */
export const intsOf = (t: GraphTensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, Number);

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** An axis in [-rank, rank) as [0, rank). */
export function axisOf(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}
