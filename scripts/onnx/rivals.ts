/**
 * Plausible formulations of ONNX Runtime's quantised arithmetic that are NOT what it computes: float64
 * requantisation, the other multiplier order, the zero point added inside the float, other FMA
 * contractions of QLinearAdd, a reciprocal multiply in QuantizeLinear. The generator crafts cases on
 * which the requantisation and QLinearAdd rivals fail, and the tests check that the fixtures reject
 * every rival.
 */
import { clamp, fmaF32, fp32, rne, type AddParams } from '../../ops-nn/onnx-ref/index.js';

/** A rival requantisation: the output y from the exact accumulator and the per-tensor parameters. */
export type RequantRival = (acc: number, xs: number, ws: number, ys: number, zp: number, qmin: number, qmax: number) => number;

const sat = (v: number, zp: number, qmin: number, qmax: number) => clamp(rne(v) + zp, qmin, qmax);

/** Rivals of QLinearMatMul / QLinearConv requantisation. */
export const REQUANT_RIVALS: Readonly<Record<string, RequantRival>> = {
  /** all in float64, no float32 rounding */
  float64: (acc, xs, ws, ys, zp, lo, hi) => sat((acc * xs * ws) / ys, zp, lo, hi),
  /** M = x_scale * (w_scale / y_scale) */
  'scale-order': (acc, xs, ws, ys, zp, lo, hi) => sat(fp32(fp32(acc) * fp32(xs * fp32(ws / ys))), zp, lo, hi),
  /** M = x_scale * w_scale * (1 / y_scale) */
  'reciprocal-y': (acc, xs, ws, ys, zp, lo, hi) => sat(fp32(fp32(acc) * fp32(fp32(xs * ws) * fp32(1 / ys))), zp, lo, hi),
  /** y = RNE(fma(acc, M, zp)): the zero point inside the float */
  'fma-zp': (acc, xs, ws, ys, zp, lo, hi) => clamp(rne(fmaF32(fp32(acc), fp32(fp32(xs * ws) / ys), zp)), lo, hi),
};

/** A rival QLinearAdd element function for parameters `p` and the output range. */
export type AddRival = (p: AddParams, qmin: number, qmax: number) => (a: number, b: number) => number;

/** Float32 ratios rA = sA / sC, rB = sB / sC (as ORT computes them). */
const ratios = (p: AddParams) => [fp32(p.sa / p.sc), fp32(p.sb / p.sc)] as const;

/** ORT's fixed part zC - (rA*zA + rB*zB) with the given sum of the two products. */
const fixed = (p: AddParams, sum: number) => fp32(p.zc - sum);

/** Rivals of QLinearAdd (for tensors of more than one element unless the name says otherwise). */
export const ADD_RIVALS: Readonly<Record<string, AddRival>> = {
  /** rA*zA + rB*zB contracted into fma(rB, zB, rA*zA) */
  'other-contraction': (p, lo, hi) => {
    const [ra, rb] = ratios(p);
    const k = fixed(p, fmaF32(rb, p.zb, fp32(ra * p.za)));
    return (a, b) => clamp(rne(fmaF32(a, ra, fmaF32(b, rb, k))), lo, hi);
  },
  /** no contraction in the fixed part */
  'no-contraction': (p, lo, hi) => {
    const [ra, rb] = ratios(p);
    const k = fixed(p, fp32(fp32(ra * p.za) + fp32(rb * p.zb)));
    return (a, b) => clamp(rne(fmaF32(a, ra, fmaF32(b, rb, k))), lo, hi);
  },
  /** A accumulated before B */
  'a-first': (p, lo, hi) => {
    const [ra, rb] = ratios(p);
    const k = fixed(p, fmaF32(ra, p.za, fp32(rb * p.zb)));
    return (a, b) => clamp(rne(fmaF32(b, rb, fmaF32(a, ra, k))), lo, hi);
  },
  /** separate float32 multiplies and adds */
  'no-fma': (p, lo, hi) => {
    const [ra, rb] = ratios(p);
    const k = fixed(p, fp32(fp32(ra * p.za) + fp32(rb * p.zb)));
    return (a, b) => clamp(rne(fp32(fp32(a * ra) + fp32(fp32(b * rb) + k))), lo, hi);
  },
  /** the real-number value of the float32 ratios */
  exact: (p, lo, hi) => {
    const [ra, rb] = ratios(p);
    return (a, b) => clamp(rne(ra * (a - p.za) + rb * (b - p.zb) + p.zc), lo, hi);
  },
  /** the vector-loop formula applied to a single-element tensor too (ORT takes another path there) */
  'vector-on-single': (p, lo, hi) => {
    const [ra, rb] = ratios(p);
    const k = fixed(p, fmaF32(ra, p.za, fp32(rb * p.zb)));
    return (a, b) => clamp(rne(fmaF32(a, ra, fmaF32(b, rb, k))), lo, hi);
  },
  /** MLAS's portable C++ kernel: dequantise both, add, divide by sC, round, add zC */
  'dequantize-add': (p, lo, hi) => (a, b) => clamp(rne(fp32(fp32(fp32(p.sa * (a - p.za)) + fp32(p.sb * (b - p.zb))) / p.sc)) + p.zc, lo, hi),
};

/** Rivals of QuantizeLinear (per tensor): q from x, scale, zero point and range. */
export const QUANTIZE_RIVALS: Readonly<Record<string, (x: number, s: number, zp: number, lo: number, hi: number) => number>> = {
  /** x * (1 / scale) */
  reciprocal: (x, s, zp, lo, hi) => clamp(rne(fp32(x * fp32(1 / s))) + zp, lo, hi),
  /** round half away from zero */
  'half-away': (x, s, zp, lo, hi) => clamp(Math.sign(x) * Math.round(Math.abs(fp32(x / s))) + zp, lo, hi),
};

/** Rivals of DequantizeLinear (per tensor): x from q, scale and zero point. */
export const DEQUANTIZE_RIVALS: Readonly<Record<string, (q: number, s: number, zp: number) => number>> = {
  /** q * s - zp * s */
  distributed: (q, s, zp) => fp32(fp32(q * s) - fp32(zp * s)),
  /** fma(q, s, -zp * s) */
  fma: (q, s, zp) => fmaF32(q, s, -fp32(zp * s)),
  /** (q - zp) * s without converting q - zp to float32 first */
  'int-product': (q, s, zp) => fp32((q - zp) * s),
};
