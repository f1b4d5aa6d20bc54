/**
 * `aicore-sim diff A B`: what changed between two runs of the same kind, each an output folder or
 * the JSON a command printed (scripts/lib/diff). Exit status 0 when nothing moved beyond
 * --threshold, 1 when something did (for CI), 4 when an operand cannot be used.
 */
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { diffProfiles, diffText, readProfile } from '../lib/diff/index.js';
import { EXIT, UsageError } from '../lib/errors.js';
import type { CliContext } from './context.js';
import { jsonText, single } from './options.js';

const OPTIONS = {
  json: { type: 'boolean', describe: 'print one JSON object instead of the text report' },
  threshold: {
    describe: 'percent a figure may change before it counts (default 0: any change counts)',
    requiresArg: true,
    coerce: (v: unknown): number => {
      const n = Number(single('threshold')(v));
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--threshold must be a number of percent >= 0, got '${String(v)}'`);
      return n;
    },
  },
} as const satisfies Record<string, Options>;

type Args = ArgumentsCamelCase<InferredOptionTypes<typeof OPTIONS> & { a: string; b: string }>;

function diffCli(a: Args, ctx: CliContext): number {
  const d = diffProfiles(readProfile(String(a.a)), readProfile(String(a.b)), a.threshold ?? 0);
  ctx.io.out(a.json ? jsonText({ command: 'diff', ...d, changed: d.moved > 0 }) : diffText(d));
  return d.moved > 0 ? EXIT.run : EXIT.ok;
}

/** The `diff` command. */
export const diffCommand = (ctx: CliContext): CommandModule<object, Args> => ({
  command: 'diff <a> <b>',
  describe: 'compare two runs (output folders or --json files): cycles, pipes, stalls, opcodes, bytes, layers; exit 1 if anything moved',
  builder: (y) => y.positional('a', { type: 'string', describe: 'the first run: an --out folder or a --json file' }).positional('b', { type: 'string', describe: 'the second run, of the same kind' }).options(OPTIONS) as never,
  handler: (a) => ctx.run(() => diffCli(a, ctx)),
});
