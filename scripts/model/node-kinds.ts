/**
 * What runs each node of a (folded) model: an ops-nn operator on the simulated chip, a host operator
 * (shape and float nodes, not timed), or nothing (Constant). `explainUnsupported` says why a node has
 * no runner, in terms a user can act on.
 */
import { OPERATORS, type OnnxOperator } from '../../ops-nn/onnx/index.js';
import type { GraphNode } from './graph.js';
import { GraphIndex } from './graph-index.js';
import { FLOAT_OPS } from './host/float-ops.js';
import type { HostOp } from './host/op-types.js';
import { SHAPE_OPS } from './host/shape-ops.js';

export type NodeKind =
  | { readonly kind: 'chip'; readonly op: OnnxOperator }
  | { readonly kind: 'host'; readonly op: HostOp; readonly attributes: readonly string[] }
  | { readonly kind: 'constant' };

/** The attributes each host operator reads (any other is refused before the run). */
const HOST_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  Identity: [], Reshape: ['allowzero'], Flatten: ['axis'], Transpose: ['perm'], Squeeze: ['axes'], Unsqueeze: ['axes'],
  Concat: ['axis'], Shape: [], Pad: ['mode', 'pads'], Slice: [], Gather: ['axis'],
  Relu: [], Erf: [], Sqrt: [], Tanh: [], Sigmoid: [], Clip: ['min', 'max'], Add: [], Sub: [], Mul: [], Div: [],
  Softmax: ['axis'], LayerNormalization: ['axis', 'epsilon', 'stash_type'], Gelu: ['approximate'], MatMul: [],
};

const HOST_OPS: Readonly<Record<string, HostOp>> = { ...SHAPE_OPS, ...FLOAT_OPS };

/** The runner of `n`, or null. */
export function kindOf(n: GraphNode): NodeKind | null {
  const chip = Object.values(OPERATORS).find((o) => o.op === n.opType && o.domain === n.domain);
  if (chip) return { kind: 'chip', op: chip };
  if (n.domain !== '') return null;
  if (n.opType === 'Constant') return { kind: 'constant' };
  const host = Object.hasOwn(HOST_OPS, n.opType) ? HOST_OPS[n.opType] : undefined;
  return host ? { kind: 'host', op: host, attributes: HOST_ATTRIBUTES[n.opType] ?? [] } : null;
}

/** Float ops the simulator only runs quantised: a QDQ group that did not fold is the usual cause. */
const QUANTISED_ONLY: Readonly<Record<string, string>> = {
  Conv: 'QLinearConv',
  Gemm: 'QGemm',
  AveragePool: 'QLinearAveragePool',
  GlobalAveragePool: 'QLinearGlobalAveragePool',
  MaxPool: 'MaxPool on int8 / uint8',
  LeakyRelu: 'QLinearLeakyRelu',
};

/** Why `n` (in the folded graph `ix`) cannot run. */
export function explainUnsupported(n: GraphNode, ix: GraphIndex): string {
  const quantised = n.domain === '' ? QUANTISED_ONLY[n.opType] : undefined;
  if (quantised) {
    const notDq = n.inputs.findIndex((x, i) => i < 2 && x && ix.producerOf(x)?.opType !== 'DequantizeLinear' && !ix.constant(x));
    const q = ix.soleReader(n.outputs[0] ?? '');
    const why =
      notDq >= 0
        ? `input ${notDq} (${n.inputs[notDq]}) does not come from a DequantizeLinear`
        : q?.opType !== 'QuantizeLinear'
          ? 'its output is not read by a single QuantizeLinear (with a zero point)'
          : 'its DequantizeLinear / QuantizeLinear parameters are not constants with zero points, or the types are not a supported combination';
    return `a float ${n.opType} runs only quantised (as ${quantised}), and this one was not folded from QDQ: ${why}; quantise the model (QOperator or QDQ format) around it`;
  }
  const domain = n.domain === '' ? '' : ` of domain ${n.domain}`;
  const chip = Object.values(OPERATORS).map((o) => o.op);
  const host = Object.keys(HOST_OPS);
  return `op type ${n.opType}${domain} is not supported (on the chip: ${chip.sort().join(', ')}; on the host: ${host.sort().join(', ')})`;
}
