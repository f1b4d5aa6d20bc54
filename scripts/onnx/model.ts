/**
 * Builds a one-node ONNX ModelProto (opset 21 default domain, com.microsoft 1) for running a single
 * operator in ONNX Runtime: each input is a graph input, or an initializer when it carries constant
 * data; omitted optional inputs are written as empty names so later inputs keep their positions.
 */
import { numberToF16Bits } from '../../isa/numeric/float16.js';
import type { OnnxDtype } from '../../ops-nn/onnx/index.js';
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType codes. */
const ONNX_TYPE_CODES: Readonly<Record<OnnxDtype, number>> = { float32: 1, uint8: 2, int8: 3, int32: 6, float16: 10 };

/** Little-endian writers of one element, with its size in bytes. */
const ELEMENT_WRITERS: Readonly<Record<OnnxDtype, { bytes: number; put: (v: DataView, at: number, x: number) => void }>> = {
  int8: { bytes: 1, put: (v, at, x) => v.setInt8(at, x) },
  uint8: { bytes: 1, put: (v, at, x) => v.setUint8(at, x) },
  int32: { bytes: 4, put: (v, at, x) => v.setInt32(at, x, true) },
  float32: { bytes: 4, put: (v, at, x) => v.setFloat32(at, x, true) },
  float16: { bytes: 2, put: (v, at, x) => v.setUint16(at, numberToF16Bits(x), true) },
};

/** One input or output of the node. `data` makes it a constant initializer. */
export interface ModelValue {
  readonly name: string;
  readonly dtype: OnnxDtype;
  readonly dims?: readonly number[];
  readonly data?: ArrayLike<number>;
}

/** Attribute values: integers, floats, strings and integer lists (the types the quantised ops use). */
export type ModelAttr = number | string | readonly number[];

/** A single-node model. `inputs` are in the operator's ONNX order; null skips an optional input. */
export interface NodeModel {
  readonly opType: string;
  readonly domain?: string;
  readonly attrs?: Readonly<Record<string, ModelAttr>>;
  readonly inputs: readonly (ModelValue | null)[];
  readonly outputs: readonly ModelValue[];
}

/** AttributeProto.AttributeType codes. */
const ATTR_TYPES = { float: 1, int: 2, string: 3, ints: 7 } as const;

/** Little-endian raw bytes of `data` as `dtype`. */
function rawData(dtype: OnnxDtype, data: ArrayLike<number>): Uint8Array {
  const w = ELEMENT_WRITERS[dtype];
  const bytes = new Uint8Array(data.length * w.bytes);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) w.put(view, i * w.bytes, data[i]!);
  return bytes;
}

function attribute(name: string, value: ModelAttr): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return a.bytes(4, new TextEncoder().encode(value)).int(20, ATTR_TYPES.string);
  if (typeof value !== 'number') return a.packedInts(8, value).int(20, ATTR_TYPES.ints);
  return Number.isInteger(value) ? a.int(3, value).int(20, ATTR_TYPES.int) : a.float(2, value).int(20, ATTR_TYPES.float);
}

function valueInfo(v: ModelValue): ProtoWriter {
  const tensorType = new ProtoWriter().int(1, ONNX_TYPE_CODES[v.dtype]);
  if (v.dims) {
    const shape = new ProtoWriter();
    for (const d of v.dims) shape.message(1, new ProtoWriter().int(1, d));
    tensorType.message(2, shape);
  }
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function initializer(v: ModelValue & { data: ArrayLike<number> }): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of v.dims ?? []) t.int(1, d);
  return t.int(2, ONNX_TYPE_CODES[v.dtype]).string(8, v.name).bytes(9, rawData(v.dtype, v.data));
}

/** Serialises `m` as an ONNX model (IR version 10). */
export function buildModel(m: NodeModel): Uint8Array {
  const node = new ProtoWriter();
  for (const i of m.inputs) node.string(1, i?.name ?? '');
  for (const o of m.outputs) node.string(2, o.name);
  node.string(3, 'node').string(4, m.opType);
  for (const [k, v] of Object.entries(m.attrs ?? {})) node.message(5, attribute(k, v));
  if (m.domain) node.string(7, m.domain);

  const graph = new ProtoWriter().message(1, node).string(2, `${m.opType}-graph`);
  for (const i of m.inputs) if (i?.data) graph.message(5, initializer({ ...i, data: i.data }));
  for (const i of m.inputs) if (i && !i.data) graph.message(11, valueInfo(i));
  for (const o of m.outputs) graph.message(12, valueInfo(o));

  return new ProtoWriter()
    .int(1, 10)
    .string(2, 'aicore-sim')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, 21))
    .message(8, new ProtoWriter().string(1, 'com.microsoft').int(2, 1))
    .finish();
}
