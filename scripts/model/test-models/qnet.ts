/**
 * A builder of quantised CNN test models with seeded random weights, in the two formats ONNX
 * Runtime's quantiser writes: QDQ (QuantizeLinear / DequantizeLinear around float Conv, Add, MaxPool,
 * GlobalAveragePool, Flatten, Gemm) and QOperator (QLinearConv, QLinearAdd, MaxPool on the quantised
 * tensor, QLinearGlobalAveragePool, Flatten, QGemm). Weights are int8 with per-channel scales; each
 * activation's scale is chosen from its expected spread (the int32 accumulator's standard deviation
 * is about sqrt(K) x the input's x the weights'), so that about three standard deviations fill the
 * 8-bit range: outputs are neither saturated nor constant. A ReLU is written only where the output
 * zero point is the type's minimum, as a calibrated quantiser produces, so the quantisation clamps
 * exactly as the ReLU would.
 */
import { seededRandom } from '../../lib/rng.js';
import type { AttrValue, Graph, GraphNode, GraphTensor } from '../graph.js';

export type ModelFormat = 'qdq' | 'qoperator';
export type ActType = 'uint8' | 'int8';

/** A quantised activation: its tensor, parameters, shape (NCHW or [N, F]) and spread in quantised steps. */
export interface Act {
  readonly name: string;
  readonly scale: number;
  readonly zp: number;
  readonly dims: readonly number[];
  readonly spread: number;
}

export const QMIN: Readonly<Record<ActType, number>> = { uint8: 0, int8: -128 };
/** Standard deviation of uniform int8 weights in [-127, 127]. */
export const W_STD = 127 / Math.sqrt(3);

export const int = (v: number): AttrValue => ({ type: 'int', value: v });
export const ints = (v: readonly number[]): AttrValue => ({ type: 'ints', value: v });

export class QNet {
  protected readonly nodes: GraphNode[] = [];
  protected readonly inits = new Map<string, GraphTensor>();
  private readonly dqCache = new Map<string, string>();
  protected readonly rand: () => number;
  private count = 0;

  constructor(
    readonly format: ModelFormat,
    readonly act: ActType,
    seed: number,
  ) {
    this.rand = seededRandom(seed);
  }

  protected id(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  protected init(name: string, dtype: GraphTensor['dtype'], dims: readonly number[], values: ArrayLike<number>): string {
    const data = dtype === 'int64' ? BigInt64Array.from(Array.from(values), (v) => BigInt(v)) : dtype === 'float32' ? Float32Array.from(values) : dtype === 'int8' ? Int8Array.from(values) : dtype === 'uint8' ? Uint8Array.from(values) : Int32Array.from(values);
    this.inits.set(name, { name, dtype, dims, data } as GraphTensor);
    return name;
  }

  protected node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, domain = ''): void {
    this.nodes.push({ name: this.id(opType), opType, domain, inputs, outputs, attrs });
  }

  /** scale and zero point initializers of an activation. */
  protected params(a: { name: string; scale: number; zp: number }): [string, string] {
    const s = `${a.name}_scale`;
    const z = `${a.name}_zp`;
    if (!this.inits.has(s)) this.init(s, 'float32', [], [a.scale]);
    if (!this.inits.has(z)) this.init(z, this.act, [], [a.zp]);
    return [s, z];
  }

  /** QDQ: the float view of `a` (one DequantizeLinear per tensor, shared by its readers). */
  protected dq(a: Act): string {
    const hit = this.dqCache.get(a.name);
    if (hit) return hit;
    const out = `${a.name}_dq`;
    this.node('DequantizeLinear', [a.name, ...this.params(a)], [out]);
    this.dqCache.set(a.name, out);
    return out;
  }

  /** An output activation with scale chosen for a real-valued spread `std`; `relu` puts its zero point at the minimum. */
  protected outAct(prefix: string, std: number, dims: readonly number[], relu: boolean): Act {
    const span = relu ? 255 : 255 / 2;
    const scale = Math.fround((3 * std) / span);
    const zp = relu ? QMIN[this.act] : this.act === 'uint8' ? 128 : 0;
    return { name: this.id(prefix), scale, zp, dims, spread: relu ? span / 3 / 1.4 : span / 3 };
  }

  /** QDQ: Q of float tensor `x` into `a`. */
  protected q(x: string, a: Act): void {
    this.node('QuantizeLinear', [x, ...this.params(a)], [a.name]);
  }

  input(name: string, dims: readonly number[]): Act {
    // inputs are uniform in [-1, 1): scale 2/255 over the whole range
    const a: Act = { name: `${name}_q`, scale: Math.fround(2 / 255), zp: this.act === 'uint8' ? 128 : 0, dims, spread: 127 / Math.sqrt(3) };
    this.node('QuantizeLinear', [name, ...this.params(a)], [a.name]);
    return a;
  }

  private weights(prefix: string, dims: readonly number[], channels: number, inScale: number, accStd: number) {
    const n = dims.reduce((p, d) => p * d, 1);
    const w = this.init(`${prefix}_w`, 'int8', dims, Array.from({ length: n }, () => Math.floor(this.rand() * 255) - 127));
    const ws = Array.from({ length: channels }, () => Math.fround(0.004 * (0.5 + this.rand())));
    const wScale = this.init(`${prefix}_w_scale`, 'float32', [channels], ws);
    const wZp = this.init(`${prefix}_w_zp`, 'int8', [channels], new Array<number>(channels).fill(0));
    const b = this.init(`${prefix}_b`, 'int32', [channels], Array.from({ length: channels }, () => Math.round((this.rand() - 0.5) * accStd)));
    const bScale = this.init(`${prefix}_b_scale`, 'float32', [channels], ws.map((s) => Math.fround(inScale * s)));
    const bZp = this.init(`${prefix}_b_zp`, 'int32', [channels], new Array<number>(channels).fill(0));
    return { w, wScale, wZp, b, bScale, bZp, meanScale: ws.reduce((s, x) => s + x, 0) / channels };
  }

  conv(x: Act, oc: number, k: number, stride = 1, relu = true): Act {
    const [n, c, h, w] = x.dims as [number, number, number, number];
    const pad = (k - 1) >> 1;
    const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
    const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
    const K = c * k * k;
    const accStd = Math.sqrt(K) * x.spread * W_STD;
    const p = this.id('conv');
    const wt = this.weights(p, [oc, c, k, k], oc, x.scale, accStd);
    const y = this.outAct(p, accStd * x.scale * wt.meanScale, [n, oc, oh, ow], relu);
    const attrs = { kernel_shape: ints([k, k]), pads: ints([pad, pad, pad, pad]), strides: ints([stride, stride]) };
    if (this.format === 'qoperator') {
      this.node('QLinearConv', [x.name, ...this.params(x), wt.w, wt.wScale, wt.wZp, ...this.params(y), wt.b], [y.name], attrs);
      return y;
    }
    const dw = `${p}_w_dq`;
    const db = `${p}_b_dq`;
    this.node('DequantizeLinear', [wt.w, wt.wScale, wt.wZp], [dw], { axis: int(0) });
    this.node('DequantizeLinear', [wt.b, wt.bScale, wt.bZp], [db], { axis: int(0) });
    const f = `${p}_f`;
    this.node('Conv', [this.dq(x), dw, db], [f], attrs);
    this.reluThenQ(f, y, relu);
    return y;
  }

  private reluThenQ(f: string, y: Act, relu: boolean): void {
    if (!relu) return this.q(f, y);
    this.node('Relu', [f], [`${f}_relu`]);
    this.q(`${f}_relu`, y);
  }

  add(a: Act, b: Act, relu = true): Act {
    const std = Math.hypot(a.spread * a.scale, b.spread * b.scale);
    const y = this.outAct('add', std, a.dims, relu);
    if (this.format === 'qoperator') {
      this.node('QLinearAdd', [a.name, ...this.params(a), b.name, ...this.params(b), ...this.params(y)], [y.name], {}, 'com.microsoft');
      return y;
    }
    const f = this.id('add_f');
    this.node('Add', [this.dq(a), this.dq(b)], [f]);
    this.reluThenQ(f, y, relu);
    return y;
  }

  /** An op that keeps the quantisation (MaxPool, Flatten): same scale and zero point in and out. */
  protected keep(x: Act, opType: string, dims: readonly number[], attrs: Record<string, AttrValue>): Act {
    const y: Act = { ...x, name: this.id(opType.toLowerCase()), dims };
    if (this.format === 'qoperator') {
      this.node(opType, [x.name], [y.name], attrs);
      return y;
    }
    const f = `${y.name}_f`;
    this.node(opType, [this.dq(x)], [f], attrs);
    this.q(f, y);
    return y;
  }

  maxPool(x: Act, k: number, stride: number, pad: number): Act {
    const [n, c, h, w] = x.dims as [number, number, number, number];
    const o = (d: number) => Math.floor((d + 2 * pad - k) / stride) + 1;
    return this.keep(x, 'MaxPool', [n, c, o(h), o(w)], { kernel_shape: ints([k, k]), strides: ints([stride, stride]), pads: ints([pad, pad, pad, pad]) });
  }

  flatten(x: Act): Act {
    const [n, ...rest] = x.dims;
    return this.keep(x, 'Flatten', [n!, rest.reduce((p, d) => p * d, 1)], { axis: int(1) });
  }

  globalAveragePool(x: Act): Act {
    const [n, c] = x.dims as [number, number];
    // the mean of ReLU outputs spreads about half as far as they do
    const y = this.outAct('gap', (x.spread * x.scale) / 2, [n, c, 1, 1], false);
    if (this.format === 'qoperator') {
      this.node('QLinearGlobalAveragePool', [x.name, ...this.params(x), ...this.params(y)], [y.name], { channels_last: int(0) }, 'com.microsoft');
      return y;
    }
    const f = `${y.name}_f`;
    this.node('GlobalAveragePool', [this.dq(x)], [f]);
    this.q(f, y);
    return y;
  }

  fc(x: Act, n: number): Act {
    const [batch, k] = x.dims as [number, number];
    const accStd = Math.sqrt(k) * x.spread * W_STD;
    const p = this.id('fc');
    const wt = this.weights(p, [n, k], n, x.scale, accStd);
    const y = this.outAct(p, accStd * x.scale * wt.meanScale, [batch, n], false);
    const attrs = { transB: int(1) };
    if (this.format === 'qoperator') {
      this.node('QGemm', [x.name, ...this.params(x), wt.w, wt.wScale, wt.wZp, wt.b, ...this.params(y)], [y.name], attrs, 'com.microsoft');
      return y;
    }
    const dw = `${p}_w_dq`;
    const db = `${p}_b_dq`;
    this.node('DequantizeLinear', [wt.w, wt.wScale, wt.wZp], [dw], { axis: int(0) });
    this.node('DequantizeLinear', [wt.b, wt.bScale, wt.bZp], [db], { axis: int(0) });
    const f = `${p}_f`;
    this.node('Gemm', [this.dq(x), dw, db], [f], attrs);
    this.q(f, y);
    return y;
  }

  /** The graph with input `input` (float32 NCHW) and the float output `output` (a final DequantizeLinear). */
  finish(name: string, input: string, inputDims: readonly number[], y: Act, output: string): Graph {
    this.node('DequantizeLinear', [y.name, ...this.params(y)], [output]);
    return {
      name,
      nodes: this.nodes,
      initializers: this.inits,
      inputs: [{ name: input, dtype: 'float32', dims: inputDims }],
      outputs: [{ name: output, dtype: 'float32', dims: y.dims }],
      opsets: { '': 21, 'com.microsoft': 1 },
      irVersion: 10,
      producer: 'aicore-sim test models',
    };
  }
}
