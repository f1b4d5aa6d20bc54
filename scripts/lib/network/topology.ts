/**
 * A network topology: one layer per row, in execution order (docs/networks.md). The operator table
 * below says, per `op`, which dimension columns a row must give and how the layer is run: as a cube
 * kernel of the regress table, a vector kernel, an ONNX operator's host program, or on the host
 * (an operation the library has no kernel for: listed, never timed, never dropped).
 */

/** The dimension columns, in file order. */
export const DIMS = ['c', 'h', 'w', 'oc', 'kh', 'kw', 'stride', 'pad', 'g', 'm', 'k', 'n'] as const;
export type Dim = (typeof DIMS)[number];

/** What a dimension column means (docs/networks.md and `--help` text). */
export const DIM_MEANING: Readonly<Record<Dim, string>> = {
  c: 'input channels (elementwise and host rows: the first of three extents c x h x w)',
  h: 'input height',
  w: 'input width',
  oc: 'output channels',
  kh: 'kernel height',
  kw: 'kernel width',
  stride: 'stride (both axes)',
  pad: 'padding (all four sides)',
  g: 'independent GEMMs per image (matmul: e.g. attention heads)',
  m: 'GEMM rows per image (gemm, matmul: e.g. sequence length)',
  k: 'GEMM depth',
  n: 'GEMM columns (output features)',
};

/** How a layer runs. */
export type Engine = 'cube' | 'depthwise' | 'batched-gemm' | 'onnx' | 'host';

export interface OpDef {
  readonly engine: Engine;
  /** dimension columns the row must give; the others must stay empty */
  readonly dims: readonly Dim[];
  /** inputs the layer reads (1 or 2), in the order of `inputTensors` */
  readonly inputs: 1 | 2;
  /** kernel tensors of the layer's first launch holding its inputs, and of the last one holding its output */
  readonly inputTensors: readonly string[];
  readonly outputTensor: string;
  /** operator type for the by-operator totals */
  readonly type: string;
  readonly describe: string;
}

const FEATURE = ['c', 'h', 'w'] as const satisfies readonly Dim[];
const WINDOW = [...FEATURE, 'kh', 'kw', 'stride', 'pad'] as const satisfies readonly Dim[];
const host = (describe: string): OpDef => ({ engine: 'host', dims: FEATURE, inputs: 1, inputTensors: [], outputTensor: '', type: 'host', describe });

export const OPS = {
  conv: { engine: 'cube', dims: [...WINDOW, 'oc'], inputs: 1, inputTensors: ['a'], outputTensor: 'y', type: 'conv', describe: 'INT8 convolution (QLinearConv, img2col GEMM on the cube): regress kernel qlinear-conv' },
  dwconv: { engine: 'depthwise', dims: WINDOW, inputs: 1, inputTensors: ['x'], outputTensor: 'y', type: 'dwconv', describe: 'INT8 depthwise convolution (group = C = OC) on the vector unit: regress kernel qlinear-conv-dw' },
  fc: { engine: 'cube', dims: ['k', 'n'], inputs: 1, inputTensors: ['a'], outputTensor: 'y', type: 'fc', describe: 'INT8 fully connected layer, one row per image (QLinearMatMul): regress kernel qlinear-matmul' },
  gemm: { engine: 'cube', dims: ['m', 'k', 'n'], inputs: 1, inputTensors: ['a'], outputTensor: 'y', type: 'gemm', describe: 'INT8 GEMM of m rows per image by a K x N weight (QLinearMatMul): regress kernel qlinear-matmul' },
  matmul: { engine: 'batched-gemm', dims: ['g', 'm', 'k', 'n'], inputs: 2, inputTensors: ['a', 'b'], outputTensor: 'y', type: 'matmul', describe: 'INT8 batched matmul of two activations, g GEMMs per image (attention scores and context): the QLinearMatMul GEMM' },
  add: { engine: 'onnx', dims: FEATURE, inputs: 2, inputTensors: ['a', 'b'], outputTensor: 'c', type: 'add', describe: 'INT8 elementwise add of two c x h x w tensors (QLinearAdd)' },
  maxpool: { engine: 'onnx', dims: WINDOW, inputs: 1, inputTensors: ['x'], outputTensor: 'y', type: 'maxpool', describe: 'INT8 max pooling (MaxPool)' },
  avgpool: { engine: 'onnx', dims: WINDOW, inputs: 1, inputTensors: ['x'], outputTensor: 'y', type: 'avgpool', describe: 'INT8 average pooling (QLinearAveragePool)' },
  gap: { engine: 'onnx', dims: FEATURE, inputs: 1, inputTensors: ['x'], outputTensor: 'y', type: 'gap', describe: 'INT8 global average pooling (QLinearGlobalAveragePool)' },
  softmax: host('softmax over the last extent: no kernel in the library (host row)'),
  layernorm: host('layer normalisation: no kernel in the library (host row)'),
  gelu: host('GELU activation: no kernel in the library (host row)'),
} as const satisfies Record<string, OpDef>;

export type OpName = keyof typeof OPS;
export const opNames = (): string[] => Object.keys(OPS);
export const isOp = (s: string): s is OpName => Object.hasOwn(OPS, s);

/** A dimension as the file gives it: a number, or `seq` (the sequence length, --seq). */
export type DimValue = number | 'seq';

/** One row of a topology. */
export interface TopologyLayer {
  readonly name: string;
  readonly op: OpName;
  /** layers whose outputs it reads (empty: the previous row; '-' entries: the network input) */
  readonly inputs: readonly string[];
  readonly dims: Readonly<Partial<Record<Dim, DimValue>>>;
  /** operations folded into this layer (batch norm, ReLU, ...), for the report */
  readonly fused: readonly string[];
  /** run it on the host even if the op has a kernel (e.g. a float add the INT8 kernels do not cover) */
  readonly host: boolean;
  /** where it came from, for messages */
  readonly line: number;
}

export interface Topology {
  readonly name: string;
  readonly file: string;
  readonly layers: readonly TopologyLayer[];
}

/** The network input, as an `inputs` entry. */
export const NETWORK_INPUT = '-';
