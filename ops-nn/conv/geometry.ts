/**
 * Convolution geometry from ONNX attributes (auto_pad, dilations, group, kernel_shape, pads,
 * strides) and the input and weight shapes, with errors that say which attribute is wrong.
 */
import type { ConvWindow } from '../gemm/spec.js';
import { OpError } from '../kernel.js';

/** A 2-D convolution: N images of C channels, OC output channels in `group` groups, and its window. */
export interface ConvShape extends ConvWindow {
  readonly n: number;
  readonly c: number;
  readonly oc: number;
  readonly group: number;
}

const ints = (v: unknown, name: string, len: number, dflt: number[]): number[] => {
  if (v === undefined) return dflt;
  if (!Array.isArray(v) || v.length !== len || !v.every((x) => Number.isSafeInteger(x))) throw new OpError(`attribute ${name} must be a list of ${len} integers, got ${JSON.stringify(v)}`);
  return v as number[];
};

/**
 * [head, tail] pads of one spatial axis under auto_pad SAME_UPPER (`upper`) or SAME_LOWER: the total
 * makes the output ceil(input / stride), the odd pad going to the tail (UPPER) or the head (LOWER).
 * `extent` is the window's span, dilation * (kernel - 1) + 1. ORT's conv clamps a negative total
 * (stride larger than the window) to 0; its pooling keeps it (`clampAtZero` false), and the pooling
 * operators reject the negative pads that result.
 */
export function samePads(input: number, extent: number, stride: number, upper: boolean, clampAtZero: boolean): [number, number] {
  const raw = (Math.ceil(input / stride) - 1) * stride + extent - input;
  const total = clampAtZero ? Math.max(0, raw) : raw;
  const head = upper ? Math.floor(total / 2) : Math.ceil(total / 2);
  return [head, total - head];
}

/** Output size of one spatial axis. */
const outSize = (inp: number, k: number, stride: number, dil: number, padSum: number) => Math.floor((inp + padSum - dil * (k - 1) - 1) / stride) + 1;

/** Resolves a 2-D convolution (x: N C H W, w: OC C/group KH KW). */
export function convShape(xDims: readonly number[], wDims: readonly number[], attrs: Readonly<Record<string, unknown>>): ConvShape {
  if (xDims.length !== 4) throw new OpError(`conv input x must be 4-D (N, C, H, W), got dims [${xDims.join(', ')}] (only 2-D convolution is supported)`);
  if (wDims.length !== 4) throw new OpError(`conv weight w must be 4-D (OC, C/group, KH, KW), got dims [${wDims.join(', ')}]`);
  const [n, c, h, w] = xDims as [number, number, number, number];
  const [oc, cg, kh, kw] = wDims as [number, number, number, number];
  const group = attrs.group === undefined ? 1 : Number(attrs.group);
  if (!Number.isSafeInteger(group) || group < 1 || c % group !== 0 || oc % group !== 0)
    throw new OpError(`attribute group = ${String(attrs.group)} must divide the input channels ${c} and output channels ${oc}`);
  if (cg !== c / group) throw new OpError(`weight dims [${wDims.join(', ')}] need C/group = ${c / group} input channels per group, got ${cg}`);
  const ks = ints(attrs.kernel_shape, 'kernel_shape', 2, [kh, kw]);
  if (ks[0] !== kh || ks[1] !== kw) throw new OpError(`attribute kernel_shape [${ks.join(', ')}] disagrees with the weight's [${kh}, ${kw}]`);
  const [strideH, strideW] = ints(attrs.strides, 'strides', 2, [1, 1]) as [number, number];
  const [dilationH, dilationW] = ints(attrs.dilations, 'dilations', 2, [1, 1]) as [number, number];
  if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) throw new OpError('strides and dilations must be positive');
  const autoPad = attrs.auto_pad === undefined ? 'NOTSET' : String(attrs.auto_pad);
  let pads = ints(attrs.pads, 'pads', 4, [0, 0, 0, 0]) as [number, number, number, number];
  if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const same = (inp: number, k: number, s: number, d: number) => samePads(inp, d * (k - 1) + 1, s, autoPad === 'SAME_UPPER', true);
    const [t, b] = same(h, kh, strideH, dilationH);
    const [l, r] = same(w, kw, strideW, dilationW);
    pads = [t, l, b, r];
  } else if (autoPad !== 'NOTSET') throw new OpError(`attribute auto_pad = ${autoPad} is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const [padTop, padLeft, padBottom, padRight] = pads;
  if (pads.some((p) => p < 0 || p > 255)) throw new OpError(`pads [${pads.join(', ')}] must be in 0..255 (LoadData 3D limit)`);
  const oh = outSize(h, kh, strideH, dilationH, padTop + padBottom);
  const ow = outSize(w, kw, strideW, dilationW, padLeft + padRight);
  if (oh < 1 || ow < 1) throw new OpError(`the kernel does not fit the padded input: output would be ${oh} x ${ow}`);
  if (strideH > 63 || strideW > 63 || kh > 255 || kw > 255 || dilationH > 255 || dilationW > 255)
    throw new OpError('stride 1..63, kernel 1..255 and dilation 1..255 are the LoadData 3D limits');
  return { n, c, h, w, oc, group, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, padBottom, padRight, oh, ow };
}
