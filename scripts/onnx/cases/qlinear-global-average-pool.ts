/**
 * QLinearGlobalAveragePool (com.microsoft) cases on int8 and uint8: NCHW and channels-last tensors
 * with 1-D to 3-D images (1 x 1 up to 8 x 8), up to 130 channels, scales that put sum * scale on .5
 * ties (x_scale = y_scale over 2 or 4 elements, powers of two), random and saturating ratios,
 * non-default zero points; probes ORT rejects (scale outside MLAS's [2^-32, 256)).
 */
import { count, fmt, Gen, idx, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';

const IMAGES: readonly (readonly number[])[] = [[1, 1], [2, 1], [2, 2], [1, 4], [3, 3], [7, 7], [5, 6], [8, 8], [13], [2, 3, 2], [1]];

function one(g: Gen, i: number): GenCase {
  const q: Q = g.pick(['int8', 'uint8']);
  const picked = g.pick(IMAGES);
  const c = g.pick([1, 2, 3, 8, 32, 33, 64, 130]);
  // wide channel counts on small images keep the fixture small
  const image = c > 32 && count(picked) > 16 ? [g.int(1, 4), g.int(1, 4)] : picked;
  const n = c > 8 ? 1 : g.pick([1, 1, 2]);
  const last = g.chance(0.3);
  const dims = last ? [n, ...image, c] : [n, c, ...image];
  const pixels = count(image);
  const kind = g.pick(['rand', 'rand', 'tie', 'tie', 'pow2', 'saturate']);
  const xs = kind === 'pow2' ? 2 ** -g.int(2, 8) : g.logFloat(1e-3, 0.5);
  const ratio: Readonly<Record<string, () => number>> = {
    rand: () => g.logFloat(0.3, 3),
    tie: () => 1,
    pow2: () => 2 ** g.int(-2, 2),
    saturate: () => g.logFloat(0.005, 0.05),
  };
  const ys = Math.fround(xs * ratio[kind]!());
  const inputs = { X: tensor(q, dims, g.ints(q, count(dims))), x_scale: scalar('float32', xs), x_zero_point: scalar(q, g.zeroPoint(q, 0.25)), y_scale: scalar('float32', ys), y_zero_point: scalar(q, g.zeroPoint(q, 0.25)) };
  return {
    case: { name: `QLinearGlobalAveragePool/${idx(i)} ${SHORT[q]} ${fmt(dims)}${last ? ' NHWC' : ''} ${kind} N=${pixels}`, op: 'QLinearGlobalAveragePool', attrs: last ? { channels_last: 1 } : {}, inputs },
    combo: SHORT[q],
    constants: g.chance(0.5) ? ['x_scale', 'x_zero_point', 'y_scale', 'y_zero_point'] : [],
  };
}

/** 120 random cases and probes of out-of-range scales. */
export function qlinearGlobalAveragePoolCases(g: Gen): GenCase[] {
  const probe = (name: string, xs: number, ys: number): GenCase => ({
    case: { name: `QLinearGlobalAveragePool/probe ${name}`, op: 'QLinearGlobalAveragePool', attrs: {}, inputs: { X: tensor('uint8', [1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]), x_scale: scalar('float32', xs), x_zero_point: scalar('uint8', 0), y_scale: scalar('float32', ys), y_zero_point: scalar('uint8', 0) } },
    combo: `u8 scale ${name}`,
    probe: true,
  });
  return [...Array.from({ length: 120 }, (_, i) => one(g, i)), probe('>= 256', 1, 2 ** -11), probe('< 2^-32', 2 ** -31, 1), probe('= 2^-32', 2 ** -30, 1)];
}
