/**
 * Writes a model graph as an ONNX ModelProto with the same schema the reader uses (onnx-schema.ts):
 * how the project makes its own test models. Initializers are written with raw_data; graph inputs and
 * outputs with their element types and shapes.
 */
import type { AttrValue, Graph, GraphTensor, ValueInfo } from './graph.js';
import { DATA_TYPES, ModelProto } from './onnx-schema.js';

const CODE_OF: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(DATA_TYPES).map(([k, v]) => [v, Number(k)]));

function tensorMsg(t: GraphTensor): Record<string, unknown> {
  const d = t.data as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  return { dims: [...t.dims], dataType: CODE_OF[t.dtype], name: t.name, rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

const ATTR_CODES: Readonly<Record<AttrValue['type'], number>> = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8, unsupported: 0 };

function attributeMsg(name: string, a: AttrValue): Record<string, unknown> {
  const enc = (s: string) => new TextEncoder().encode(s);
  const value: Record<AttrValue['type'], () => Record<string, unknown>> = {
    float: () => ({ f: a.value }),
    int: () => ({ i: a.value }),
    string: () => ({ s: enc(a.value as string) }),
    tensor: () => ({ t: tensorMsg(a.value as GraphTensor) }),
    floats: () => ({ floats: a.value }),
    ints: () => ({ ints: a.value }),
    strings: () => ({ strings: (a.value as string[]).map(enc) }),
    unsupported: () => {
      throw new Error(`attribute ${name} cannot be written`);
    },
  };
  return { name, type: ATTR_CODES[a.type], ...value[a.type]() };
}

function valueInfoMsg(v: ValueInfo): Record<string, unknown> {
  const shape = v.dims ? { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : d === null ? {} : { dimParam: d })) } : undefined;
  return { name: v.name, type: { tensorType: { elemType: v.dtype ? CODE_OF[v.dtype] : 0, ...(shape ? { shape } : {}) } } };
}

/** `g` as ONNX bytes (IR version g.irVersion, its opset imports). */
export function encodeOnnxModel(g: Graph): Uint8Array {
  const msg = {
    irVersion: g.irVersion,
    producerName: g.producer,
    opsetImport: Object.entries(g.opsets).map(([domain, version]) => ({ domain, version })),
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({ input: n.inputs, output: n.outputs, name: n.name, opType: n.opType, domain: n.domain, attribute: Object.entries(n.attrs).map(([k, v]) => attributeMsg(k, v)) })),
      initializer: [...g.initializers.values()].map(tensorMsg),
      input: g.inputs.map(valueInfoMsg),
      output: g.outputs.map(valueInfoMsg),
    },
  };
  return ModelProto.encode(ModelProto.fromObject(msg)).finish();
}
