/**
 * MatMulInteger cases: u8xu8, u8xs8, s8xs8, s8xu8 with no, scalar, per-column ([N]) or per-batch-column
 * ([B,1,N]) b zero points and scalar a zero points (per-row a zero points are probed), 2-D and batched operands.
 */
import { matmulShape, type BRank } from './matmul-shapes.js';
import { channelZeroPoints } from './qlinear-params.js';
import { count, fmt, Gen, idx, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';
type Combo = readonly [Q, Q];

const SUPPORTED: readonly Combo[] = [
  ['uint8', 'uint8'],
  ['uint8', 'int8'],
  ['int8', 'int8'],
  ['int8', 'uint8'],
];

interface Probe {
  readonly combo: Combo;
  readonly aPerRow?: boolean;
}
const PROBES: readonly Probe[] = [{ combo: ['uint8', 'uint8'], aPerRow: true }, { combo: ['int8', 'int8'], aPerRow: true }];

/** Zero point layouts: which of a/b have one, and b per column. */
const ZP_KINDS = ['none', 'a', 'b', 'ab', 'b-col', 'ab-col', 'b-bcol'] as const;

/** b rank each zero point layout needs ([N] needs 2-D b, [B,1,N] 3-D b). */
const ZP_B_RANK: Readonly<Record<(typeof ZP_KINDS)[number], BRank>> = { none: 'any', a: 'any', b: 'any', ab: 'any', 'b-col': 'b2d', 'ab-col': 'b2d', 'b-bcol': 'b3d' };

function one(g: Gen, i: number, combo: Combo, probe: Probe | null): GenCase {
  const [at, bt] = combo;
  const zpKind = probe?.aPerRow ? 'ab' : g.pick(ZP_KINDS);
  const shape = matmulShape(g, ZP_B_RANK[zpKind]);
  const bZpDims = zpKind.endsWith('-col') ? [shape.n] : zpKind === 'b-bcol' ? [...shape.b.slice(0, -2), 1, shape.n] : [];
  const inputs = {
    A: tensor(at, shape.a, g.ints(at, count(shape.a))),
    B: tensor(bt, shape.b, g.ints(bt, count(shape.b))),
    ...(zpKind.startsWith('a') || probe?.aPerRow
      ? { a_zero_point: probe?.aPerRow ? tensor(at, [shape.m], channelZeroPoints(g, at, shape.m, 'each')) : scalar(at, g.zeroPoint(at, 0.2)) }
      : {}),
    ...(zpKind.includes('b')
      ? { b_zero_point: bZpDims.length > 0 ? tensor(bt, bZpDims, channelZeroPoints(g, bt, count(bZpDims), 'each')) : scalar(bt, g.zeroPoint(bt, 0.2)) }
      : {}),
  };
  const label = `${SHORT[at]}x${SHORT[bt]}`;
  const constB = shape.b.length === 2 && g.chance(0.5);
  return {
    case: {
      name: `MatMulInteger/${idx(i)} ${label} ${fmt(shape.a)}x${fmt(shape.b)} zp=${probe?.aPerRow ? 'a-row' : zpKind}${constB ? ' const-b' : ''}`,
      op: 'MatMulInteger',
      attrs: {},
      inputs,
    },
    combo: `${label}${probe?.aPerRow ? ' per-row a_zero_point' : ''}`,
    constants: constB ? ['B', 'b_zero_point'] : [],
    probe: probe !== null,
  };
}

/** ~125 MatMulInteger cases and the probes. */
export function matmulIntegerCases(g: Gen): GenCase[] {
  const out = PROBES.map((p, i) => one(g, i, p.combo, p));
  for (let i = out.length; i < 128; i++) out.push(one(g, i, g.pick(SUPPORTED), null));
  return out;
}
