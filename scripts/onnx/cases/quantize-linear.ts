/**
 * QuantizeLinear cases: float32 input, int8/uint8 output (and the default uint8 without a zero point),
 * per tensor and per axis; values on exact .5 ties (power-of-two scales), near ties, exact multiples,
 * random and saturating ones; sizes 1, 3, 17, 33 and random.
 */
import { count, fmt, Gen, idx, RANGE, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';

/** Kinds of x values, relative to scale and zero point. */
const VALUE_KINDS: Readonly<Record<string, (g: Gen, s: number, lo: number, hi: number) => number>> = {
  tie: (g, s, lo, hi) => (g.int(lo - 3, hi + 2) + 0.5) * s,
  multiple: (g, s, lo, hi) => g.int(lo, hi) * s,
  random: (g, s, lo, hi) => g.float(lo - 4, hi + 4) * s,
  saturate: (g, s, lo, hi) => (g.chance(0.5) ? hi + g.float(1, 300) : lo - g.float(1, 300)) * s,
  small: (g, s) => g.float(-2, 2) * s,
};
const KIND_NAMES = Object.keys(VALUE_KINDS);

function shapeFor(g: Gen, perAxis: boolean): { dims: number[]; axis: number } {
  if (!perAxis) {
    const n = g.pick([1, 3, 17, 33, g.int(2, 48)]);
    return { dims: g.chance(0.7) || n === 1 ? [n] : [n, 1, 1], axis: 1 };
  }
  const rank = g.pick([2, 3, 4]);
  const dims = Array.from({ length: rank }, () => g.pick([1, 2, 3, 5, 7]));
  const axis = g.int(-rank, rank - 1);
  dims[axis < 0 ? axis + rank : axis] = g.pick([1, 3, 17, 33]);
  while (count(dims) > 160) dims[dims.findIndex((d, i) => d > 1 && i !== (axis < 0 ? axis + rank : axis))] = 1;
  return { dims, axis };
}

/** ~130 QuantizeLinear cases. */
export function quantizeLinearCases(g: Gen): GenCase[] {
  const out: GenCase[] = [];
  for (let i = 0; i < 132; i++) {
    const q: Q = g.pick(['int8', 'uint8']);
    const withZp = q === 'int8' || g.chance(0.8);
    const perAxis = g.chance(0.4);
    const { dims, axis } = shapeFor(g, perAxis);
    const channels = perAxis ? dims[axis < 0 ? axis + dims.length : axis]! : 1;
    const pow2 = g.chance(0.5);
    const scales = Array.from({ length: channels }, () => (pow2 ? g.pow2(-2, 10) : g.logFloat(1e-3, 4)));
    const zps = Array.from({ length: channels }, () => (withZp ? g.zeroPoint(q, 0.25) : 0));
    const kind = g.pick(['mixed', ...KIND_NAMES]);
    const inner = perAxis ? count(dims.slice((axis < 0 ? axis + dims.length : axis) + 1)) : 1;
    const [min, max] = RANGE[q];
    const x = Array.from({ length: count(dims) }, (_, e) => {
      const c = Math.floor(e / inner) % channels;
      const f = VALUE_KINDS[kind === 'mixed' ? g.pick(KIND_NAMES) : kind]!;
      return Math.fround(f(g, scales[c]!, min - zps[c]!, max - zps[c]!)) + 0;
    });
    const inputs = {
      x: tensor('float32', dims, x),
      y_scale: perAxis ? tensor('float32', [channels], scales) : scalar('float32', scales[0]!),
      ...(withZp ? { y_zero_point: perAxis ? tensor(q, [channels], zps) : scalar(q, zps[0]!) } : {}),
    };
    const attrs = perAxis ? { axis } : {};
    const label = `${perAxis ? `axis=${axis}` : 'tensor'} ${withZp ? SHORT[q] : 'u8 (no zp)'}`;
    out.push({
      case: { name: `QuantizeLinear/${idx(i)} ${label} x${fmt(dims)} ${pow2 ? 'pow2' : 'rand'} ${kind}`, op: 'QuantizeLinear', attrs, inputs },
      combo: `${SHORT.float32} -> ${withZp ? SHORT[q] : 'u8'} ${perAxis ? 'per-axis' : 'per-tensor'}`,
      constants: g.chance(0.5) ? ['y_scale', 'y_zero_point'] : [],
    });
  }
  return out;
}
