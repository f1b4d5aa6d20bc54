/**
 * What a regression run records per kernel and per entry: total cycles, each pipe's busy cycles
 * summed over the cores, GM bytes by level, issued and useful MACs, and how the L2 started. Kernels run in timing-only mode (no tensor data: the GM is just a size),
 * which gives the same cycles as a functional run (docs/timing-model.md, section 1) and keeps large
 * tables fast.
 */
import { simulateInSequence } from '../sequence.js';
import type { HwConfig } from '../../../hw/config/types.js';
import { PIPES, type Pipe } from '../../../isa/types.js';
import type { Kernel } from '../../../ops-nn/kernel.js';
import { LaunchSequence, type Carry, type L2Policy } from '../../../ops-nn/launch-sequence.js';
import { levelTotals, type LevelBytes } from '../../../hw/stats.js';
import type { L2Start } from '../../../hw/simulate.js';

/** Busy cycles per pipe, summed over cores; pipes that were never busy are left out. */
export type PipeCycles = Readonly<Partial<Record<Pipe, number>>>;

/** A kernel of an entry, with the tensors it reads that an earlier launch of the entry wrote. */
export interface PlannedLaunch {
  readonly kernel: Kernel;
  readonly carries?: readonly Carry[];
}

/** One simulated kernel. */
export interface KernelMeasure {
  readonly name: string;
  readonly cycles: number;
  readonly pipes: PipeCycles;
  readonly l2Start: L2Start;
  /** GM bytes by level: L2 hits and misses, HBM reads and writes */
  readonly memory: LevelBytes;
  readonly macs: number;
  /** the operator's real MACs, when the kernel gives them */
  readonly usefulMacs: number | null;
}

/** One manifest entry: its kernels run one after another, so cycles, pipes, bytes and MACs add up. */
export interface Measurement {
  readonly id: string;
  readonly kernel: string;
  readonly preset: string;
  readonly cycles: number;
  readonly pipes: PipeCycles;
  readonly kernels: readonly { readonly name: string; readonly cycles: number; readonly l2Start?: L2Start }[];
  /** the L2 between the entry's launches, and the figures below (absent in baselines written before them) */
  readonly l2?: L2Policy;
  readonly memory?: LevelBytes;
  readonly macs?: number;
  readonly usefulMacs?: number | null;
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

/** Runs a generated kernel timing-only on `cfg`, as the next launch of `sequence`. */
export function timeKernel(cfg: HwConfig, l: PlannedLaunch, sequence: LaunchSequence): KernelMeasure {
  const k = l.kernel;
  const r = simulateInSequence(sequence, { config: cfg, programs: k.programs, blockDim: k.blockDim, gm: k.gmBytes, mode: 'timing' }, k.tensors, l.carries);
  const perCore = r.cores.map((c) => Object.fromEntries(Object.entries(c.pipes).map(([p, s]) => [p, s.busyCycles])) as PipeCycles);
  return {
    name: k.name,
    cycles: r.cycles,
    pipes: addPipes(perCore),
    l2Start: r.l2Start,
    memory: levelTotals(r.cores),
    macs: r.cores.reduce((s, c) => s + c.macs, 0),
    usefulMacs: k.usefulMacs ?? null,
  };
}

/** Times an entry's launches in order, as one sequence with the L2 `policy` between them. */
export const timeLaunches = (cfg: HwConfig, launches: readonly PlannedLaunch[], policy: L2Policy): KernelMeasure[] => {
  const sequence = new LaunchSequence(policy);
  return launches.map((l) => timeKernel(cfg, l, sequence));
};

/** The record of an entry from the kernels it ran. */
export const entryMeasurement = (id: string, kernel: string, preset: string, runs: readonly KernelMeasure[], l2: L2Policy): Measurement => ({
  id,
  kernel,
  preset,
  cycles: runs.reduce((s, r) => s + r.cycles, 0),
  pipes: addPipes(runs.map((r) => r.pipes)),
  kernels: runs.map((r) => ({ name: r.name, cycles: r.cycles, l2Start: r.l2Start })),
  l2,
  memory: addLevels(runs.map((r) => r.memory)),
  macs: runs.reduce((s, r) => s + r.macs, 0),
  usefulMacs: runs.some((r) => r.usefulMacs !== null) ? runs.reduce((s, r) => s + (r.usefulMacs ?? 0), 0) : null,
});

const addLevels = (ls: readonly LevelBytes[]): LevelBytes => ({
  l2Hit: ls.reduce((s, l) => s + l.l2Hit, 0),
  l2Miss: ls.reduce((s, l) => s + l.l2Miss, 0),
  hbmRead: ls.reduce((s, l) => s + l.hbmRead, 0),
  hbmWrite: ls.reduce((s, l) => s + l.hbmWrite, 0),
});
