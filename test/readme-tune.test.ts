/**
 * The README's "Tiling search" table is what `npm run tune:golden` prints now: the rows of the two
 * tiny-preset entries are recomputed here (about a second each; the whole table takes minutes:
 * `npm run tune:golden` regenerates it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GOLDEN_HEAD, goldenEntries, goldenRow, tuneEntry } from '../scripts/lib/tune/golden.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const root = fileURLToPath(new URL('..', import.meta.url));

describe('README tiling search table', () => {
  it('has the table head', () => {
    for (const line of GOLDEN_HEAD) expect(readme).toContain(`${line}\n`);
  });
  for (const id of ['tiny/matmul-128x256x128', 'tiny-sep/qlinear-conv-32x14x14-3x3/fixpipe'])
    it(`the row of ${id} is current`, () => {
      const e = goldenEntries(root).find((x) => x.entry.id === id)!;
      expect(readme).toContain(`${goldenRow(id, tuneEntry(e))}\n`);
    });
});
