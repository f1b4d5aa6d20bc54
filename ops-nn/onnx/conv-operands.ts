/**
 * The operands of the ONNX convolutions (QLinearConv, ConvInteger) as a cube operator: one img2col
 * GEMM per (image, group). Host-side layout conversions: NCHW -> NC1HWC0 in, NHWC -> NCHW out.
 */
import { convGemmShape, convGemmShapeFor, convK, hostImg2col, hostImg2colMatrix, nchwToGroupedNc1hwc0, nhwcToNchw, type ConvShape } from '../conv/index.js';
import type { CubeOp } from './cube-op.js';
import { bytesOf } from './operands.js';
import { checkElementCount, intTensor, type HostTensor } from './tensor.js';

const C0 = 32; // int8 elements per 32-byte block

/** The cube op of convolution `s` without its output. */
export function convCubeOp(s: ConvShape, x: HostTensor, w: HostTensor, xZp: number, wZp: readonly number[], bias: Int32Array | null): Omit<CubeOp, 'out'> {
  const xb = bytesOf(x, 'x');
  bytesOf(w, 'w');
  const cg = s.c / s.group;
  // the output and the host's channel-padded copy of x (NC1HWC0: channels up to a multiple of C0)
  checkElementCount([s.n, s.oc, s.oh, s.ow], 'conv output');
  checkElementCount([s.n, s.group, Math.ceil(cg / C0) * C0, s.h, s.w], 'conv input x padded to NC1HWC0');
  const ocg = s.oc / s.group;
  const wd = w.data;
  if (hostImg2col(s, C0)) {
    // few channels: one plain GEMM over the host's img2col matrix, K = C x KH x KW in ONNX order
    checkElementCount([s.n * s.oh * s.ow, s.c * s.kh * s.kw], 'host img2col matrix of x');
    const window = s.kh * s.kw;
    return {
      ...convGemmShapeFor(s, C0),
      a: hostImg2colMatrix(xb.bytes, s, 1, Uint8Array.of(xZp & 0xff)),
      aType: xb.type,
      aZeroPoint: xZp,
      weight: (_g, kk, nn) => wd[nn * s.c * window + kk]! - wZp[nn]!,
      bias,
      kernelName: 'conv',
      hostNotes: [`host-side img2col: ${s.c} channels x ${s.kh} x ${s.kw} = K ${s.c * window} as a plain GEMM, instead of the channels padded to ${C0} (K ${convK(s, C0)}); the host builds the ${s.n * s.oh * s.ow} x ${s.c * window} matrix (not simulated)`],
    };
  }
  return {
    ...convGemmShape(s, C0),
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

/** The NHWC result bytes of a convolution as an NCHW tensor. */
export function convOutput(s: ConvShape, dtype: 'int8' | 'uint8' | 'int32', bytes: Uint8Array): HostTensor {
  const t = intTensor(dtype, [s.n * s.oh * s.ow, s.oc], bytes);
  const data = nhwcToNchw(t.data as Int8Array, s, (n) => new (t.data.constructor as Int8ArrayConstructor)(n));
  return { dtype, dims: [s.n, s.oc, s.oh, s.ow], data };
}
