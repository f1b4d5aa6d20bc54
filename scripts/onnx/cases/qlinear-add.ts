/**
 * QLinearAdd (com.microsoft) cases, A and B of the same shape, int8 and uint8: random scales,
 * power-of-two scales (exact .5 ties), "near ties" whose scale ratios sit a few float32 ulps off 1/2,
 * 1 or 1/4 so the exact sum lands within an ulp of .5 and every intermediate rounding shows, and
 * saturating or extreme ratios, and scales crafted so each rival formulation (../rivals.ts) fails;
 * sizes around the 32-element vector width; a few cases with A or B a single broadcast element;
 * C_zero_point optional.
 */
import type { TensorJson } from '../../../ops-nn/onnx/index.js';
import { ADD_RIVALS } from '../rivals.js';
import { craftAddScales } from './craft.js';
import { count, fmt, Gen, idx, RANGE, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';

/** Scale choices: [sA, sB, sC]. */
const SCALE_KINDS: Readonly<Record<string, (g: Gen) => readonly [number, number, number]>> = {
  rand: (g) => {
    const sc = g.logFloat(1e-3, 0.5);
    return [Math.fround(sc * g.logFloat(0.25, 4)), Math.fround(sc * g.logFloat(0.25, 4)), sc];
  },
  pow2: (g) => {
    const k = g.int(0, 8);
    return [2 ** -(k + g.int(-2, 1)), 2 ** -(k + g.int(-2, 1)), 2 ** -k];
  },
  'near-tie': (g) => {
    const sc = 2 ** -g.int(0, 8);
    // a few ulps (of the base's binade) off the base; exact in float32
    const near = (base: number) => (base + g.pick([-1, 1]) * g.int(1, 12) * 2 ** -23 * base) * sc;
    return [near(g.pick([0.25, 0.5, 0.5, 1])), near(g.pick([0.25, 0.5, 1])), sc];
  },
  saturate: (g) => {
    const sc = g.logFloat(1e-3, 0.05);
    return [Math.fround(sc * g.logFloat(2, 20)), Math.fround(sc * g.logFloat(2, 20)), sc];
  },
  extreme: (g) => {
    const sc = g.logFloat(1e-3, 0.5);
    const r = () => (g.chance(0.5) ? g.logFloat(1e-3, 0.02) : g.logFloat(20, 200));
    return [Math.fround(sc * r()), Math.fround(sc * r()), sc];
  },
};
const SCALE_POOL = ['rand', 'rand', 'pow2', 'near-tie', 'near-tie', 'near-tie', 'saturate', 'extreme'];

function shapeOf(g: Gen): number[] {
  const n = g.pick([1, 3, 17, 31, 32, 33, 63, 64, 65, 100, g.int(2, 96)]);
  if (n < 4 || g.chance(0.6)) return [n];
  return g.pick([[2, Math.ceil(n / 2)], [1, 3, Math.ceil(n / 3)], [2, 2, 2, Math.ceil(n / 8)]]);
}

/** Operand layouts: one shape, or A / B a single broadcast element (scalar or [1]). */
type Layout = 'same' | 'a-scalar' | 'b-scalar';

function one(g: Gen, i: number, rival: string | undefined, layout: Layout): GenCase {
  const q: Q = g.pick(['int8', 'uint8']);
  const kind = rival ? 'rand' : g.pick(SCALE_POOL);
  let [sa, sb, sc] = SCALE_KINDS[kind]!(g);
  const dims = rival === 'vector-on-single' && layout === 'same' ? [1] : rival && g.chance(0.2) ? [1] : shapeOf(g);
  const scalarDims = g.pick([[], [1]]);
  const [aDims, bDims] = layout === 'a-scalar' ? [scalarDims, dims] : layout === 'b-scalar' ? [dims, scalarDims] : [dims, dims];
  // ORT's type inference fails when A_zero_point or B_zero_point is omitted (empty input name):
  // only a few probes omit them; C_zero_point (the last input) is omitted freely
  const probe = i < 2;
  // crafted cases need nonzero zero points for the contraction rivals to differ
  const zp = (name: string, p: number) => (g.chance(rival ? 1 : p) ? { [name]: scalar(q, g.zeroPoint(q, rival ? 0 : 0.25)) } : {});
  const abZp = (name: string) => (probe ? {} : zp(name, 1));
  const [min, max] = RANGE[q];
  const zps: Record<string, TensorJson> = { ...abZp('A_zero_point'), ...abZp('B_zero_point'), ...zp('C_zero_point', 0.85) };
  const a = g.ints(q, count(aDims), min, max);
  const b = g.ints(q, count(bDims), min, max);
  const z = (n: string) => zps[n]?.data[0] ?? 0;
  if (rival) {
    const n = Math.max(a.length, b.length);
    const pairs = (x: number[]) => (x.length === n ? x : Array<number>(n).fill(x[0]!));
    const zs = { za: z('A_zero_point'), zb: z('B_zero_point'), zc: z('C_zero_point') };
    const found = craftAddScales(g, pairs(a), pairs(b), a.length === 1, zs, q, [min, max], ADD_RIVALS[rival]!);
    if (found) [sa, sb, sc] = [found.sa, found.sb, found.sc];
    else rival = undefined;
  }
  const inputs = {
    A: tensor(q, aDims, a),
    A_scale: scalar('float32', sa),
    ...(zps['A_zero_point'] ? { A_zero_point: zps['A_zero_point'] } : {}),
    B: tensor(q, bDims, b),
    B_scale: scalar('float32', sb),
    ...(zps['B_zero_point'] ? { B_zero_point: zps['B_zero_point'] } : {}),
    C_scale: scalar('float32', sc),
    ...(zps['C_zero_point'] ? { C_zero_point: zps['C_zero_point'] } : {}),
  };
  const shapes = layout === 'same' ? fmt(dims) : `${fmt(aDims)}+${fmt(bDims)}`;
  return {
    case: { name: `QLinearAdd/${idx(i)} ${SHORT[q]} ${shapes} ${rival ? `crafted vs ${rival}` : kind}`, op: 'QLinearAdd', attrs: {}, inputs },
    combo: probe ? `${SHORT[q]} without A_zero_point and B_zero_point` : `${SHORT[q]}${layout === 'same' ? '' : ` ${layout}`}`,
    probe,
    constants: g.chance(0.5) ? ['A_scale', 'A_zero_point', 'B_scale', 'B_zero_point', 'C_scale', 'C_zero_point'] : [],
  };
}

/**
 * ~140 QLinearAdd cases: 132 of one shape (the last 18 with scales crafted against the rival
 * formulations, some of one element), then 12 with A or B a single broadcast element.
 */
export function qlinearAddCases(g: Gen): GenCase[] {
  const rivals = Object.keys(ADD_RIVALS);
  const out: GenCase[] = [];
  for (let i = 0; i < 132; i++) out.push(one(g, i, i >= 114 ? rivals[i % rivals.length] : undefined, 'same'));
  for (let i = 132; i < 144; i++) {
    const layout = i % 2 === 0 ? 'a-scalar' : 'b-scalar';
    const rival = i % 4 < 2 ? undefined : layout === 'a-scalar' ? 'vector-on-single' : g.pick(rivals.filter((r) => r !== 'vector-on-single'));
    out.push(one(g, i, rival, layout));
  }
  return out;
}
