/**
 * QLinearAveragePool (com.microsoft) cases on int8 and uint8: random windows (pool-shapes.ts), both
 * count_include_pad values, channels_last, scales that put the average on exact .5 ties (powers of
 * two, equal x and y scales over 2 or 4 elements), random ratios, saturating ratios, non-default
 * zero points (sometimes omitted), windows equal to the unpadded image (ORT's global fallback),
 * and a probe ORT rejects (pads not smaller than the kernel).
 */
import type { TensorJson } from '../../../ops-nn/onnx/index.js';
import { count, fmt, Gen, idx, scalar, SHORT, tensor, type GenCase } from './random.js';
import { poolShape } from './pool-shapes.js';

type Q = 'int8' | 'uint8';

/** [x_scale, y_scale] choices. */
const SCALES: Readonly<Record<string, (g: Gen) => readonly [number, number]>> = {
  rand: (g) => {
    const xs = g.logFloat(1e-3, 0.5);
    return [xs, Math.fround(xs * g.logFloat(0.3, 3))];
  },
  pow2: (g) => {
    const k = g.int(1, 8);
    return [2 ** -k, 2 ** -(k + g.int(-2, 2))];
  },
  equal: (g) => {
    const s = g.logFloat(1e-3, 0.5);
    return [s, s];
  },
  saturate: (g) => {
    const xs = g.logFloat(1e-2, 0.5);
    return [xs, Math.fround(xs * g.logFloat(0.01, 0.1))];
  },
};
const SCALE_POOL = ['rand', 'rand', 'pow2', 'pow2', 'equal', 'saturate'];

/** NCHW dims -> NHWC. */
const lastDims = (d: readonly number[]) => [d[0]!, ...d.slice(2), d[1]!];

function one(g: Gen, i: number): GenCase {
  const q: Q = g.pick(['int8', 'uint8']);
  const s = i % 12 === 11 ? { dims: [1, g.pick([3, 40]), 3, 5], attrs: { kernel_shape: [3, 5] }, label: 'window = image (global)' } : poolShape(g);
  const kind = g.pick(SCALE_POOL);
  const [xs, ys] = SCALES[kind]!(g);
  const last = g.chance(0.2);
  const attrs: Record<string, unknown> = { ...s.attrs, count_include_pad: g.pick([0, 1]), ...(last ? { channels_last: 1 } : {}) };
  const dims = last ? lastDims(s.dims) : s.dims;
  // ORT's type inference fails when the input zero point (not the last input) is omitted: only probes omit it
  const probe = i < 2;
  const zp = (name: string, p: number): Record<string, TensorJson> => (g.chance(p) ? {} : { [name]: scalar(q, g.zeroPoint(q, 0.25)) });
  const inputs = { X: tensor(q, dims, g.ints(q, count(dims))), x_scale: scalar('float32', xs), ...zp('x_zero_point', probe ? 1 : 0), y_scale: scalar('float32', ys), ...zp('y_zero_point', 0.15) };
  return {
    case: { name: `QLinearAveragePool/${idx(i)} ${SHORT[q]} ${fmt(dims)} ${s.label}${last ? ' NHWC' : ''} ${kind}`, op: 'QLinearAveragePool', attrs, inputs },
    combo: probe ? `${SHORT[q]} without ${'x_zero_point'}` : SHORT[q],
    probe,
    constants: g.chance(0.5) ? ['x_scale', 'x_zero_point', 'y_scale', 'y_zero_point'] : [],
  };
}

/** 124 random cases and a probe. */
export function qlinearAveragePoolCases(g: Gen): GenCase[] {
  const x = tensor('uint8', [1, 1, 4, 4], Array.from({ length: 16 }, (_, k) => k));
  const probe: GenCase = {
    case: { name: 'QLinearAveragePool/probe pad = kernel', op: 'QLinearAveragePool', attrs: { kernel_shape: [2, 2], pads: [0, 2, 0, 0] }, inputs: { X: x, x_scale: scalar('float32', 0.5), x_zero_point: scalar('uint8', 0), y_scale: scalar('float32', 0.5) } },
    combo: 'u8 pads not smaller than the kernel',
    probe: true,
  };
  return [...Array.from({ length: 124 }, (_, i) => one(g, i)), probe];
}
