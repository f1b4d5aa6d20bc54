/**
 * Tensors of the ONNX references: row-major typed data with ONNX dims and dtype names (the same shape
 * as the exec host tensors, so validated case inputs pass straight in), plus the shape helpers the
 * references share.
 */

/** ONNX element types the references handle (float16 held as its values in a Float32Array). */
export type RefDtype = 'int8' | 'uint8' | 'int32' | 'float32' | 'float16';

/** A row-major tensor. */
export interface RefTensor {
  readonly dtype: RefDtype;
  readonly dims: readonly number[];
  readonly data: Int8Array | Uint8Array | Int32Array | Float32Array;
}

/** Inputs by ONNX input name; absent optional inputs are undefined. */
export type RefInputs = Readonly<Record<string, RefTensor | undefined>>;

/** ONNX attributes by name. */
export type RefAttrs = Readonly<Record<string, unknown>>;

/** A reference of one ONNX operator: its single output from its inputs and attributes. */
export type OnnxReference = (inputs: RefInputs, attrs: RefAttrs) => RefTensor;

/** Error in the arguments of a reference (shapes, attributes, missing inputs). */
export class RefError extends Error {
  override readonly name = 'RefError';
}

/** Number of elements of `dims`. */
export const sizeOf = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** The input `name`, or a RefError naming the op. */
export function need(inputs: RefInputs, name: string, op: string): RefTensor {
  const t = inputs[name];
  if (!t) throw new RefError(`${op}: missing input ${name}`);
  return t;
}

/** An integer attribute, with its ONNX default. */
export function intAttr(attrs: RefAttrs, name: string, dflt: number): number {
  const v = attrs[name] ?? dflt;
  if (!Number.isInteger(v)) throw new RefError(`attribute ${name} must be an integer, got ${JSON.stringify(v)}`);
  return v as number;
}

/** An integer-list attribute, with its default. */
export function intsAttr(attrs: RefAttrs, name: string, dflt: readonly number[]): readonly number[] {
  const v = attrs[name] ?? dflt;
  if (!Array.isArray(v) || !v.every(Number.isInteger)) throw new RefError(`attribute ${name} must be a list of integers, got ${JSON.stringify(v)}`);
  return v as number[];
}

/** Typed storage for `n` elements of an integer dtype. */
export function intArray(dtype: RefDtype, n: number): Int8Array | Uint8Array | Int32Array {
  if (dtype === 'int8') return new Int8Array(n);
  if (dtype === 'uint8') return new Uint8Array(n);
  if (dtype === 'int32') return new Int32Array(n);
  throw new RefError(`not an integer dtype: ${dtype}`);
}

/**
 * A quantisation parameter (scale or zero point) that is per tensor (one element) or per channel
 * (`channels` elements): returns the value for channel `c`. A missing zero point reads as 0.
 */
export function perChannel(t: RefTensor | undefined, channels: number, what: string): (c: number) => number {
  if (!t) return () => 0;
  const n = t.data.length;
  if (n === 1) {
    const v = t.data[0]!;
    return () => v;
  }
  if (n !== channels || t.dims.length !== 1) throw new RefError(`${what}: dims [${t.dims.join(',')}] must be a scalar or [${channels}]`);
  return (c) => t.data[c]!;
}
