/**
 * `aicore-sim asm FILE.s`: assembles a hand-written (or `run --emit-asm`) program and runs it,
 * timing-only by default. Launch defaults come from the file's `# aicore-sim:` directives.
 */
import { traceOf } from './trace-flags.js';
import { readInputText } from '../../hw/input-file.js';
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { CORE_KINDS } from '../../hw/config/types.js';
import { formatSummary } from '../../traces/index.js';
import { JobError } from '../lib/job-error.js';
import { keyValues, listBlock, summaryJson } from '../lib/report.js';
import { runAsm, type AsmJobResult } from '../lib/run-asm.js';
import { sanitizerJson } from '../lib/sanitizer-report.js';
import type { CliContext, CliIo } from './context.js';
import { HW_OPTIONS, OUTPUT_OPTIONS, intOption, jsonText, overridesOf, reportSanitizer, textOption } from './options.js';

const OPTIONS = {
  preset: textOption('preset', "hardware preset (default: the file's directive, else ascend910b)"),
  ...HW_OPTIONS,
  gm: intOption('gm', "GM size in bytes (default: the file's directive, else 16 MiB)"),
  kind: { choices: CORE_KINDS, describe: "core kind that runs the program (default: the file's directive, else coupled or aic)" },
  functional: { type: 'boolean', describe: 'execute real bytes on a zeroed GM (same cycles as timing-only)' },
  ...OUTPUT_OPTIONS,
} as const satisfies Record<string, Options>;

type Raw = InferredOptionTypes<typeof OPTIONS> & { file: string };
type Args = ArgumentsCamelCase<Raw>;

function readSource(file: string): string {
  try {
    return readInputText(file);
  } catch (e) {
    throw new JobError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

const launchOf = (j: AsmJobResult) => ({ preset: j.config.name, kind: j.kind, blockDim: j.blockDim, gm: j.gmBytes });

function textReport(j: AsmJobResult): string {
  const parts = [formatSummary(j.summary), `launch: ${keyValues(launchOf(j))} (${j.program.insns.length} instructions)`];
  if (j.files) parts.push(listBlock('files written:', j.files));
  return parts.join('\n');
}

function runAsmCli(a: Args, io: CliIo): number {
  const j = runAsm({
    text: readSource(a.file),
    source: a.file,
    preset: a.preset,
    configOverrides: overridesOf(a.config),
    blockDim: a.cores,
    gm: a.gm,
    kind: a.kind,
    mode: a.functional ? 'functional' : 'timing',
    maxCycles: a.maxCycles,
    maxInstructions: a.maxInstructions,
    sanitize: a.sanitize ?? false,
    l2: a.l2,
    trace: traceOf(a.out, a),
  });
  const san = j.result.sanitizer;
  for (const n of j.notes) io.err(`aicore-sim: note: ${n}`);
  const json = { command: 'asm', source: a.file, mode: j.result.mode, ...launchOf(j), instructions: j.program.insns.length, ...summaryJson(j.summary), notes: j.notes, files: j.files ?? [], ...(san ? { sanitizer: sanitizerJson(san) } : {}) };
  io.out(a.json ? jsonText(json) : textReport(j));
  return reportSanitizer(io, san);
}

/** The `asm` command. */
export const asmCommand = (ctx: CliContext): CommandModule<object, Raw> => ({
  command: 'asm <file>',
  describe: 'assemble FILE.s and run it (timing-only unless --functional)',
  builder: (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'assembly file' }).options(OPTIONS),
  handler: (a) => ctx.run(() => runAsmCli(a, ctx.io)),
});
