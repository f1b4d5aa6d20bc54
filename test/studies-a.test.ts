/**
 * The fusion, presets and roofline studies (scripts/studies/): each regenerates its committed CSV and
 * SVG in docs/studies byte for byte, and its figures pass checks that a wrong model or a wrong
 * formula would fail: the fused epilogue is not slower than the unfused one, no layer beats a roof,
 * times follow from cycles and clocks. The study output helper replaces only its own regular files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fusionRuns, fusionStudy, totalOf } from '../scripts/studies/fusion.js';
import { COMPARED_PRESETS, presetsStudy } from '../scripts/studies/presets.js';
import { resnet50Run } from '../scripts/studies/resnet50-runs.js';
import { rooflinePoints, rooflineStudy } from '../scripts/studies/roofline.js';
import { studiesDir, writeStudyFiles, type StudyFile } from '../scripts/studies/study-files.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-studies-a-'));

/** The study's files written by the helper into a fresh folder, each compared with the committed one. */
function expectCommitted(files: readonly StudyFile[]): void {
  const dir = tempDir();
  writeStudyFiles(dir, files);
  for (const f of files) {
    const committed = fs.readFileSync(path.join(studiesDir(), f.name));
    expect(fs.readFileSync(path.join(dir, f.name)).equals(committed), `docs/studies/${f.name} is stale: run npm run study:${f.name.replace(/\..*/, '')}`).toBe(true);
  }
  expect(fs.readdirSync(dir).sort()).toEqual(files.map((f) => f.name).sort());
}

/** A row of a committed CSV; every study's CSV has these two columns. */
type CsvRow = Record<string, string> & { readonly preset: string; readonly layer: string };
const csvRows = (file: string): CsvRow[] => parse(fs.readFileSync(path.join(studiesDir(), file)), { columns: true });

describe('fusion study', () => {
  it('reproduces docs/studies/fusion.csv and fusion.svg', () => expectCommitted(fusionStudy()));

  it('finds the placements each preset has: all three on 910B, no fixpipe on the coupled 310P', () => {
    const support = Object.fromEntries(fusionRuns().map((r) => [`${r.preset} ${r.fusion}`, r.unsupported === null]));
    expect(support).toEqual({ 'ascend910b fixpipe': true, 'ascend910b ub': true, 'ascend910b gm': true, 'ascend310p fixpipe': false, 'ascend310p ub': true, 'ascend310p gm': true });
  });

  it('the fused epilogues beat the GM round trip, which moves more GM bytes and launches twice', () => {
    const runs = fusionRuns().filter((r) => r.unsupported === null);
    const total = (preset: string, fusion: string) => totalOf(runs.find((r) => r.preset === preset && r.fusion === fusion)!.layers);
    expect(total('ascend910b', 'fixpipe').cycles).toBeLessThanOrEqual(total('ascend910b', 'ub').cycles);
    expect(total('ascend910b', 'fixpipe').cycles).toBeLessThan(total('ascend910b', 'gm').cycles);
    expect(total('ascend310p', 'ub').cycles).toBeLessThan(total('ascend310p', 'gm').cycles);
    for (const preset of ['ascend910b', 'ascend310p']) {
      const fused = preset === 'ascend910b' ? 'fixpipe' : 'ub';
      const gm = total(preset, 'gm');
      expect(gm.bytes.l2Hit + gm.bytes.l2Miss).toBeGreaterThan(total(preset, fused).bytes.l2Hit + total(preset, fused).bytes.l2Miss);
      expect(gm.launches).toBe(2 * total(preset, fused).launches);
    }
  });
});

describe('presets study', () => {
  it('reproduces docs/studies/presets.csv and presets.svg', () => expectCommitted(presetsStudy()));

  it('times follow from cycles and clocks, and the totals add up', () => {
    const rows = csvRows('presets.csv');
    for (const preset of COMPARED_PRESETS) {
      const mine = rows.filter((r) => r.preset === preset);
      const layers = mine.filter((r) => r.layer !== 'total');
      expect(layers).toHaveLength(resnet50Run(preset).layers.length);
      for (const r of layers) {
        expect(Number(r.cycles), r.layer).toBeGreaterThan(0);
        expect(Number(r.kernel_us)).toBeCloseTo(Number(r.cycles) / Number(r.clock_mhz), 2);
        expect(Number(r.time_us)).toBeGreaterThan(Number(r.kernel_us));
        expect(Number(r.kernel_over_fastest)).toBeGreaterThanOrEqual(1);
      }
      const total = mine.find((r) => r.layer === 'total')!;
      expect(Number(total.cycles)).toBe(layers.reduce((s, r) => s + Number(r.cycles), 0));
    }
  });
});

describe('roofline study', () => {
  it('reproduces docs/studies/roofline.csv and roofline.svg', () => expectCommitted(rooflineStudy()));

  it('no layer beats the compute roof, nor the HBM or L2 roof at its intensity', () => {
    const points = rooflinePoints();
    expect(points).toHaveLength(2 * 54);
    for (const p of points) {
      const at = `${p.preset} ${p.layer.name}`;
      expect(p.ops, at).toBeGreaterThan(0);
      expect(p.achievedTops, at).toBeLessThan(p.roofs.peakTops);
      expect(p.achievedTops, at).toBeLessThanOrEqual(p.hbmRoofTops);
      expect(p.achievedTops, at).toBeLessThanOrEqual(p.l2RoofTops);
      expect(p.achievedTops / p.attainableTops, at).toBeLessThanOrEqual(1);
    }
  });

  it('counts ops as 2 x the layers\' useful MACs, which are their real MACs', () => {
    const conv1 = rooflinePoints().find((p) => p.layer.name === 'conv1')!;
    // 64 output channels x 112 x 112 pixels x 3 x 7 x 7 taps
    expect(conv1.ops).toBe(2 * 64 * 112 * 112 * 3 * 7 * 7);
  });
});

describe('README "Studies"', () => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Studies\n'), readme.indexOf('## Performance\n'));
  const n = (v: string | undefined) => Number(v);
  const commas = (v: number) => v.toLocaleString('en-US');
  const mb = (v: number) => `${(v / 1e6).toFixed(1)} MB`;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const range = (lo: number, hi: number) => `${Math.round(lo * 100)}-${pct(hi)}`;
  const expectAll = (figures: string[]) => {
    for (const f of figures) expect(section, f).toContain(f);
  };

  it('sits before "Performance" and embeds the three plots', () => {
    expect(section.length).toBeGreaterThan(0);
    for (const s of ['fusion', 'presets', 'roofline']) expect(section).toContain(`](docs/studies/${s}.svg)`);
  });

  it('quotes the fusion figures of the committed CSV', () => {
    const rows = csvRows('fusion.csv');
    const total = (p: string, f: string) => rows.find((r) => r.preset === p && r.fusion === f && r.layer === 'total')!;
    const fixpipeLayers = rows.filter((r) => r.preset === 'ascend910b' && r.fusion === 'fixpipe' && r.layer !== 'total');
    const [fx, ub, gm, pub, pgm] = [total('ascend910b', 'fixpipe'), total('ascend910b', 'ub'), total('ascend910b', 'gm'), total('ascend310p', 'ub'), total('ascend310p', 'gm')];
    expect(total('ascend310p', 'fixpipe').supported).toBe('no');
    expectAll([
      `${fixpipeLayers.filter((r) => n(r.cycles_over_best) === 1).length} of the ${fixpipeLayers.length} layers`,
      `${((Math.max(...fixpipeLayers.map((r) => n(r.cycles_over_best))) - 1) * 100).toFixed(2)}% behind`,
      ...[fx, ub, gm, pub, pgm].map((r) => commas(n(r.cycles))),
      ...[ub, gm, pgm].map((r) => `${n(r.cycles_over_best).toFixed(2)}x`),
      ...[ub, gm, fx].map((r) => mb(n(r.gm_bytes))),
      mb(n(pgm.hbm_write_bytes)).replace(' MB', ' MB written'),
      mb(n(pub.hbm_write_bytes)),
    ]);
  });

  it('quotes the presets figures of the committed CSV', () => {
    const rows = csvRows('presets.csv');
    const total = (p: string) => rows.find((r) => r.preset === p && r.layer === 'total')!;
    const us = (p: string) => n(total(p).kernel_us);
    const b = rows.filter((r) => r.preset === 'ascend910b' && r.layer !== 'total');
    const ratio = (layer: string) => n(rows.find((r) => r.preset === 'ascend310p' && r.layer === layer)!.kernel_us) / n(b.find((r) => r.layer === layer)!.kernel_us);
    const layer4 = b.filter((r) => r.layer.startsWith('layer4.') && r.op === 'conv').map((r) => ratio(r.layer));
    expectAll([
      ...COMPARED_PRESETS.map((p) => `${us(p).toFixed(1)} us`),
      `${(us('ascend910') / us('ascend910b')).toFixed(2)}x less`,
      `${(us('ascend310p') / us('ascend910b')).toFixed(2)}x less`,
      `${b.filter((r) => n(r.kernel_over_fastest) === 1).length} of the ${b.length} layers`,
      `fc takes ${ratio('fc').toFixed(1)}x`,
      `up to ${Math.max(...layer4).toFixed(1)}x`,
      `latencies to ${COMPARED_PRESETS.map((p) => n(total(p).time_us).toFixed(1)).join(', ').replace(/, ([^,]*)$/, ' and $1')} us`,
    ]);
    expect(rows.some((r) => r.bound === 'compute')).toBe(false);
  });

  it('quotes the roofline figures of the committed CSV', () => {
    const rows = csvRows('roofline.csv');
    const of = (p: string) => rows.filter((r) => r.preset === p);
    const count = (p: string, roof: string) => of(p).filter((r) => r.roof === roof).length;
    const share = (rs: CsvRow[]) => rs.map((r) => n(r.achieved_over_roof)).sort((x, y) => x - y);
    const b = share(of('ascend910b'));
    const p = share(of('ascend310p').filter((r) => r.roof === 'hbm'));
    const top = of('ascend910b').reduce((x, y) => (n(y.achieved_tops) > n(x.achieved_tops) ? y : x));
    expectAll([
      `L2's for ${count('ascend910b', 'l2')} layers, HBM's for ${count('ascend910b', 'hbm')} and compute's for ${count('ascend910b', 'compute')}`,
      `reach ${range(b[0]!, b.at(-1)!)} of it (median ${pct((b[26]! + b[27]!) / 2)}`,
      `${n(top.achieved_tops).toFixed(1)} TOPS, ${top.layer}`,
      `for ${p.length} layers and they reach ${range(p[0]!, p.at(-1)!)}`,
      ...['ascend910b', 'ascend310p'].map((x) => `${n(of(x)[0]!.compute_roof_tops).toFixed(1)}`),
    ]);
  });
});
