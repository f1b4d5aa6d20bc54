/**
 * Host tensors of the ONNX operators: ONNX dtype names, row-major typed data, and their plain-data
 * form ({dtype, dims, data} with values, as in exec case files), validated on the way in.
 */
import { roundF16, numberToF16Bits } from '../../isa/numeric/float16.js';
import { OpError } from '../kernel.js';

/** ONNX element types the operators take and give. */
export const ONNX_DTYPES = ['int8', 'uint8', 'int32', 'float32', 'float16'] as const;
export type OnnxDtype = (typeof ONNX_DTYPES)[number];

/** A tensor on the host: ONNX dims, row-major typed data (float16 as its values in a Float32Array). */
export interface HostTensor {
  readonly dtype: OnnxDtype;
  readonly dims: readonly number[];
  readonly data: Int8Array | Uint8Array | Int32Array | Float32Array;
}

/** A tensor as plain data: ONNX row-major values (not bits). */
export interface TensorJson {
  readonly dtype: OnnxDtype;
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

/** Number of elements of `dims`. */
export const sizeOf = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/**
 * Most elements of any tensor the operators take, make or lay out on the host: 2^28 (1 GiB as int32),
 * far above any ONNX case here and below what one host array can hold. Checked before allocating, so
 * a huge dim is an OpError, not an out-of-memory crash.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/** What is wrong with the element count of `dims`, or null (a 0 dim makes it empty, whatever the rest). */
function elementCountProblem(dims: readonly number[]): string | null {
  const count = dims.includes(0) ? 0 : sizeOf(dims);
  if (count <= MAX_TENSOR_ELEMENTS) return null;
  return `dims [${dims.join(', ')}] hold ${count} elements, more than the limit of ${MAX_TENSOR_ELEMENTS} (2^28); split the node into smaller ones`;
}

/** Throws an OpError naming `what` when `dims` hold more than MAX_TENSOR_ELEMENTS elements. */
export function checkElementCount(dims: readonly number[], what: string): void {
  const problem = elementCountProblem(dims);
  if (problem) throw new OpError(`${what}: ${problem}`);
}

/** How each dtype's values are stored and checked. */
interface DtypeRule {
  readonly make: (n: number) => HostTensor['data'];
  /** the error for an unacceptable value, or null */
  readonly check: (v: number) => string | null;
}

const F32_MAX = 3.4028234663852886e38;
const F16_MAX = 65504;

const intRule = (make: (n: number) => HostTensor['data'], min: number, max: number, dtype: string): DtypeRule => ({
  make,
  check: (v) => (!Number.isInteger(v) ? `is not an integer (${dtype})` : v < min || v > max ? `is out of range for ${dtype} [${min}, ${max}]` : null),
});

const DTYPE_RULES: Readonly<Record<OnnxDtype, DtypeRule>> = {
  int8: intRule((n) => new Int8Array(n), -128, 127, 'int8'),
  uint8: intRule((n) => new Uint8Array(n), 0, 255, 'uint8'),
  int32: intRule((n) => new Int32Array(n), -2147483648, 2147483647, 'int32'),
  // float32 values are rounded to the nearest float32 (JSON writers print the shortest decimal)
  float32: { make: (n) => new Float32Array(n), check: (v) => (Math.abs(Math.fround(v)) > F32_MAX ? 'overflows float32' : null) },
  float16: {
    make: (n) => new Float32Array(n),
    check: (v) => (Math.abs(v) > F16_MAX ? 'overflows float16' : roundF16(v) !== v ? 'is not exactly representable in float16' : null),
  },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDtype = (v: unknown): v is OnnxDtype => typeof v === 'string' && (ONNX_DTYPES as readonly string[]).includes(v);

/**
 * A tensor from its plain-data form, validated: known dtype, dims that match the data, values inside
 * the dtype. Errors are OpErrors prefixed by `what` (e.g. "input x").
 */
export function tensorFromJson(json: unknown, what: string): HostTensor {
  const fail = (msg: string): never => {
    throw new OpError(`${what}: ${msg}`);
  };
  if (!isRecord(json)) return fail('must be an object {dtype, dims, data}');
  const { dtype, dims, data } = json;
  if (!isDtype(dtype)) return fail(`dtype ${JSON.stringify(dtype)} is not one of ${ONNX_DTYPES.join(', ')}`);
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    return fail(`dims must be an array of non-negative integers, got ${JSON.stringify(dims)}`);
  if (!Array.isArray(data)) return fail('data must be an array of numbers');
  const shape = dims as number[];
  const tooMany = elementCountProblem(shape);
  if (tooMany) return fail(tooMany);
  const count = sizeOf(shape);
  if (count !== data.length) return fail(`dims [${shape.join(',')}] need ${count} values, got ${data.length}`);
  const rule = DTYPE_RULES[dtype];
  const out = rule.make(count);
  for (let i = 0; i < count; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`value ${JSON.stringify(v)} at [${i}] is not a finite number`);
    const problem = rule.check(v);
    if (problem) return fail(`value ${v} at [${i}] ${problem}`);
    out[i] = v;
  }
  return { dtype, dims: [...shape], data: out };
}

/** The plain-data form of a host tensor (float16 and float32 as their values). */
export const tensorToJson = (t: HostTensor): TensorJson => ({ dtype: t.dtype, dims: [...t.dims], data: Array.from(t.data) });

/** GM bytes of a host tensor (float16 values encoded as binary16). */
export function hostBytes(t: HostTensor): Uint8Array {
  const d = t.dtype === 'float16' ? Uint16Array.from(t.data, (v) => numberToF16Bits(v)) : t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** A tensor of an ONNX integer type over a copy of `bytes`. */
export function intTensor(dtype: 'int8' | 'uint8' | 'int32', dims: readonly number[], bytes: Uint8Array): HostTensor {
  const copy = bytes.slice();
  const data = dtype === 'int8' ? new Int8Array(copy.buffer) : dtype === 'uint8' ? copy : new Int32Array(copy.buffer);
  return { dtype, dims, data };
}

/** A tensor with no elements. */
export function emptyTensor(dtype: OnnxDtype, dims: readonly number[]): HostTensor {
  return { dtype, dims: [...dims], data: DTYPE_RULES[dtype].make(0) };
}
