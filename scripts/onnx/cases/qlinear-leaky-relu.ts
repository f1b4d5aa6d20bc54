/**
 * QLinearLeakyRelu (com.microsoft) cases on int8 and uint8: every stored value in some cases (the
 * whole lookup table), random data in others; slopes below 1, above 1, negative and the default;
 * random, power-of-two (exact .5 ties), equal and saturating scale ratios; zero points non-default
 * (X_zero_point omitted in probes); scales and zero points as graph inputs or constants (ORT builds its table at run time
 * or once). Alphas are never integers (the model writes an integer-valued number as an INT).
 */
import type { TensorJson } from '../../../ops-nn/onnx/index.js';
import { count, fmt, Gen, idx, scalar, SHORT, tensor, type GenCase } from './random.js';

type Q = 'int8' | 'uint8';

const ALPHAS = [undefined, 0.01, 0.1, 0.2, 0.5, 0.75, 1.5, 2.5, -0.3, -1.25] as const;

function one(g: Gen, i: number): GenCase {
  const q: Q = g.pick(['int8', 'uint8']);
  const all = g.chance(0.35);
  const dims = all ? [256] : g.pick([[1], [7], [3, 33], [2, 3, 5, 7], [130], [1, 64, 2, 2]]);
  const lo = q === 'int8' ? -128 : 0;
  const data = all ? Array.from({ length: 256 }, (_, k) => lo + k) : g.ints(q, count(dims));
  const kind = g.pick(['rand', 'rand', 'pow2', 'pow2', 'equal', 'saturate']);
  const xs = kind === 'pow2' ? 2 ** -g.int(1, 7) : g.logFloat(1e-3, 0.5);
  const ratio: Readonly<Record<string, () => number>> = { rand: () => g.logFloat(0.3, 3), pow2: () => 2 ** g.int(-2, 2), equal: () => 1, saturate: () => g.logFloat(0.01, 0.1) };
  const ys = Math.fround(xs * ratio[kind]!());
  const alpha = g.chance(0.2) ? Math.fround(g.float(-2, 2) + 0.001) : g.pick(ALPHAS);
  // only probes omit X_zero_point; Y_zero_point is always given: ORT 1.30 reads a fifth input
  // definition unchecked when building its table, and a model without one aborts the process
  const probe = i < 2;
  const zp = (name: string, p: number): Record<string, TensorJson> => (g.chance(p) ? {} : { [name]: scalar(q, g.zeroPoint(q, 0.25)) });
  const inputs = { X: tensor(q, dims, data), X_scale: scalar('float32', xs), ...zp('X_zero_point', probe ? 1 : 0), Y_scale: scalar('float32', ys), ...zp('Y_zero_point', 0) };
  return {
    case: { name: `QLinearLeakyRelu/${idx(i)} ${SHORT[q]} ${fmt(dims)}${all ? ' all values' : ''} ${kind} alpha ${alpha ?? 'default'}`, op: 'QLinearLeakyRelu', attrs: alpha === undefined ? {} : { alpha }, inputs },
    combo: probe ? `${SHORT[q]} without ${'X_zero_point'}` : SHORT[q],
    probe,
    constants: g.chance(0.5) ? ['X_scale', 'X_zero_point', 'Y_scale', 'Y_zero_point'] : [],
  };
}

/** 120 random cases. */
export function qlinearLeakyReluCases(g: Gen): GenCase[] {
  return Array.from({ length: 120 }, (_, i) => one(g, i));
}
