/**
 * `aicore-sim tune matmul|conv`: the tiling search (scripts/lib/tune) over a matmul or a
 * convolution, printing the fastest tilings found against the default tiler's, the rejected ones
 * with the validation's reasons, and the pruning rule (or all of it as one JSON object). Each
 * subcommand is a row of SUBJECTS: its shape flags and the regress kernel they name.
 */
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { loadConfig } from '../../hw/config/load.js';
import type { HwConfig } from '../../hw/config/types.js';
import { FUSIONS } from '../../ops-nn/onnx/index.js';
import { VECTOR_REQUANTS } from '../../ops-nn/gemm/index.js';
import { UsageError } from '../lib/errors.js';
import { tableFusion } from '../lib/resnet50.js';
import { tuneJson, tuneText } from '../lib/tune/report.js';
import { DEFAULT_SIMULATE, tune } from '../lib/tune/search.js';
import { tuneSubject } from '../lib/tune/subject.js';
import type { L2Policy } from '../../ops-nn/launch-sequence.js';
import type { CliContext, CliIo } from './context.js';
import { HW_OPTIONS, intOption, jsonText, overridesOf, textOption } from './options.js';

/** Flags of both subcommands: the chip, the search's size and the output. */
const COMMON = {
  preset: { ...textOption('preset', 'hardware preset (see: aicore-sim presets)'), default: 'ascend910b' },
  config: HW_OPTIONS.config,
  cores: { ...HW_OPTIONS.cores, describe: "the most blocks a tiling may launch: N, or 'all' (default: every core of the preset)" },
  dtype: { choices: ['int8', 'f16'] as const, default: 'int8' as const, describe: 'int8: the INT8 kernel with its requant epilogue; f16: the FP16 one' },
  top: { ...intOption('top', 'how many of the fastest tilings to print'), default: 5 },
  simulate: { ...intOption('simulate', 'how many candidates to simulate besides the default tiler\'s choice'), default: DEFAULT_SIMULATE },
  json: { type: 'boolean', describe: 'print one JSON object: best[], default, rejected[] with reasons, counts, pruning rule' },
} as const satisfies Record<string, Options>;

const MATMUL = {
  m: { ...intOption('m', 'rows of A and of the output'), demandOption: true },
  k: { ...intOption('k', 'columns of A, rows of B'), demandOption: true },
  n: { ...intOption('n', 'columns of B and of the output'), demandOption: true },
  'per-channel': { type: 'boolean', describe: 'int8: one requantisation scale and offset per output column' },
  bias: { type: 'boolean', default: true, describe: 'add a bias per column (--no-bias to drop it)' },
  relu: { type: 'boolean', describe: 'int8: ReLU in the epilogue' },
  'out-type': { choices: ['s8', 'u8'] as const, default: 's8' as const, describe: 'int8: output dtype' },
} as const satisfies Record<string, Options>;

const CONV = {
  c: { ...intOption('c', 'input channels'), demandOption: true },
  // --height, not --h: -h is --help
  height: { ...intOption('height', 'input height'), demandOption: true },
  width: { ...intOption('width', 'input width'), demandOption: true },
  oc: { ...intOption('oc', 'output channels'), demandOption: true },
  kernel: { ...intOption('kernel', 'square kernel size (--kh and --kw for a rectangular one)') },
  kh: intOption('kh', 'kernel height'),
  kw: intOption('kw', 'kernel width'),
  stride: { ...intOption('stride', 'stride, both directions'), default: 1 },
  pad: { ...intOption('pad', 'padding on all four sides'), default: 0 },
  groups: { ...intOption('groups', 'groups (channels of each group: c / groups)'), default: 1 },
  dilation: { ...intOption('dilation', 'dilation, both directions'), default: 1 },
  batch: { ...intOption('batch', 'images'), default: 1 },
  fusion: { choices: FUSIONS, describe: 'int8: where the requantisation runs (default: fixpipe on separated presets, ub on coupled ones)' },
  'vector-requant': { choices: VECTOR_REQUANTS, default: 'exact' as const, describe: 'int8, ub: the UB epilogue\'s requantisation arithmetic' },
} as const satisfies Record<string, Options>;

const MATMUL_OPTIONS = { ...MATMUL, ...COMMON } as const;
const CONV_OPTIONS = { ...CONV, ...COMMON } as const;
type MatmulRaw = InferredOptionTypes<typeof MATMUL_OPTIONS>;
type ConvRaw = InferredOptionTypes<typeof CONV_OPTIONS>;
type Common = ArgumentsCamelCase<InferredOptionTypes<typeof COMMON>>;
type MatmulArgs = ArgumentsCamelCase<MatmulRaw>;
type ConvArgs = ArgumentsCamelCase<ConvRaw>;

/** Flags that belong to the INT8 kernels only: an error with --dtype f16. */
function refuseInt8Flags(dtype: string, given: readonly (readonly [string, boolean])[]): void {
  if (dtype !== 'f16') return;
  for (const [flag, on] of given) if (on) throw new UsageError(`--${flag} is an INT8 option: it does not apply to --dtype f16`);
}

/** The regress kernel, its parameters and the L2 between launches of a matmul. */
function matmulSubject(a: MatmulArgs) {
  refuseInt8Flags(a.dtype, [['per-channel', a.perChannel === true], ['relu', a.relu === true], ['out-type', a.outType !== 's8']]);
  const shape = { m: a.m, k: a.k, n: a.n, bias: a.bias };
  // flushed: a K split's two launches are timed as `run matmul` times them
  const l2: L2Policy = 'flushed';
  if (a.dtype === 'f16') return { kernel: 'matmul-f16', params: shape, l2 };
  return { kernel: 'matmul', params: { ...shape, perChannel: a.perChannel ?? false, outType: a.outType, relu: a.relu ?? false }, l2 };
}

/** The regress kernel and its parameters of a convolution (its launches run warm, as `exec` runs them). */
function convSubject(a: ConvArgs, cfg: HwConfig) {
  if (a.kernel !== undefined && (a.kh !== undefined || a.kw !== undefined)) throw new UsageError('give --kernel, or --kh and --kw, not both');
  const kh = a.kh ?? a.kernel;
  const kw = a.kw ?? a.kernel;
  if (kh === undefined || kw === undefined) throw new UsageError('give the kernel size: --kernel K, or --kh and --kw');
  refuseInt8Flags(a.dtype, [['fusion', a.fusion !== undefined], ['vector-requant', a.vectorRequant !== 'exact']]);
  const shape = { n: a.batch, c: a.c, h: a.height, w: a.width, oc: a.oc, kh, kw, stride: a.stride, pad: a.pad, group: a.groups, dilation: a.dilation };
  const l2: L2Policy = 'warm';
  if (a.dtype === 'f16') return { kernel: 'conv-f16', params: shape, l2 };
  const fusion = a.fusion ?? tableFusion(cfg);
  return { kernel: 'qlinear-conv', params: { ...shape, fusion, vectorRequant: a.vectorRequant }, l2 };
}

/** Runs the search for parsed flags and prints it. */
function runTune(a: Common, io: CliIo, subjectOf: (cfg: HwConfig) => { kernel: string; params: Record<string, unknown>; l2: L2Policy }): number {
  if (a.top < 1) throw new UsageError(`--top must be at least 1, got ${a.top}`);
  if (a.simulate < 0) throw new UsageError(`--simulate must be 0 or more, got ${a.simulate}`);
  const cfg = loadConfig(a.preset, overridesOf(a.config));
  if (a.cores !== undefined && a.cores !== 'all' && (a.cores < 1 || a.cores > cfg.cores)) throw new UsageError(`--cores must be 1..${cfg.cores} on ${cfg.name} (or all), got ${a.cores}`);
  const s = subjectOf(cfg);
  const subject = tuneSubject({ ...s, cfg, ...(a.cores === undefined || a.cores === 'all' ? {} : { cores: a.cores }) });
  const r = tune(subject, { simulate: a.simulate });
  io.out(a.json ? jsonText(tuneJson(r, a.top)) : tuneText(r, a.top));
  return 0;
}

/** The subcommands: shape flags and how they name a kernel. */
const SUBJECTS = [
  (ctx: CliContext): CommandModule<object, MatmulRaw> => ({
    command: 'matmul',
    describe: 'search the tilings of the matmul y = requant(A x B + bias) (A is M x K, B is K x N), as `run matmul` runs it',
    builder: (y) => y.options(MATMUL_OPTIONS),
    handler: (a) => ctx.run(() => runTune(a, ctx.io, () => matmulSubject(a))),
  }),
  (ctx: CliContext): CommandModule<object, ConvRaw> => ({
    command: 'conv',
    describe: 'search the tilings of a convolution (NCHW, img2col GEMM), as `exec` runs QLinearConv',
    builder: (y) => y.options(CONV_OPTIONS),
    handler: (a) => ctx.run(() => runTune(a, ctx.io, (cfg) => convSubject(a, cfg))),
  }),
] as const;

/** The `tune` command. */
export const tuneCommand = (ctx: CliContext): CommandModule => ({
  command: 'tune',
  describe: 'search the tiling space of a matmul or a convolution: simulate candidates timing-only, rank by cycles, compare with the default tiler',
  builder: (y) => {
    const subs = SUBJECTS.map((s) => s(ctx));
    return y.command(subs as unknown as CommandModule[]).demandCommand(1, `name what to tune: ${subs.map((s) => s.command).join(', ')}`);
  },
  handler: () => undefined,
});
