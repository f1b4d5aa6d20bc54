/**
 * Lookups over a graph the passes and the runner need: which node makes a tensor, which nodes read it,
 * which tensors are constant (initializers) and which are graph outputs.
 */
import { f16BitsToNumber } from '../../isa/numeric/float16.js';
import type { Graph, GraphNode, GraphTensor } from './graph.js';

export class GraphIndex {
  private readonly producer = new Map<string, GraphNode>();
  private readonly readers = new Map<string, GraphNode[]>();
  private readonly outputs: ReadonlySet<string>;

  constructor(
    readonly graph: Graph,
    nodes: readonly GraphNode[] = graph.nodes,
  ) {
    for (const n of nodes) {
      for (const o of n.outputs) if (o) this.producer.set(o, n);
      for (const i of n.inputs) if (i) this.readers.set(i, [...(this.readers.get(i) ?? []), n]);
    }
    this.outputs = new Set(graph.outputs.map((o) => o.name));
  }

  /** The node that writes `tensor`, if any (graph inputs and initializers have none). */
  producerOf(tensor: string): GraphNode | undefined {
    return this.producer.get(tensor);
  }

  /** The nodes that read `tensor`, in file order. */
  readersOf(tensor: string): readonly GraphNode[] {
    return this.readers.get(tensor) ?? [];
  }

  isGraphOutput(tensor: string): boolean {
    return this.outputs.has(tensor);
  }

  /** The initializer `name`, if it is one. */
  constant(name: string): GraphTensor | undefined {
    return name ? this.graph.initializers.get(name) : undefined;
  }

  /** The single node reading `tensor` when exactly one does and the tensor is not a graph output. */
  soleReader(tensor: string): GraphNode | undefined {
    const r = this.readersOf(tensor);
    return r.length === 1 && !this.isGraphOutput(tensor) ? r[0] : undefined;
  }
}

/** A constant's values as numbers (bigints converted, float16 bits decoded; for scalars, quantisation parameters, shapes). */
export function numbersOf(t: GraphTensor): number[] {
  if (t.dtype === 'string') return [];
  if (t.dtype === 'float16') return Array.from(t.data as Uint16Array, f16BitsToNumber);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
