/**
 * `aicore-sim run <kernel>` for the kernels of the regression table other than matmul (which has
 * its own command, `run matmul`, with --dtype f16 for matmul-f16): one subcommand per table row,
 * its flags built from the row's parameter and tiling schemas (kernel-flags.ts), with the flags,
 * outputs, --json and exit statuses of `run matmul`.
 */
import { traceOf } from './trace-flags.js';
import type { TraceOptions } from '../lib/outputs.js';

const traceField = (t: TraceOptions | undefined) => (t ? { trace: t } : {});
import type { CommandModule, Options } from 'yargs';
import { formatSummary } from '../../traces/index.js';
import { kernelAssembly } from '../lib/asm-directives.js';
import { UsageError } from '../lib/errors.js';
import { JobError } from '../lib/job-error.js';
import { openOutputFile } from '../lib/outputs.js';
import { KERNELS, type Mismatch, type RegressKernel } from '../lib/regress/index.js';
import { keyValues, listBlock, summaryJson } from '../lib/report.js';
import { runKernel, type KernelJobOptions, type KernelJobResult } from '../lib/run-kernel.js';
import { sanitizerJson } from '../lib/sanitizer-report.js';
import type { CliContext, CliIo } from './context.js';
import { BLOCK_FIELDS, flagOf, givenFields, schemaOptions } from './kernel-flags.js';
import { HW_OPTIONS, OUTPUT_OPTIONS, intOption, jsonText, overridesOf, reportSanitizer, textOption } from './options.js';

/** Table rows `run matmul` already runs (its own flags and JSON, kept as they were). */
const OWN_COMMANDS: readonly string[] = ['matmul', 'matmul-f16'];

/** The flags every kernel takes, as `run matmul` has them. */
const COMMON_OPTIONS = {
  preset: { ...textOption('preset', 'hardware preset (see: aicore-sim presets)'), default: 'ascend910b' },
  ...HW_OPTIONS,
  'timing-only': { type: 'boolean', describe: 'skip tensor data (same cycles, much faster); no bit-exact check' },
  ...OUTPUT_OPTIONS,
  'emit-asm': textOption('emit-asm', 'write the generated program as assembly that `aicore-sim asm` runs (one-launch kernels)'),
  seed: { ...intOption('seed', 'seed of the random inputs'), default: 1 },
} as const satisfies Record<string, Options>;

type Args = Readonly<Record<string, unknown>>;

const mismatchText = (m: Mismatch) => `first difference at output element ${m.element}: got ${m.got}, want ${m.want}`;

function textReport(j: KernelJobResult, asmFile: string | undefined): string {
  const parts = [
    formatSummary(j.summary),
    `params: ${keyValues(j.params)}`,
    `tiling: ${keyValues(j.kernels[0]!.tiling)}`,
    ...(j.launches.length > 1 ? [`launches (their cycles add up to the total): ${j.launches.map((l) => `${l.name} ${l.cycles} clk on ${l.blockDim} block(s)`).join(', ')}`] : []),
    listBlock('kernel notes:', j.kernels.flatMap((k) => k.notes.map((n) => `- ${n}`))),
  ];
  if (j.verified !== undefined) parts.push(`bit-exact vs reference: ${j.verified ? 'yes' : `NO (${mismatchText(j.mismatch!)})`}`);
  if (j.files) parts.push(listBlock('files written:', j.files));
  if (asmFile) parts.push(`assembly written to ${asmFile} (run it with: aicore-sim asm ${asmFile})`);
  return parts.join('\n');
}

const jsonReport = (j: KernelJobResult, asmFile: string | undefined) => ({
  command: `run ${j.kernel}`,
  kernel: j.kernel,
  preset: j.config.name,
  mode: j.result.mode,
  params: j.params,
  blockDim: j.kernels[0]!.blockDim,
  tiling: j.kernels[0]!.tiling,
  ...summaryJson(j.summary),
  // several launches: the figures above are their sum
  ...(j.launches.length > 1 ? { launches: j.launches.map(({ name, blockDim, cycles }) => ({ name, blockDim, cycles })) } : {}),
  verified: j.verified ?? null,
  mismatch: j.mismatch ?? null,
  notes: j.kernels.flatMap((k) => k.notes),
  files: j.files ?? [],
  asmFile: asmFile ?? null,
});

function jobOptions(name: string, row: RegressKernel, a: Args): KernelJobOptions {
  const block = BLOCK_FIELDS.find((f) => Object.hasOwn(row.tilingSchema, f));
  const cores = a['cores'] as number | 'all' | undefined;
  return {
    kernel: name,
    params: givenFields(row.paramSchema, a),
    // One block unless asked, as `run matmul`: the figures then describe one core. `all`: the tiler's choice.
    tiling: { ...givenFields(row.tilingSchema, a, BLOCK_FIELDS), ...(block && cores !== 'all' ? { [block]: cores ?? 1 } : {}) },
    preset: a['preset'] as string,
    configOverrides: overridesOf(a['config'] as string | undefined),
    mode: a['timing-only'] ? 'timing' : 'functional',
    seed: a['seed'] as number,
    ...(a['max-cycles'] !== undefined ? { maxCycles: a['max-cycles'] as number } : {}),
    ...(a['max-instructions'] !== undefined ? { maxInstructions: a['max-instructions'] as number } : {}),
    sanitize: a['sanitize'] === true,
    l2: a['l2'] as 'flushed' | 'warm',
    ...traceField(traceOf(a['out'] as string | undefined, { traceCores: a['trace-cores'] as string | undefined, traceWindow: a['trace-window'] as string | undefined, trace: a['trace'] as boolean | undefined, traceLimit: a['trace-limit'] as string | undefined })),
  };
}

function runKernelCli(name: string, row: RegressKernel, a: Args, io: CliIo): number {
  const opts = jobOptions(name, row, a);
  const emit = a['emit-asm'] as string | undefined;
  const asmFile = emit === undefined ? undefined : openOutputFile(emit, io.out);
  let j: KernelJobResult;
  try {
    j = flagNamed(() => runKernel(opts));
    if (asmFile && j.kernels.length > 1) throw new JobError(`--emit-asm writes one program, and this ${name} runs ${j.kernels.length} launches (${j.launches.map((l) => l.name).join(', ')})`);
    if (asmFile) {
      asmFile.write(kernelAssembly(j.kernels[0]!, j.config.name, opts.configOverrides));
      asmFile.commit();
    }
  } catch (e) {
    asmFile?.abort();
    throw e;
  }
  const san = j.result.sanitizer;
  (emit === '-' ? io.err : io.out)(a['json'] ? jsonText({ ...jsonReport(j, emit), ...(san ? { sanitizer: sanitizerJson(san) } : {}) }) : textReport(j, emit));
  const sanitized = reportSanitizer(io, san);
  if (j.verified === false) {
    io.err(`aicore-sim: ${name} output differs from the reference: ${mismatchText(j.mismatch!)}`);
    return sanitized || 1;
  }
  return sanitized;
}

/** A field error of the table ("params.m must be ...") naming the flag instead (--m). */
function flagNamed<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JobError) e.message = e.message.replace(/\b(?:params|tiling)\.(\w+)/g, (_, field: string) => `--${flagOf(field)}`);
    throw e;
  }
}

/** The subcommand of table row `name`. */
function kernelCommand(ctx: CliContext, name: string, row: RegressKernel): CommandModule {
  const params = schemaOptions(row.paramSchema, 'params');
  const tiling = schemaOptions(row.tilingSchema, 'tiling', BLOCK_FIELDS);
  for (const flag of Object.keys(tiling))
    if (Object.hasOwn(params, flag) || Object.hasOwn(COMMON_OPTIONS, flag)) throw new Error(`internal: ${name}: tiling flag --${flag} collides with another flag`);
  return {
    command: name,
    describe: row.describe,
    builder: (y) => y.options({ ...params, ...COMMON_OPTIONS, ...tiling }),
    handler: (a) => ctx.run(() => runKernelCli(name, row, a, ctx.io)),
  };
}

/**
 * Kernels of one operation in two element types, run as `run <family> --dtype int8|f16` the way
 * `run matmul --dtype` chooses matmul or matmul-f16: each dtype names its table row.
 */
const DTYPE_FAMILIES: Readonly<Record<string, Readonly<Record<'int8' | 'f16', string>>>> = {
  conv: { int8: 'qlinear-conv', f16: 'conv-f16' },
  'conv-dw': { int8: 'qlinear-conv-dw', f16: 'conv-f16-dw' },
};

/** Every flag of the family's rows; a field some row lacks, or has a default in, is not required here. */
function familyOptions(rows: readonly RegressKernel[], kind: 'params' | 'tiling'): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const row of rows) {
    const schema = kind === 'params' ? row.paramSchema : row.tilingSchema;
    for (const [flag, o] of Object.entries(schemaOptions(schema, kind, kind === 'tiling' ? BLOCK_FIELDS : []))) {
      const everywhere = rows.every((r) => Object.hasOwn(schemaOptions(kind === 'params' ? r.paramSchema : r.tilingSchema, kind), flag));
      out[flag] ??= everywhere ? o : { ...o, demandOption: false };
    }
  }
  return out;
}

/** `run <family> --dtype`: the chosen row with the flags it takes; a flag only the other row has is a usage error. */
function familyCommand(ctx: CliContext, family: string, members: Readonly<Record<'int8' | 'f16', string>>): CommandModule {
  const rows = Object.values(members).map((n) => KERNELS[n]!);
  const params = familyOptions(rows, 'params');
  const tiling = familyOptions(rows, 'tiling');
  const run = (a: Args): number => {
    const dtype = a['dtype'] as 'int8' | 'f16';
    const name = members[dtype];
    const row = KERNELS[name]!;
    const own = { ...schemaOptions(row.paramSchema, 'params'), ...schemaOptions(row.tilingSchema, 'tiling', BLOCK_FIELDS) };
    for (const flag of Object.keys({ ...params, ...tiling })) {
      if (!Object.hasOwn(own, flag) && a[flag] !== undefined) throw new UsageError(`--${flag} does not apply to --dtype ${dtype} (${name})`);
      if (Object.hasOwn(own, flag) && own[flag]!.demandOption && a[flag] === undefined) throw new UsageError(`--${flag} is required with --dtype ${dtype} (${name})`);
    }
    return runKernelCli(name, row, a, ctx.io);
  };
  return {
    command: family,
    describe: `${family} in int8 (${members.int8}) or, with --dtype f16, fp16 (${members.f16})`,
    builder: (y) => y.options({ dtype: { choices: ['int8', 'f16'] as const, default: 'int8' as const, describe: `int8: ${members.int8}; f16: ${members.f16}` }, ...params, ...COMMON_OPTIONS, ...tiling }),
    handler: (a) => ctx.run(() => run(a)),
  };
}

/** The words `run` takes after it: the dtype families and the table's kernels. */
export const runKernelWords = (): string[] => [...Object.keys(DTYPE_FAMILIES), ...Object.keys(KERNELS)];

/** `run <kernel>` for every table kernel `run matmul` does not cover, and the dtype families. */
export const tableKernelCommands = (ctx: CliContext): CommandModule[] => [
  ...Object.entries(DTYPE_FAMILIES).map(([family, members]) => familyCommand(ctx, family, members)),
  ...Object.entries(KERNELS)
    .filter(([name]) => !OWN_COMMANDS.includes(name))
    .map(([name, row]) => kernelCommand(ctx, name, row)),
];
