/**
 * `aicore-sim run matmul`: the INT8 (or, with --dtype f16, FP16) matmul kernel with shapes, tiling,
 * epilogue and preset flags.
 * Prints the op summary (or one JSON object), writes the trace and CSVs with --out and the
 * generated program with --emit-asm.
 */
import { traceOf } from './trace-flags.js';
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { formatSummary } from '../../traces/index.js';
import { kernelAssembly } from '../lib/asm-directives.js';
import { openOutputFile } from '../lib/outputs.js';
import { keyValues, listBlock, summaryJson } from '../lib/report.js';
import { UsageError } from '../lib/errors.js';
import { JobError } from '../lib/job-error.js';
import { sanitizerJson } from '../lib/sanitizer-report.js';
import { runMatmul, type MatmulJobOptions, type MatmulJobResult, type Mismatch } from '../lib/run-matmul.js';
import type { CliContext, CliIo } from './context.js';
import { HW_OPTIONS, OUTPUT_OPTIONS, defined, intOption, jsonText, overridesOf, textOption, reportSanitizer } from './options.js';

const OPTIONS = {
  m: { ...intOption('m', 'rows of A and of the output'), demandOption: true },
  dtype: { choices: ['int8', 'f16'] as const, default: 'int8' as const, describe: 'int8: requantised INT8 matmul; f16: fp16 in, fp32 accumulate and bias, fp16 out (--per-channel, --relu, --out-type do not apply)' },
  k: { ...intOption('k', 'columns of A, rows of B'), demandOption: true },
  n: { ...intOption('n', 'columns of B and of the output'), demandOption: true },
  preset: { ...textOption('preset', 'hardware preset (see: aicore-sim presets)'), default: 'ascend910b' },
  ...HW_OPTIONS,
  'timing-only': { type: 'boolean', describe: 'skip tensor data (same cycles, much faster); no bit-exact check' },
  ...OUTPUT_OPTIONS,
  'emit-asm': textOption('emit-asm', 'write the generated program as assembly that `aicore-sim asm` runs'),
  'base-m': intOption('base-m', 'tiling: rows of the L0 tile (multiple of 16)'),
  'base-n': intOption('base-n', 'tiling: columns of the L0 tile (multiple of 16; 32 on coupled presets)'),
  'base-k': intOption('base-k', 'tiling: depth of one mmad (multiple of 32)'),
  'step-k': intOption('step-k', 'tiling: base-K steps per GM -> L1 chunk'),
  'db-l1': { type: 'boolean', describe: 'tiling: double-buffer L1 chunks (--no-db-l1 to turn off)' },
  'db-l0': { type: 'boolean', describe: 'tiling: double-buffer L0A/L0B tiles' },
  'db-l0c': { type: 'boolean', describe: 'tiling: double-buffer L0C tiles' },
  'a-resident': { type: 'boolean', describe: 'tiling: keep a tile row\'s A panel in L1 and reuse it (--no-a-resident streams A; default: when it fits and pays)' },
  'grid-n': intOption('grid-n', 'tiling: a core grid of cores / grid-n row ranges x grid-n column ranges, one rectangle of the output per core; 0: tiles dealt in order (default: the tiler decides)'),
  'split-k': intOption('split-k', 'tiling (int8): K slices over cores, added up exactly by a second (reduction) launch; 1: no split (default: the tiler splits when the output has fewer tiles than cores and it pays)'),
  'per-channel': { type: 'boolean', describe: 'one requantisation scale and offset per output column' },
  bias: { type: 'boolean', default: true, describe: 'add an int32 bias per column (--no-bias to drop it)' },
  relu: { type: 'boolean', describe: 'ReLU in the epilogue' },
  'out-type': { choices: ['s8', 'u8'] as const, default: 's8' as const, describe: 'output dtype' },
  seed: { ...intOption('seed', 'seed of the random inputs and scales'), default: 1 },
} as const satisfies Record<string, Options>;

type Raw = InferredOptionTypes<typeof OPTIONS>;
type Args = ArgumentsCamelCase<Raw>;

const mismatchText = (m: Mismatch) => `first difference at row ${m.row}, column ${m.col}: got ${m.got}, want ${m.want}`;

/** The text report: summary, kernel facts, verification and files. */
function textReport(j: MatmulJobResult, asmFile: string | undefined): string {
  const parts = [
    formatSummary(j.summary),
    `tiling: ${keyValues(j.kernel.tiling)}`,
    ...(j.launches ? [`launches (their cycles add up to the total): ${j.launches.map((l) => `${l.name} ${l.cycles} clk on ${l.blockDim} block(s)`).join(', ')}`] : []),
    listBlock('kernel notes:', j.kernel.notes.map((n) => `- ${n}`)),
  ];
  if (j.verified !== undefined) parts.push(`bit-exact vs reference: ${j.verified ? 'yes' : `NO (${mismatchText(j.mismatch!)})`}`);
  if (j.files) parts.push(listBlock('files written:', j.files));
  if (asmFile) parts.push(`assembly written to ${asmFile} (run it with: aicore-sim asm ${asmFile})`);
  return parts.join('\n');
}

function jsonReport(j: MatmulJobResult, asmFile: string | undefined) {
  return {
    command: 'run matmul',
    preset: j.config.name,
    mode: j.result.mode,
    shape: { m: j.spec.m, k: j.spec.k, n: j.spec.n },
    dtype: j.dtype,
    epilogue: 'quant' in j.spec
      ? { bias: j.spec.bias, outType: j.spec.outType, relu: j.spec.relu, perChannel: typeof j.spec.quant.scale !== 'number' }
      : { bias: j.spec.bias, outType: 'f16' },
    blockDim: j.kernel.blockDim,
    tiling: j.kernel.tiling,
    ...summaryJson(j.summary),
    // a K split runs two launches; the figures above are their sum
    ...(j.launches ? { launches: j.launches } : {}),
    verified: j.verified ?? null,
    mismatch: j.mismatch ?? null,
    notes: j.kernel.notes,
    files: j.files ?? [],
    asmFile: asmFile ?? null,
  };
}

/** The library options for parsed flags. */
function jobOptions(a: Args): MatmulJobOptions {
  if (a.dtype === 'f16') for (const [flag, given] of [['per-channel', a.perChannel], ['relu', a.relu], ['out-type', a.outType !== 's8']] as const)
    if (given) throw new UsageError(`--${flag} is an INT8 epilogue option: it does not apply to --dtype f16`);
  return {
    m: a.m,
    k: a.k,
    n: a.n,
    dtype: a.dtype,
    preset: a.preset,
    configOverrides: overridesOf(a.config),
    // One block unless asked: a run's figures then describe one core, the unit tilings are tuned on.
    // `all` leaves it to the tiler: one block per output tile, up to every core of the preset.
    ...(a.cores === 'all' ? {} : { blockDim: a.cores ?? 1 }),
    tiling: defined({ baseM: a.baseM, baseN: a.baseN, baseK: a.baseK, stepK: a.stepK, dbL1: a.dbL1, dbL0: a.dbL0, dbL0C: a.dbL0c, aResident: a.aResident, gridN: a.gridN, splitK: a.splitK }),
    mode: a.timingOnly ? 'timing' : 'functional',
    bias: a.bias,
    perChannel: a.perChannel ?? false,
    outType: a.outType,
    relu: a.relu ?? false,
    seed: a.seed,
    maxCycles: a.maxCycles,
    maxInstructions: a.maxInstructions,
    sanitize: a.sanitize ?? false,
    l2: a.l2,
    trace: traceOf(a.out, a),
  };
}

/** Runs the job for parsed flags; exit code 1 if the output is not bit-exact. */
function runMatmulCli(a: Args, io: CliIo): number {
  const opts = jobOptions(a);
  // The assembly file is opened first (a bad path fails before the run) and dropped if anything fails.
  const asmFile = a.emitAsm === undefined ? undefined : openOutputFile(a.emitAsm, io.out);
  let j: MatmulJobResult;
  try {
    j = runMatmul(opts);
    if (asmFile && j.launches) throw new JobError(`--emit-asm writes one program, and this tiling runs ${j.launches.length} launches (a K split); add --split-k 1 for the unsplit kernel`);
    if (asmFile) {
      asmFile.write(kernelAssembly(j.kernel, j.config.name, opts.configOverrides));
      asmFile.commit();
    }
  } catch (e) {
    // Only this run's partial file goes: a file already at the path (the user's, or an earlier
    // run's) stays as it was.
    asmFile?.abort();
    throw e;
  }
  const san = j.result.sanitizer;
  // with --emit-asm - the assembly is standard output, so the report goes to standard error
  (a.emitAsm === '-' ? io.err : io.out)(a.json ? jsonText({ ...jsonReport(j, a.emitAsm), ...(san ? { sanitizer: sanitizerJson(san) } : {}) }) : textReport(j, a.emitAsm));
  const sanitized = reportSanitizer(io, san);
  if (j.verified === false) {
    io.err(`aicore-sim: matmul output differs from the reference: ${mismatchText(j.mismatch!)}`);
    return sanitized || 1;
  }
  return sanitized;
}

/** The `run matmul` subcommand. */
export const runMatmulCommand = (ctx: CliContext): CommandModule<object, Raw> => ({
  command: 'matmul',
  describe: 'INT8 matmul y = requant(A x B + bias): A is M x K, B is K x N',
  builder: (y) => y.options(OPTIONS),
  handler: (a) => ctx.run(() => runMatmulCli(a, ctx.io)),
});
