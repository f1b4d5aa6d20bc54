/**
 * The `run matmul` job as a library call: build the INT8 matmul kernel (or, with dtype f16, the FP16
 * one: fp16 in, fp32 accumulate and bias, fp16 out) for a preset, run it in functional mode on seeded
 * random data (checked bit-exact against the reference: floats by their bits) or in timing-only mode,
 * and optionally write the trace and reports. Scripts sweep it; the CLI prints it.
 */
import type { L2Policy } from '../../ops-nn/launch-sequence.js';
import { loadConfig } from '../../hw/config/load.js';
import type { HwConfig } from '../../hw/config/types.js';
import type { Launch, SimMode, SimResult } from '../../hw/simulate.js';
import type { Kernel } from '../../ops-nn/kernel.js';
import { f16BitsToNumber, numberToF16Bits, roundF16 } from '../../isa/numeric/float16.js';
import { gemmOutput } from '../../ops-nn/gemm/index.js';
import {
  biasPlacement,
  generateMatmulF16,
  generateMatmulLaunches,
  matmulLaunchImage,
  matmulF16GmImage,
  matmulF16Reference,
  matmulReference,
  type MatmulF16Spec,
  type MatmulSpec,
  type MatmulTiling,
} from '../../ops-nn/matmul/index.js';
import type { OpSummary } from '../../traces/index.js';
import { randomInputs, randomQuant, type MatmulInputs } from './matmul-data.js';
import { runLaunch, type LaunchRun, type TraceOptions } from './outputs.js';
import { sequenceResult, simulateInSequence } from './sequence.js';
import { JobError } from './job-error.js';
import { LaunchSequence, type Carry } from '../../ops-nn/launch-sequence.js';
import { summarise } from '../../traces/index.js';
import { seededRandom } from './rng.js';

/** What to run. Only the shape is required. */
export interface MatmulJobOptions {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** 'int8' (default): the INT8 kernel with its requant epilogue; 'f16': the FP16 kernel (the
   * epilogue options perChannel, outType and relu do not apply) */
  readonly dtype?: 'int8' | 'f16';
  /** preset name (default 'ascend910b') */
  readonly preset?: string;
  /** fields to override in the preset, as in a `--config` JSON file */
  readonly configOverrides?: unknown;
  /** blocks (cores or AIC groups) to use; wins over `tiling.blockDim` */
  readonly blockDim?: number;
  /** tiling fields to fix; the rest come from the default tiler */
  readonly tiling?: Partial<MatmulTiling>;
  /** 'functional' (default): real data, checked against the reference; 'timing': cycles only */
  readonly mode?: SimMode;
  /** add an int32 bias per column (default true) */
  readonly bias?: boolean;
  /** one scale and offset per column (default false: one for all) */
  readonly perChannel?: boolean;
  /** output type (default 's8') */
  readonly outType?: 's8' | 'u8';
  readonly relu?: boolean;
  /** seed of the random data and quantisation parameters (default 1) */
  readonly seed?: number;
  /** stop with an error past this many cycles */
  readonly maxCycles?: number;
  readonly maxInstructions?: number;
  /** run under the sanitizer (hw/sanitizer); its report is in result.sanitizer */
  readonly sanitize?: boolean;
  /** write trace.json, insns.csv, ops.csv, summary.csv and stats.csv into `trace.dir` */
  readonly trace?: TraceOptions;
  /** the L2 at the start: flushed (default), or warm from an identical launch run first */
  readonly l2?: L2Policy;
}

/** The first output element that differs from the reference. */
export interface Mismatch {
  readonly row: number;
  readonly col: number;
  readonly got: number;
  readonly want: number;
}

/** What a matmul job produced. */
export interface MatmulJobResult {
  readonly config: HwConfig;
  readonly dtype: 'int8' | 'f16';
  /** the INT8 spec (with its requant parameters), or the FP16 one */
  readonly spec: MatmulSpec | MatmulF16Spec;
  readonly kernel: Kernel;
  /** a K split: the launches the job ran (partial GEMM, reduction), whose cycles add up to the result's */
  readonly launches?: readonly { readonly name: string; readonly blockDim: number; readonly cycles: number }[];
  readonly result: SimResult;
  readonly summary: OpSummary;
  /** functional mode: whether every output byte equals the reference's */
  readonly verified?: boolean;
  /** functional mode, when not verified */
  readonly mismatch?: Mismatch;
  /** files written, when `trace` was given */
  readonly files?: string[];
}

/** Compares the kernel's output in GM with the reference; undefined when they are equal. */
function firstMismatch(k: Kernel, spec: MatmulSpec, gm: Uint8Array, inputs: MatmulInputs): Mismatch | undefined {
  const want = matmulReference(spec, inputs.a, inputs.b, inputs.bias);
  const y = k.tensors.find((t) => t.name === 'y');
  if (!y) throw new Error('matmul kernel has no output tensor y');
  const raw = gm.subarray(y.offset, y.offset + spec.m * spec.n);
  const got = spec.outType === 's8' ? new Int8Array(raw.buffer, raw.byteOffset, raw.length) : raw;
  for (let i = 0; i < want.length; i++)
    if (got[i] !== want[i]) return { row: Math.floor(i / spec.n), col: i % spec.n, got: got[i] ?? NaN, want: want[i]! };
  return undefined;
}

/**
 * Generates the matmul kernel and runs it. Throws ConfigError (bad preset or overrides), OpError
 * (bad shape or tiling) or SimError (illegal program, cycle limit) with a one-line message.
 */
export function runMatmul(o: MatmulJobOptions): MatmulJobResult {
  const config = loadConfig(o.preset ?? 'ascend910b', o.configOverrides);
  const mode = o.mode ?? 'functional';
  const r = seededRandom(o.seed ?? 1);
  const tiling = o.blockDim === undefined ? o.tiling : { ...o.tiling, blockDim: o.blockDim };
  const job = o.dtype === 'f16' ? f16Job(o, config, tiling, r, mode) : int8Job(o, config, tiling, r, mode);
  const label = `matmul ${o.m}x${o.k}x${o.n}${o.dtype === 'f16' ? ' f16' : ''}`;
  const limits = { ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}), ...(o.maxInstructions !== undefined ? { maxInstructions: o.maxInstructions } : {}), ...(o.sanitize ? { sanitize: true } : {}) };
  const seq = job.launches ? runSequence(config, job.launches, mode, limits, label, job.kernel.usefulMacs, o) : undefined;
  const run: LaunchRun = seq
    ? { result: seq.result, summary: seq.summary }
    : runLaunch({ config, programs: job.kernel.programs, blockDim: job.kernel.blockDim, gm: job.gm, mode, ...limits }, label, o.trace, job.kernel.usefulMacs, o.l2, { notes: job.kernel.notes, tiling: job.kernel.tiling });
  const mismatch = mode === 'functional' && run.result.gm ? job.check(run.result.gm) : undefined;
  return {
    config,
    dtype: o.dtype ?? 'int8',
    spec: job.spec,
    kernel: job.kernel,
    ...(job.launches && seq ? { launches: job.launches.map((l, i) => ({ name: l.kernel.name, blockDim: l.kernel.blockDim, cycles: seq.cycles[i]! })) } : {}),
    ...run,
    ...(mode === 'functional' ? { verified: mismatch === undefined } : {}),
    ...(mismatch ? { mismatch } : {}),
  };
}

/** A job's kernel, its starting GM (or size), and the check of its output against the reference. */
interface Job {
  readonly spec: MatmulSpec | MatmulF16Spec;
  readonly kernel: Kernel;
  readonly gm: Uint8Array | number;
  readonly check: (gm: Uint8Array) => Mismatch | undefined;
  /** a K split: its launches, each with the GM image it starts from (given GM after the launch before) */
  readonly launches?: readonly SequenceLaunch[];
}

/** One launch of a job's sequence. */
interface SequenceLaunch {
  readonly kernel: Kernel;
  readonly carries?: readonly Carry[];
  readonly image: (before: Uint8Array | undefined) => Uint8Array | number;
}

function int8Job(o: MatmulJobOptions, config: HwConfig, tiling: Partial<MatmulTiling> | undefined, r: () => number, mode: SimMode): Job {
  const shape = { m: o.m, k: o.k, n: o.n, bias: o.bias ?? true, perChannel: o.perChannel ?? false, outType: o.outType ?? 's8' };
  const spec: MatmulSpec = { m: o.m, k: o.k, n: o.n, bias: shape.bias, quant: randomQuant(shape, r), outType: shape.outType, relu: o.relu ?? false };
  const g = generateMatmulLaunches(spec, config, tiling);
  const inputs = mode === 'functional' ? randomInputs(shape, r) : undefined;
  const image = (i: number, before?: Uint8Array) => (inputs ? matmulLaunchImage(g, i, spec, config, inputs.a, inputs.b, inputs.bias, before) : g.launches[i]!.kernel.gmBytes);
  if (g.launches.length === 1) {
    const kernel = g.launches[0]!.kernel;
    return { spec, kernel, gm: image(0), check: (gm) => firstMismatch(kernel, spec, gm, inputs!) };
  }
  // the partial GEMM stands for the job (its tiling and blocks); the notes are both launches'
  const kernel = { ...g.launches[0]!.kernel, notes: g.launches.flatMap((l) => l.kernel.notes) };
  const reduce = g.launches[g.launches.length - 1]!.kernel;
  return {
    spec,
    kernel,
    gm: image(0),
    check: (gm) => firstMismatch(reduce, spec, gm, inputs!),
    launches: g.launches.map((l, i) => ({ ...l, image: (before) => image(i, before) })),
  };
}

/**
 * Runs a job's launches as one sequence (the second reads the workspace the first wrote: a carry);
 * with `l2: 'warm'` the whole sequence runs once first and the measured one starts on its L2.
 */
function runSequence(
  config: HwConfig,
  launches: readonly SequenceLaunch[],
  mode: SimMode,
  limits: Pick<Launch, 'maxCycles' | 'maxInstructions' | 'sanitize'>,
  label: string,
  usefulMacs: number | undefined,
  o: MatmulJobOptions,
): LaunchRun & { cycles: number[] } {
  if (o.trace) throw new JobError(`--out traces one launch, and this tiling runs ${launches.length} (a K split: ${launches.map((l) => l.kernel.name).join(', ')}); add --split-k 1 to trace the unsplit kernel`);
  const pass = (sequence: LaunchSequence, m: SimMode) => {
    let before: Uint8Array | undefined;
    return launches.map((l) => {
      const image = m === 'functional' ? l.image(before) : l.kernel.gmBytes;
      const r = simulateInSequence(sequence, { config, programs: l.kernel.programs, blockDim: l.kernel.blockDim, gm: image, mode: m, ...(m === mode ? limits : {}) }, l.kernel.tensors, l.carries);
      before = r.gm ?? undefined;
      return r;
    });
  };
  const warmup = o.l2 === 'warm' ? pass(new LaunchSequence('warm'), 'timing') : undefined;
  const results = pass(new LaunchSequence(warmup ? 'warm' : 'flushed', warmup?.[warmup.length - 1]!.l2), mode);
  const result = sequenceResult(results);
  return { result, summary: summarise(result, label, usefulMacs), cycles: results.map((r) => r.cycles) };
}

/** fp16 values in [-2, 2): products and sums of a row stay well inside fp16's range. */
const f16Value = (r: () => number) => roundF16((r() - 0.5) * 4);

function f16Job(o: MatmulJobOptions, config: HwConfig, tiling: Partial<MatmulTiling> | undefined, r: () => number, mode: SimMode): Job {
  const spec: MatmulF16Spec = { m: o.m, k: o.k, n: o.n, bias: o.bias ?? true };
  const kernel = generateMatmulF16(spec, config, tiling);
  if (mode !== 'functional') return { spec, kernel, gm: kernel.gmBytes, check: () => undefined };
  const a = Float32Array.from({ length: o.m * o.k }, () => f16Value(r));
  const b = Float32Array.from({ length: o.k * o.n }, () => f16Value(r));
  const bias = spec.bias ? Float32Array.from({ length: o.n }, () => Math.fround((r() - 0.5) * 8)) : null;
  const check = (gm: Uint8Array): Mismatch | undefined => {
    const want = matmulF16Reference(spec, a, b, bias, biasPlacement(config));
    const got = new Uint16Array(gemmOutput(kernel, gm).buffer);
    // floats compare by their bits
    const at = want.findIndex((v, i) => numberToF16Bits(v) !== got[i]);
    return at < 0 ? undefined : { row: Math.floor(at / o.n), col: at % o.n, got: f16BitsToNumber(got[at]!), want: want[at]! };
  };
  return { spec, kernel, gm: matmulF16GmImage(kernel, spec, config, a, b, bias), check };
}
