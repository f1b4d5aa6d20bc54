/**
 * Reads an ONNX model file (ModelProto, decoded by protobufjs with our schema, onnx-schema.ts) into
 * the model graph (graph.ts): nodes with their attributes, initializers with their data (raw_data, the
 * typed fields, or external data files beside the model), graph inputs to feed and outputs, operator
 * sets. Problems are JobErrors naming the file, the tensor or node, and how to fix it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { readInputBytes } from '../../hw/input-file.js';
import { JobError } from '../lib/job-error.js';
import type { AttrValue, Graph, GraphDim, GraphDtype, GraphNode, GraphTensor, ValueInfo } from './graph.js';
import { ATTRIBUTE_TYPES, DATA_LOCATION_EXTERNAL, DATA_TYPES, ModelProto, type AttributeMsg, type Int64, type ModelMsg, type TensorMsg, type ValueInfoMsg } from './onnx-schema.js';
import { tensorData } from './tensor-data.js';

/** Largest model file read (protobuf messages cannot exceed 2 GiB; bigger weights go in external data). */
const MAX_MODEL_BYTES = 2 ** 31;

const int = (v: Int64 | undefined | null): number => (v === undefined || v === null ? 0 : Number(typeof v === 'number' ? v : v.toString()));

/** Where a tensor's bytes live when data_location is EXTERNAL: checked to stay inside the model's folder. */
function externalBytes(t: TensorMsg, baseDir: string | null, origin: string): Uint8Array {
  const entry = (k: string) => t.externalData.find((e) => e.key === k)?.value;
  const location = entry('location');
  const where = `${origin}: tensor ${t.name}`;
  if (!location) throw new JobError(`${where}: external data without a location`);
  if (baseDir === null) throw new JobError(`${where}: its data is in an external file (${location}); read the model from its file so the data can be found beside it`);
  if (isAbsolute(location) || normalize(location).split(/[\\/]/).includes('..')) throw new JobError(`${where}: external data location ${location} must be a relative path inside the model's folder`);
  const file = join(baseDir, normalize(location));
  const offset = Number(entry('offset') ?? 0);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new JobError(`${where}: cannot open its external data file ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); keep the data file beside the model`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new JobError(`${where}: external data ${file} is not a regular file`);
    const length = entry('length') === undefined ? st.size - offset : Number(entry('length'));
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > st.size)
      throw new JobError(`${where}: external data range offset ${entry('offset') ?? 0}, length ${entry('length') ?? 'rest'} is outside ${file} (${st.size} bytes)`);
    const bytes = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const n = readSync(fd, bytes, done, length - done, offset + done);
      if (n === 0) throw new JobError(`${where}: ${file} ended early`);
      done += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** A TensorProto as a graph tensor (data decoded, external data read). */
export function tensorOf(t: TensorMsg, baseDir: string | null, origin: string): GraphTensor {
  const dtype = DATA_TYPES[t.dataType] as GraphDtype | undefined;
  const where = `${origin}: tensor ${t.name || '(unnamed)'}`;
  if (!dtype) throw new JobError(`${where}: element type ${t.dataType} is not supported (float32, float16, bfloat16, float64, int8-int64, uint8-uint64, bool, string)`);
  const dims = t.dims.map(int);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new JobError(`${where}: dims [${dims.join(', ')}] are not non-negative integers`);
  const raw = t.dataLocation === DATA_LOCATION_EXTERNAL ? externalBytes(t, baseDir, origin) : t.rawData;
  return { name: t.name, dtype, dims, data: tensorData(t, dtype, dims, raw, where) };
}

function attributeOf(a: AttributeMsg, baseDir: string | null, origin: string): AttrValue {
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  switch (ATTRIBUTE_TYPES[a.type]) {
    case 'float': return { type: 'float', value: a.f };
    case 'int': return { type: 'int', value: int(a.i) };
    case 'string': return { type: 'string', value: text(a.s) };
    case 'tensor': return { type: 'tensor', value: tensorOf(a.t!, baseDir, origin) };
    case 'floats': return { type: 'floats', value: a.floats };
    case 'ints': return { type: 'ints', value: a.ints.map(int) };
    case 'strings': return { type: 'strings', value: a.strings.map(text) };
    default: return { type: 'unsupported', value: ATTRIBUTE_TYPES[a.type] ?? `attribute type ${a.type}` };
  }
}

function valueInfoOf(v: ValueInfoMsg): ValueInfo {
  const tt = v.type?.tensorType;
  const dims: GraphDim[] | null = tt?.shape ? tt.shape.dim.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? int(d.dimValue) : null)) : null;
  return { name: v.name, dtype: tt ? ((DATA_TYPES[tt.elemType] as GraphDtype | undefined) ?? null) : null, dims };
}

/** Decodes a ModelProto; `baseDir` is where external data files are looked for (null: bytes with no file). */
export function decodeOnnxModel(bytes: Uint8Array, baseDir: string | null, origin: string): Graph {
  let m: ModelMsg;
  try {
    m = ModelProto.decode(bytes) as unknown as ModelMsg;
  } catch (e) {
    throw new JobError(`${origin}: not an ONNX model (the protobuf does not decode: ${(e as Error).message}); give a .onnx file`);
  }
  const g = m.graph;
  if (!g || (g.node.length === 0 && g.output.length === 0)) throw new JobError(`${origin}: not an ONNX model (no graph with nodes or outputs); give a .onnx file`);
  const initializers = new Map<string, GraphTensor>();
  for (const t of g.initializer) initializers.set(t.name, tensorOf(t, baseDir, origin));
  const opsets: Record<string, number> = {};
  for (const o of m.opsetImport) opsets[o.domain === 'ai.onnx' ? '' : o.domain] = int(o.version);
  const known = new Set<string>([...initializers.keys(), ...g.input.map((i) => i.name)]);
  const nodes: GraphNode[] = g.node.map((n, index) => {
    const name = n.name || `${n.opType}_${index}`;
    for (const i of n.input) if (i && !known.has(i)) throw new JobError(`${origin}: node ${name} (${n.opType}) reads ${i}, which no graph input, initializer or earlier node provides (the nodes must be in topological order)`);
    for (const o of n.output) if (o) known.add(o);
    const attrs: Record<string, AttrValue> = {};
    for (const a of n.attribute) attrs[a.name] = attributeOf(a, baseDir, `${origin}: node ${name}`);
    return { name, opType: n.opType, domain: n.domain === 'ai.onnx' ? '' : n.domain, inputs: n.input, outputs: n.output, attrs };
  });
  for (const o of g.output) if (!known.has(o.name)) throw new JobError(`${origin}: graph output ${o.name} is made by no node`);
  return {
    name: g.name,
    nodes,
    initializers,
    inputs: g.input.filter((i) => !initializers.has(i.name)).map(valueInfoOf),
    outputs: g.output.map(valueInfoOf),
    opsets,
    irVersion: int(m.irVersion),
    producer: m.producerName,
  };
}

/** Reads the model file `path` (external data looked for beside it). */
export function readOnnxModel(path: string): Graph {
  let bytes: Uint8Array;
  try {
    bytes = readInputBytes(path, MAX_MODEL_BYTES);
  } catch (e) {
    throw new JobError(`model ${path}: ${(e as Error).message}`);
  }
  return decodeOnnxModel(bytes, dirname(path) || '.', path);
}
