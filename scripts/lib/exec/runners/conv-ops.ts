/**
 * QLinearConv and ConvInteger runners: 2-D convolution as img2col GEMMs on the cube, one per
 * (image, group). Host-side layout conversions: NCHW -> NC1HWC0 in, NHWC -> NCHW out.
 */
import { convK, convShape, nchwToGroupedNc1hwc0, nhwcToNchw, type ConvShape } from '../../../../ops-nn/conv/index.js';
import { runCubeOp, type CubeOp } from '../cube-op.js';
import type { HostTensor, NodeRunner } from '../types.js';
import { bytesOf, checkZeroPointType, intTensor, multiplier, perChannel, scalar } from './operands.js';

const C0 = 32; // int8 elements per 32-byte block

function convOp(s: ConvShape, x: HostTensor, w: HostTensor, xZp: number, wZp: readonly number[], bias: Int32Array | null): Omit<CubeOp, 'out'> {
  const xb = bytesOf(x, 'x');
  bytesOf(w, 'w');
  const cg = s.c / s.group;
  const ocg = s.oc / s.group;
  const wd = w.data;
  return {
    batch: s.n * s.group,
    m: s.oh * s.ow,
    k: convK(s, C0),
    n: ocg,
    groups: s.group,
    bCount: s.group,
    aPerBatch: true,
    conv: { h: s.h, w: s.w, c: cg, kh: s.kh, kw: s.kw, strideH: s.strideH, strideW: s.strideW, dilationH: s.dilationH, dilationW: s.dilationW, padTop: s.padTop, padBottom: s.padBottom, padLeft: s.padLeft, padRight: s.padRight, oh: s.oh, ow: s.ow },
    a: nchwToGroupedNc1hwc0(xb.bytes, s, 1),
    aType: xb.type,
    aZeroPoint: xZp,
    // K index -> (channel, kh, kw) in img2col order; padded channels have zero weight.
    weight: (g, kk, nn) => {
      const c0 = kk % C0;
      const t = Math.floor(kk / C0);
      const kw = t % s.kw;
      const kh = Math.floor(t / s.kw) % s.kh;
      const ci = Math.floor(t / (s.kw * s.kh)) * C0 + c0;
      if (ci >= cg) return 0;
      const oc = g * ocg + nn;
      return wd[((oc * cg + ci) * s.kh + kh) * s.kw + kw]! - wZp[oc]!;
    },
    bias,
  };
}

const toNchw = (s: ConvShape, dtype: 'int8' | 'uint8' | 'int32', bytes: Uint8Array): HostTensor => {
  const t = intTensor(dtype, [s.n * s.oh * s.ow, s.oc], bytes);
  const data = nhwcToNchw(t.data as Int8Array, s, (n) => new (t.data.constructor as Int8ArrayConstructor)(n));
  return { dtype, dims: [s.n, s.oc, s.oh, s.ow], data };
};

export const qlinearConv: NodeRunner = (inp, attrs, cfg, opts) => {
  const x = inp.x!;
  const w = inp.w!;
  checkZeroPointType(inp.x_zero_point, x, 'x_zero_point');
  checkZeroPointType(inp.w_zero_point, w, 'w_zero_point');
  const s = convShape(x.dims, w.dims, attrs);
  const wScale = perChannel(inp.w_scale, 'w_scale', s.oc, 1);
  const wZp = perChannel(inp.w_zero_point, 'w_zero_point', s.oc, 0);
  const xScale = scalar(inp.x_scale, 'x_scale');
  const yScale = scalar(inp.y_scale, 'y_scale');
  const yZpT = inp.y_zero_point;
  const outType = yZpT?.dtype === 'int8' ? 's8' : 'u8';
  const bias = inp.B ? Int32Array.from(inp.B.data) : null;
  const op = convOp(s, x, w, scalar(inp.x_zero_point, 'x_zero_point', 0), wZp, bias);
  const r = runCubeOp(cfg, { ...op, out: { kind: 'requant', multipliers: wScale.map((ws) => multiplier(xScale, ws, yScale)), zeroPoint: scalar(yZpT, 'y_zero_point', 0), outType } }, opts);
  return { outputs: { y: toNchw(s, outType === 's8' ? 'int8' : 'uint8', r.y) }, cycles: r.kernels.reduce((t, k) => t + k.cycles, 0), kernels: r.kernels };
};

export const convInteger: NodeRunner = (inp, attrs, cfg, opts) => {
  const x = inp.x!;
  const w = inp.w!;
  checkZeroPointType(inp.x_zero_point, x, 'x_zero_point');
  checkZeroPointType(inp.w_zero_point, w, 'w_zero_point');
  const s = convShape(x.dims, w.dims, attrs);
  const wZp = perChannel(inp.w_zero_point, 'w_zero_point', s.oc, 0);
  const op = convOp(s, x, w, scalar(inp.x_zero_point, 'x_zero_point', 0), wZp, null);
  const r = runCubeOp(cfg, { ...op, out: { kind: 'int32' } }, opts);
  return { outputs: { y: toNchw(s, 'int32', r.y) }, cycles: r.kernels.reduce((t, k) => t + k.cycles, 0), kernels: r.kernels };
};
