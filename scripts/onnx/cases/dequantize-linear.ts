/**
 * DequantizeLinear cases: int8, uint8 and int32 input (int32 with values beyond 2^24 so the int-to-float
 * conversion rounds), per tensor and per axis, with and without zero points.
 */
import { count, fmt, Gen, idx, RANGE, scalar, SHORT, tensor, type GenCase } from './random.js';

type D = 'int8' | 'uint8' | 'int32';

function values(g: Gen, d: D, n: number, small: boolean): number[] {
  if (d !== 'int32') return g.ints(d, n);
  if (small) return g.ints(d, n, -100000, 100000);
  const big = () => (g.chance(0.5) ? -1 : 1) * g.int(2 ** 24 - 64, 2 ** 31 - 1);
  return Array.from({ length: n }, () => (g.chance(0.4) ? big() : g.int(-100000, 100000)));
}

/** ~125 DequantizeLinear cases. */
export function dequantizeLinearCases(g: Gen): GenCase[] {
  const out: GenCase[] = [];
  for (let i = 0; i < 126; i++) {
    const d: D = g.pick(['int8', 'uint8', 'int32']);
    const perAxis = g.chance(0.4);
    const rank = perAxis ? g.pick([1, 2, 3]) : g.pick([1, 2]);
    const dims = Array.from({ length: rank }, () => g.pick([1, 2, 3, 5]));
    const axis = perAxis ? g.int(-rank, rank - 1) : 1;
    const ax = axis < 0 ? axis + rank : axis;
    dims[perAxis ? ax : rank - 1] = g.pick([1, 3, 17, 33]);
    const channels = perAxis ? dims[ax]! : 1;
    // ONNX: an int32 zero point must be 0; a few nonzero ones probe ORT (with small values: no int32 overflow)
    const zpKind = d === 'int32' ? g.pick(['none', 'none', 'zero', 'nonzero']) : g.pick(['none', 'random', 'random']);
    const zps = Array.from({ length: channels }, () =>
      zpKind === 'random' ? g.int(RANGE[d][0], RANGE[d][1]) : zpKind === 'nonzero' ? g.int(-1000, 1000) : 0,
    );
    const pow2 = g.chance(0.3);
    const scales = Array.from({ length: channels }, () => (pow2 ? g.pow2(-4, 12) : g.logFloat(1e-4, 8)));
    const inputs = {
      x: tensor(d, dims, values(g, d, count(dims), zpKind === 'nonzero')),
      x_scale: perAxis ? tensor('float32', [channels], scales) : scalar('float32', scales[0]!),
      ...(zpKind === 'none' ? {} : { x_zero_point: perAxis ? tensor(d, [channels], zps) : scalar(d, zps[0]!) }),
    };
    const where = perAxis ? `axis=${axis}` : 'tensor';
    out.push({
      case: { name: `DequantizeLinear/${idx(i)} ${where} ${SHORT[d]} zp=${zpKind} x${fmt(dims)}`, op: 'DequantizeLinear', attrs: perAxis ? { axis } : {}, inputs },
      combo: `${SHORT[d]} -> f32 ${perAxis ? 'per-axis' : 'per-tensor'} zp=${zpKind}`,
      constants: g.chance(0.5) ? ['x_scale', 'x_zero_point'] : [],
      probe: zpKind === 'nonzero',
    });
  }
  return out;
}
