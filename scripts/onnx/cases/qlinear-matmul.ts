/**
 * QLinearMatMul cases: s8xs8->s8, u8xs8->u8, u8xu8->u8 with per-tensor, per-column ([N], 2-D b) or
 * per-batch-and-column ([B,1,N], 3-D b) b scales and zero points, 2-D and batched/broadcast operands, random, tie-producing and saturating scales; plus probes
 * of the combinations ORT may reject (other dtype mixes, per-row a scale, [N] b parameters with 3-D b).
 */
import { matmulShape, type BRank, type MatmulShape } from './matmul-shapes.js';
import { channelZeroPoints, DATA_MODES, qdata, qlinearScales, SCALE_MODES, SPREAD } from './qlinear-params.js';
import { matmulInteger } from '../../../ops-nn/onnx-ref/index.js';
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

/** Variants ORT may reject, generated once each. */
interface Probe {
  readonly combo: Combo;
  readonly aPerRow?: boolean;
  readonly bPerColumn3d?: boolean;
}
const PROBES: readonly Probe[] = [
  { combo: ['int8', 'uint8', 'int8'] },
  { combo: ['int8', 'uint8', 'uint8'] },
  { combo: ['uint8', 'int8', 'int8'] },
  { combo: ['int8', 'int8', 'uint8'] },
  { combo: ['uint8', 'uint8', 'int8'] },
  { combo: ['int8', 'int8', 'int8'], aPerRow: true },
  { combo: ['uint8', 'int8', 'uint8'], bPerColumn3d: true },
];

const comboLabel = (c: Combo) => `${SHORT[c[0]]}x${SHORT[c[1]]}->${SHORT[c[2]]}`;

/** Layouts of b_scale / b_zero_point: scalar, [N] for 2-D b, [B,1,N] for 3-D b; [N] with 3-D b is a probe. */
const B_LAYOUTS = ['tensor', 'tensor', 'column', 'column', 'batch-column'] as const;
type BLayout = (typeof B_LAYOUTS)[number] | 'column-3d';

const B_RANK: Readonly<Record<BLayout, BRank>> = { tensor: 'any', column: 'b2d', 'batch-column': 'b3d', 'column-3d': 'b3d' };

/** dims of b's quantisation parameters. */
function bParamDims(layout: BLayout, shape: MatmulShape): number[] {
  if (layout === 'tensor') return [];
  if (layout === 'batch-column') return [...shape.b.slice(0, -2), 1, shape.n];
  return [shape.n];
}

function one(g: Gen, i: number, combo: Combo, probe: Probe | null, rival?: string): GenCase {
  const [at, bt, yt] = combo;
  const layout: BLayout = probe?.bPerColumn3d ? 'column-3d' : rival ? 'tensor' : g.pick(B_LAYOUTS);
  const shape = matmulShape(g, B_RANK[layout]);
  const pDims = bParamDims(layout, shape);
  const channels = count(pDims);
  const scaleMode = g.pick(SCALE_MODES);
  const dataMode = g.pick(DATA_MODES);
  const s = qlinearScales(g, scaleMode, shape.k, SPREAD[dataMode], channels);
  const aZp = g.zeroPoint(at, 0.3);
  const bZps = channelZeroPoints(g, bt, channels, g.pick(bt === 'int8' ? ['zero', 'zero', 'shared', 'each'] : ['shared', 'each']));
  const yZp = g.zeroPoint(yt, rival ? 0 : 0.3); // fma-zp needs a nonzero y zero point
  const rows = probe?.aPerRow ? shape.m : 1;
  const vec = (dt: 'float32' | Q, vals: readonly number[], n: number) => (n === 1 ? scalar(dt, vals[0]!) : tensor(dt, [n], vals));
  const inputs: Record<string, TensorJson> = {
    a: tensor(at, shape.a, qdata(g, at, count(shape.a), dataMode, aZp)),
    a_scale: vec('float32', Array<number>(rows).fill(s.xs), rows),
    a_zero_point: vec(at, Array<number>(rows).fill(aZp), rows),
    b: tensor(bt, shape.b, qdata(g, bt, count(shape.b), dataMode, bZps[0]!)),
    b_scale: tensor('float32', pDims, s.ws),
    b_zero_point: tensor(bt, pDims, bZps),
    y_scale: scalar('float32', s.ys),
    y_zero_point: scalar(yt, yZp),
  };
  const crafted = rival ? craftFor(g, inputs, rival) : false;
  const constB = g.chance(0.5);
  const where = probe?.aPerRow ? 'a per-row' : `b per-${layout}`;
  return {
    case: {
      name: [
        `QLinearMatMul/${idx(i)} ${comboLabel(combo)} ${fmt(shape.a)}x${fmt(shape.b)} ${where}`,
        `${crafted ? `crafted vs ${rival}` : scaleMode} ${dataMode}${constB ? ' const-b' : ''}`,
      ].join(' '),
      op: 'QLinearMatMul',
      attrs: {},
      inputs,
    },
    combo: `${comboLabel(combo)}${probe?.aPerRow ? ' per-row a_scale' : ''}${probe?.bPerColumn3d ? ' b_scale [N] with 3-D b' : ''}`,
    constants: constB ? ['b', 'b_scale', 'b_zero_point', 'a_scale', 'a_zero_point', 'y_scale', 'y_zero_point'] : [],
    probe: probe !== null,
  };
}

/**
 * Replaces the scales of a per-tensor case by crafted ones on which `rival` fails (in place); false
 * when the search fails and the case keeps its scales.
 */
function craftFor(g: Gen, inputs: Record<string, TensorJson>, rival: string): boolean {
  const t = (n: string) => tensorFromJson(inputs[n], n);
  const acc = matmulInteger({ A: t('a'), B: t('b'), a_zero_point: t('a_zero_point'), b_zero_point: t('b_zero_point') }, {}).data;
  return craftCaseScales(g, inputs, acc, ['a_scale', 'b_scale'], rival);
}

/** ~130 QLinearMatMul cases (16 with scales crafted against the rival requantisations) and the probes. */
export function qlinearMatmulCases(g: Gen): GenCase[] {
  const out = PROBES.map((p, i) => one(g, i, p.combo, p));
  for (let i = out.length; i < 122; i++) out.push(one(g, i, g.pick(SUPPORTED), null));
  const rivals = Object.keys(REQUANT_RIVALS);
  for (let i = out.length; i < 138; i++) out.push(one(g, i, g.pick(SUPPORTED), null, rivals[i % rivals.length]));
  return out;
}
