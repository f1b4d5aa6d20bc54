/**
 * Runs a model graph node by node: quantised nodes as the ops-nn operators on the simulated chip
 * (functionally, each kernel launch simulated; the cycles are the simulator's), shape and float nodes on
 * the host (not timed), Constants as their values. `checkModel` finds every node that cannot run before
 * anything does, so a model fails whole or not at all.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { OpError } from '../../ops-nn/kernel.js';
import type { NodeAttrs } from '../../ops-nn/onnx/index.js';
import { runOperator } from '../lib/exec/driver.js';
import type { KernelRun, RunOptions } from '../lib/exec/types.js';
import type { AttrValue, Graph, GraphNode, GraphTensor } from './graph.js';
import { GraphIndex } from './graph-index.js';
import { HostOpError } from './host/op-types.js';
import { explainUnsupported, kindOf, type NodeKind } from './node-kinds.js';
import { fromHost, isHostDtype, toHost } from './tensors.js';

/** A node that cannot run, and why. */
export interface ModelProblem {
  readonly node: string;
  readonly opType: string;
  readonly why: string;
}

/** What one node of a run did. */
export interface NodeRecord {
  readonly name: string;
  readonly opType: string;
  readonly where: 'chip' | 'host' | 'constant';
  /** simulated cycles of its kernels (0 on the host) */
  readonly cycles: number;
  readonly kernels: readonly KernelRun[];
  /** the nodes the graph pass folded into it */
  readonly fused: readonly string[];
  readonly outputDims: readonly (readonly number[])[];
}

export interface ModelRun {
  readonly outputs: ReadonlyMap<string, GraphTensor>;
  readonly nodes: readonly NodeRecord[];
  readonly cycles: number;
}

const attrProblem = (n: GraphNode, allowed: readonly string[]): string | null => {
  for (const [k, v] of Object.entries(n.attrs)) {
    if (!allowed.includes(k)) return `attribute ${k} is not supported (known: ${allowed.join(', ') || 'none'})`;
    if (v.type === 'unsupported') return `attribute ${k} is a ${v.value}, which the simulator does not take`;
  }
  return null;
};

function nodeProblem(n: GraphNode, kind: NodeKind | null, ix: GraphIndex): string | null {
  if (!kind) return explainUnsupported(n, ix);
  if (kind.kind === 'constant') return n.attrs['value'] || n.attrs['value_float'] || n.attrs['value_floats'] || n.attrs['value_int'] || n.attrs['value_ints'] ? null : 'a Constant needs value, value_float(s) or value_int(s)';
  if (kind.kind === 'host') return attrProblem(n, kind.attributes);
  const c = kind.op;
  if (n.inputs.length > c.inputs.length) return `${n.inputs.length} inputs given, ${c.op} takes at most ${c.inputs.length}`;
  if (n.outputs.filter(Boolean).length > 1) return `${c.op} has one output here (${c.output}); extra outputs are not produced`;
  for (const [i, name] of n.inputs.entries()) {
    const t = ix.constant(name);
    if (t && !isHostDtype(t.dtype)) return `input ${c.inputs[i]!.name} (${name}) is ${t.dtype}, which ${c.op} does not take`;
  }
  return attrProblem(n, Object.keys(c.attributes));
}

/** Every node of `g` that cannot run, in graph order (empty: the model can run). */
export function checkModel(g: Graph): ModelProblem[] {
  const ix = new GraphIndex(g);
  return g.nodes.flatMap((n) => {
    const why = nodeProblem(n, kindOf(n), ix);
    return why ? [{ node: n.name, opType: n.domain ? `${n.domain}.${n.opType}` : n.opType, why }] : [];
  });
}

/** An ONNX attribute as the ops-nn operators take it (numbers, strings, number lists). */
const plainAttr = (v: AttrValue): unknown => (v.type === 'tensor' || v.type === 'unsupported' ? undefined : v.value);

function constantValue(n: GraphNode): Omit<GraphTensor, 'name'> {
  const a = n.attrs;
  const v = a['value'];
  if (v?.type === 'tensor') return v.value;
  const f = a['value_float'] ?? a['value_floats'];
  if (f?.type === 'float') return { dtype: 'float32', dims: [], data: Float32Array.of(f.value) };
  if (f?.type === 'floats') return { dtype: 'float32', dims: [f.value.length], data: Float32Array.from(f.value) };
  const i = a['value_int'] ?? a['value_ints'];
  if (i?.type === 'int') return { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(i.value)) };
  if (i?.type === 'ints') return { dtype: 'int64', dims: [i.value.length], data: BigInt64Array.from(i.value, BigInt) };
  throw new OpError(`node ${n.name} (Constant): no value`);
}

/** The last node index that reads each tensor, so activations are freed once used. */
function lastUses(g: Graph): Map<string, number> {
  const last = new Map<string, number>();
  g.nodes.forEach((n, i) => n.inputs.forEach((x) => x && last.set(x, i)));
  return last;
}

/** Runs `g` (checked by checkModel, fed every graph input) on `cfg`. */
export function runModel(g: Graph, feeds: ReadonlyMap<string, GraphTensor>, cfg: HwConfig, opts: RunOptions = {}): ModelRun {
  const problems = checkModel(g);
  if (problems.length > 0) throw new OpError(`${problems.length} node(s) cannot run: ${problems.map((p) => `${p.node} (${p.opType}): ${p.why}`).join('; ')}`);
  const values = new Map<string, GraphTensor>([...g.initializers, ...feeds]);
  const outputNames = new Set(g.outputs.map((o) => o.name));
  const last = lastUses(g);
  const records: NodeRecord[] = [];
  g.nodes.forEach((n, index) => {
    const kind = kindOf(n)!;
    const get = (name: string): GraphTensor | undefined => {
      if (!name) return undefined;
      const t = values.get(name);
      if (!t) throw new OpError(`node ${n.name} (${n.opType}): input ${name} has no value (not fed, not made by an earlier node)`);
      return t;
    };
    const inputs = n.inputs.map(get);
    let outs: Omit<GraphTensor, 'name'>[];
    let kernels: readonly KernelRun[] = [];
    try {
      if (kind.kind === 'constant') outs = [constantValue(n)];
      else if (kind.kind === 'host') outs = kind.op(inputs, n.attrs);
      else {
        const named: Record<string, ReturnType<typeof toHost>> = {};
        inputs.forEach((t, i) => {
          if (!t) return;
          if (!isHostDtype(t.dtype)) throw new OpError(`input ${kind.op.inputs[i]!.name} (${t.name}) is ${t.dtype}, which ${kind.op.op} does not take`);
          named[kind.op.inputs[i]!.name] = toHost(t);
        });
        const attrs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(n.attrs)) attrs[k] = plainAttr(v);
        const r = runOperator(kind.op, named, attrs as NodeAttrs, cfg, opts);
        outs = [fromHost('', r.outputs[kind.op.output]!)];
        kernels = r.kernels;
      }
    } catch (e) {
      if (e instanceof OpError || e instanceof HostOpError) throw new OpError(`node ${n.name} (${n.opType}): ${e.message}`);
      throw e;
    }
    n.outputs.forEach((name, i) => {
      if (name && outs[i]) values.set(name, { ...outs[i]!, name });
    });
    for (const x of n.inputs) if (x && last.get(x) === index && !outputNames.has(x) && !g.initializers.has(x)) values.delete(x);
    records.push({
      name: n.name,
      opType: n.domain ? `${n.domain}.${n.opType}` : n.opType,
      where: kind.kind,
      cycles: kernels.reduce((s, k) => s + k.cycles, 0),
      kernels,
      fused: n.fused ?? [],
      outputDims: outs.map((o) => o.dims),
    });
  });
  const outputs = new Map<string, GraphTensor>();
  for (const o of g.outputs) {
    const t = values.get(o.name);
    if (!t) throw new OpError(`graph output ${o.name} was not produced by any node`);
    outputs.set(o.name, t);
  }
  return { outputs, nodes: records, cycles: records.reduce((s, r) => s + r.cycles, 0) };
}
