/**
 * Tensor files a model run reads and writes: serialized TensorProto (.pb, as in the ONNX test-data
 * layout test_data_set_N/input_K.pb) and NumPy .npy (format versions 1-3, little-endian, C order).
 */
import { readInputBytes } from '../../hw/input-file.js';
import { JobError } from '../lib/job-error.js';
import type { GraphDtype, GraphTensor } from './graph.js';
import { makeData } from './host/op-types.js';
import { DATA_TYPES, TensorProto, type TensorMsg } from './onnx-schema.js';
import { tensorOf } from './onnx-read.js';

/** Largest tensor file read. */
const MAX_TENSOR_FILE = 2 ** 31;

function bytesOf(path: string, what: string): Buffer {
  try {
    return readInputBytes(path, MAX_TENSOR_FILE);
  } catch (e) {
    throw new JobError(`${what} ${path}: ${(e as Error).message}`);
  }
}

/** A serialized TensorProto file. */
export function readTensorPb(path: string): GraphTensor {
  let msg: TensorMsg;
  try {
    msg = TensorProto.decode(bytesOf(path, 'tensor file')) as unknown as TensorMsg;
  } catch (e) {
    if (e instanceof JobError) throw e;
    throw new JobError(`tensor file ${path}: not a serialized TensorProto (${(e as Error).message})`);
  }
  return tensorOf(msg, null, path);
}

const CODE_OF: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(DATA_TYPES).map(([k, v]) => [v, Number(k)]));

/** `t` as a serialized TensorProto (raw_data; strings in string_data). */
export function encodeTensorPb(t: GraphTensor): Uint8Array {
  const d = t.data as ArrayLike<unknown> & { buffer?: ArrayBufferLike; byteOffset?: number; byteLength?: number };
  const body: Record<string, unknown> = { dims: [...t.dims], dataType: CODE_OF[t.dtype], name: t.name };
  if (t.dtype === 'string') body['stringData'] = (t.data as string[]).map((s) => new TextEncoder().encode(s));
  else body['rawData'] = new Uint8Array(d.buffer!, d.byteOffset, d.byteLength);
  return TensorProto.encode(TensorProto.fromObject(body)).finish();
}

/** NumPy dtype descriptors and the element types they hold. */
const NPY_TYPES: Readonly<Record<string, GraphDtype>> = {
  '<f4': 'float32', '<f2': 'float16', '|i1': 'int8', '|u1': 'uint8', '<i2': 'int16', '<u2': 'uint16', '<i4': 'int32', '<u4': 'uint32',
  '<i8': 'int64', '<u8': 'uint64', '<f8': 'float64', '|b1': 'bool',
};
const NPY_BYTES: Readonly<Record<string, number>> = { f4: 4, f2: 2, i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, f8: 8, b1: 1 };

/** A NumPy .npy file as the tensor `name`. */
export function readNpy(path: string, name: string): GraphTensor {
  const b = bytesOf(path, 'NumPy file');
  const bad = (why: string): never => {
    throw new JobError(`NumPy file ${path}: ${why}`);
  };
  if (b.length < 10 || b.toString('latin1', 0, 6) !== '\x93NUMPY') bad('not a .npy file (no \\x93NUMPY magic)');
  const major = b[6]!;
  const headerLen = major === 1 ? b.readUInt16LE(8) : major <= 3 ? b.readUInt32LE(8) : bad(`format version ${major} is not supported (1-3)`);
  const start = major === 1 ? 10 : 12;
  const header = b.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? bad('the header has no descr');
  if (/'fortran_order':\s*True/.test(header)) bad('the array is in Fortran order; save it C-ordered (np.ascontiguousarray)');
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad('the header has no shape');
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) bad(`shape (${shapeText}) is not a list of sizes`);
  const dtype = NPY_TYPES[descr.replace(/^=/, '<')] ?? bad(`dtype ${descr} is not supported (little-endian ${Object.keys(NPY_TYPES).join(', ')})`);
  const count = dims.reduce((p, d) => p * d, 1);
  const size = NPY_BYTES[descr.slice(1)]!;
  const dataStart = start + headerLen;
  if (b.length - dataStart !== count * size) bad(`${b.length - dataStart} data bytes for shape (${dims.join(', ')}) of ${descr} (want ${count * size})`);
  const data = makeData(dtype, count) as unknown as { buffer: ArrayBuffer };
  new Uint8Array(data.buffer).set(b.subarray(dataStart));
  return { name, dtype, dims, data } as unknown as GraphTensor;
}

/** `t` as a .npy file (version 1). */
export function encodeNpy(t: GraphTensor): Uint8Array {
  const descr = Object.entries(NPY_TYPES).find(([, v]) => v === t.dtype)?.[0];
  if (!descr) throw new Error(`no NumPy dtype for ${t.dtype}`);
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const d = t.data as unknown as { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
  const out = new Uint8Array(10 + header.length + d.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), 10 + header.length);
  return out;
}
