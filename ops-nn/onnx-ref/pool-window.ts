/**
 * Pooling windows as ONNX Runtime's PoolAttributes and pool loops define them, for the pooling
 * references: output size floor or ceil((in + pads - kernel) / stride) + 1, auto_pad pads from the
 * legacy target size ceil(in / stride), and each output's window clipped to the input
 * (hstart = max(o * stride - pad_head, 0), hend = min(o * stride - pad_head + kernel, in)).
 */
import { intAttr, intsAttr, RefError, type RefAttrs } from './tensor.js';

/** One pooling node's geometry over the spatial dims of an N x C x spatial tensor. */
export interface PoolWindows {
  readonly spatial: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  /** pads actually applied at the start of each axis */
  readonly head: readonly number[];
  /** pads actually applied at the end of each axis */
  readonly tail: readonly number[];
  readonly out: readonly number[];
}

/** The windows of a pooling node on a tensor of dims `dims`. */
export function poolWindows(dims: readonly number[], attrs: RefAttrs, op: string): PoolWindows {
  const spatial = dims.slice(2);
  const r = spatial.length;
  const kernel = intsAttr(attrs, 'kernel_shape', []);
  if (kernel.length !== r) throw new RefError(`${op}: kernel_shape must have ${r} values`);
  const orDefault = (name: string, n: number, v: number) => {
    const a = intsAttr(attrs, name, []);
    return a.length === 0 ? new Array<number>(n).fill(v) : a;
  };
  const strides = orDefault('strides', r, 1);
  const pads = orDefault('pads', 2 * r, 0);
  const auto = (attrs['auto_pad'] as string | undefined) ?? 'NOTSET';
  const ceil = intAttr(attrs, 'ceil_mode', 0) !== 0;
  const head: number[] = [];
  const tail: number[] = [];
  for (let i = 0; i < r; i++) {
    const [k, s, d] = [kernel[i]!, strides[i]!, spatial[i]!];
    const needed = (Math.ceil(d / s) - 1) * s + k - d;
    const ht: Readonly<Record<string, readonly [number, number]>> = {
      NOTSET: [pads[i]!, pads[i + r]!],
      VALID: [0, 0],
      SAME_UPPER: [Math.floor(needed / 2), needed - Math.floor(needed / 2)],
      SAME_LOWER: [Math.ceil(needed / 2), needed - Math.ceil(needed / 2)],
    };
    const pick = ht[auto];
    if (!pick) throw new RefError(`${op}: unknown auto_pad ${auto}`);
    head.push(pick[0]);
    tail.push(pick[1]);
  }
  const out = spatial.map((d, i) => {
    const q = (d + head[i]! + tail[i]! - kernel[i]!) / strides[i]!;
    return (ceil ? Math.ceil(q) : Math.floor(q)) + 1;
  });
  return { spatial, kernel, strides, head, tail, out };
}

/** [start, end) of output index o's window on axis i, clipped to the input. */
export function windowRange(w: PoolWindows, i: number, o: number): readonly [number, number] {
  const start = o * w.strides[i]! - w.head[i]!;
  return [Math.max(start, 0), Math.min(start + w.kernel[i]!, w.spatial[i]!)];
}

/**
 * Calls `f(plane, outIndex, inputIndices)` for every (n, c) plane and output position with the
 * plane-relative input indices of its window, in row-major window order (1-D or 2-D).
 */
export function forEachWindow(w: PoolWindows, planes: number, f: (plane: number, out: number, inputs: readonly number[]) => void): void {
  const [oh, ow] = w.out.length === 1 ? [1, w.out[0]!] : [w.out[0]!, w.out[1]!];
  const width = w.spatial[w.spatial.length - 1]!;
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        const [h0, h1] = w.out.length === 1 ? [0, 1] : windowRange(w, 0, y);
        const [w0, w1] = windowRange(w, w.out.length - 1, x);
        const idx: number[] = [];
        for (let h = h0; h < h1; h++) for (let c = w0; c < w1; c++) idx.push(h * width + c);
        f(p, y * ow + x, idx);
      }
}
