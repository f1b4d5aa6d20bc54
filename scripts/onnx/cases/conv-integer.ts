/**
 * ConvInteger cases: u8xu8, u8xs8, s8xs8, s8xu8, with and without x/w zero points (per-channel w zero
 * points probed), padded geometries where the pad must act as x_zero_point.
 */
import { convShape } from './conv-shapes.js';
import { channelZeroPoints } from './qlinear-params.js';
import { count, fmt, Gen, idx, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';
type Combo = readonly [Q, Q];

interface Probe {
  readonly combo: Combo;
  readonly wPerChannel?: boolean;
}
const SUPPORTED: readonly Combo[] = [
  ['uint8', 'uint8'],
  ['uint8', 'uint8'],
  ['uint8', 'int8'],
  ['int8', 'int8'],
  ['int8', 'uint8'],
];

const PROBES: readonly Probe[] = [
  { combo: ['uint8', 'uint8'], wPerChannel: true },
  { combo: ['int8', 'int8'], wPerChannel: true },
];

const ZP_KINDS = ['none', 'x', 'x', 'w', 'xw', 'xw'] as const;

function one(g: Gen, i: number, combo: Combo, probe: Probe | null): GenCase {
  const [xt, wt] = combo;
  const shape = convShape(g);
  const zpKind = probe?.wPerChannel ? 'xw' : g.pick(ZP_KINDS);
  const wZp = probe?.wPerChannel ? tensor(wt, [shape.m], channelZeroPoints(g, wt, shape.m, 'each')) : scalar(wt, g.zeroPoint(wt, 0.2));
  const inputs = {
    x: tensor(xt, shape.x, g.ints(xt, count(shape.x))),
    w: tensor(wt, shape.w, g.ints(wt, count(shape.w))),
    ...(zpKind.includes('x') ? { x_zero_point: scalar(xt, g.zeroPoint(xt, 0.1)) } : {}),
    ...(zpKind.includes('w') ? { w_zero_point: wZp } : {}),
  };
  const label = `${SHORT[xt]}x${SHORT[wt]}`;
  const constW = g.chance(0.5);
  return {
    case: {
      name: `ConvInteger/${idx(i)} ${label} ${shape.kind} x${fmt(shape.x)} w${fmt(shape.w)} zp=${probe?.wPerChannel ? 'x,w-channel' : zpKind}${constW ? ' const-w' : ''}`,
      op: 'ConvInteger',
      attrs: shape.attrs,
      inputs,
    },
    combo: `${label}${probe?.wPerChannel ? ' per-channel w_zero_point' : ''}`,
    constants: constW ? ['w', 'w_zero_point'] : [],
    probe: probe !== null,
  };
}

/** ~125 ConvInteger cases and the probes. */
export function convIntegerCases(g: Gen): GenCase[] {
  const out = PROBES.map((p, i) => one(g, i, p.combo, p));
  for (let i = out.length; i < 128; i++) out.push(one(g, i, g.pick(SUPPORTED), null));
  return out;
}
