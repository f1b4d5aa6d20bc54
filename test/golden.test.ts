/**
 * The golden cycle table: every entry of test/golden/manifest.json (ResNet-50 and MobileNetV2 convs,
 * matmul shapes, quantisation kernels, every fusion variant, every preset) is recomputed timing-only
 * and compared exactly with test/golden/cycles.json. Any change of cycles or of a pipe's busy cycles
 * fails with a diff that names the entry and each moved pipe; the table changes only through
 * `npm run golden:update` in a commit that says why. A last test shows the check can fail: one entry
 * on a slowed-down preset is reported as a regression of that entry on its MTE2 pipe.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, presetNames } from '../hw/config/load.js';
import { FUSIONS } from '../ops-nn/onnx/index.js';
import {
  GOLDEN_HINT,
  KERNELS,
  baselineText,
  compare,
  formatChanges,
  formatSummary,
  goldenFiles,
  readBaseline,
  readManifest,
  runEntry,
  runManifest,
  type PreparedEntry,
} from '../scripts/lib/regress/index.js';

const files = goldenFiles(fileURLToPath(new URL('..', import.meta.url)));
const manifest = readManifest(files.manifest);

describe('golden cycle table', () => {
  it('every entry matches test/golden/cycles.json exactly', () => {
    const c = compare(readBaseline(files.cycles), runManifest(manifest), 0);
    if (!c.identical) {
      const diff = formatChanges(c).map((l) => `  ${l}`);
      throw new Error([`golden cycles differ from test/golden/cycles.json (${formatSummary(c)}):`, ...diff, GOLDEN_HINT].join('\n'));
    }
  });

  it('cycles.json is exactly what the generator writes (never edited by hand)', () => {
    const text = readFileSync(files.cycles, 'utf8');
    expect(baselineText(readBaseline(files.cycles).values())).toBe(text);
  });

  it('covers every kernel, every preset, and every fusion variant each preset supports', () => {
    const entries = manifest.entries.map((p) => p.entry);
    expect(new Set(entries.map((e) => e.kernel))).toEqual(new Set(Object.keys(KERNELS)));
    expect(new Set(entries.map((e) => e.preset))).toEqual(new Set(presetNames()));
    for (const preset of presetNames()) {
      const supported = loadConfig(preset).organisation === 'coupled' ? FUSIONS.filter((f) => f !== 'fixpipe') : FUSIONS;
      const used = entries.filter((e) => e.preset === preset && e.kernel === 'qlinear-conv').map((e) => (e.params as { fusion: string }).fusion);
      expect(new Set(used), preset).toEqual(new Set(supported));
    }
  });
});

describe('the golden check fails on a timing change, naming the entry and the pipe', () => {
  const prepared = manifest.entries.find((p) => p.entry.id === 'ascend910b/r50-l3-1x1-reduce/fixpipe')!;
  const preset = loadConfig(prepared.entry.preset);
  // Overrides relative to the preset's own numbers, so the test holds whatever the preset says.
  it.each([
    ['GM -> L1 fixed latency + 100 cycles', { paths: { GM_L1: { fixedLatency: preset.paths.GM_L1.fixedLatency + 100 } } }],
    ['GM bandwidth halved', { gm: { chipBytesPerCycle: preset.gm.chipBytesPerCycle / 2, coreBytesPerCycle: preset.gm.coreBytesPerCycle / 2 } }],
  ])('%s', (_what, overrides) => {
    const before = runEntry(prepared);
    const slowed: PreparedEntry = { ...prepared, config: loadConfig(prepared.entry.preset, overrides) };
    const c = compare(new Map([[before.id, before]]), [runEntry(slowed)], 0);
    expect(c.ok).toBe(false);
    const row = c.rows[0]!;
    expect(row.status).toBe('regression');
    const mte2 = row.changes.find((ch) => ch.what === 'MTE2')!;
    expect(mte2.after).toBeGreaterThan(mte2.before);
    const text = formatChanges(c).join('\n');
    expect(text).toContain('ascend910b/r50-l3-1x1-reduce/fixpipe (qlinear-conv on ascend910b): cycles');
    expect(text).toMatch(/MTE2 busy cycles \d+ -> \d+ \(\+\d+, \+\d+\.\d\d%\)/);
  });
});
