import { readSweepSpec } from './lib/sweep/spec.js';
import { sweep, sweepPoints } from './lib/sweep/sweep.js';
import { rowCells, sweepHeader, csvText } from './lib/sweep/columns.js';
const spec = readSweepSpec('examples/sweep-matmul.json');
console.log(sweepPoints(spec).length);
for (const jobs of [1, 2]) {
  const t0 = performance.now();
  const rows = [];
  for await (const r of sweep(spec, { jobs })) rows.push(rowCells(spec, r));
  console.log(jobs, ((performance.now() - t0) / 1000).toFixed(1), 's');
  if (jobs === 2) console.log(csvText([sweepHeader(spec), ...rows.slice(0, 5)]), rows.filter(r => r.at(-2) !== 'ok').slice(0,3));
}
