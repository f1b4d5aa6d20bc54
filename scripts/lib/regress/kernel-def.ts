/**
 * The shape of a row in the regression kernel table: a parameter schema, a tiling schema and a
 * runner that generates the kernel(s) and times them. `defineKernel` hides the schema types behind
 * one uniform interface, so the table can hold kernels with different parameters while each runner
 * still receives typed, validated values.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import type { GemmProblem } from '../../../ops-nn/gemm/spec.js';
import type { HostProgram } from '../../../ops-nn/onnx/index.js';
import type { Mismatch } from './check.js';
import { bool, int, oneOf, parseAll, parseSome, withDefault, type Schema, type Values } from './fields.js';
import type { PlannedLaunch } from './measure.js';

/**
 * A functional run of a kernel (`run <kernel>` without --timing-only): its launches with GM images
 * from seeded random inputs (the caller sends each launch's GM back), returning the first element
 * of the output that differs from the kernel's reference, or undefined when all are equal.
 */
export type FunctionalRun = HostProgram<Mismatch | undefined>;

export interface KernelDef<P extends Schema, T extends Schema> {
  /** one line for docs and `--help` */
  readonly describe: string;
  readonly params: P;
  /** tiling fields a manifest may fix; the rest come from the kernel's default tiler */
  readonly tiling: T;
  /** generates the kernels of one entry, in launch order (run.ts times them as one sequence) */
  readonly run: (p: Values<P>, cfg: HwConfig, tiling: Partial<Values<T>>) => PlannedLaunch[];
  /**
   * cube kernels: the GEMM problem their tiler tiles (the one `run` hands the generator), so the
   * tiling search (scripts/lib/tune) can check and estimate candidate tilings as the tiler does
   */
  readonly problem?: (p: Values<P>, cfg: HwConfig) => GemmProblem;
  /**
   * the functional run with its bit-exact check; `planned` are `run`'s launches for the same values,
   * whose kernels it gives data to (or, for an ONNX operator, rebuilds the same way)
   */
  readonly functional?: (p: Values<P>, cfg: HwConfig, tiling: Partial<Values<T>>, planned: readonly PlannedLaunch[], random: () => number) => FunctionalRun;
}

/** A kernel of the table, its schemas erased. */
export interface RegressKernel {
  readonly describe: string;
  readonly paramNames: readonly string[];
  readonly tilingNames: readonly string[];
  /** the schemas themselves, for building command-line flags (`run <kernel>`) */
  readonly paramSchema: Schema;
  readonly tilingSchema: Schema;
  /** Validates raw params and tiling (throws an Error naming the field) and returns the runner. */
  bind(params: unknown, tiling: unknown): (cfg: HwConfig) => PlannedLaunch[];
  /** Cube kernels: validates raw params and returns the builder of the GEMM problem the tiler sees. */
  readonly bindProblem?: (params: unknown) => (cfg: HwConfig) => GemmProblem;
  /** The functional runner for raw params and tiling (validated as by bind); undefined without a reference. */
  bindFunctional(params: unknown, tiling: unknown): ((cfg: HwConfig, planned: readonly PlannedLaunch[], random: () => number) => FunctionalRun) | undefined;
  /** Names of the params that may be omitted (they have a default). */
  readonly optionalParams: readonly string[];
  /** What a valid value of a param or tiling field is ("an integer in 1..65535"), for checks before a run. */
  expects(section: 'params' | 'tiling', name: string): { readonly expects: string; readonly valid: (v: unknown) => boolean } | undefined;
}

export function defineKernel<P extends Schema, T extends Schema>(d: KernelDef<P, T>): RegressKernel {
  return {
    describe: d.describe,
    paramNames: Object.keys(d.params),
    tilingNames: Object.keys(d.tiling),
    paramSchema: d.params,
    tilingSchema: d.tiling,
    optionalParams: Object.entries(d.params).filter(([, f]) => f.fallback).map(([k]) => k),
    expects(section, name) {
      const schema: Schema = section === 'params' ? d.params : d.tiling;
      const f = Object.hasOwn(schema, name) ? schema[name]! : undefined;
      return f && { expects: f.expects, valid: (v) => f.check(v) !== undefined };
    },
    bind(params, tiling) {
      const p = parseAll(d.params, params, 'params');
      const t = parseSome(d.tiling, tiling, 'tiling');
      return (cfg) => d.run(p, cfg, t);
    },
    ...(d.problem
      ? {
          bindProblem(params: unknown) {
            const p = parseAll(d.params, params, 'params');
            return (cfg: HwConfig) => d.problem!(p, cfg);
          },
        }
      : {}),
    bindFunctional(params, tiling) {
      const f = d.functional;
      if (!f) return undefined;
      const p = parseAll(d.params, params, 'params');
      const t = parseSome(d.tiling, tiling, 'tiling');
      return (cfg, planned, random) => f(p, cfg, t, planned, random);
    },
  };
}

/** Largest value of a shape field (the GEMM generators take dimensions up to 65535). */
export const DIM_MAX = 65535;
export const dim = () => int(1, DIM_MAX);

/** Images and a window over them (depthwise convs and pools); the padding, whose default differs, is each kernel's. */
export const WINDOW_FIELDS = {
  n: withDefault(dim(), 1),
  c: dim(),
  h: dim(),
  w: dim(),
  kh: withDefault(int(1, 255), 3),
  kw: withDefault(int(1, 255), 3),
  stride: withDefault(int(1, 63), 1),
} as const;

/** The band tiling of the depthwise and pooling kernels (ops-nn/conv/depthwise-plan.ts, ops-nn/eltwise/pool-plan.ts). */
export const BAND_TILING = { blocks: int(1, 4096), rows: int(0, 65535), doubleBuffer: bool() } as const;

/** The GEMM tiling (ops-nn/gemm/tiling.ts); range checks are the generator's. */
export const GEMM_TILING = {
  baseM: int(1, 4095),
  baseN: int(1, 4095),
  baseK: int(1, 4095),
  stepK: int(1, 4095),
  dbL1: bool(),
  dbL0: bool(),
  dbL0C: bool(),
  blockDim: int(1, 4096),
  /** keep a tile row's A panel resident in L1 (matrix A only) */
  aResident: bool(),
  /** cores along N of a core grid (0: tiles dealt in tile order) */
  gridN: int(0, 4096),
  /** K slices over cores, added up by a reduction launch (1: no split; INT8 only) */
  splitK: int(1, 4096),
} as const;

/** The streaming vector kernels' tiling (ops-nn/vector/elementwise.ts). */
export const VECTOR_TILING = {
  blocks: int(1, 4096),
  chunk: int(0, 2 ** 24),
  doubleBuffer: bool(),
  paramMode: oneOf(['auto', 'rows', 'table']),
} as const;
