/**
 * The values an axis of a sweep spec takes: a list of values, or a range written as
 * {"from": 16, "to": 256, "step": 16} (arithmetic, both ends included) or
 * {"from": 16, "to": 256, "times": 2} (geometric). Errors are plain strings; the spec parser adds where.
 */
import { isObject, shown } from '../regress/fields.js';

/** A value an axis (or a fixed field) takes. */
export type AxisValue = number | string | boolean;

/** Values one axis may list: a sweep past this is better split into several specs. */
export const MAX_AXIS_VALUES = 10_000;

const isScalar = (v: unknown): v is AxisValue => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';

const RANGE_KEYS = ['from', 'to', 'step', 'times'] as const;

function rangeValues(r: Readonly<Record<string, unknown>>): AxisValue[] {
  for (const k of Object.keys(r)) if (!(RANGE_KEYS as readonly string[]).includes(k)) throw new Error(`range field ${k} is not known (known: ${RANGE_KEYS.join(', ')})`);
  const { from, to, step, times } = r;
  if (typeof from !== 'number' || !Number.isFinite(from) || typeof to !== 'number' || !Number.isFinite(to)) throw new Error(`a range needs numbers "from" and "to", got from ${shown(from)}, to ${shown(to)}`);
  if ((step === undefined) === (times === undefined)) throw new Error('a range needs exactly one of "step" (added) or "times" (multiplied)');
  if (to < from) throw new Error(`"to" ${to} is below "from" ${from}`);
  const out: number[] = [];
  const next =
    step !== undefined
      ? typeof step === 'number' && step > 0
        ? (v: number, i: number) => from + i * step
        : fail(`"step" must be a number > 0, got ${shown(step)}`)
      : typeof times === 'number' && times > 1 && from > 0
        ? (v: number) => v * times
        : fail(`"times" must be a number > 1 (and "from" > 0), got times ${shown(times)}, from ${from}`);
  for (let v = from, i = 0; v <= to; v = next(v, ++i)) {
    out.push(v);
    if (out.length > MAX_AXIS_VALUES) throw new Error(`the range has more than ${MAX_AXIS_VALUES} values`);
  }
  return out;
}

const fail = (msg: string): never => {
  throw new Error(msg);
};

/** The values of an axis as written in a spec (a list or a range), checked: scalars, distinct, not empty. */
export function axisValues(raw: unknown): AxisValue[] {
  const values = Array.isArray(raw) ? raw : isObject(raw) ? rangeValues(raw) : fail(`must be a list of values or a range {"from", "to", "step" | "times"}, got ${shown(raw)}`);
  if (values.length === 0) throw new Error('has no values (give at least one)');
  if (values.length > MAX_AXIS_VALUES) throw new Error(`has ${values.length} values, more than ${MAX_AXIS_VALUES}`);
  const seen = new Set<AxisValue>();
  values.forEach((v, i) => {
    if (!isScalar(v)) throw new Error(`value #${i + 1} must be a number, a string or true/false, got ${shown(v)}`);
    if (seen.has(v)) throw new Error(`lists ${shown(v)} twice (each value once)`);
    seen.add(v);
  });
  return values as AxisValue[];
}

/** A fixed value of a spec (params, tiling): a scalar. */
export const scalarOrFail = (v: unknown, where: string): AxisValue => (isScalar(v) ? v : fail(`${where} must be a number, a string or true/false, got ${shown(v)}`));

/** How a value is written in a CSV cell (and read back: the text is the identity of a point). */
export const valueText = (v: AxisValue): string => String(v);
