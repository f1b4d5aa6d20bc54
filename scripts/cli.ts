#!/usr/bin/env node
/**
 * The `aicore-sim` command line: a thin yargs layer over the library in scripts/lib. `main` parses,
 * runs the chosen command's job and turns every failure into one stderr line and a non-zero exit
 * code (the stack only with --verbose). It never calls process.exit, so tests run it in-process.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { asmCommand } from './commands/asm.js';
import type { CliContext, CliIo, CliJob } from './commands/context.js';
import { demoCommand } from './commands/demo.js';
import { diffCommand } from './commands/diff.js';
import { execCommand } from './commands/exec.js';
import { mergeCommand } from './commands/merge.js';
import { modelCommand } from './commands/model.js';
import { networkCommand } from './commands/network.js';
import { presetsCommand } from './commands/presets.js';
import { regressCommand } from './commands/regress.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { tuneCommand } from './commands/tune.js';
import { runKernelWords } from './commands/run-kernel.js';
import { sweepCommand } from './commands/sweep.js';
import { exitCodeOf, formatError, isExpected, oneLine, UsageError } from './lib/errors.js';
import { progressLine } from './lib/progress-line.js';

export type { CliIo } from './commands/context.js';

/** The package version, from the nearest package.json above this file (source or dist). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not here: look one folder up
    }
  }
  return 'unknown';
}

function parser(ctx: CliContext): Argv {
  return yargs()
    .scriptName('aicore-sim')
    .usage('$0 <command> [options]\n\nCycle-level simulator of an Ascend DaVinci AI Core with an INT8 operator library.')
    .option('verbose', { type: 'boolean', describe: 'print the stack of errors' })
    .option('quiet', { type: 'boolean', describe: 'no progress line and no notes on standard error (errors still go there)' })
    .strict()
    .strictCommands()
    .exitProcess(false)
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .wrap(100)
    .command(runCommand(ctx))
    .command(asmCommand(ctx))
    .command(presetsCommand(ctx))
    .command(execCommand(ctx))
    .command(modelCommand(ctx))
    .command(demoCommand(ctx))
    .command(regressCommand(ctx))
    .command(networkCommand(ctx))
    .command(tuneCommand(ctx))
    .command(diffCommand(ctx))
    .command(sweepCommand(ctx))
    .command(mergeCommand(ctx))
    .command(reportCommand(ctx))
    .demandCommand(1, 'name a command: run, asm, exec, model, network, sweep, merge, tune, regress, diff, report, presets or demo')
    .recommendCommands()
    .example('$0 demo', 'the quick-start job: trace and CSVs in ./aicore-sim-demo')
    .example('$0 run matmul --m 1024 --k 1024 --n 1024 --timing-only --json', 'cycles and utilisation as JSON')
    .example('$0 asm kernel.s --preset tiny', 'assemble and run a program')
    .example('$0 network resnet50 --preset ascend310p', 'ResNet-50 layer by layer: latency, images/s, time by operator')
    .example('$0 tune matmul --m 1024 --k 1024 --n 1024', 'search the tilings, compare the best with the default tiler')
    .example('$0 diff before.json after.json --threshold 1', 'what moved between two runs; exit 1 if anything moved more than 1%')
    .example('$0 sweep --spec examples/sweep-matmul.json --out mm.csv', 'every tiling of a spec on all cores, a CSV row per point')
    .example('$0 report out/mm', 'write out/mm/report.html again from the folder\'s report-data.json');
}

/** Parses `argv`; resolves to the parse error, or the help/version text yargs produced. */
function parse(y: Argv, argv: readonly string[]): { error?: Error; output: string } {
  let error: Error | undefined;
  let output = '';
  y.parse([...argv], {}, (err, _args, out) => {
    error = err ?? undefined;
    output = out;
  });
  return error ? { error, output } : { output };
}

/** Command words (the kernels of `run` among them), for pointing a usage error at the right help page. */
const COMMAND_WORDS: ReadonlySet<string> = new Set(['run', ...runKernelWords(), 'asm', 'exec', 'regress', 'network', 'sweep', 'merge', 'tune', 'conv', 'diff', 'report', 'presets', 'demo']);

/** `aicore-sim [command...] --help` for the commands that `argv` starts with. */
function helpHint(argv: readonly string[]): string {
  const words: string[] = [];
  for (const a of argv) {
    if (!COMMAND_WORDS.has(a)) break;
    words.push(a);
  }
  return ['aicore-sim', ...words, '--help'].join(' ');
}

/** A parse failure as a one-line usage error with a pointer to the help. */
function usageError(e: Error, argv: readonly string[]): Error {
  if (isExpected(e)) return e;
  // yargs's suggestion alone ("Did you mean conv-dw?") drops the word it could not match: name it
  const unknown = /^Did you mean/.test(e.message) ? argv.find((a) => !COMMAND_WORDS.has(a) && !a.startsWith('-')) : undefined;
  return new UsageError(`${unknown === undefined ? '' : `Unknown command: ${unknown}. `}${oneLine(e.message, ' ')} (see: ${helpHint(argv)})`);
}

/**
 * Runs the command line `argv` (without the node and script paths) and resolves to the exit code:
 * EXIT in scripts/lib/errors.ts (README "Exit status"). All output goes through `io`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const verbose = argv.includes('--verbose');
  let job: CliJob | undefined;
  try {
    const { error, output } = parse(parser({ io, run: (j) => (job = j) }), argv);
    if (error) throw usageError(error, argv);
    if (output) io.out(output.trimEnd());
    return job ? await job() : 0;
  } catch (e) {
    io.err(formatError(e, verbose));
    return exitCodeOf(e);
  }
}

/** True when this module is the process entry point (also through the npm bin symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const argv = process.argv.slice(2);
  const quiet = argv.includes('--quiet');
  // --quiet drops notes (what a user should know but need not act on), never an error
  const err = (s: string) => void (quiet && s.startsWith('aicore-sim: note: ') ? undefined : process.stderr.write(`${s}\n`));
  const io: CliIo = { out: (s) => process.stdout.write(`${s}\n`), err };
  const progress = !quiet && process.stderr.isTTY ? progressLine((s) => process.stderr.write(s)) : null;
  try {
    process.exitCode = await main(argv, io);
  } finally {
    progress?.finish();
  }
}
