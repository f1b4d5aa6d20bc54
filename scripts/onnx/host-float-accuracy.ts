/**
 * How close the host's float operators (Softmax, LayerNormalization, Gelu, ... between the quantised
 * blocks) come to ONNX Runtime's before the next QuantizeLinear: every float node left after the QDQ
 * fold has its output exposed as a graph output, both run, and the float32 results are compared by
 * their bits. The fixture generator records it beside each model, so the claim "the quantised output
 * is bit-exact although the float steps are not" carries its numbers.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { foldQdq } from '../model/fold-qdq.js';
import type { Graph, GraphTensor } from '../model/graph.js';
import { FLOAT_OPS } from '../model/host/float-ops.js';
import { encodeOnnxModel } from '../model/onnx-write.js';
import { runModel } from '../model/run-model.js';
import type { OrtApi } from './ort.js';

export interface HostFloatAccuracy {
  readonly node: string;
  readonly op: string;
  readonly values: number;
  /** values whose float32 bits differ from ORT's */
  readonly differing: number;
  /** the largest distance in units in the last place (float32 steps, across zero counted through it) */
  readonly maxUlp: number;
  /** the largest absolute difference (a huge ulp count near zero can be a tiny one) */
  readonly maxAbsDiff: number;
}

/** float32 bits as an integer that orders like the value (both zeros at 0), so a difference counts ulps. */
function ordered(bits: number): number {
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

export async function hostFloatAccuracy(g: Graph, input: GraphTensor, ort: OrtApi, ortOptions: Record<string, unknown>, cfg: HwConfig): Promise<HostFloatAccuracy[]> {
  const host = foldQdq(g).nodes.filter((n) => n.domain === '' && Object.hasOwn(FLOAT_OPS, n.opType));
  if (host.length === 0) return [];
  const exposed: Graph = { ...g, outputs: [...g.outputs, ...host.map((n) => ({ name: n.outputs[0]!, dtype: 'float32' as const, dims: null }))] };
  const session = await ort.InferenceSession.create(encodeOnnxModel(exposed), ortOptions);
  const theirs = await session.run({ [input.name]: new ort.Tensor('float32', input.data as Float32Array, input.dims as number[]) });
  await session.release?.();
  const ours = runModel(foldQdq(exposed), new Map([[input.name, input]]), cfg).outputs;
  return host.map((n) => {
    const name = n.outputs[0]!;
    const av = Float32Array.from(theirs[name]!.data as ArrayLike<number>);
    const bv = (ours.get(name)!.data as Float32Array).slice();
    const a = new Int32Array(av.buffer);
    const b = new Int32Array(bv.buffer);
    let differing = 0;
    let maxUlp = 0;
    let maxAbsDiff = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      differing++;
      maxUlp = Math.max(maxUlp, Math.abs(ordered(a[i]!) - ordered(b[i]!)));
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(av[i]! - bv[i]!));
    }
    return { node: n.name, op: n.opType, values: a.length, differing, maxUlp, maxAbsDiff };
  });
}
