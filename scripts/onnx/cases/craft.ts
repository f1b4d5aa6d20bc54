/**
 * Crafted scales: searches for quantisation scales under which a rival formulation of ORT's arithmetic
 * (../rivals.ts) gives a different output than ORT's on at least one element of a case, by aiming an
 * element's scaled value at a .5 tie and nudging a scale by float32 ulps.
 */
import { f32Bits, f32FromBits } from '../../../isa/numeric/float16.js';
import { qlinearAddElement, requantize, requantScale, type AddParams, type RefDtype } from '../../../ops-nn/onnx-ref/index.js';
import type { TensorJson } from '../../../ops-nn/onnx/index.js';
import { REQUANT_RIVALS, type AddRival, type RequantRival } from '../rivals.js';
import { RANGE, scalar, type Gen } from './random.js';

const ATTEMPTS = 20000;
const NUDGES = [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6];

/** `x` moved by `d` float32 ulps (positive x). */
const nudge = (x: number, d: number) => f32FromBits(f32Bits(x) + d);

/** x_scale, w_scale, y_scale (per tensor). */
export interface RequantScales {
  readonly xs: number;
  readonly ws: number;
  readonly ys: number;
}

/**
 * Replaces the per-tensor scales of a QLinear case (`scaleNames`: its input and weight scales, then
 * y_scale) by crafted ones on which requant rival `rival` fails, given the case's exact accumulators
 * `accs`; false when the search fails and the case keeps its scales.
 */
export function craftCaseScales(g: Gen, inputs: Record<string, TensorJson>, accs: ArrayLike<number>, scaleNames: readonly [string, string], rival: string): boolean {
  const zp = inputs['y_zero_point']!.data[0]!;
  const [qmin, qmax] = RANGE[inputs['y_zero_point']!.dtype as keyof typeof RANGE];
  const s = craftRequantScales(g, accs, zp, qmin, qmax, REQUANT_RIVALS[rival]!);
  if (!s) return false;
  inputs[scaleNames[0]] = scalar('float32', s.xs);
  inputs[scaleNames[1]] = scalar('float32', s.ws);
  inputs['y_scale'] = scalar('float32', s.ys);
  return true;
}

/**
 * Per-tensor scales under which `rival` and ORT's requantisation disagree on one of `accs` (exact
 * accumulators, bias included), or null if the search fails.
 */
export function craftRequantScales(g: Gen, accs: ArrayLike<number>, zp: number, qmin: number, qmax: number, rival: RequantRival): RequantScales | null {
  const usable = Array.from(accs).filter((a) => Math.abs(a) >= 8);
  if (usable.length === 0) return null;
  for (let t = 0; t < ATTEMPTS; t++) {
    const acc = g.pick(usable);
    // room for |v| = k + .5 inside [qmin - zp, qmax - zp] on the side of acc's sign
    const room = acc > 0 ? qmax - zp - 1 : zp - qmin - 1;
    if (room < 0) continue;
    const target = Math.sign(acc) * (g.int(0, Math.min(room, 100)) + 0.5);
    const xs = g.logFloat(1e-3, 0.1);
    const ws = g.logFloat(1e-3, 0.1);
    const ys0 = Math.fround((Math.fround(xs * ws) * acc) / target);
    for (const d of NUDGES) {
      const ys = nudge(ys0, d);
      if (!(ys > 0) || !Number.isFinite(ys)) continue;
      if (requantize(acc, requantScale(xs, ws, ys), zp, qmin, qmax) !== rival(acc, xs, ws, ys, zp, qmin, qmax)) return { xs, ws, ys };
    }
  }
  return null;
}

/**
 * A, B and C scales under which `rival` and ORT's QLinearAdd disagree on one pair (a[i], b[i]), or
 * null if the search fails; `single` when ORT sees A as one element (its scalar-A path).
 */
export function craftAddScales(
  g: Gen,
  a: readonly number[],
  b: readonly number[],
  single: boolean,
  zps: { readonly za: number; readonly zb: number; readonly zc: number },
  dtype: RefDtype,
  range: readonly [number, number],
  rival: AddRival,
): { sa: number; sb: number; sc: number } | null {
  for (let t = 0; t < ATTEMPTS; t++) {
    const i = g.int(0, a.length - 1);
    const db = b[i]! - zps.zb;
    if (db === 0) continue;
    const sc = g.logFloat(1e-3, 0.5);
    const sa = Math.fround(sc * g.logFloat(0.05, 4));
    // aim the exact sum at a tie between two outputs inside the range
    const target = g.int(range[0], range[1] - 1) + 0.5;
    const rb = (target - zps.zc - Math.fround(sa / sc) * (a[i]! - zps.za)) / db;
    if (!(rb > 1e-3 && rb < 100)) continue;
    const sb0 = Math.fround(rb * sc);
    for (const d of NUDGES) {
      const p: AddParams = { sa, sb: nudge(sb0, d), sc, ...zps };
      if (qlinearAddElement(p, dtype, single)(a[i]!, b[i]!) !== rival(p, range[0], range[1])(a[i]!, b[i]!)) return { sa, sb: p.sb, sc };
    }
  }
  return null;
}
