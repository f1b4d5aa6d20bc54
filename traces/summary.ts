/**
 * The op summary in the vendor profiler's vocabulary, computed from a SimResult: total cycles and
 * time, per-pipe busy cycles and ratios (mac, scalar, mte1, mte2, mte3, fixpipe, vec), cube
 * utilisation, bytes per path, achieved TOPS, memory_bound and stalls, for the chip and per core.
 */
import { PIPES, type Pipe } from '../isa/types.js';
import { PATHS, type HwConfig, type PathName } from '../hw/config/types.js';
import type { L2Start, SimMode, SimResult } from '../hw/simulate.js';
import { levelTotals, type CoreSummary, type LevelBytes } from '../hw/stats.js';
import { cyclesToUs } from './format.js';
import { VENDOR_UNITS, VENDOR_UNIT_NAMES, type RatioName } from './vocabulary.js';

/** Busy cycles of a pipe and their share of the run's total cycles. */
export interface PipeUse {
  readonly busyCycles: number;
  readonly ratio: number;
}

/** Cycles a pipe's head spent blocked, by reason. */
export interface PipeStalls {
  readonly flag: number;
  readonly barrier: number;
  readonly bandwidth: number;
  /** extra occupancy from UB bank conflicts */
  readonly bank: number;
}

export interface Stalls {
  /** scalar unit stall cycles per reason (sync, queueFull, waitFlag, barrierAll, crossWait) */
  readonly scalar: Readonly<Record<string, number>>;
  readonly pipes: Readonly<Partial<Record<Pipe, PipeStalls>>>;
}

/** Figures shared by the chip total and each core. */
export interface Usage {
  /** chip: the run's total cycles; core: the cycle that core finished */
  readonly cycles: number;
  readonly aicoreTimeUs: number;
  /**
   * Pipes present. S is the scalar unit: scalarInsns * aluCycles + issued * issueCycles. Ratios are
   * over the run's total cycles, for cores too, so they compare across cores.
   */
  readonly pipes: Readonly<Partial<Record<Pipe, PipeUse>>>;
  /** the vendor ratios; 0 for a pipe that is absent */
  readonly ratios: Readonly<Record<RatioName, number>>;
  /** cube ideal cycles / (total cycles * cores with a cube); 0 without a cube */
  readonly cubeUtilization: number;
  /** bytes moved per data path (paths that moved nothing are left out) */
  readonly bytes: Readonly<Partial<Record<PathName, number>>>;
  /** GM bytes by level (L2 hits and misses, HBM reads and writes): in all, and per GM path */
  readonly memory: MemoryUse;
  /** cycles L1 reads streamed beside another pipe's writes to their L1 banks, summed over cores (charged or not) */
  readonly l1BankOverlapCycles: number;
  readonly macs: number;
  /** 2 * MACs / run time, in 1e12 ops per second */
  readonly achievedTops: number;
  /** mte2_ratio / max(mac_ratio, vec_ratio); null when both are 0 */
  readonly memoryBound: number | null;
  readonly stalls: Stalls;
}

export interface MemoryUse extends LevelBytes {
  readonly paths: Readonly<Partial<Record<PathName, LevelBytes>>>;
}

function memoryOf(cores: readonly CoreSummary[]): MemoryUse {
  const paths: Partial<Record<PathName, LevelBytes>> = {};
  for (const p of PATHS) {
    const have = cores.filter((c) => c.levelBytes[p] !== undefined);
    if (have.length) paths[p] = levelTotals(have.map((c) => ({ levelBytes: { [p]: c.levelBytes[p]! } })));
  }
  return { ...levelTotals(cores), paths };
}

export interface CoreUsage extends Usage {
  readonly core: number;
  readonly kind: string;
  readonly block: number;
}

/** The op summary of one run: the chip total, plus one entry per core in `perCore`. */
export interface OpSummary extends Usage {
  /**
   * the operator's real MACs, when the kernel gives them (padding and zero-point pieces excluded),
   * else null; at most `macs`
   */
  readonly usefulMacs: number | null;
  /**
   * useful MACs over what every cube of the preset could do in the run's cycles (cubeUtilization is
   * over the launched cores and counts padding); null without usefulMacs
   */
  readonly chipCubeUtilization: number | null;
  /** how the run's L2 started: warm from an earlier launch, or flushed */
  readonly l2Start: L2Start;
  /** dirty bytes the run left in the L2 (HBM writes still owed; not in memory.hbmWrite) */
  readonly l2DirtyBytes: number;
  readonly label: string;
  readonly preset: string;
  readonly clockMHz: number;
  readonly mode: SimMode;
  /** number of core instances that ran */
  readonly cores: number;
  readonly perCore: readonly CoreUsage[];
}

const scalarBusy = (c: CoreSummary, cfg: HwConfig) => c.scalarInsns * cfg.scalar.aluCycles + c.issued * cfg.scalar.issueCycles;

/** Busy cycles of every pipe the core has, the scalar unit included. */
function busyOf(c: CoreSummary, cfg: HwConfig): Partial<Record<Pipe, number>> {
  const out: Partial<Record<Pipe, number>> = { S: scalarBusy(c, cfg) };
  for (const p of PIPES) {
    const s = c.pipes[p];
    if (s) out[p] = s.busyCycles;
  }
  return out;
}

const ratioOf = (busy: number, cycles: number) => (cycles > 0 ? busy / cycles : 0);

function ratiosOf(pipes: Partial<Record<Pipe, PipeUse>>): Record<RatioName, number> {
  return Object.fromEntries(VENDOR_UNIT_NAMES.map((u) => [`${u}_ratio`, pipes[VENDOR_UNITS[u]]?.ratio ?? 0])) as Record<RatioName, number>;
}

function memoryBoundOf(r: Record<RatioName, number>): number | null {
  const denom = Math.max(r.mac_ratio, r.vec_ratio);
  return denom > 0 ? r.mte2_ratio / denom : null;
}

const topsOf = (macs: number, cycles: number, clockMHz: number) => (cycles > 0 ? (2 * macs) / (cycles / (clockMHz * 1e6)) / 1e12 : 0);

function sumRecords<K extends string>(keys: readonly K[], records: readonly Readonly<Partial<Record<K, number>>>[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const k of keys) {
    const total = records.reduce((s, r) => s + (r[k] ?? 0), 0);
    if (total !== 0) out[k] = total;
  }
  return out;
}

const l1OverlapOf = (cores: readonly CoreSummary[]): number =>
  cores.reduce((s, c) => s + Object.values(c.pipes).reduce((t, p) => t + p.l1BankOverlapCycles, 0), 0);

function stallsOf(cores: readonly CoreSummary[]): Stalls {
  const reasons = [...new Set(cores.flatMap((c) => Object.keys(c.scalarStall)))].filter((r) => r !== 'none');
  const scalar = Object.fromEntries(reasons.map((r) => [r, cores.reduce((s, c) => s + (c.scalarStall[r] ?? 0), 0)]));
  const pipes: Partial<Record<Pipe, PipeStalls>> = {};
  for (const p of PIPES) {
    const have = cores.map((c) => c.pipes[p]).filter((s) => s !== undefined);
    if (have.length === 0) continue;
    pipes[p] = {
      flag: have.reduce((s, x) => s + x.stallFlagCycles, 0),
      barrier: have.reduce((s, x) => s + x.stallBarrierCycles, 0),
      bandwidth: have.reduce((s, x) => s + x.stallBandwidthCycles, 0),
      bank: have.reduce((s, x) => s + x.stallBankCycles, 0),
    };
  }
  return { scalar, pipes };
}

function coreUsage(c: CoreSummary, total: number, cfg: HwConfig): CoreUsage {
  const busy = busyOf(c, cfg);
  const pipes: Partial<Record<Pipe, PipeUse>> = {};
  for (const p of PIPES) if (busy[p] !== undefined) pipes[p] = { busyCycles: busy[p], ratio: ratioOf(busy[p], total) };
  const ratios = ratiosOf(pipes);
  return {
    core: c.core,
    kind: c.kind,
    block: c.blockIdx,
    cycles: c.cycles,
    aicoreTimeUs: cyclesToUs(c.cycles, cfg.clockMHz),
    pipes,
    ratios,
    cubeUtilization: c.pipes.M ? ratioOf(c.cubeIdealCycles, total) : 0,
    bytes: sumRecords(PATHS, [c.pathBytes as Partial<Record<PathName, number>>]),
    memory: memoryOf([c]),
    l1BankOverlapCycles: l1OverlapOf([c]),
    macs: c.macs,
    achievedTops: topsOf(c.macs, total, cfg.clockMHz),
    memoryBound: memoryBoundOf(ratios),
    stalls: stallsOf([c]),
  };
}

/** Summarises a run. Chip busy cycles per pipe are the mean over the cores that have the pipe, rounded. */
export function summarise(result: SimResult, label = '', usefulMacs?: number): OpSummary {
  const cfg = result.config;
  const cycles = result.cycles;
  const perCore = result.cores.map((c) => coreUsage(c, cycles, cfg));
  const pipes: Partial<Record<Pipe, PipeUse>> = {};
  for (const p of PIPES) {
    const have = perCore.map((c) => c.pipes[p]?.busyCycles).filter((b) => b !== undefined);
    if (have.length === 0) continue;
    const busy = Math.round(have.reduce((s, b) => s + b, 0) / have.length);
    pipes[p] = { busyCycles: busy, ratio: ratioOf(busy, cycles) };
  }
  const ratios = ratiosOf(pipes);
  const cubeCores = result.cores.filter((c) => c.pipes.M !== undefined).length;
  const ideal = result.cores.reduce((s, c) => s + c.cubeIdealCycles, 0);
  const macs = result.cores.reduce((s, c) => s + c.macs, 0);
  const cubeUtilization = cubeCores > 0 ? ratioOf(ideal, cycles * cubeCores) : 0;
  // every cube of the chip: the coupled cores, or the AICs of a separated chip
  const chipCubes = cfg.cores;
  const useful = usefulMacs ?? null;
  return {
    usefulMacs: useful,
    chipCubeUtilization: useful === null ? null : macs > 0 ? ratioOf(ideal * (useful / macs), cycles * chipCubes) : 0,
    label,
    preset: cfg.name,
    clockMHz: cfg.clockMHz,
    mode: result.mode,
    cores: result.cores.length,
    cycles,
    aicoreTimeUs: cyclesToUs(cycles, cfg.clockMHz),
    pipes,
    ratios,
    cubeUtilization,
    bytes: sumRecords(PATHS, perCore.map((c) => c.bytes)),
    memory: memoryOf(result.cores),
    l1BankOverlapCycles: l1OverlapOf(result.cores),
    l2Start: result.l2Start,
    l2DirtyBytes: result.l2DirtyBytes,
    macs,
    achievedTops: topsOf(macs, cycles, cfg.clockMHz),
    memoryBound: memoryBoundOf(ratios),
    stalls: stallsOf(result.cores),
    perCore,
  };
}
