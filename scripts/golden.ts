/**
 * The golden cycle table: test/golden/cycles.json holds the cycles and per-pipe busy cycles of every
 * entry of test/golden/manifest.json, produced by this script (never edited by hand).
 * test/golden.test.ts recomputes it and fails on any difference, so a change of timing is accepted
 * only by regenerating the table in a commit that says why.
 *
 *   npm run golden:update                      (npm run build && node dist/scripts/golden.js --update)
 *   npm run build && node dist/scripts/golden.js   check only: prints the differences, exit 1 if any
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exitCodeOf, formatError } from './lib/errors.js';
import { formatChanges, formatSummary } from './lib/regress/format.js';
import { GOLDEN_HINT, goldenFiles } from './lib/regress/golden.js';
import { runRegress } from './lib/regress/job.js';

/** The folder holding this project's package.json (from the source or the dist tree). */
function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'aicore-sim') return dir;
  }
  throw new Error('cannot find the aicore-sim package.json above this script');
}

function golden(update: boolean): number {
  const { manifest, cycles: baseline } = goldenFiles(repoRoot());
  const shown = relative(process.cwd(), baseline) || baseline;
  const r = runRegress({ manifest, baseline, tolerancePct: 0, update });
  const c = r.comparison;
  const changes = c && !c.identical ? formatChanges(c) : [];
  if (changes.length) console.log(changes.join('\n'));
  if (update) {
    if (!c) console.log(`wrote ${shown}: ${r.measurements.length} entries`);
    else if (c.identical) console.log(`${shown} unchanged: ${r.measurements.length} entries`);
    else console.log(`rewrote ${shown}: ${formatSummary(c)}\nsay why in the commit that updates it`);
    return 0;
  }
  if (c!.identical) {
    console.log(`${shown} matches: ${r.measurements.length} entries`);
    return 0;
  }
  console.log(`${formatSummary(c!)}\n${GOLDEN_HINT}`);
  return 1;
}

try {
  const { values } = parseArgs({ options: { update: { type: 'boolean', default: false } } });
  process.exitCode = golden(values.update);
} catch (e) {
  process.stderr.write(`${formatError(e, false)}\n`);
  process.exitCode = exitCodeOf(e);
}
