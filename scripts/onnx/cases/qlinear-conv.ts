/**
 * QLinearConv cases: s8xs8->s8, u8xs8->u8, u8xu8->u8 (other mixes probed); per-tensor or per-channel
 * weight scales and zero points (zero, one shared value, or distinct per channel); with and without bias;
 * random, tie-producing and saturating scales; the conv geometries of conv-shapes.ts.
 */
import { convShape, depthwiseShape, type ConvShape } from './conv-shapes.js';
import { channelZeroPoints, DATA_MODES, qdata, qlinearScales, SCALE_MODES, SPREAD } from './qlinear-params.js';
import { convInteger } from '../../../ops-nn/onnx-ref/index.js';
import { tensorFromJson, type TensorJson } from '../../../ops-nn/onnx/index.js';
import { REQUANT_RIVALS } from '../rivals.js';
import { craftCaseScales } from './craft.js';
import { count, fmt, Gen, idx, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';
type Combo = readonly [Q, Q, Q];

const SUPPORTED: readonly Combo[] = [
  ['int8', 'int8', 'int8'],
  ['uint8', 'int8', 'uint8'],
  ['uint8', 'uint8', 'uint8'],
];

interface Probe {
  readonly combo: Combo;
}
const PROBES: readonly Probe[] = [
  { combo: ['int8', 'uint8', 'int8'] },
  { combo: ['uint8', 'int8', 'int8'] },
  { combo: ['int8', 'int8', 'uint8'] },
  { combo: ['int8', 'uint8', 'uint8'] },
  { combo: ['uint8', 'uint8', 'int8'] },
];

const comboLabel = (c: Combo) => `${SHORT[c[0]]}x${SHORT[c[1]]}->${SHORT[c[2]]}`;

function one(g: Gen, i: number, combo: Combo, probe: Probe | null, rival?: string, shapeOf: (g: Gen) => ConvShape = convShape): GenCase {
  const [xt, wt, yt] = combo;
  const shape = shapeOf(g);
  const perChannel = !rival && g.chance(0.5);
  const channels = perChannel ? shape.m : 1;
  const scaleMode = g.pick(SCALE_MODES);
  const dataMode = g.pick(DATA_MODES);
  const s = qlinearScales(g, scaleMode, shape.k, SPREAD[dataMode], channels);
  const xZp = g.zeroPoint(xt, 0.3);
  const zpKind = wt === 'int8' ? g.pick(['zero', 'zero', 'shared', 'each'] as const) : g.pick(['shared', 'shared', 'each'] as const);
  const wZps = channelZeroPoints(g, wt, channels, zpKind);
  const yZp = g.zeroPoint(yt, rival ? 0 : 0.3); // fma-zp needs a nonzero y zero point
  const withBias = g.chance(0.7);
  const vec = (dt: 'float32' | Q, vals: readonly number[]) => (vals.length === 1 ? scalar(dt, vals[0]!) : tensor(dt, [vals.length], vals));
  const biasSpread = Math.round(Math.sqrt(shape.k) * SPREAD[dataMode] ** 2);
  const inputs: Record<string, TensorJson> = {
    x: tensor(xt, shape.x, qdata(g, xt, count(shape.x), dataMode, xZp)),
    x_scale: scalar('float32', s.xs),
    x_zero_point: scalar(xt, xZp),
    w: tensor(wt, shape.w, qdata(g, wt, count(shape.w), dataMode, wZps[0]!)),
    w_scale: vec('float32', s.ws),
    w_zero_point: vec(wt, wZps),
    y_scale: scalar('float32', s.ys),
    y_zero_point: scalar(yt, yZp),
    ...(withBias ? { B: tensor('int32', [shape.m], g.ints('int32', shape.m, -2 * biasSpread, 2 * biasSpread)) } : {}),
  };
  const crafted = rival ? craftFor(g, inputs, shape.attrs, rival) : false;
  const constW = g.chance(0.6);
  const where = perChannel ? `per-channel w zp=${zpKind}` : 'per-tensor';
  return {
    case: {
      name: [
        `QLinearConv/${idx(i)} ${comboLabel(combo)} ${shape.kind} x${fmt(shape.x)} w${fmt(shape.w)} ${where}${withBias ? ' bias' : ''}`,
        `${crafted ? `crafted vs ${rival}` : scaleMode} ${dataMode}${constW ? ' const-w' : ''}`,
      ].join(' '),
      op: 'QLinearConv',
      attrs: shape.attrs,
      inputs,
    },
    combo: comboLabel(combo),
    constants: constW ? ['w', 'w_scale', 'w_zero_point', 'B', 'x_scale', 'x_zero_point', 'y_scale', 'y_zero_point'] : [],
    probe: probe !== null,
  };
}

/**
 * Replaces the scales of a per-tensor case by crafted ones on which `rival` fails (in place); false
 * when the search fails and the case keeps its scales.
 */
function craftFor(g: Gen, inputs: Record<string, TensorJson>, attrs: Readonly<Record<string, unknown>>, rival: string): boolean {
  const t = (n: string) => tensorFromJson(inputs[n], n);
  const y = convInteger({ x: t('x'), w: t('w'), x_zero_point: t('x_zero_point'), w_zero_point: t('w_zero_point') }, attrs);
  const [, m = 1, oh = 1, ow = 1] = y.dims;
  const bias = inputs['B']?.data;
  const acc = Array.from(y.data, (v, i) => v + (bias?.[Math.floor(i / (oh * ow)) % m] ?? 0));
  return craftCaseScales(g, inputs, acc, ['x_scale', 'w_scale'], rival);
}

/**
 * ~130 depthwise QLinearConv cases (the depthwise vector kernel's shapes, depthwiseShape), the same
 * type combinations, scales and zero points as qlinearConvCases; a generator of its own (own seed,
 * own file) so the QLinearConv fixture keeps its cases.
 */
export function qlinearConvDepthwiseCases(g: Gen): GenCase[] {
  const out: GenCase[] = [];
  for (let i = 0; i < 116; i++) out.push(one(g, i, g.pick(SUPPORTED), null, undefined, depthwiseShape));
  const rivals = Object.keys(REQUANT_RIVALS);
  for (let i = out.length; i < 132; i++) out.push(one(g, i, g.pick(SUPPORTED), null, rivals[i % rivals.length], depthwiseShape));
  return out.map((gc) => ({ ...gc, case: { ...gc.case, name: gc.case.name.replace(/^QLinearConv\//, 'QLinearConv depthwise/') } }));
}

/** ~130 QLinearConv cases (16 with scales crafted against the rival requantisations) and the probes. */
export function qlinearConvCases(g: Gen): GenCase[] {
  const out = PROBES.map((p, i) => one(g, i, p.combo, p));
  for (let i = out.length; i < 120; i++) out.push(one(g, i, g.pick(SUPPORTED), null));
  const rivals = Object.keys(REQUANT_RIVALS);
  for (let i = out.length; i < 136; i++) out.push(one(g, i, g.pick(SUPPORTED), null, rivals[i % rivals.length]));
  return out;
}
