/**
 * Pooling windows shared by the MaxPool and QLinearAveragePool cases: NCHW (or NCW) dims and pool
 * attributes covering padding, strides larger than the kernel, a kernel equal to the input, 1 x 1
 * inputs, large channel counts, ceil_mode and auto_pad. Windows ORT would size differently across
 * versions (a ceil_mode window starting past the input) or with negative SAME pads are not drawn.
 */
import { Gen } from './random.js';

/** A pooling problem: X dims and the pool attributes. */
export interface PoolShape {
  readonly dims: number[];
  readonly attrs: Record<string, unknown>;
  readonly label: string;
}

const KINDS = ['plain', 'plain', 'padded', 'padded', 'stride>kernel', 'kernel=input', 'ceil', 'auto', 'one-d', 'unit', 'wide-c'] as const;

/** Last-window start < input (ceil_mode windows must start inside the input). */
const ceilFits = (n: number, k: number, s: number, a: number, b: number) => Math.ceil((n + a + b - k) / s) * s - a < n;

const SAME = (d: number, k: number, s: number) => (Math.ceil(d / s) - 1) * s + k - d;

/** One random pooling problem. */
export function poolShape(g: Gen): PoolShape {
  const kind = g.pick(KINDS);
  const wide = kind === 'wide-c';
  const c = wide ? g.pick([33, 64, 130]) : g.pick([1, 2, 3, 5, 8, 16, 32]);
  const n = c > 8 ? 1 : g.pick([1, 1, 1, 2]);
  if (kind === 'unit') return { dims: [n, c, 1, 1], attrs: { kernel_shape: [1, 1] }, label: 'unit 1x1' };
  if (kind === 'one-d') {
    const k = g.int(1, 4);
    const w = g.int(k, 16);
    const p = [g.int(0, k - 1), g.int(0, k - 1)];
    return { dims: [n, c, w], attrs: { kernel_shape: [k], strides: [g.int(1, 3)], pads: p }, label: '1-D' };
  }
  const kh = g.int(1, 4);
  const kw = g.int(1, 4);
  // wide channel counts on small images keep the fixtures small
  const h = kind === 'kernel=input' ? kh : g.int(kh, wide ? 4 : 9);
  const w = kind === 'kernel=input' ? kw : g.int(kw, wide ? 5 : 11);
  const strides = kind === 'stride>kernel' ? [kh + g.int(1, 2), kw + g.int(1, 2)] : [g.int(1, 3), g.int(1, 3)];
  const padded = kind === 'padded' || kind === 'ceil' || (kind === 'kernel=input' && g.chance(0.5));
  const pads = padded ? [g.int(0, kh - 1), g.int(0, kw - 1), g.int(0, kh - 1), g.int(0, kw - 1)] : [0, 0, 0, 0];
  const attrs: Record<string, unknown> = { kernel_shape: [kh, kw], strides };
  if (padded || g.chance(0.3)) attrs['pads'] = pads;
  if (kind === 'ceil' && ceilFits(h, kh, strides[0]!, pads[0]!, pads[2]!) && ceilFits(w, kw, strides[1]!, pads[1]!, pads[3]!)) attrs['ceil_mode'] = 1;
  if (kind === 'auto') {
    const mode = g.pick(['VALID', 'SAME_UPPER', 'SAME_LOWER']);
    const ok = mode === 'VALID' || [SAME(h, kh, strides[0]!), SAME(w, kw, strides[1]!)].every((p, i) => p >= 0 && Math.ceil(p / 2) < [kh, kw][i]!);
    if (ok) {
      delete attrs['pads'];
      attrs['auto_pad'] = mode;
    }
  }
  return { dims: [n, c, h, w], attrs, label: `${kind}${attrs['ceil_mode'] ? ' ceil' : ''}${attrs['auto_pad'] ? ` ${String(attrs['auto_pad'])}` : ''}` };
}
