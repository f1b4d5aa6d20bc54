/**
 * The `run matmul` job as a library call: build the INT8 matmul kernel for a preset, run it in
 * functional mode on seeded random data (checked bit-exact against the reference) or in timing-only
 * mode, and optionally write the trace and reports. Scripts sweep it; the CLI prints it.
 */
import { loadConfig } from '../../hw/config/load.js';
import type { HwConfig } from '../../hw/config/types.js';
import type { SimMode, SimResult } from '../../hw/simulate.js';
import type { Kernel } from '../../ops-nn/kernel.js';
import { generateMatmul, matmulGmImage, matmulReference, type MatmulSpec, type MatmulTiling } from '../../ops-nn/matmul/index.js';
import type { OpSummary } from '../../traces/index.js';
import { randomInputs, randomQuant, type MatmulInputs } from './matmul-data.js';
import { runLaunch, type TraceOptions } from './outputs.js';
import { seededRandom } from './rng.js';

/** What to run. Only the shape is required. */
export interface MatmulJobOptions {
  readonly m: number;
  readonly k: number;
  readonly n: number;
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
  readonly spec: MatmulSpec;
  readonly kernel: Kernel;
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
  const shape = { m: o.m, k: o.k, n: o.n, bias: o.bias ?? true, perChannel: o.perChannel ?? false, outType: o.outType ?? 's8' };
  const r = seededRandom(o.seed ?? 1);
  const spec: MatmulSpec = { m: o.m, k: o.k, n: o.n, bias: shape.bias, quant: randomQuant(shape, r), outType: shape.outType, relu: o.relu ?? false };
  const tiling = o.blockDim === undefined ? o.tiling : { ...o.tiling, blockDim: o.blockDim };
  const kernel = generateMatmul(spec, config, tiling);
  const inputs = mode === 'functional' ? randomInputs(shape, r) : undefined;
  const gm = inputs ? matmulGmImage(kernel, spec, config, inputs.a, inputs.b, inputs.bias) : kernel.gmBytes;
  const label = `matmul ${o.m}x${o.k}x${o.n}`;
  const launch = { config, programs: kernel.programs, blockDim: kernel.blockDim, gm, mode, ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}), ...(o.maxInstructions !== undefined ? { maxInstructions: o.maxInstructions } : {}), ...(o.sanitize ? { sanitize: true } : {}) };
  const run = runLaunch(launch, label, o.trace);
  const mismatch = inputs && run.result.gm ? firstMismatch(kernel, spec, run.result.gm, inputs) : undefined;
  return {
    config,
    spec,
    kernel,
    ...run,
    ...(inputs ? { verified: mismatch === undefined } : {}),
    ...(mismatch ? { mismatch } : {}),
  };
}
