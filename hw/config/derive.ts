/**
 * Validation and derivation: HwParams (plain data) -> HwConfig (checked, derived, frozen).
 * The checks are the field table of fields.ts; every problem is reported with the field's dotted
 * path and what a legal value looks like.
 */
import { FRACTAL_ROWS } from '../../isa/shapes.js';
import { FIELDS, NULLABLE_SECTIONS, PLACEHOLDERS, RULES, requiredKinds, type Placeholder } from './fields.js';
import type { HwConfig, HwParams } from './types.js';

/** A configuration problem; the message names the field and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const fail = (path: string, what: string): never => {
  throw new ConfigError(`config field ${path} ${what}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * The values at a field's path, with their concrete dotted paths. A placeholder segment expands to
 * the keys PLACEHOLDERS says it covers; keys outside its names, and required keys that are
 * missing, are errors. A missing intermediate object yields `undefined`, which the value check reports.
 */
function* valuesAt(h: HwParams, node: unknown, segments: readonly string[], path = ''): Generator<[string, unknown]> {
  if (segments.length === 0) {
    yield [path, node];
    return;
  }
  if (node === null && NULLABLE_SECTIONS.has(path)) return; // a null section has no fields to check
  const [segment, ...rest] = segments as [string, ...string[]];
  const placeholder = /^<(\w+)>$/.exec(segment)?.[1] as Placeholder | undefined;
  if (!placeholder) {
    yield* valuesAt(h, isObject(node) ? node[segment] : undefined, rest, join(path, segment));
    return;
  }
  const { names, keys, noun } = PLACEHOLDERS[placeholder];
  const obj = isObject(node) ? node : {};
  for (const k of Object.keys(obj)) if (!(names as readonly string[]).includes(k)) fail(join(path, k), `is not a known ${noun} (one of ${names.join(', ')})`);
  const expanded: readonly string[] = keys === 'organisation' ? requiredKinds(h) : keys === 'present' ? Object.keys(obj) : names;
  for (const k of expanded) {
    if (keys === 'organisation' && !isObject(obj[k])) fail(join(path, k), `is required for a ${h.organisation} chip`);
    yield* valuesAt(h, obj[k], rest, join(path, k));
  }
}

/** Checks every field of FIELDS, then every rule of RULES; the first problem is thrown. */
function checkParams(h: HwParams): void {
  for (const f of FIELDS)
    for (const [path, v] of valuesAt(h, h, f.path.split('.'))) {
      const p = f.kind.check(v);
      if (p) fail(path + p.at, p.what);
    }
  for (const r of RULES) {
    const p = r.check(h);
    if (p) fail(p.path, p.what);
  }
}

const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
};

/** Validates `params` and returns the frozen configuration with derived values. */
export function deriveConfig(params: HwParams): HwConfig {
  checkParams(params);
  const copy = structuredClone(params);
  const c = copy.cube;
  const totalCores = copy.organisation === 'coupled' ? copy.cores : copy.cores * (1 + copy.aivPerAic);
  return deepFreeze({
    ...copy,
    derived: {
      macsPerCycleInt8: FRACTAL_ROWS * FRACTAL_ROWS * c.k0Bytes,
      macsPerCycleF16: (FRACTAL_ROWS * FRACTAL_ROWS * c.k0Bytes) / 2,
      totalCores,
    },
  });
}
