/**
 * The model graph every part of `aicore-sim model` shares: what the ONNX reader (onnx-read.ts) makes
 * of a ModelProto, what the graph pass (fold-qdq.ts) rewrites and what the runner walks.
 * It holds only what a run needs: nodes in file order with their attributes, constant tensors by name,
 * the graph's inputs and outputs with their declared shapes, and the operator-set versions.
 */

/** ONNX TensorProto element types by name (the DataType enum's names, lower case). */
export const GRAPH_DTYPES = ['float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'bool', 'float16', 'float64', 'uint32', 'uint64', 'bfloat16', 'string'] as const;
export type GraphDtype = (typeof GRAPH_DTYPES)[number];

/**
 * Row-major element storage of each dtype: float16 and bfloat16 as their bits, int64 / uint64 as
 * bigints (values beyond 2^53 stay exact), bool as 0 / 1 bytes, string as the strings.
 */
export interface GraphData {
  float32: Float32Array;
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
  float16: Uint16Array;
  float64: Float64Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bfloat16: Uint16Array;
  string: string[];
}

/** A tensor with data: an initializer, a Constant's value, a graph input or output fed or compared. */
export interface GraphTensor<D extends GraphDtype = GraphDtype> {
  readonly name: string;
  readonly dtype: D;
  readonly dims: readonly number[];
  readonly data: GraphData[D];
}

/** A dimension as declared: a number, a symbolic name (dim_param) or unknown (null). */
export type GraphDim = number | string | null;

/** A graph input or output as declared in the file. */
export interface ValueInfo {
  readonly name: string;
  /** null when the file gives no element type */
  readonly dtype: GraphDtype | null;
  /** null when the file gives no shape (rank unknown) */
  readonly dims: readonly GraphDim[] | null;
}

/** An attribute value, tagged with its AttributeProto type. */
export type AttrValue =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: GraphTensor }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  /** graphs, sparse tensors, type protos: read so --check can name them, never run */
  | { readonly type: 'unsupported'; readonly value: string };

/** One node. Inputs keep their positions: an omitted optional input is ''. */
export interface GraphNode {
  /** the node's name in the file, or `<opType>_<index>` when it has none */
  readonly name: string;
  readonly opType: string;
  /** '' for the default ONNX domain ('ai.onnx' is normalised to '') */
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** names of the nodes a graph pass folded into this one (DequantizeLinear, QuantizeLinear, Relu, ...) */
  readonly fused?: readonly string[];
}

/** A model's main graph. */
export interface Graph {
  readonly name: string;
  /** in file order (ONNX requires topological order; the reader checks it) */
  readonly nodes: readonly GraphNode[];
  /** constant tensors by name: initializers (external data already loaded) */
  readonly initializers: ReadonlyMap<string, GraphTensor>;
  /** inputs a run must feed: the graph's declared inputs that are not initializers */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** operator-set version by domain ('' is the default ONNX domain) */
  readonly opsets: Readonly<Record<string, number>>;
  readonly irVersion: number;
  readonly producer: string;
}
