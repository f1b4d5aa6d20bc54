/**
 * QNet's transformer pieces, for a quantised encoder-block test model in the layout ONNX Runtime's
 * quantiser gives BERT: INT8 MatMuls (per-tensor weight scales, no bias) and the attention's two
 * activation x activation MatMuls quantised; the head split and merge (Reshape, Transpose) on the
 * quantised tensors between equal parameters; the scaling Div, Softmax, LayerNormalization and Gelu
 * in float between a DequantizeLinear and a QuantizeLinear (ORT has no QDQ fold for them, so they
 * stay float in ORT and run on the host here). The Div before the Softmax is what keeps ORT from
 * turning DequantizeLinear -> Softmax -> QuantizeLinear into its QLinearSoftmax, which the
 * simulator does not have.
 */
import type { AttrValue } from '../graph.js';
import { int, ints, QMIN, QNet, W_STD, type Act } from './qnet.js';

export class QTransformer extends QNet {
  /** y = x @ W (W is [K, N], int8 with one scale) requantised. */
  matmul(x: Act, n: number): Act {
    const k = x.dims[x.dims.length - 1]!;
    const p = this.id('matmul');
    const w = this.init(`${p}_w`, 'int8', [k, n], Array.from({ length: k * n }, () => Math.floor(this.rand() * 255) - 127));
    const ws = Math.fround(0.004 * (0.5 + this.rand()));
    const wAct: Act = { name: w, scale: ws, zp: 0, dims: [k, n], spread: W_STD };
    const accStd = Math.sqrt(k) * x.spread * W_STD;
    this.int8Params(wAct);
    return this.qmatmul(p, x, wAct, this.outAct(p, accStd * x.scale * ws, [...x.dims.slice(0, -1), n], false));
  }

  /** y = a @ b of two activations (the attention's scores and context). */
  actMatmul(a: Act, b: Act, y: Act): Act {
    return this.qmatmul(this.id('matmul'), a, b, y);
  }

  /** The spread a @ b of two activations would have, as the output activation to quantise it to. */
  productAct(a: Act, b: Act, dims: readonly number[]): Act {
    const k = a.dims[a.dims.length - 1]!;
    return this.outAct('scores', Math.sqrt(k) * a.spread * a.scale * b.spread * b.scale, dims, false);
  }

  private int8Params(w: Act): void {
    // a weight's zero point is int8 whatever the activation type (its scale has the usual name)
    this.init(`${w.name}_scale`, 'float32', [], [w.scale]);
    this.init(`${w.name}_zp`, 'int8', [], [0]);
  }

  private qmatmul(p: string, a: Act, b: Act, y: Act): Act {
    if (this.format === 'qoperator') {
      const bParams = this.inits.has(b.name) ? [`${b.name}_scale`, `${b.name}_zp`] : this.params(b);
      this.node('QLinearMatMul', [a.name, ...this.params(a), b.name, ...bParams, ...this.params(y)], [y.name]);
      return y;
    }
    const f = `${p}_f`;
    const db = this.inits.has(b.name) ? this.weightDq(b) : this.dq(b);
    this.node('MatMul', [this.dq(a), db], [f]);
    this.q(f, y);
    return y;
  }

  private weightDq(w: Act): string {
    const out = `${w.name}_dq`;
    this.node('DequantizeLinear', [w.name, `${w.name}_scale`, `${w.name}_zp`], [out]);
    return out;
  }

  /** A data-movement op (Reshape with its shape, Transpose) on the quantised tensor. */
  move(x: Act, opType: string, dims: readonly number[], attrs: Record<string, AttrValue> = {}): Act {
    const y: Act = { ...x, name: this.id(opType.toLowerCase()), dims };
    const extra = opType === 'Reshape' ? [this.init(`${y.name}_shape`, 'int64', [dims.length], dims)] : [];
    if (this.format === 'qoperator') {
      this.node(opType, [x.name, ...extra], [y.name], attrs);
      return y;
    }
    const f = `${y.name}_f`;
    this.node(opType, [this.dq(x), ...extra], [f], attrs);
    this.q(f, y);
    return y;
  }

  transpose(x: Act, perm: readonly number[]): Act {
    return this.move(x, 'Transpose', perm.map((p) => x.dims[p]!), { perm: ints(perm) });
  }

  /** softmax(x / sqrt(d)) over the last axis, in float, quantised to [0, 1] (zero point at the minimum). */
  scaledSoftmax(x: Act, d: number): Act {
    const p = this.id('softmax');
    const div = this.init(`${p}_div`, 'float32', [], [Math.sqrt(d)]);
    this.node('Div', [this.dq(x), div], [`${p}_scaled`]);
    this.node('Softmax', [`${p}_scaled`], [`${p}_f`], { axis: int(-1) });
    const y: Act = { name: p, scale: Math.fround(1 / 255), zp: QMIN[this.act], dims: x.dims, spread: 255 / x.dims[x.dims.length - 1]! };
    this.q(`${p}_f`, y);
    return y;
  }

  /** LayerNormalization over the last axis (seeded gamma near 1, beta near 0), in float. */
  layerNorm(x: Act): Act {
    const n = x.dims[x.dims.length - 1]!;
    const p = this.id('layernorm');
    const gamma = this.init(`${p}_gamma`, 'float32', [n], Array.from({ length: n }, () => 0.8 + 0.4 * this.rand()));
    const beta = this.init(`${p}_beta`, 'float32', [n], Array.from({ length: n }, () => 0.2 * (this.rand() - 0.5)));
    this.node('LayerNormalization', [this.dq(x), gamma, beta], [`${p}_f`], { axis: int(-1), epsilon: { type: 'float', value: Math.fround(1e-5) } });
    const y = this.outAct(p, 1, x.dims, false);
    this.q(`${p}_f`, y);
    return y;
  }

  /** Gelu (exact, erf form), in float. */
  gelu(x: Act): Act {
    const p = this.id('gelu');
    this.node('Gelu', [this.dq(x)], [`${p}_f`]);
    const y = this.outAct(p, x.spread * x.scale, x.dims, false);
    this.q(`${p}_f`, y);
    return y;
  }
}
