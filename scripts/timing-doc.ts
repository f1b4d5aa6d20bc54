/**
 * Writes docs/timing-model.md: the timing rules, every preset parameter with its source, and the
 * default preset simulated against the vendor's measured curves (see scripts/timing/doc.ts).
 *
 *   npm run timing:doc            (= npm run build && node dist/scripts/timing-doc.js [measured-dir])
 *
 * The measured tables are read from <repo>/docs/measured (docs/measured/README.md) unless a directory is given.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultMeasuredDir, repoRoot } from './calibration/measured.js';
import { checkMeasuredDir } from './timing/compare.js';
import { DOC_PATH, renderTimingDoc } from './timing/doc.js';

export function main(argv: readonly string[]): number {
  const dir = argv[0] ?? defaultMeasuredDir();
  try {
    checkMeasuredDir(dir);
  } catch (e) {
    process.stderr.write(`timing-doc: ${(e as Error).message}\n`);
    return 1;
  }
  const text = renderTimingDoc(dir);
  const out = join(repoRoot(), DOC_PATH);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`wrote ${DOC_PATH} (${Buffer.byteLength(text)} bytes)\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
