/**
 * docs/outputs.md is what the writers' schemas render (regenerate with `npm run outputs:doc`), and
 * every summary.csv column says how its total row is made (summed, a mean, or of the whole run).
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUTS_DOC_PATH, renderOutputsReference } from '../scripts/outputs-reference.js';
import { SUMMARY_COLUMNS } from '../traces/summary-csv.js';

describe('the output column reference', () => {
  it('is current (npm run outputs:doc regenerates it)', () => {
    expect(fs.readFileSync(OUTPUTS_DOC_PATH, 'utf8')).toBe(renderOutputsReference());
  });

  it('says for every summary column how its total row is made', () => {
    const silent = SUMMARY_COLUMNS.filter((c) => !/total row/.test(c.desc)).map((c) => c.name);
    expect(silent).toEqual([]);
  });
});
