/**
 * Measures the 'deq-f16' vector requantisation against ONNX Runtime on the requantising fixtures
 * and writes the table into docs/quantisation.md (scripts/lib/deq-accuracy.ts).
 *
 *   npm run deq:accuracy          (= npm run build && node dist/scripts/deq-accuracy.js)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './calibration/measured.js';
import { DEQ_DOC, measureAllDeqAccuracy, renderDeqAccuracy, withDeqTable } from './lib/deq-accuracy.js';

export function main(): number {
  const table = renderDeqAccuracy(measureAllDeqAccuracy());
  const path = join(repoRoot(), DEQ_DOC);
  writeFileSync(path, withDeqTable(readFileSync(path, 'utf8'), table));
  process.stdout.write(`${table}\nwrote ${DEQ_DOC}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main();
}
