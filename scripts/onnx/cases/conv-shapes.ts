/**
 * Geometries of the conv cases (2-D, NCHW): pointwise 1x1, 3x3, depthwise, grouped and rectangular
 * kernels with strides, explicit or automatic pads and dilations, on odd spatial sizes; small enough
 * that fixture files stay small.
 */
import { count, Gen } from './random.js';

/** Shapes of x and w, the ONNX attributes and the accumulation length per output. */
export interface ConvShape {
  readonly kind: string;
  readonly x: readonly number[];
  readonly w: readonly number[];
  readonly attrs: Readonly<Record<string, unknown>>;
  /** output channels */
  readonly m: number;
  /** products per output element (C/group * kh * kw) */
  readonly k: number;
}

interface Layout {
  readonly c: number;
  readonly m: number;
  readonly group: number;
  readonly kh: number;
  readonly kw: number;
}

const LAYOUTS: Readonly<Record<string, (g: Gen) => Layout>> = {
  pointwise: (g) => ({ c: g.int(1, 16), m: g.int(1, 16), group: 1, kh: 1, kw: 1 }),
  conv3x3: (g) => ({ c: g.int(1, 6), m: g.int(1, 6), group: 1, kh: 3, kw: 3 }),
  depthwise: (g) => {
    const c = g.int(1, 8);
    return { c, m: c * g.pick([1, 1, 2]), group: c, kh: 3, kw: 3 };
  },
  grouped: (g) => {
    const group = g.pick([2, 3]);
    const k = g.pick([1, 3]);
    return { c: group * g.int(1, 3), m: group * g.int(1, 3), group, kh: k, kw: k };
  },
  rect: (g) => {
    const [kh, kw] = g.pick([[1, 3], [3, 1], [2, 2], [1, 5]] as const);
    return { c: g.int(1, 4), m: g.int(1, 4), group: 1, kh, kw };
  },
};
const KIND_POOL = ['pointwise', 'pointwise', 'conv3x3', 'conv3x3', 'conv3x3', 'depthwise', 'depthwise', 'grouped', 'rect'];

/** Total elements of x, w and y allowed per case. */
const MAX_ELEMENTS = 700;

const outSize = (inp: number, k: number, pb: number, pe: number, s: number, d: number) => Math.floor((inp + pb + pe - ((k - 1) * d + 1)) / s) + 1;

/** A random 2-D conv geometry. */
export function convShape(g: Gen): ConvShape {
  for (;;) {
    const kind = g.pick(KIND_POOL);
    const l = LAYOUTS[kind]!(g);
    const n = g.chance(0.2) ? 2 : 1;
    const [h, w] = [g.pick([1, 3, 5, 7, 9, 4, 6]), g.pick([1, 3, 5, 7, 9, 11, 2])];
    const strides = [g.pick([1, 1, 2]), g.pick([1, 1, 2])];
    const auto = g.chance(0.1) ? g.pick(['SAME_UPPER', 'SAME_LOWER', 'VALID']) : null;
    // ORT rejects dilations with SAME_UPPER / SAME_LOWER
    const dilatable = (l.kh > 1 || l.kw > 1) && !auto?.startsWith('SAME');
    const dilations = dilatable ? [g.pick([1, 1, 2]), g.pick([1, 1, 2])] : [1, 1];
    const pads = g.pick([
      [0, 0, 0, 0],
      [1, 1, 1, 1],
      [0, 1, 1, 0],
      [2, 1, 0, 2],
      [l.kh >> 1, l.kw >> 1, l.kh >> 1, l.kw >> 1],
    ]);
    const p = auto ? [0, 0, 0, 0] : pads;
    const oh = auto && auto !== 'VALID' ? Math.ceil(h / strides[0]!) : outSize(h, l.kh, p[0]!, p[2]!, strides[0]!, dilations[0]!);
    const ow = auto && auto !== 'VALID' ? Math.ceil(w / strides[1]!) : outSize(w, l.kw, p[1]!, p[3]!, strides[1]!, dilations[1]!);
    const x = [n, l.c, h, w];
    const wd = [l.m, l.c / l.group, l.kh, l.kw];
    if (oh < 1 || ow < 1 || count(x) + count(wd) + n * l.m * oh * ow > MAX_ELEMENTS) continue;
    const attrs: Record<string, unknown> = {};
    if (g.chance(0.5)) attrs['kernel_shape'] = [l.kh, l.kw];
    if (l.group !== 1 || g.chance(0.2)) attrs['group'] = l.group;
    if (strides.some((s) => s !== 1) || g.chance(0.2)) attrs['strides'] = strides;
    if (dilations.some((d) => d !== 1) || g.chance(0.2)) attrs['dilations'] = dilations;
    if (auto) attrs['auto_pad'] = auto;
    else if (p.some((v) => v !== 0) || g.chance(0.2)) attrs['pads'] = p;
    return { kind, x, w: wd, attrs, m: l.m, k: (l.c / l.group) * l.kh * l.kw };
  }
}

/** Total elements of x, w and y allowed per depthwise case (channel blocks past 32 need more room). */
const MAX_DEPTHWISE_ELEMENTS = 1800;

/**
 * A depthwise geometry as MobileNetV2 has them (group = C = OC, 3x3, stride 1 or 2, pad 1), plus
 * what else the vector kernel takes: channel counts that do not fill a 32-channel block and ones past
 * it, other pads, auto_pad, dilations, 5x5 and rectangular windows, batch 2.
 */
export function depthwiseShape(g: Gen): ConvShape {
  for (;;) {
    const c = g.pick([1, 3, 8, 16, 24, 32, 33, 40, 48]);
    const [kh, kw] = g.pick([[3, 3], [3, 3], [3, 3], [3, 3], [5, 5], [1, 3], [2, 2]] as const);
    const n = g.chance(0.15) ? 2 : 1;
    const [h, w] = [g.int(1, 9), g.int(1, 11)];
    const s = g.pick([1, 1, 2]);
    const strides = g.chance(0.15) ? [g.pick([1, 2]), g.pick([1, 2])] : [s, s];
    const auto = g.chance(0.1) ? g.pick(['SAME_UPPER', 'SAME_LOWER', 'VALID']) : null;
    const dilations = !auto?.startsWith('SAME') && g.chance(0.15) ? [g.pick([1, 2]), g.pick([1, 2])] : [1, 1];
    const half = [kh >> 1, kw >> 1, kh >> 1, kw >> 1];
    const pads = g.pick([half, half, half, [0, 0, 0, 0], [0, 1, 1, 0], [2, 1, 0, 2]]);
    const p = auto ? [0, 0, 0, 0] : pads;
    const oh = auto && auto !== 'VALID' ? Math.ceil(h / strides[0]!) : outSize(h, kh, p[0]!, p[2]!, strides[0]!, dilations[0]!);
    const ow = auto && auto !== 'VALID' ? Math.ceil(w / strides[1]!) : outSize(w, kw, p[1]!, p[3]!, strides[1]!, dilations[1]!);
    const x = [n, c, h, w];
    const wd = [c, 1, kh, kw];
    if (oh < 1 || ow < 1 || count(x) + count(wd) + n * c * oh * ow > MAX_DEPTHWISE_ELEMENTS) continue;
    const attrs: Record<string, unknown> = { group: c };
    if (g.chance(0.5)) attrs['kernel_shape'] = [kh, kw];
    if (strides.some((v) => v !== 1) || g.chance(0.2)) attrs['strides'] = strides;
    if (dilations.some((d) => d !== 1)) attrs['dilations'] = dilations;
    if (auto) attrs['auto_pad'] = auto;
    else if (p.some((v) => v !== 0) || g.chance(0.2)) attrs['pads'] = p;
    return { kind: 'depthwise', x, w: wd, attrs, m: c, k: kh * kw };
  }
}
