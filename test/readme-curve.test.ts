/**
 * The README's chip-level curve tables are what scripts/lib/chip-curve.ts computes now: the rows up to
 * 2048^3 and the whole L2 resize table are recomputed here (the 4096^3 and 8192^3 rows take minutes and
 * a large heap: `npm run curve` prints them all).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CURVE_DTYPES, CURVE_HEAD, L2_SWEEP_MIB, L2_SWEEP_SIZE, SWEEP_HEAD, curvePoint, curveRow, sweepRow } from '../scripts/lib/chip-curve.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README chip-level curves', () => {
  it('has both tables with their headers', () => {
    for (const line of [...CURVE_HEAD, ...SWEEP_HEAD]) expect(readme).toContain(line);
  });

  it.each([1024, 2048])('the %i^3 row is current', (size) => {
    const points = CURVE_DTYPES.map((d) => curvePoint(size, d));
    expect(readme).toContain(curveRow(size, points));
  });

  it('the L2 resize rows are current, and utilisation falls once the working set stops fitting', () => {
    const points = L2_SWEEP_MIB.map((mib) => curvePoint(L2_SWEEP_SIZE, 'int8', mib));
    for (const p of points) expect(readme).toContain(sweepRow(p));
    const util = points.map((p) => p.chipCubeUtilization);
    for (let i = 1; i < util.length; i++) expect(util[i]!).toBeLessThanOrEqual(util[i - 1]! + 1e-12);
    expect(util.at(-1)!).toBeLessThan(util[0]! * 0.6);
  });
});
