/**
 * The tiling search over every cube entry of the golden table: prints, per entry, the default
 * tiler's cycles (the golden figure), the best tiling found, the gap and, over 5%, why the tiler's
 * estimate missed it; README "Tiling search" shows this table (test/readme-tune.test.ts checks rows).
 *
 *   npm run tune:golden          (npm run build && node dist/scripts/tune-golden.js)
 */
import { pathToFileURL } from 'node:url';
import { exitCodeOf, formatError } from './lib/errors.js';
import { repoRoot } from './lib/repo-root.js';
import { GAP_LIMIT, GOLDEN_HEAD, gapPct, goldenEntries, goldenRow, tuneEntry } from './lib/tune/golden.js';

export function main(): number {
  const rows: string[] = [];
  let over = 0;
  for (const e of goldenEntries(repoRoot())) {
    const r = tuneEntry(e);
    if (gapPct(r) > GAP_LIMIT * 100) over++;
    rows.push(goldenRow(e.entry.id, r));
    process.stderr.write(`${e.entry.id}\n`);
  }
  process.stdout.write(`${[...GOLDEN_HEAD, ...rows].join('\n')}\n\n${over} of ${rows.length} entries: the default is more than ${GAP_LIMIT * 100}% slower than the best found\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = main();
  } catch (e) {
    process.stderr.write(`${formatError(e, false)}\n`);
    process.exitCode = exitCodeOf(e);
  }
}
