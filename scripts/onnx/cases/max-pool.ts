/**
 * MaxPool (opset 21) cases on int8 and uint8: random windows (pool-shapes.ts), full-range and
 * narrow data (many equal values: ties of the max), and probes ORT rejects (pads not smaller than
 * the kernel, int32 input).
 */
import { count, fmt, Gen, idx, SHORT, tensor, type GenCase } from './random.js';
import { poolShape } from './pool-shapes.js';

type Q = 'int8' | 'uint8';

function one(g: Gen, i: number): GenCase {
  const q: Q = g.pick(['int8', 'uint8']);
  const s = poolShape(g);
  const narrow = g.chance(0.3);
  const lo = q === 'int8' ? -128 : 0;
  const data = narrow ? g.ints(q, count(s.dims), lo, lo + 3) : g.ints(q, count(s.dims));
  return {
    case: { name: `MaxPool/${idx(i)} ${SHORT[q]} ${fmt(s.dims)} ${s.label}${narrow ? ' narrow' : ''}`, op: 'MaxPool', attrs: s.attrs, inputs: { X: tensor(q, s.dims, data) } },
    combo: SHORT[q],
  };
}

/** ORT-rejected combinations (recorded as unsupported). */
function probes(): GenCase[] {
  const x = tensor('int8', [1, 1, 4, 4], Array.from({ length: 16 }, (_, k) => k));
  return [
    { case: { name: 'MaxPool/probe pad = kernel', op: 'MaxPool', attrs: { kernel_shape: [2, 2], pads: [2, 0, 0, 0] }, inputs: { X: x } }, combo: 's8 pads not smaller than the kernel', probe: true },
    { case: { name: 'MaxPool/probe s32', op: 'MaxPool', attrs: { kernel_shape: [2, 2] }, inputs: { X: tensor('int32', [1, 1, 4, 4], x.data) } }, combo: 's32 input', probe: true },
  ];
}

/** 120 random MaxPool cases and the probes. */
export function maxPoolCases(g: Gen): GenCase[] {
  return [...Array.from({ length: 120 }, (_, i) => one(g, i)), ...probes()];
}
