/**
 * QGemm (com.microsoft) cases: the fully connected layer of quantised models. s8xs8->s8, u8xs8->u8
 * and u8xu8->u8, transA / transB, alpha, an int32 bias C per column (or scalar, or none), per-tensor or
 * per-column b scales and zero points, constant B as in real models; plus probes of what ORT may
 * reject (s8 A with u8 B).
 */
import { channelZeroPoints, DATA_MODES, qdata, qlinearScales, SCALE_MODES, SPREAD } from './qlinear-params.js';
import { type TensorJson } from '../../../ops-nn/onnx/index.js';
import { fmt, Gen, idx, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';
type Combo = readonly [Q, Q, Q];

const SUPPORTED: readonly Combo[] = [
  ['int8', 'int8', 'int8'],
  ['uint8', 'int8', 'uint8'],
  ['uint8', 'uint8', 'uint8'],
];
const PROBES: readonly Combo[] = [['int8', 'uint8', 'int8']];

const BIAS_KINDS = ['column', 'column', 'scalar', 'none'] as const;

function one(g: Gen, i: number, combo: Combo, probe: boolean): GenCase {
  const [at, bt, yt] = combo;
  const dim = () => (g.chance(0.5) ? g.pick([1, 3, 17, 33]) : g.int(1, 12));
  const [m, k, n] = [dim(), dim(), dim()];
  const transA = g.chance(0.25) ? 1 : 0;
  const transB = g.chance(0.6) ? 1 : 0;
  const perColumn = g.chance(0.5);
  const channels = perColumn ? n : 1;
  const dataMode = g.pick(DATA_MODES);
  const scaleMode = g.pick(SCALE_MODES);
  const s = qlinearScales(g, scaleMode, k, SPREAD[dataMode], channels);
  const alpha = g.chance(0.2) ? g.pick([0.5, 1.5, 0.75]) : 1;
  const aZp = g.zeroPoint(at, 0.3);
  const bZps = channelZeroPoints(g, bt, channels, g.pick(bt === 'int8' ? ['zero', 'zero', 'shared', 'each'] : ['shared', 'each']));
  const yZp = g.zeroPoint(yt, 0.3);
  const biasKind = g.pick(BIAS_KINDS);
  const accSpread = Math.round(Math.sqrt(k) * SPREAD[dataMode] * SPREAD[dataMode]);
  const pDims = perColumn ? [n] : [];
  const inputs: Record<string, TensorJson> = {
    A: tensor(at, transA ? [k, m] : [m, k], qdata(g, at, m * k, dataMode, aZp)),
    a_scale: scalar('float32', s.xs),
    a_zero_point: scalar(at, aZp),
    B: tensor(bt, transB ? [n, k] : [k, n], qdata(g, bt, k * n, dataMode, bZps[0]!)),
    b_scale: tensor('float32', pDims, s.ws),
    b_zero_point: tensor(bt, pDims, bZps),
    ...(biasKind === 'none' ? {} : { C: tensor('int32', biasKind === 'column' ? [n] : [], g.ints('int32', biasKind === 'column' ? n : 1, -accSpread, accSpread)) }),
    y_scale: scalar('float32', s.ys),
    y_zero_point: scalar(yt, yZp),
  };
  const label = `${SHORT[at]}x${SHORT[bt]}->${SHORT[yt]}`;
  return {
    case: {
      name: `QGemm/${idx(i)} ${label} ${fmt([m, k])}x${fmt([k, n])} tA${transA} tB${transB} alpha ${alpha} bias ${biasKind} b per-${perColumn ? 'column' : 'tensor'} ${scaleMode} ${dataMode}`,
      op: 'QGemm',
      attrs: { transA, transB, ...(alpha !== 1 ? { alpha } : {}) },
      inputs,
    },
    combo: label,
    constants: ['B', 'b_scale', 'b_zero_point', 'C', 'a_scale', 'a_zero_point', 'y_scale', 'y_zero_point'].filter((x) => inputs[x]),
    probe,
  };
}

/** ~120 QGemm cases and the probes. */
export function qgemmCases(g: Gen): GenCase[] {
  const out = PROBES.map((c, i) => one(g, i, c, true));
  for (let i = out.length; i < 121; i++) out.push(one(g, i, g.pick(SUPPORTED), false));
  return out;
}
