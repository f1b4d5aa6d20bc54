/**
 * The configuration field table (hw/config/fields.ts) against what it describes: it names every field
 * of every preset exactly once and nothing else, and docs/config.md is exactly what
 * scripts/config-doc.ts renders from it now.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../hw/config/fields.js';
import { PRESETS } from '../hw/config/presets.js';
import { repoRoot } from '../scripts/calibration/measured.js';
import { CONFIG_DOC_PATH, renderConfigDoc } from '../scripts/config-doc.js';

/** Dotted paths of every leaf (a value that is not a plain object; lists are leaves). */
function leaves(o: unknown, path = ''): string[] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [path];
  return Object.entries(o).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

/** A field path as a regular expression: a placeholder matches one key. */
const pattern = (path: string) => new RegExp(`^${path.replace(/\./g, '\\.').replace(/<\w+>/g, '[^.]+')}$`);

describe('the config field table', () => {
  const all = [...new Set(Object.values(PRESETS).flatMap((p) => leaves(p)))];

  it('describes every field of every preset exactly once', () => {
    for (const leaf of all) {
      const matches = FIELDS.filter((f) => pattern(f.path).test(leaf)).map((f) => f.path);
      expect(matches, `preset field ${leaf}`).toHaveLength(1);
    }
  });

  it('describes no field that no preset has', () => {
    for (const f of FIELDS) expect(all.some((leaf) => pattern(f.path).test(leaf)), `${f.path} is in no preset`).toBe(true);
  });

  it('gives every field a meaning and a source', () => {
    for (const f of FIELDS) {
      expect(f.meaning, f.path).not.toBe('');
      expect(f.source, f.path).not.toBe('');
    }
  });
});

describe('docs/config.md', () => {
  it('is what npm run config:doc generates now', () => {
    const file = join(repoRoot(), CONFIG_DOC_PATH);
    expect(existsSync(file), `${CONFIG_DOC_PATH} is missing: run npm run config:doc`).toBe(true);
    expect(readFileSync(file, 'utf8') === renderConfigDoc(), `${CONFIG_DOC_PATH} is out of date: run npm run config:doc`).toBe(true);
  });
});
