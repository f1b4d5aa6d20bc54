/**
 * docs/outputs.md, the column reference of every output file, rendered from the schemas the writers
 * use (so it cannot drift from the files): trace.json slice args, insns.csv, ops.csv, summary.csv
 * (each column says how its total row is made: summed, a mean, or of the whole run), stats.csv and
 * the network CSV. test/outputs-doc.test.ts fails when the committed file is not what this renders.
 *
 *   npm run outputs:doc
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TRACE_ARGS } from '../traces/chrome-trace.js';
import { INSN_COLUMNS } from '../traces/insn-csv.js';
import { OP_COLUMNS } from '../traces/op-csv.js';
import type { Schema } from '../traces/schema.js';
import { STATS_COLUMNS } from '../traces/stats-csv.js';
import { SUMMARY_COLUMNS } from '../traces/summary-csv.js';
import { NETWORK_COLUMNS } from './lib/network/report.js';
import { repoRoot } from './lib/repo-root.js';
import { mdTable } from './timing/markdown.js';

export const OUTPUTS_DOC_PATH = 'docs/outputs.md';

const FILES: readonly { readonly title: string; readonly what: string; readonly schema: Schema<never> }[] = [
  { title: 'trace.json: the args of each instruction slice', what: 'Chrome Trace Event JSON; ts and dur are microseconds at the preset clock, the exact cycles are in these args.', schema: TRACE_ARGS as Schema<never> },
  { title: 'insns.csv', what: 'one row per executed instruction (or per kept instruction: --trace-cores, --trace-window).', schema: INSN_COLUMNS as Schema<never> },
  { title: 'ops.csv', what: 'per core and opcode, in the vendor profiler\'s terms.', schema: OP_COLUMNS as Schema<never> },
  { title: 'summary.csv', what: 'one row per core, then a `total` row; each column says how its total row is made.', schema: SUMMARY_COLUMNS as Schema<never> },
  { title: 'stats.csv', what: 'the statistics registry, one row per statistic (names like `core0.pipe.CUBE.busyCycles`).', schema: STATS_COLUMNS as Schema<never> },
  { title: 'network --csv', what: 'one row per layer of `aicore-sim network`.', schema: NETWORK_COLUMNS as Schema<never> },
];

export function renderOutputsReference(): string {
  const sections = FILES.map((f) => `## ${f.title}\n\n${f.what}\n\n${mdTable(['column', 'unit', 'meaning'], f.schema.map((c) => [`\`${c.name}\``, c.unit, c.desc]))}`);
  return `# Output columns

Generated from the schemas the writers use (traces/, scripts/lib/network/report.ts) by
\`npm run outputs:doc\`; do not edit by hand (test/outputs-doc.test.ts checks it is current). Pipes are
named as the vendor's profiler names them (SCALAR, CUBE, VECTOR, MTE1, MTE2, MTE3, FIXP); the
\`<unit>_cycles\` / \`_ratio\` columns keep the vendor op summary's own unit names (mac = CUBE, vec =
VECTOR, scalar = SCALAR, fixpipe = FIXP). Units: cycles, us (microseconds), bytes, MACs, ratio (0..1),
% (0..100), TOPS (10^12 int8 ops per second).

${sections.join('\n\n')}
`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = renderOutputsReference();
  writeFileSync(join(repoRoot(), OUTPUTS_DOC_PATH), text);
  process.stdout.write(`wrote ${OUTPUTS_DOC_PATH} (${Buffer.byteLength(text)} bytes)\n`);
}
