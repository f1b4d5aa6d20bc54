/**
 * Building a configuration the way users ask for one: a preset name plus optional overrides from a
 * JSON file (any field, deep-merged), validated with messages that name the field.
 */
import { readInputJson } from '../input-file.js';
import { PRESETS } from './presets.js';
import { ConfigError, deriveConfig } from './derive.js';
import { NULLABLE_SECTIONS, REMOVED_FIELDS } from './fields.js';
import type { HwConfig, HwParams } from './types.js';

/**
 * Deep-merges `over` onto `base`: objects merge key by key, arrays and scalars replace. A section that
 * may be null (NULLABLE_SECTIONS) is switched off by null and replaced whole when the base is null.
 */
export function mergeParams<T>(base: T, over: unknown, path = ''): T {
  if (over === undefined) return base;
  if (over === null && NULLABLE_SECTIONS.has(path)) return over as T;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return over as T;
  if (typeof over !== 'object' || over === null || Array.isArray(over))
    throw new ConfigError(`config field ${path || '(root)'} must be an object, got ${JSON.stringify(over)}`);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    const sub = path ? `${path}.${k}` : k;
    if (!Object.hasOwn(out, k) && path !== 'coreKinds' && !path.endsWith('.buffers')) {
      const removed = REMOVED_FIELDS[sub];
      throw new ConfigError(
        removed
          ? `config field ${sub} is not a known field: it was removed, as ${removed}; delete it from the config`
          : `config field ${sub} is not a known field (check the spelling; 'aicore-sim presets --json' prints every field, docs/config.md describes them)`,
      );
    }
    out[k] = mergeParams(out[k], v, sub);
  }
  return out as T;
}

/** Names of the built-in presets. */
export const presetNames = (): string[] => Object.keys(PRESETS);

/** The parameters of a preset, or a ConfigError listing the known names. */
export function presetParams(name: string): HwParams {
  const p = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!p) throw new ConfigError(`unknown preset '${name}' (known: ${presetNames().join(', ')})`);
  return p;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What `presets --json` prints, taken back as overrides: the listing of every preset gives the entry of
 * `preset`, and a validated config drops its `derived` figures (computed from the other fields, so
 * never set). Any other object is overrides as written.
 */
export function overridesFrom(over: unknown, preset: string): unknown {
  if (!isRecord(over)) return over;
  const keys = Object.keys(over);
  if (keys.length > 0 && keys.every((k) => Object.hasOwn(PRESETS, k))) {
    if (!Object.hasOwn(over, preset)) throw new ConfigError(`the config lists presets ${keys.join(', ')} (as 'presets --json' prints them) but not ${preset}: use --preset ${keys[0]}, or 'presets --json ${preset}'`);
    return overridesFrom(over[preset], preset);
  }
  if (!Object.hasOwn(over, 'derived')) return over;
  const { derived: _derived, ...fields } = over;
  return fields;
}

/** A validated config from a preset name and optional overrides (an object, or what `presets --json` prints). */
export function loadConfig(preset: string, overrides?: unknown): HwConfig {
  return deriveConfig(mergeParams(presetParams(preset), overridesFrom(overrides, preset)));
}

/** Reads a JSON override file, with errors that name the file. */
export const readOverrides = (file: string): unknown => readInputJson(file, 'config file', (m) => new ConfigError(m));
