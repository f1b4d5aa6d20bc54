/**
 * The pieces of a kernel's functional run (`run <kernel>` without --timing-only): seeded random
 * inputs by element type, and the comparison of an output with its reference element by element
 * (floats by their bits, so -0 and NaN payloads count). Vector kernels get their GM image from
 * named input bytes (vectorCheck); ONNX-backed kernels run the operator's host program and are
 * compared with its ONNX Runtime reference (onnxCheck).
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { f16BitsToNumber, numberToF16Bits, roundF16 } from '../../../isa/numeric/float16.js';
import type { Kernel } from '../../../ops-nn/kernel.js';
import { ONNX_REFERENCES } from '../../../ops-nn/onnx-ref/index.js';
import type { HostProgram, NodeAttrs, NodeInputs, OnnxOperator, OperatorOptions } from '../../../ops-nn/onnx/index.js';
import { readTensor, vectorGmImage, type VectorKernel } from '../../../ops-nn/vector/index.js';

/** The first output element that differs from the reference. */
export interface Mismatch {
  /** index of the element in the output, row-major in the reference's layout */
  readonly element: number;
  readonly got: number;
  readonly want: number;
}

/** Element types of the kernels' tensors. */
export type ElementType = 's8' | 'u8' | 's32' | 'f16' | 'f32';

interface Codec {
  readonly bytes: number;
  /** the element's value at byte `at` */
  readonly get: (v: DataView, at: number) => number;
  readonly set: (v: DataView, at: number, x: number) => void;
  /** a seeded random value of the type: moderate magnitudes so sums and products stay in range */
  readonly random: (r: () => number) => number;
}

const CODECS: Readonly<Record<ElementType, Codec>> = {
  s8: { bytes: 1, get: (v, i) => v.getInt8(i), set: (v, i, x) => v.setInt8(i, x), random: (r) => Math.floor(r() * 256) - 128 },
  u8: { bytes: 1, get: (v, i) => v.getUint8(i), set: (v, i, x) => v.setUint8(i, x), random: (r) => Math.floor(r() * 256) },
  s32: { bytes: 4, get: (v, i) => v.getInt32(i, true), set: (v, i, x) => v.setInt32(i, x, true), random: (r) => Math.floor(r() * 2 ** 21) - 2 ** 20 },
  f16: { bytes: 2, get: (v, i) => f16BitsToNumber(v.getUint16(i, true)), set: (v, i, x) => v.setUint16(i, numberToF16Bits(x), true), random: (r) => roundF16((r() - 0.5) * 4) },
  f32: { bytes: 4, get: (v, i) => v.getFloat32(i, true), set: (v, i, x) => v.setFloat32(i, x, true), random: (r) => Math.fround((r() - 0.5) * 64) },
};

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** `count` seeded random values of type `t`. */
export const randomValues = (t: ElementType, count: number, r: () => number): number[] => Array.from({ length: count }, () => CODECS[t].random(r));

/** Values as little-endian bytes of type `t`. */
export function encode(t: ElementType, values: ArrayLike<number>): Uint8Array {
  const c = CODECS[t];
  const out = new Uint8Array(values.length * c.bytes);
  const v = view(out);
  for (let i = 0; i < values.length; i++) c.set(v, i * c.bytes, values[i]!);
  return out;
}

/** Compares two encodings of type `t` element by element (by bytes: floats by their bits). */
export function firstMismatch(t: ElementType, got: Uint8Array, want: Uint8Array): Mismatch | undefined {
  const n = CODECS[t].bytes;
  if (got.length !== want.length) return { element: Math.min(got.length, want.length) / n, got: got.length / n, want: want.length / n };
  for (let i = 0; i < got.length; i += n)
    for (let j = 0; j < n; j++)
      if (got[i + j] !== want[i + j]) return { element: i / n, got: CODECS[t].get(view(got), i), want: CODECS[t].get(view(want), i) };
  return undefined;
}

/** The vector kernel a table row generated (its parameter tables are part of the GM image). */
export function asVector(k: Kernel): VectorKernel {
  if (!('blobs' in k)) throw new Error(`internal: ${k.name} is not a vector kernel`);
  return k as VectorKernel;
}

/**
 * One vector kernel on the given input bytes; its output `output` (seen through `seen`, e.g. a
 * layout conversion back to NCHW) compared with `want`, elements of type `t`.
 */
export function* vectorCheck(k: Kernel, inputs: Readonly<Record<string, Uint8Array>>, output: string, t: ElementType, want: Uint8Array, seen: (bytes: Uint8Array) => Uint8Array = (b) => b): HostProgram<Mismatch | undefined> {
  const kernel = asVector(k);
  const gm = yield { kernel, gm: vectorGmImage(kernel, inputs) };
  return firstMismatch(t, seen(readTensor(kernel, gm, output)), want);
}

const ONNX_TYPES: Readonly<Record<string, ElementType>> = { int8: 's8', uint8: 'u8', int32: 's32', float16: 'f16', float32: 'f32' };

/** An ONNX operator's host program on `inputs`, its output compared with the ONNX Runtime reference. */
export function* onnxCheck(op: OnnxOperator, inputs: NodeInputs, attrs: NodeAttrs, cfg: HwConfig, opts: OperatorOptions): HostProgram<Mismatch | undefined> {
  const y = yield* op.run(inputs, attrs, cfg, opts);
  const reference = ONNX_REFERENCES[op.op];
  if (!reference) throw new Error(`internal: no reference for ${op.op}`);
  const want = reference(inputs, attrs);
  const t = ONNX_TYPES[y.dtype]!;
  return firstMismatch(t, encode(t, y.data), encode(t, want.data));
}
