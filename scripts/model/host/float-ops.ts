/**
 * Float operators on the host (float32): the activations, element-wise arithmetic and normalisations
 * around the quantised blocks of real graphs (Relu, Clip, Add, Sub, Mul, Div, Softmax,
 * LayerNormalization, Gelu, Erf, Sqrt, MatMul). Each step rounds to float32, but the summation order
 * and the exp / erf approximations differ from ONNX Runtime's vectorised kernels, so their outputs can
 * differ from ORT's in the last bits; a QuantizeLinear after them usually hides that, not always.
 */
import type { GraphTensor } from '../graph.js';
import { axisOf, fail, floatAttr, intAttr, need, sizeOf, stridesOf, stringAttr, type HostOp, type HostOutput } from './op-types.js';

const f = Math.fround;

function floats(t: GraphTensor, what: string): Float32Array {
  if (t.dtype !== 'float32') fail(`${what} is ${t.dtype}; host float operators take float32`);
  return t.data as Float32Array;
}

const out = (dims: readonly number[], data: Float32Array): HostOutput => ({ dtype: 'float32', dims, data });

function unary(fn: (x: number) => number): HostOp {
  return (i) => {
    const t = need(i, 0, 'X');
    return [out(t.dims, floats(t, 'X').map((x) => f(fn(x))))];
  };
}

/** numpy broadcasting of two float tensors through `fn`. */
function binary(fn: (a: number, b: number) => number): HostOp {
  return (i) => {
    const a = need(i, 0, 'A');
    const b = need(i, 1, 'B');
    const ad = floats(a, 'A');
    const bd = floats(b, 'B');
    const r = Math.max(a.dims.length, b.dims.length);
    const pa = [...Array<number>(r - a.dims.length).fill(1), ...a.dims];
    const pb = [...Array<number>(r - b.dims.length).fill(1), ...b.dims];
    const dims = pa.map((d, k) => (d === pb[k] || pb[k] === 1 ? d : d === 1 ? pb[k]! : fail(`dims [${a.dims.join(', ')}] and [${b.dims.join(', ')}] do not broadcast`)));
    const sa = stridesOf(pa).map((s, k) => (pa[k] === 1 ? 0 : s));
    const sb = stridesOf(pb).map((s, k) => (pb[k] === 1 ? 0 : s));
    const y = new Float32Array(sizeOf(dims));
    const idx = new Array<number>(r).fill(0);
    for (let o = 0; o < y.length; o++) {
      let ia = 0;
      let ib = 0;
      for (let k = 0; k < r; k++) {
        ia += idx[k]! * sa[k]!;
        ib += idx[k]! * sb[k]!;
      }
      y[o] = fn(ad[ia]!, bd[ib]!);
      for (let k = r - 1; k >= 0; k--) {
        if (++idx[k]! < dims[k]!) break;
        idx[k] = 0;
      }
    }
    return [out(dims, y)];
  };
}

/** Calls `fn(offset, stride)` for each vector along `axis` (the rest of the dims iterated). */
function alongAxis(dims: readonly number[], axis: number, fn: (offset: number, stride: number, n: number) => void): void {
  const n = dims[axis]!;
  const inner = sizeOf(dims.slice(axis + 1));
  const outer = sizeOf(dims.slice(0, axis));
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * n * inner + i, inner, n);
}

const softmax: HostOp = (i, a) => {
  const t = need(i, 0, 'input');
  const x = floats(t, 'input');
  const y = new Float32Array(x.length);
  alongAxis(t.dims, axisOf(intAttr(a, 'axis', -1), t.dims.length), (at, s, n) => {
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, x[at + k * s]!);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const e = f(Math.exp(f(x[at + k * s]! - max)));
      y[at + k * s] = e;
      sum = f(sum + e);
    }
    for (let k = 0; k < n; k++) y[at + k * s] = f(y[at + k * s]! / sum);
  });
  return [out(t.dims, y)];
};

const layerNorm: HostOp = (i, a) => {
  const t = need(i, 0, 'X');
  const x = floats(t, 'X');
  const axis = axisOf(intAttr(a, 'axis', -1), t.dims.length);
  const eps = f(floatAttr(a, 'epsilon', 1e-5));
  const n = sizeOf(t.dims.slice(axis));
  const scale = floats(need(i, 1, 'Scale'), 'Scale');
  const bias = i[2] ? floats(i[2], 'B') : null;
  if (scale.length !== n || (bias && bias.length !== n)) fail(`Scale and B must hold ${n} values (the normalised dims)`);
  const y = new Float32Array(x.length);
  for (let at = 0; at < x.length; at += n) {
    let mean = 0;
    for (let k = 0; k < n; k++) mean = f(mean + x[at + k]!);
    mean = f(mean / n);
    let v = 0;
    for (let k = 0; k < n; k++) v = f(v + f(f(x[at + k]! - mean) ** 2));
    const inv = f(1 / f(Math.sqrt(f(f(v / n) + eps))));
    for (let k = 0; k < n; k++) y[at + k] = f(f(f(f(x[at + k]! - mean) * inv) * scale[k]!) + (bias ? bias[k]! : 0));
  }
  return [out(t.dims, y)];
};

/** erf in double: its Taylor series below 2.5, its continued fraction above (both converge well past float32). */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let k = 1; k < 60; k++) {
      term *= (-ax * ax) / k;
      sum += term / (2 * k + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  let cf = 0;
  for (let k = 60; k >= 1; k--) cf = (k / 2) / (ax + cf);
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + cf));
}

const gelu: HostOp = (i, a) => {
  const t = need(i, 0, 'X');
  const tanh = stringAttr(a, 'approximate', 'none') === 'tanh';
  const g = tanh
    ? (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))
    : (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
  return [out(t.dims, floats(t, 'X').map((x) => f(g(x))))];
};

const matmul: HostOp = (i) => {
  const a = need(i, 0, 'A');
  const b = need(i, 1, 'B');
  const ad = floats(a, 'A');
  const bd = floats(b, 'B');
  if (b.dims.length !== 2 || a.dims.length < 2) fail('host float MatMul takes A of rank >= 2 and a 2-D B');
  const [k, n] = b.dims as [number, number];
  if (a.dims[a.dims.length - 1] !== k) fail(`inner dims differ: [${a.dims.join(', ')}] x [${b.dims.join(', ')}]`);
  const m = sizeOf(a.dims) / k;
  const y = new Float32Array(m * n);
  for (let r = 0; r < m; r++)
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s = f(s + f(ad[r * k + j]! * bd[j * n + c]!));
      y[r * n + c] = s;
    }
  return [out([...a.dims.slice(0, -1), n], y)];
};

const clip: HostOp = (i, a) => {
  const t = need(i, 0, 'input');
  const lo = i[1] ? floats(i[1], 'min')[0]! : floatAttr(a, 'min', -Infinity);
  const hi = i[2] ? floats(i[2], 'max')[0]! : floatAttr(a, 'max', Infinity);
  return [out(t.dims, floats(t, 'input').map((x) => Math.min(Math.max(x, lo), hi)))];
};

export const FLOAT_OPS: Readonly<Record<string, HostOp>> = {
  Relu: unary((x) => (x > 0 ? x : 0)),
  Erf: unary(erf),
  Sqrt: unary(Math.sqrt),
  Tanh: unary(Math.tanh),
  Sigmoid: unary((x) => 1 / (1 + Math.exp(-x))),
  Clip: clip,
  Add: binary((x, y) => f(x + y)),
  Sub: binary((x, y) => f(x - y)),
  Mul: binary((x, y) => f(x * y)),
  Div: binary((x, y) => f(x / y)),
  Softmax: softmax,
  LayerNormalization: layerNorm,
  Gelu: gelu,
  MatMul: matmul,
};
