/**
 * What a regression run records per kernel and per entry: total cycles and each pipe's busy cycles
 * summed over the cores. Kernels run in timing-only mode (no tensor data: the GM is just a size),
 * which gives the same cycles as a functional run (docs/timing-model.md, section 1) and keeps large
 * tables fast.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { simulate } from '../../../hw/simulate.js';
import { PIPES, type Pipe } from '../../../isa/types.js';
import type { Kernel } from '../../../ops-nn/kernel.js';

/** Busy cycles per pipe, summed over cores; pipes that were never busy are left out. */
export type PipeCycles = Readonly<Partial<Record<Pipe, number>>>;

/** One simulated kernel. */
export interface KernelMeasure {
  readonly name: string;
  readonly cycles: number;
  readonly pipes: PipeCycles;
}

/** One manifest entry: its kernels run one after another, so cycles and pipes add up. */
export interface Measurement {
  readonly id: string;
  readonly kernel: string;
  readonly preset: string;
  readonly cycles: number;
  readonly pipes: PipeCycles;
  readonly kernels: readonly { readonly name: string; readonly cycles: number }[];
}

/** Adds pipe tables, keeping PIPES order so serialised baselines are stable. */
export function addPipes(tables: readonly PipeCycles[]): PipeCycles {
  const out: Partial<Record<Pipe, number>> = {};
  for (const p of PIPES) {
    const sum = tables.reduce((s, t) => s + (t[p] ?? 0), 0);
    if (sum > 0) out[p] = sum;
  }
  return out;
}

/** Runs a generated kernel timing-only on `cfg`. */
export function timeKernel(cfg: HwConfig, k: Kernel): KernelMeasure {
  const r = simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: k.gmBytes, mode: 'timing' });
  const perCore = r.cores.map((c) => Object.fromEntries(Object.entries(c.pipes).map(([p, s]) => [p, s.busyCycles])) as PipeCycles);
  return { name: k.name, cycles: r.cycles, pipes: addPipes(perCore) };
}

/** The record of an entry from the kernels it ran. */
export const entryMeasurement = (id: string, kernel: string, preset: string, runs: readonly KernelMeasure[]): Measurement => ({
  id,
  kernel,
  preset,
  cycles: runs.reduce((s, r) => s + r.cycles, 0),
  pipes: addPipes(runs.map((r) => r.pipes)),
  kernels: runs.map((r) => ({ name: r.name, cycles: r.cycles })),
});
