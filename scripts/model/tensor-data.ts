/**
 * The elements of a TensorProto in graph.ts storage: from raw_data (little-endian, the usual form) or
 * from the typed field the format puts each type in (float_data; int32_data for the 8- and 16-bit
 * types, bool and the 16-bit floats' bits; int64_data; double_data; uint64_data for uint32 / uint64;
 * string_data). The element count must match the dims.
 */
import { JobError } from '../lib/job-error.js';
import type { GraphData, GraphDtype } from './graph.js';
import { makeData } from './host/op-types.js';
import type { Int64, TensorMsg } from './onnx-schema.js';

/** Bytes per element in raw_data, and the typed-array view of them (little-endian hosts only: Node on x86 / ARM). */
const RAW: Partial<Record<GraphDtype, { bytes: number; view: (b: ArrayBuffer, n: number) => GraphData[GraphDtype] }>> = {
  float32: { bytes: 4, view: (b, n) => new Float32Array(b, 0, n) },
  uint8: { bytes: 1, view: (b, n) => new Uint8Array(b, 0, n) },
  int8: { bytes: 1, view: (b, n) => new Int8Array(b, 0, n) },
  uint16: { bytes: 2, view: (b, n) => new Uint16Array(b, 0, n) },
  int16: { bytes: 2, view: (b, n) => new Int16Array(b, 0, n) },
  int32: { bytes: 4, view: (b, n) => new Int32Array(b, 0, n) },
  int64: { bytes: 8, view: (b, n) => new BigInt64Array(b, 0, n) },
  bool: { bytes: 1, view: (b, n) => new Uint8Array(b, 0, n) },
  float16: { bytes: 2, view: (b, n) => new Uint16Array(b, 0, n) },
  float64: { bytes: 8, view: (b, n) => new Float64Array(b, 0, n) },
  uint32: { bytes: 4, view: (b, n) => new Uint32Array(b, 0, n) },
  uint64: { bytes: 8, view: (b, n) => new BigUint64Array(b, 0, n) },
  bfloat16: { bytes: 2, view: (b, n) => new Uint16Array(b, 0, n) },
};

/** Largest tensor the reader makes: 2^31 elements (a bigger one is a corrupt or hostile file). */
const MAX_ELEMENTS = 2 ** 31;

const big = (v: Int64) => BigInt(typeof v === 'number' ? v : v.toString());

/** The typed field holding `dtype` when raw_data is empty, as a list of numbers or bigints. */
function typedField(t: TensorMsg, dtype: GraphDtype): ArrayLike<number | bigint> {
  if (dtype === 'float32') return t.floatData;
  if (dtype === 'float64') return t.doubleData;
  if (dtype === 'int64') return t.int64Data.map(big);
  if (dtype === 'uint32') return t.uint64Data.map((v) => Number(big(v)));
  if (dtype === 'uint64') return t.uint64Data.map((v) => BigInt.asUintN(64, big(v)));
  return t.int32Data;
}

export function tensorData(t: TensorMsg, dtype: GraphDtype, dims: readonly number[], raw: Uint8Array, where: string): GraphData[GraphDtype] {
  const count = dims.reduce((p, d) => p * d, 1);
  if (count > MAX_ELEMENTS) throw new JobError(`${where}: dims [${dims.join(', ')}] hold ${count} elements, more than the ${MAX_ELEMENTS} the simulator reads`);
  if (dtype === 'string') {
    if (t.stringData.length !== count) throw new JobError(`${where}: ${t.stringData.length} strings for dims [${dims.join(', ')}] (${count})`);
    return t.stringData.map((b) => new TextDecoder().decode(b));
  }
  const rule = RAW[dtype]!;
  if (raw.length > 0) {
    if (raw.length !== count * rule.bytes) throw new JobError(`${where}: ${raw.length} bytes of data for dims [${dims.join(', ')}] of ${dtype} (want ${count * rule.bytes}); the file is damaged`);
    // copy into a buffer of its own: aligned for the view, and not holding the whole file alive
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    return rule.view(copy.buffer, count);
  }
  const values = typedField(t, dtype);
  if (values.length !== count) throw new JobError(`${where}: ${values.length} values for dims [${dims.join(', ')}] (${count}); the file is damaged`);
  const out = makeData(dtype, count) as { [i: number]: number | bigint };
  for (let i = 0; i < count; i++) out[i] = values[i]!;
  return out as GraphData[GraphDtype];
}
