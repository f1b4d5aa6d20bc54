/**
 * The README's "Running a network" example is what `aicore-sim network resnet50 --preset ascend310p`
 * prints now (its first rows, the totals and the time by operator type), and docs/networks.md names
 * every topology column, every operator and every per-layer CSV column the code has.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NETWORK_COLUMNS } from '../scripts/lib/network/report.js';
import { COLUMNS } from '../scripts/lib/network/parse.js';
import { opNames } from '../scripts/lib/network/topology.js';
import { runCli } from './support/cli.js';

const read = (f: string) => readFileSync(new URL(`../${f}`, import.meta.url), 'utf8');

describe('README network example', () => {
  it('the ResNet-50 rows and totals on ascend310p are current', async () => {
    const readme = read('README.md');
    const r = await runCli('network', 'resnet50', '--preset', 'ascend310p');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const shown = [...lines.slice(2, 9), lines.find((l) => l.startsWith('total:'))!, ...lines.slice(lines.indexOf('time by operator type:'))];
    expect(shown.length).toBeGreaterThan(12);
    for (const l of shown) expect(readme, l).toContain(`    ${l}\n`);
  });
});

describe('docs/networks.md', () => {
  const doc = read('docs/networks.md');
  it('names every topology column, operator and CSV column', () => {
    for (const c of COLUMNS) expect(doc, c).toContain(`| \`${c}\` |`);
    for (const op of opNames()) expect(doc, op).toContain(`| \`${op}\` |`);
    for (const c of NETWORK_COLUMNS) expect(doc, c.name).toContain(`\`${c.name}\``);
  });
});
