/**
 * What the quantisation kernels share: output ranges, per-axis geometry, parameter checks, and the
 * exact narrowing of small integers s32 -> f16 -> s8/u8 (every value in [-256, 255] is exact in f16).
 */
import { intRange } from '../../isa/numeric/dtype.js';
import { OpError } from '../kernel.js';
import type { AxisSpec } from '../vector/elementwise.js';
import type { Ref, Step } from '../vector/steps.js';

/** The 8-bit quantised types. */
export type QType = 's8' | 'u8';

/** Inclusive range of each 8-bit output type. */
export const QRANGE: Readonly<Record<QType, readonly [number, number]>> = { s8: [-128, 127], u8: [0, 255] };

/** Outer x channels x inner of `axis` (negative counts from the end) in `dims`. */
export function axisGeometry(dims: readonly number[], axis: number, op: string): AxisSpec {
  const a = axis < 0 ? axis + dims.length : axis;
  if (!Number.isInteger(a) || a < 0 || a >= dims.length) throw new OpError(`${op}: axis ${axis} is out of range for rank ${dims.length}`);
  return { channels: dims[a]!, inner: dims.slice(a + 1).reduce((p, d) => p * d, 1) };
}

/** Per-channel geometry when any parameter has more than one value. */
export function paramAxis(dims: readonly number[], axis: number, op: string, lists: readonly (readonly number[])[]): AxisSpec | undefined {
  if (lists.every((l) => l.length <= 1)) return undefined;
  const g = axisGeometry(dims, axis, op);
  for (const l of lists)
    if (l.length !== 1 && l.length !== g.channels) throw new OpError(`${op}: a per-axis parameter has ${l.length} values but axis ${axis} has ${g.channels} channels`);
  return g;
}

/** Checks the dims: positive integers with at least one element. */
export function checkDims(dims: readonly number[], op: string): number {
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 1)) throw new OpError(`${op}: dims [${dims.join(', ')}] must be positive integers`);
  return dims.reduce((p, d) => p * d, 1);
}

/** Float parameters must be float32 values (the kernel emits them as f32 immediates or tables). */
export function checkF32(values: readonly number[], what: string, op: string): void {
  if (values.length === 0) throw new OpError(`${op}: ${what} needs at least one value`);
  for (const v of values) if (Math.fround(v) !== v && !Number.isNaN(v)) throw new OpError(`${op}: ${what} value ${v} is not a float32 value`);
}

/** Zero points must be integers of the quantised type. */
export function checkZeroPoints(zps: readonly number[], t: QType | 's32', op: string): void {
  const { min, max } = intRange(t);
  for (const z of zps) if (!Number.isInteger(z) || z < min || z > max) throw new OpError(`${op}: zero point ${z} is not a ${t} value (${min}..${max})`);
}

/** Steps: int32 `src` -> the 8-bit output through f16 (exact for values already in range). */
export function narrowSteps(src: Ref, f16: Ref, out: Ref, outType: QType): Step[] {
  return [
    { op: 'conv', to: 'f16', from: 's32', dst: f16, src },
    { op: 'conv', to: outType, from: 'f16', dst: out, src: f16 },
  ];
}
