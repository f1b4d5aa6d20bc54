/**
 * Typed field schemas for the JSON a user writes in a regression manifest (kernel parameters and
 * tilings). A schema is a table of fields; parsing checks every field, rejects unknown ones and
 * gives a value whose type follows from the schema, so a kernel runner never re-checks its input.
 * Errors are plain strings naming the field; the caller adds which file and entry they belong to.
 */

/** One field: what a valid value is (for messages), how to check it, and its default if optional. */
export interface Field<T> {
  /** e.g. "an integer in 1..65535", completes "params.m must be ..." */
  readonly expects: string;
  /** the value, or undefined when `v` is not valid */
  readonly check: (v: unknown) => T | undefined;
  /** present: the field may be omitted and takes this value */
  readonly fallback?: { readonly value: T };
  /** what kind of value it is, for building command-line flags from a schema (`run <kernel>`) */
  readonly kind: FieldKind;
}

/** The kinds of field: a flag of each kind parses differently. */
export type FieldKind = { readonly type: 'int'; readonly min: number; readonly max: number } | { readonly type: 'bool' } | { readonly type: 'choice'; readonly values: readonly string[] };

export type Schema = Readonly<Record<string, Field<unknown>>>;

/** The parsed object of a schema. */
export type Values<S extends Schema> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** An integer in min..max. */
export const int = (min: number, max: number): Field<number> => ({
  expects: `an integer in ${min}..${max}`,
  kind: { type: 'int', min, max },
  check: (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? v : undefined),
});

export const bool = (): Field<boolean> => ({ expects: 'true or false', kind: { type: 'bool' }, check: (v) => (typeof v === 'boolean' ? v : undefined) });

/** One of a fixed list of strings. */
export const oneOf = <const T extends string>(values: readonly T[]): Field<T> => ({
  expects: `one of ${values.map((s) => JSON.stringify(s)).join(', ')}`,
  kind: { type: 'choice', values },
  check: (v) => (values.includes(v as T) ? (v as T) : undefined),
});

/** The field made optional with a default. */
export const withDefault = <T>(f: Field<T>, value: T): Field<T> => ({ ...f, fallback: { value } });

/** Describes a JSON value briefly for an error message. */
export const shown = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** True for a plain JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rejects keys the schema does not have, listing the ones it does. */
function checkKeys(schema: Schema, obj: Readonly<Record<string, unknown>>, where: string): void {
  for (const key of Object.keys(obj))
    if (!Object.hasOwn(schema, key)) {
      const known = Object.keys(schema);
      throw new Error(`${where}.${key} is not a known field (known: ${known.length ? known.join(', ') : 'none'})`);
    }
}

function fieldValue(f: Field<unknown>, v: unknown, path: string): unknown {
  const value = f.check(v);
  if (value === undefined) throw new Error(`${path} must be ${f.expects}, got ${shown(v)}`);
  return value;
}

/**
 * Every field of `schema` from `obj`: given ones checked, omitted ones defaulted; an omitted field
 * without a default is an error. `where` names the object in messages ("params").
 */
export function parseAll<S extends Schema>(schema: S, obj: unknown, where: string): Values<S> {
  if (!isObject(obj)) throw new Error(`${where} must be an object, got ${shown(obj)}`);
  checkKeys(schema, obj, where);
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(schema)) {
    if (obj[key] !== undefined) out[key] = fieldValue(f, obj[key], `${where}.${key}`);
    else if (f.fallback) out[key] = f.fallback.value;
    else throw new Error(`${where}.${key} is missing (${f.expects})`);
  }
  return out as Values<S>;
}

/** Only the fields `obj` gives (for tilings, where the rest comes from the default tiler). */
export function parseSome<S extends Schema>(schema: S, obj: unknown, where: string): Partial<Values<S>> {
  if (obj === undefined) return {};
  if (!isObject(obj)) throw new Error(`${where} must be an object, got ${shown(obj)}`);
  checkKeys(schema, obj, where);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj)) out[key] = fieldValue(schema[key]!, v, `${where}.${key}`);
  return out as Partial<Values<S>>;
}
