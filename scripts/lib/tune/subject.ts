/**
 * What a tiling search tunes: one cube kernel of the regress kernel table (scripts/lib/regress/
 * kernels.ts) with its parameters, on one chip. The table row gives both halves the search needs:
 * the GEMM problem its tiler tiles (to check and estimate candidates exactly as the tiler and the
 * generator do) and the runner that generates its launches for a tiling (to time them as `regress`
 * and the golden table do), so a tuned figure and a golden figure are the same measurement.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import type { GemmProblem, GemmTiling } from '../../../ops-nn/gemm/index.js';
import type { L2Policy } from '../../../ops-nn/launch-sequence.js';
import { JobError } from '../job-error.js';
import { KERNELS } from '../regress/kernels.js';
import type { PlannedLaunch } from '../regress/measure.js';

export interface TuneSubject {
  /** the regress kernel and its parameters (as a manifest entry would give them) */
  readonly kernel: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly cfg: HwConfig;
  /** the GEMM the kernel's tiler tiles */
  readonly problem: GemmProblem;
  /** the most blocks a candidate may launch */
  readonly cores: number;
  /** the tiling fields the default tiler is given (blockDim when the cores are limited) */
  readonly defaultFixed: Partial<GemmTiling>;
  /** the L2 between a candidate's launches (the first always starts flushed) */
  readonly l2: L2Policy;
  /** the kernel's launches for a tiling (fields left out come from the default tiler) */
  readonly launches: (tiling: Partial<GemmTiling>) => PlannedLaunch[];
}

/** Kernels of the regress table the search can tune: those that say which GEMM their tiler tiles. */
export const tunableKernels = (): string[] => Object.keys(KERNELS).filter((k) => KERNELS[k]!.bindProblem !== undefined);

export interface SubjectOptions {
  readonly kernel: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly cfg: HwConfig;
  /** the most blocks to use (default: every core of the chip) */
  readonly cores?: number;
  /** default 'warm', as regress runs an entry */
  readonly l2?: L2Policy;
  /** fields of the default's tiling besides blockDim (a golden entry's explicit tiling) */
  readonly defaultTiling?: Partial<GemmTiling>;
}

/**
 * The subject for a regress kernel and its parameters. A parameter the kernel refuses is unusable
 * input (a JobError, exit status 4), as it is in a manifest.
 */
export function tuneSubject(o: SubjectOptions): TuneSubject {
  const def = Object.hasOwn(KERNELS, o.kernel) ? KERNELS[o.kernel] : undefined;
  if (!def?.bindProblem) throw new JobError(`kernel ${o.kernel} has no GEMM tiling to tune (tunable: ${tunableKernels().join(', ')})`);
  let problemOf: (cfg: HwConfig) => GemmProblem;
  try {
    problemOf = def.bindProblem(o.params);
  } catch (e) {
    throw new JobError(`${o.kernel}: ${(e as Error).message}`);
  }
  const cores = o.cores ?? o.cfg.cores;
  if (!Number.isSafeInteger(cores) || cores < 1 || cores > o.cfg.cores) throw new JobError(`--cores ${cores} must be in 1..${o.cfg.cores} (the cores of ${o.cfg.name})`);
  const limited = o.cores !== undefined && o.cores < o.cfg.cores;
  return {
    kernel: o.kernel,
    params: o.params,
    cfg: o.cfg,
    problem: problemOf(o.cfg),
    cores,
    defaultFixed: { ...o.defaultTiling, ...(limited ? { blockDim: cores } : {}) },
    l2: o.l2 ?? 'warm',
    launches: (tiling) => def.bind(o.params, tiling)(o.cfg),
  };
}
