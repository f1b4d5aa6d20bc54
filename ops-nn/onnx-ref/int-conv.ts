/**
 * The exact integer core of ConvInteger and QLinearConv: 2-D convolution (NCHW activations, MCkk
 * weights) with ONNX Conv attributes (auto_pad, pads, strides, dilations, group, kernel_shape) on
 * zero-point-shifted values. Padding contributes nothing, i.e. the pad value is x_zero_point.
 */
import { intsAttr, intAttr, RefError, type RefAttrs, type RefTensor } from './tensor.js';

/** Output geometry and the padding actually applied. */
export interface ConvGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly m: number;
  readonly kh: number;
  readonly kw: number;
  readonly group: number;
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** [top, left] */
  readonly padBegin: readonly [number, number];
  readonly oh: number;
  readonly ow: number;
}

/** Pads [begin, end] of one spatial axis for an auto_pad mode. */
type AutoPad = (input: number, k: number, stride: number, dil: number) => readonly [number, number];

const samePads = (lowerFirst: boolean): AutoPad => (input, k, stride, dil) => {
  const out = Math.ceil(input / stride);
  const total = Math.max(0, (out - 1) * stride + (k - 1) * dil + 1 - input);
  const small = Math.floor(total / 2);
  return lowerFirst ? [total - small, small] : [small, total - small];
};

const AUTO_PADS: Readonly<Record<string, AutoPad | null>> = {
  NOTSET: null,
  VALID: () => [0, 0],
  SAME_UPPER: samePads(false),
  SAME_LOWER: samePads(true),
};

/** The geometry of a 2-D conv of `x` by `w` under `attrs`. */
export function convGeometry(x: RefTensor, w: RefTensor, attrs: RefAttrs, op: string): ConvGeometry {
  if (x.dims.length !== 4 || w.dims.length !== 4) throw new RefError(`${op}: only 2-D convolution (x and w of rank 4) is supported`);
  const [n, c, h, wd] = x.dims as [number, number, number, number];
  const [m, cg, kh, kw] = w.dims as [number, number, number, number];
  const group = intAttr(attrs, 'group', 1);
  if (group < 1 || c % group !== 0 || m % group !== 0 || c / group !== cg)
    throw new RefError(`${op}: group ${group} does not fit x channels ${c}, w [${w.dims.join(',')}]`);
  const ks = intsAttr(attrs, 'kernel_shape', [kh, kw]);
  if (ks[0] !== kh || ks[1] !== kw) throw new RefError(`${op}: kernel_shape [${ks.join(',')}] disagrees with w [${w.dims.join(',')}]`);
  const strides = intsAttr(attrs, 'strides', [1, 1]) as [number, number];
  const dilations = intsAttr(attrs, 'dilations', [1, 1]) as [number, number];
  const mode = String(attrs['auto_pad'] ?? 'NOTSET');
  if (!Object.hasOwn(AUTO_PADS, mode)) throw new RefError(`${op}: unknown auto_pad ${mode}`);
  const auto = AUTO_PADS[mode];
  const pads = auto
    ? (() => {
        const [t, b] = auto(h, kh, strides[0], dilations[0]);
        const [l, r] = auto(wd, kw, strides[1], dilations[1]);
        return [t, l, b, r];
      })()
    : intsAttr(attrs, 'pads', [0, 0, 0, 0]);
  const span = (k: number, d: number) => (k - 1) * d + 1;
  const oh = Math.floor((h + pads[0]! + pads[2]! - span(kh, dilations[0])) / strides[0]) + 1;
  const ow = Math.floor((wd + pads[1]! + pads[3]! - span(kw, dilations[1])) / strides[1]) + 1;
  if (oh < 1 || ow < 1) throw new RefError(`${op}: empty output ${oh}x${ow}`);
  return { n, c, h, w: wd, m, kh, kw, group, strides, dilations, padBegin: [pads[0]!, pads[1]!], oh, ow };
}

/** sum over (x - xZp)(w - wZp(m)) per output element [n, m, oh, ow]; padding adds nothing. */
export function intConv(x: RefTensor, w: RefTensor, g: ConvGeometry, xZp: number, wZp: (m: number) => number): Float64Array {
  const acc = new Float64Array(g.n * g.m * g.oh * g.ow);
  const cg = g.c / g.group;
  const mg = g.m / g.group;
  for (let b = 0; b < g.n; b++)
    for (let m = 0; m < g.m; m++) {
      const c0 = Math.floor(m / mg) * cg;
      const wz = wZp(m);
      for (let oy = 0; oy < g.oh; oy++)
        for (let ox = 0; ox < g.ow; ox++) {
          let s = 0;
          for (let ci = 0; ci < cg; ci++)
            for (let ky = 0; ky < g.kh; ky++) {
              const iy = oy * g.strides[0] - g.padBegin[0] + ky * g.dilations[0];
              if (iy < 0 || iy >= g.h) continue;
              for (let kx = 0; kx < g.kw; kx++) {
                const ix = ox * g.strides[1] - g.padBegin[1] + kx * g.dilations[1];
                if (ix < 0 || ix >= g.w) continue;
                const xv = x.data[((b * g.c + c0 + ci) * g.h + iy) * g.w + ix]!;
                const wv = w.data[((m * cg + ci) * g.kh + ky) * g.kw + kx]!;
                s += (xv - xZp) * (wv - wz);
              }
            }
          acc[((b * g.m + m) * g.oh + oy) * g.ow + ox] = s;
        }
    }
  return acc;
}
