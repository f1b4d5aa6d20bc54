/**
 * `aicore-sim regress --manifest FILE --baseline FILE [--tolerance PCT] [--update] [--json]`: cycle
 * regression tests for users' CI. Runs the kernels a manifest lists (timing-only), compares cycles
 * and per-pipe busy cycles with the baseline, prints a table, and exits 1 when an entry is slower
 * than the baseline by more than the tolerance (or the baseline and the manifest disagree on which
 * entries exist). `--update` writes the run as the new baseline instead.
 */
import { namedPipes } from '../lib/regress/baseline.js';
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { UsageError } from '../lib/errors.js';
import { failureLine, formatMeasurements, formatReport } from '../lib/regress/format.js';
import { runRegress, type RegressOutcome } from '../lib/regress/job.js';
import { KERNELS } from '../lib/regress/kernels.js';
import type { CliContext, CliIo } from './context.js';
import { jsonText, textOption } from './options.js';

/** A percentage >= 0 ("2", "0.5"); flags given twice are an error. */
const percentage =
  (flag: string) =>
  (v: unknown): number => {
    if (Array.isArray(v)) throw new UsageError(`--${flag} is given ${v.length} times; give it once`);
    const text = String(v).trim();
    if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${flag} must be a percentage >= 0 such as 2 or 0.5, got '${String(v)}'`);
    return Number(text);
  };

const OPTIONS = {
  manifest: { ...textOption('manifest', 'JSON file listing the kernels to time (see README "Cycle regression")'), demandOption: true },
  baseline: { ...textOption('baseline', 'JSON file of baseline cycles, written by --update'), demandOption: true },
  tolerance: { describe: 'percent an entry may get slower before it fails (default 0)', requiresArg: true, coerce: percentage('tolerance') },
  update: { type: 'boolean', describe: 'write this run as the new baseline (exit 0)' },
  'update-missing': { type: 'boolean', describe: 'time only the entries the baseline lacks and add them, keeping the recorded ones (exit 0)' },
  json: { type: 'boolean', describe: 'print one JSON object instead of the table' },
} as const satisfies Record<string, Options>;

type Args = ArgumentsCamelCase<InferredOptionTypes<typeof OPTIONS>>;

function textReport(r: RegressOutcome, a: Args): string {
  const parts: string[] = [];
  if (r.comparison) parts.push(formatReport(r.comparison));
  else parts.push(formatMeasurements(r.measurements).join('\n'));
  if (r.added) parts.push(r.added.length === 0 ? `${a.baseline} has every entry of the manifest: nothing to record` : `added ${r.added.length} entries to ${a.baseline}: ${r.added.join(', ')}`);
  else if (r.wrote) parts.push(`wrote ${r.measurements.length} entries to ${a.baseline}`);
  return parts.join('\n\n');
}

function jsonReport(r: RegressOutcome, a: Args) {
  return {
    command: 'regress',
    manifest: a.manifest,
    baseline: a.baseline,
    tolerancePct: r.comparison?.tolerancePct ?? a.tolerance ?? 0,
    updated: r.wrote,
    ...(r.added ? { added: r.added } : {}),
    ok: r.wrote || r.added !== undefined || (r.comparison?.ok ?? false),
    identical: r.comparison?.identical ?? null,
    rows: r.comparison?.rows ?? null,
    // pipes by the profiler's names, as in the baseline file and every other output
    entries: r.measurements.map((m) => ({ ...m, pipes: namedPipes(m.pipes) })),
  };
}

function regressCli(a: Args, io: CliIo): number {
  const updateMissing = a.updateMissing ?? false;
  if (updateMissing && a.baseline === '-') throw new UsageError('--update-missing adds to a baseline file: give its path, not -');
  const r = runRegress({ manifest: a.manifest, baseline: a.baseline, tolerancePct: a.tolerance ?? 0, update: a.update ?? false, updateMissing, stdout: io.out });
  // a baseline written to standard output (--baseline - --update) leaves the report to standard error
  (a.update && a.baseline === '-' ? io.err : io.out)(a.json ? jsonText(jsonReport(r, a)) : textReport(r, a));
  if (r.wrote || r.added || r.comparison?.ok) return 0;
  io.err(`aicore-sim: ${failureLine(r.comparison!)}`);
  return 1;
}

/** The manifest kernels with their parameter and tiling fields, for --help. */
const kernelHelp = (): string =>
  ['Manifest kernels (README "Cycle regression" has the defaults):', ...Object.entries(KERNELS).map(([name, k]) => `  ${name}: ${k.describe}
    params: ${k.paramNames.join(' ')}; tiling: ${k.tilingNames.join(' ')}`)].join('\n');

/** The `regress` command. */
export const regressCommand = (ctx: CliContext): CommandModule<object, Args> => ({
  command: 'regress',
  describe: 'time the kernels of a manifest and compare their cycles with a baseline (exit 1 on a regression)',
  builder: (y) =>
    y
      .options(OPTIONS)
      .example('$0 regress --manifest perf.json --baseline perf-cycles.json --update', 'record the baseline')
      .example('$0 regress --manifest perf.json --baseline perf-cycles.json --update-missing', 'record only entries new to the manifest')
      .example('$0 regress --manifest perf.json --baseline perf-cycles.json --tolerance 1', 'fail if an entry got more than 1% slower')
      .epilogue(kernelHelp()) as never,
  handler: (a) => ctx.run(() => regressCli(a, ctx.io)),
});
