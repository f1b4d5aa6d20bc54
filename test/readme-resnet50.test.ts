/**
 * The README's ResNet-50 summary table is what scripts/lib/resnet50.ts computes now: the ascend310p
 * batch-1 row is recomputed here (the other rows take longer: `npm run resnet50 -- OUT.csv` prints
 * the whole table).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { resnet50Layers, summariseTable, summaryMarkdown, timeLayer } from '../scripts/lib/resnet50.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README ResNet-50 summary', () => {
  it('the ascend310p batch-1 row is current', () => {
    const cfg = loadConfig('ascend310p');
    const rows = resnet50Layers().map((l) => timeLayer(l, 1, cfg));
    const [head1, head2, row] = summaryMarkdown(summariseTable(rows)).split('\n');
    expect(readme).toContain(head1);
    expect(readme).toContain(head2);
    expect(readme).toContain(row);
  });
});
