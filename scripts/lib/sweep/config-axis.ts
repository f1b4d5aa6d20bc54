/**
 * Config fields as sweep axes: a dotted path as in a --config file and docs/config.md
 * ("l2.bytes", "gm.chipBytesPerCycle", "coreKinds.aic.buffers.L1.bytes"), matched against the one
 * field table (hw/config/fields.ts), placeholders included, and turned into the nested override
 * object that a --config file would hold.
 */
import { FIELDS, PLACEHOLDERS, type Field, type Placeholder } from '../../../hw/config/fields.js';
import type { AxisValue } from './axis-values.js';

const segmentMatches = (pattern: string, segment: string): boolean => {
  const m = /^<(\w+)>$/.exec(pattern);
  if (!m) return pattern === segment;
  return (PLACEHOLDERS[m[1] as Placeholder].names as readonly string[]).includes(segment);
};

/** The config field a dotted path names (a leaf value, not a section), or undefined. */
export function configFieldAt(path: string): Field | undefined {
  const segments = path.split('.');
  return FIELDS.find((f) => {
    const p = f.path.split('.');
    return !f.kind.nullable && p.length === segments.length && p.every((s, i) => segmentMatches(s, segments[i]!));
  });
}

/** The override object of `path` = `value`, merged into `into` (a fresh object per point). */
export function setPath(into: Record<string, unknown>, path: string, value: AxisValue): Record<string, unknown> {
  const segments = path.split('.');
  let at = into;
  for (const s of segments.slice(0, -1)) {
    const next = Object.hasOwn(at, s) ? at[s] : undefined;
    at = at[s] = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {};
  }
  at[segments.at(-1)!] = value;
  return into;
}
