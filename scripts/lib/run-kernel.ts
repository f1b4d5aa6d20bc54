/**
 * The `run <kernel>` job as a library call, for every kernel of the regression table
 * (scripts/lib/regress/kernels.ts): the parameters and tiling of a manifest entry, run timing-only
 * (the table's launches, as regress times them) or functionally (the same kernels on seeded random
 * inputs, the output checked bit-exact against the kernel's reference). A kernel of several launches
 * (a `gm` epilogue's requant, a K split, a uint8 shift) runs them as one sequence, each launch on the
 * L2 the previous one left; --out then writes a set of files per launch, `<n>-<kernel>.trace.json`...
 */
import { kernelReportData, REPORT_FILES } from './report-html/data.js';
import { longerLaunch, stageLaunchReport, stageReport, type ReportLaunch } from './report-html/write.js';
import type { Timeline } from '../../traces/timeline.js';
import { loadConfig } from '../../hw/config/load.js';
import type { HwConfig } from '../../hw/config/types.js';
import type { Launch, SimMode, SimResult } from '../../hw/simulate.js';
import type { Kernel } from '../../ops-nn/kernel.js';
import { LaunchSequence, type L2Policy } from '../../ops-nn/launch-sequence.js';
import { drive, type KernelLaunch } from '../../ops-nn/onnx/index.js';
import { summarise, type OpSummary } from '../../traces/index.js';
import { JobError } from './job-error.js';
import { outputNames, prepareDir, runTracedInto, type TraceOptions } from './outputs.js';
import { KERNELS, kernelNames, parseAll, type Mismatch, type PlannedLaunch, type RegressKernel, type Values } from './regress/index.js';
import { seededRandom } from './rng.js';
import { sequenceResult, simulateInSequence } from './sequence.js';

/** What to run: a kernel of the table with its params (and tiling fields to fix). */
export interface KernelJobOptions {
  readonly kernel: string;
  /** the kernel's parameters, as in a regress manifest entry (defaults filled in) */
  readonly params: Readonly<Record<string, unknown>>;
  /** tiling fields to fix; the rest come from the kernel's default tiler */
  readonly tiling?: Readonly<Record<string, unknown>>;
  readonly preset?: string;
  readonly configOverrides?: unknown;
  /** 'functional' (default): random data, checked against the reference; 'timing': cycles only */
  readonly mode?: SimMode;
  readonly seed?: number;
  readonly maxCycles?: number;
  readonly maxInstructions?: number;
  readonly sanitize?: boolean;
  /** the L2 at the start: flushed (default), or warm from the same launches run once first */
  readonly l2?: L2Policy;
  readonly trace?: TraceOptions;
}

export interface KernelJobResult {
  readonly config: HwConfig;
  readonly kernel: string;
  /** the parameters with their defaults */
  readonly params: Values<RegressKernel['paramSchema']>;
  /** the kernel of every launch, in order */
  readonly kernels: readonly Kernel[];
  /** every launch in order, with the tiling and notes of its kernel */
  readonly launches: readonly { readonly name: string; readonly blockDim: number; readonly cycles: number; readonly tiling: Readonly<Record<string, unknown>>; readonly notes: readonly string[] }[];
  /** the launches as one result: cycles add, every launch's cores listed */
  readonly result: SimResult;
  readonly summary: OpSummary;
  readonly verified?: boolean;
  readonly mismatch?: Mismatch;
  readonly files?: string[];
}

/** The table's row for `name`, or a JobError listing the kernels. */
export function tableKernel(name: string): RegressKernel {
  const row = Object.hasOwn(KERNELS, name) ? KERNELS[name] : undefined;
  if (!row) throw new JobError(`unknown kernel '${name}' (known: ${kernelNames().join(', ')})`);
  return row;
}

/** A field error of the table ("params.m must be ...") as a JobError; other errors pass unchanged. */
function validated<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.constructor === Error) throw new JobError(e.message);
    throw e;
  }
}

/** File prefix of launch i of n: none for a single launch (the five plain names). */
const prefixOf = (planned: readonly PlannedLaunch[], i: number): string | undefined => (planned.length === 1 ? undefined : `${i + 1}-${planned[i]!.kernel.name}`);

/** Runs a kernel of the table. Throws JobError (params), ConfigError, OpError or SimError. */
export function runKernel(o: KernelJobOptions): KernelJobResult {
  const row = tableKernel(o.kernel);
  const config = loadConfig(o.preset ?? 'ascend910b', o.configOverrides);
  const mode = o.mode ?? 'functional';
  const params = validated(() => parseAll(row.paramSchema, o.params, 'params'));
  const planned = validated(() => row.bind(o.params, o.tiling ?? {}))(config);
  const functional = mode === 'functional' ? validated(() => row.bindFunctional(o.params, o.tiling ?? {})) : undefined;
  if (mode === 'functional' && !functional) throw new JobError(`${o.kernel} has no functional reference in the table: add --timing-only`);
  const limits: Partial<Launch> = { ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}), ...(o.maxInstructions !== undefined ? { maxInstructions: o.maxInstructions } : {}), ...(o.sanitize ? { sanitize: true } : {}) };
  const staged = o.trace ? prepareDir(o.trace.dir, [...planned.flatMap((_, i) => Object.values(outputNames(prefixOf(planned, i)))), ...Object.values(REPORT_FILES)]) : undefined;
  let longest: ReportLaunch | undefined;
  try {
    // warm: the same launches once first, timing-only (only the L2 they leave is kept)
    const warm = o.l2 === 'warm' ? new LaunchSequence('warm') : undefined;
    if (warm) for (const l of planned) simulateInSequence(warm, { config, programs: l.kernel.programs, blockDim: l.kernel.blockDim, gm: l.kernel.gmBytes, mode: 'timing' }, l.kernel.tensors, l.carries);
    const sequence = new LaunchSequence('warm', warm?.lastL2);
    const results: SimResult[] = [];
    const kernels: Kernel[] = [];
    const traced = (l: KernelLaunch | PlannedLaunch, files: string, t: { result: SimResult; summary: OpSummary; timeline: Timeline }): SimResult => {
      longest = longerLaunch(longest, { label: `${o.kernel} ${l.kernel.name}`, files, summary: t.summary, timeline: t.timeline, notes: l.kernel.notes, tiling: (l.kernel.tiling as Readonly<Record<string, unknown>> | undefined) ?? null });
      return t.result;
    };
    const runOne = (l: KernelLaunch | PlannedLaunch, gm: Uint8Array | number): SimResult => {
      const i = results.length;
      if (i >= planned.length) throw new Error(`internal: the functional run of ${o.kernel} launches more kernels than its timing run (${planned.length})`);
      const launch = { config, programs: l.kernel.programs, blockDim: l.kernel.blockDim, gm, mode, ...limits };
      const label = `${o.kernel} ${l.kernel.name}`;
      const r = simulateInSequence(sequence, launch, l.kernel.tensors, l.carries, staged ? (placed) => traced(l, prefixOf(planned, i) ?? '', runTracedInto(staged, placed, label, prefixOf(planned, i), l.kernel.usefulMacs, o.trace)) : undefined);
      results.push(r);
      kernels.push(l.kernel);
      return r;
    };
    let mismatch: Mismatch | undefined;
    if (functional) mismatch = drive(functional(config, planned, seededRandom(o.seed ?? 1)), (l) => runOne(l, l.gm).gm!);
    else for (const l of planned) runOne(l, l.kernel.gmBytes);
    const result = sequenceResult(results);
    const useful = kernels.some((k) => k.usefulMacs !== undefined) ? kernels.reduce((s, k) => s + (k.usefulMacs ?? 0), 0) : undefined;
    const summary = summarise(result, o.kernel, useful);
    if (staged && longest) {
      // one launch: its report as any run's; several: the longest one's timeline with the run's summary
      if (planned.length === 1) stageReport(staged, kernelReportData(config, { label: o.kernel, summary, notes: longest.notes, tiling: longest.tiling, timeline: longest.timeline }));
      else stageLaunchReport(staged, config, longest, o.kernel, summary);
    }
    const files = staged?.publish();
    return {
      config,
      kernel: o.kernel,
      params,
      kernels,
      launches: kernels.map((k, i) => ({ name: k.name, blockDim: k.blockDim, cycles: results[i]!.cycles, tiling: k.tiling, notes: k.notes })),
      result,
      summary,
      ...(functional ? { verified: mismatch === undefined } : {}),
      ...(mismatch ? { mismatch } : {}),
      ...(files ? { files } : {}),
    };
  } finally {
    staged?.discard();
  }
}
