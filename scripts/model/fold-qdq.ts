/**
 * The QDQ graph pass: turns DequantizeLinear -> float op -> QuantizeLinear groups into the quantised
 * operators the library runs, the way ONNX Runtime's QDQ transformer does with its default
 * optimisations, so a QDQ model computes what ORT computes:
 * - a Relu or Clip between an op and its QuantizeLinear goes first when the quantisation already clamps
 *   to its range (Relu: the zero point is the type's minimum; Clip: [min, max] covers the quantised
 *   range), as ORT's Relu/Clip-QuantizeLinear fusions do: the requant clamp does its work, so an INT8
 *   conv + ReLU has no dequant/quant pair between the two;
 * - Conv, MatMul, Gemm, Add, AveragePool, GlobalAveragePool and LeakyRelu with every data input from a
 *   DequantizeLinear and a sole QuantizeLinear reader become QLinearConv, QLinearMatMul, QGemm,
 *   QLinearAdd, QLinearAveragePool, QLinearGlobalAveragePool, QLinearLeakyRelu;
 * - MaxPool and the data-movement ops (Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Slice, Gather,
 *   Expand, Tile) between a DequantizeLinear and a QuantizeLinear of the same scale and zero point run
 *   on the quantised tensor, the pair dropped;
 * - DequantizeLinear nodes left without readers go.
 * One difference from ORT on x86: ORT folds Conv and MatMul with int8 activations only on ARM (or with
 * the session option session.qdq_is_int8_allowed = 1) and otherwise computes them in float; here they
 * always fold, as an NPU runs them. Each new node lists the nodes folded into it (`fused`).
 */
import type { AttrValue, Graph, GraphNode } from './graph.js';
import { GraphIndex, numbersOf } from './graph-index.js';

/** [min, max] of the 8-bit types a QuantizeLinear writes. */
const QRANGE: Readonly<Record<string, readonly [number, number]>> = { int8: [-128, 127], uint8: [0, 255] };

/** The scale and zero point of a (De)QuantizeLinear when both are constants (zero point absent: 0 uint8). */
interface QParams {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  readonly type: string;
}

function qparams(ix: GraphIndex, n: GraphNode): QParams | null {
  const s = ix.constant(n.inputs[1] ?? '');
  if (!s) return null;
  const zpName = n.inputs[2] ?? '';
  const zp = zpName ? ix.constant(zpName) : undefined;
  if (zpName && !zp) return null;
  return { scale: numbersOf(s), zeroPoint: zp ? numbersOf(zp) : [0], type: zp ? zp.dtype : 'uint8' };
}

const sameParams = (a: QParams, b: QParams) =>
  a.type === b.type && a.scale.length === b.scale.length && a.scale.every((v, i) => v === b.scale[i]) && a.zeroPoint.every((v, i) => v === b.zeroPoint[i]);

/** A mutable copy of the node list with removals, so passes can rewrite in place. */
class Rewrite {
  readonly nodes: (GraphNode | null)[];
  constructor(nodes: readonly GraphNode[]) {
    this.nodes = [...nodes];
  }
  index(g: Graph): GraphIndex {
    return new GraphIndex(g, this.live());
  }
  live(): GraphNode[] {
    return this.nodes.filter((n): n is GraphNode => n !== null);
  }
  replace(old: GraphNode, next: GraphNode | null): void {
    this.nodes[this.nodes.indexOf(old)] = next;
  }
}

/** Whether the Q's own clamp already does what activation `act` does. */
function clampIsRedundant(ix: GraphIndex, act: GraphNode, q: GraphNode): boolean {
  const p = qparams(ix, q);
  if (!p || p.scale.length !== 1 || !QRANGE[p.type]) return false;
  const [qmin, qmax] = QRANGE[p.type]!;
  const zp = p.zeroPoint[0]!;
  if (act.opType === 'Relu') return zp === qmin;
  // Clip: bounds from inputs (opset 11+) or attributes (before); absent means unbounded
  const bound = (pos: number, attr: string, fallback: number): number | null => {
    const name = act.inputs[pos] ?? '';
    if (name) {
      const c = ix.constant(name);
      return c ? numbersOf(c)[0]! : null;
    }
    const a = act.attrs[attr];
    return a?.type === 'float' ? a.value : fallback;
  };
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  if (lo === null || hi === null) return false;
  const s = p.scale[0]!;
  return lo <= s * (qmin - zp) && hi >= s * (qmax - zp);
}

/** Removes Relu / Clip nodes whose sole reader is a QuantizeLinear that clamps the same way. */
function dropRedundantClamps(g: Graph, rw: Rewrite, absorbed: Map<GraphNode, string[]>): void {
  const ix = rw.index(g);
  for (const act of rw.live()) {
    if (act.opType !== 'Relu' && act.opType !== 'Clip') continue;
    const q = ix.soleReader(act.outputs[0]!);
    if (q?.opType !== 'QuantizeLinear' || !clampIsRedundant(ix, act, q)) continue;
    const rewired: GraphNode = { ...q, inputs: [act.inputs[0]!, ...q.inputs.slice(1)] };
    absorbed.set(rewired, [...(absorbed.get(q) ?? []), act.name]);
    rw.replace(q, rewired);
    rw.replace(act, null);
  }
}

/** A quantised replacement: the QLinear op, its domain, and how its inputs and attributes are made. */
interface QLinearRule {
  readonly op: string;
  readonly domain: string;
  /** input positions of the float op that must come from a DequantizeLinear; optional ones may be absent */
  readonly dq: readonly number[];
  readonly optionalDq?: readonly number[];
  /** the new node's inputs from the DequantizeLinears (by float-op position) and the Q */
  readonly inputs: (dq: (i: number) => readonly string[], q: readonly string[]) => string[];
  readonly attrs?: (a: Readonly<Record<string, AttrValue>>) => Record<string, AttrValue>;
}

/** x, scale, zero point of a DequantizeLinear or QuantizeLinear. */
const triple = (n: GraphNode): string[] => [n.inputs[0]!, n.inputs[1]!, n.inputs[2] ?? ''];

const QLINEAR_RULES: Readonly<Record<string, QLinearRule>> = {
  Conv: { op: 'QLinearConv', domain: '', dq: [0, 1], optionalDq: [2], inputs: (d, q) => [...d(0), ...d(1), q[1]!, q[2]!, d(2)[0] ?? ''] },
  MatMul: { op: 'QLinearMatMul', domain: '', dq: [0, 1], inputs: (d, q) => [...d(0), ...d(1), q[1]!, q[2]!] },
  Gemm: { op: 'QGemm', domain: 'com.microsoft', dq: [0, 1], optionalDq: [2], inputs: (d, q) => [...d(0), ...d(1), d(2)[0] ?? '', q[1]!, q[2]!] },
  Add: { op: 'QLinearAdd', domain: 'com.microsoft', dq: [0, 1], inputs: (d, q) => [...d(0), ...d(1), q[1]!, q[2]!] },
  AveragePool: { op: 'QLinearAveragePool', domain: 'com.microsoft', dq: [0], inputs: (d, q) => [...d(0), q[1]!, q[2]!] },
  GlobalAveragePool: { op: 'QLinearGlobalAveragePool', domain: 'com.microsoft', dq: [0], inputs: (d, q) => [...d(0), q[1]!, q[2]!], attrs: () => ({ channels_last: { type: 'int', value: 0 } }) },
  LeakyRelu: { op: 'QLinearLeakyRelu', domain: 'com.microsoft', dq: [0], inputs: (d, q) => [...d(0), q[1]!, q[2]!] },
};

/** Ops that only move or select data: with equal parameters around them they run on the quantised tensor. */
const DROP_QDQ = new Set(['MaxPool', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Slice', 'Gather', 'Expand', 'Tile']);

/** The DequantizeLinear writing input `pos` of `n`, if any. */
function dqAt(ix: GraphIndex, n: GraphNode, pos: number): GraphNode | undefined {
  const name = n.inputs[pos] ?? '';
  const p = name ? ix.producerOf(name) : undefined;
  return p?.opType === 'DequantizeLinear' && p.domain === '' ? p : undefined;
}

function foldQLinear(ix: GraphIndex, n: GraphNode, rule: QLinearRule, absorbed: Map<GraphNode, string[]>): { node: GraphNode; q: GraphNode } | null {
  const q = ix.soleReader(n.outputs[0]!);
  if (q?.opType !== 'QuantizeLinear' || !q.inputs[2]) return null;
  const dqs = new Map<number, GraphNode>();
  for (const pos of rule.dq) {
    const d = dqAt(ix, n, pos);
    // a DequantizeLinear without a zero point leaves the op in float (the QLinear ops need one)
    if (!d || !d.inputs[2]) return null;
    dqs.set(pos, d);
  }
  for (const pos of rule.optionalDq ?? []) {
    if (!n.inputs[pos]) continue;
    const d = dqAt(ix, n, pos);
    if (!d) return null;
    dqs.set(pos, d);
  }
  const d = (pos: number) => (dqs.has(pos) ? triple(dqs.get(pos)!) : []);
  const node: GraphNode = {
    name: n.name,
    opType: rule.op,
    domain: rule.domain,
    inputs: rule.inputs(d, triple(q)),
    outputs: [q.outputs[0]!],
    attrs: { ...n.attrs, ...(rule.attrs?.(n.attrs) ?? {}) },
    fused: [...[...dqs.values()].map((x) => x.name), ...(absorbed.get(q) ?? []), q.name],
  };
  return { node, q };
}

function foldDrop(ix: GraphIndex, n: GraphNode, absorbed: Map<GraphNode, string[]>): { node: GraphNode; q: GraphNode } | null {
  const dq = dqAt(ix, n, 0);
  const q = ix.soleReader(n.outputs[0]!);
  if (!dq || q?.opType !== 'QuantizeLinear') return null;
  const a = qparams(ix, dq);
  const b = qparams(ix, q);
  if (!a || !b || !sameParams(a, b) || a.scale.length !== 1) return null;
  if (n.opType === 'MaxPool' && !(a.scale[0]! > 0)) return null; // a negative scale reverses the order
  const node: GraphNode = { ...n, inputs: [dq.inputs[0]!, ...n.inputs.slice(1)], outputs: [q.outputs[0]!, ...n.outputs.slice(1)], fused: [dq.name, ...(absorbed.get(q) ?? []), q.name] };
  return { node, q };
}

/** Removes DequantizeLinear nodes no live node reads (their outputs not graph outputs). */
function dropDeadDequantize(g: Graph, rw: Rewrite): void {
  const ix = rw.index(g);
  for (const n of rw.live()) if (n.opType === 'DequantizeLinear' && ix.readersOf(n.outputs[0]!).length === 0 && !ix.isGraphOutput(n.outputs[0]!)) rw.replace(n, null);
}

/** The graph with its QDQ groups folded into quantised operators (see the file comment). */
export function foldQdq(g: Graph): Graph {
  const rw = new Rewrite(g.nodes);
  const absorbed = new Map<GraphNode, string[]>();
  dropRedundantClamps(g, rw, absorbed);
  const ix = rw.index(g);
  for (const n of rw.live()) {
    if (n.domain !== '') continue;
    const rule = QLINEAR_RULES[n.opType];
    const folded = rule ? foldQLinear(ix, n, rule, absorbed) : DROP_QDQ.has(n.opType) ? foldDrop(ix, n, absorbed) : null;
    if (!folded) continue;
    rw.replace(n, folded.node);
    rw.replace(folded.q, null);
  }
  dropDeadDequantize(g, rw);
  return { ...g, nodes: rw.live() };
}
