/**
 * Statistics registry: every figure a run produces, with a dotted name, a unit and a description,
 * listed in a stable order (core by core, then chip totals). Reports and CSVs are written from it.
 */
import { PIPES, PIPE_NAMES, type Pipe } from '../isa/types.js';
import { MNEMONICS } from '../isa/opcodes.js';
import { PATHS, type HwConfig, type PathName } from './config/types.js';
import { isGmPath } from './timing/cost.js';
import { SCALAR_BLOCK, type CoreState } from './engine/core-state.js';

export interface Stat {
  readonly name: string;
  readonly value: number;
  readonly unit: 'cycles' | 'instructions' | 'bytes' | 'MACs' | 'ratio';
  readonly desc: string;
}

export interface PipeSummary {
  readonly busyCycles: number;
  readonly ratio: number;
  readonly insns: number;
  readonly stallFlagCycles: number;
  readonly stallBarrierCycles: number;
  readonly stallBandwidthCycles: number;
  readonly stallBankCycles: number;
  /** cycles its L1 reads streamed beside another pipe's writes to the same L1 banks (charged or not) */
  readonly l1BankOverlapCycles: number;
}

export interface CoreSummary {
  readonly core: number;
  readonly kind: string;
  readonly blockIdx: number;
  readonly cycles: number;
  readonly scalarInsns: number;
  readonly issued: number;
  readonly scalarStall: Readonly<Record<string, number>>;
  readonly pipes: Readonly<Partial<Record<(typeof PIPES)[number], PipeSummary>>>;
  readonly pathBytes: Readonly<Record<string, number>>;
  /** GM bytes by level, per GM path the core used (hw/memory/l2-cache.ts) */
  readonly levelBytes: Readonly<Record<string, LevelBytes>>;
  readonly macs: number;
  /** cycles the cube's useful MACs take at peak rate: utilisation = this / cycles */
  readonly cubeIdealCycles: number;
  /** per opcode: count and summed start-to-completion cycles */
  readonly ops: Readonly<Record<string, { count: number; cycles: number }>>;
}

/** GM bytes by level: served by the L2, missing it, read from HBM (line fills), written to HBM (write-backs). */
export interface LevelBytes {
  readonly l2Hit: number;
  readonly l2Miss: number;
  readonly hbmRead: number;
  readonly hbmWrite: number;
}
export const LEVELS = ['l2Hit', 'l2Miss', 'hbmRead', 'hbmWrite'] as const satisfies readonly (keyof LevelBytes)[];
const LEVEL_DESC: Readonly<Record<keyof LevelBytes, string>> = {
  l2Hit: 'GM bytes served by lines resident in the L2',
  l2Miss: 'GM bytes whose L2 line was not resident',
  hbmRead: 'bytes read from HBM: whole lines filled on read misses, plus bypassed reads',
  hbmWrite: 'bytes written to HBM: dirty lines written back on eviction, plus bypassed writes',
};

/** Sum of each level over every path of every core in `cores`. */
export function levelTotals(cores: readonly Pick<CoreSummary, 'levelBytes'>[]): LevelBytes {
  const t = { l2Hit: 0, l2Miss: 0, hbmRead: 0, hbmWrite: 0 };
  for (const c of cores) for (const b of Object.values(c.levelBytes)) for (const k of LEVELS) t[k] += b[k];
  return t;
}

/** Bytes moved on the paths that read or write GM, over `cores`. */
export const gmBytesMoved = (cores: readonly Pick<CoreSummary, 'pathBytes'>[]): number =>
  cores.reduce((s, c) => s + Object.entries(c.pathBytes).reduce((t, [path, b]) => t + (isGmPath(path as PathName) ? b : 0), 0), 0);

export function summariseCore(c: CoreState, totalCycles: number): CoreSummary {
  const pipes: Partial<Record<(typeof PIPES)[number], PipeSummary>> = {};
  for (const p of c.pipes) {
    if (!p) continue;
    pipes[p.name] = {
      busyCycles: p.busyCycles,
      ratio: totalCycles > 0 ? p.busyCycles / totalCycles : 0,
      insns: p.insns,
      stallFlagCycles: p.stallFlagCycles,
      stallBarrierCycles: p.stallBarrierCycles,
      stallBandwidthCycles: p.stallBandwidthCycles,
      stallBankCycles: p.stallBankCycles,
      l1BankOverlapCycles: p.l1BankOverlapCycles,
    };
  }
  const ops: Record<string, { count: number; cycles: number }> = {};
  MNEMONICS.forEach((op, i) => {
    if (c.opCount[i]! > 0) ops[op] = { count: c.opCount[i]!, cycles: c.opCycles[i]! };
  });
  const pathBytes: Record<string, number> = {};
  const levelBytes: Record<string, LevelBytes> = {};
  PATHS.forEach((p, i) => {
    if (c.pathBytes[i]! > 0) pathBytes[p] = c.pathBytes[i]!;
    if (isGmPath(p) && c.pathBytes[i]! > 0)
      levelBytes[p] = { l2Hit: c.l2HitBytes[i]!, l2Miss: c.l2MissBytes[i]!, hbmRead: c.hbmReadBytes[i]!, hbmWrite: c.hbmWriteBytes[i]! };
  });
  return {
    core: c.id,
    kind: c.kind,
    blockIdx: c.blockIdx,
    cycles: c.finishTime,
    scalarInsns: c.scalarInsns,
    issued: c.issued,
    scalarStall: Object.fromEntries(SCALAR_BLOCK.map((b, i) => [b, c.scalarStall[i]!])),
    pipes,
    pathBytes,
    levelBytes,
    macs: c.macs,
    cubeIdealCycles: c.cubeIdealCycles,
    ops,
  };
}

/** Flattens core summaries into the registry's stable, named list. */
export function statList(cores: readonly CoreSummary[], cycles: number, cfg: HwConfig): Stat[] {
  const out: Stat[] = [];
  const add = (name: string, value: number, unit: Stat['unit'], desc: string) => out.push({ name, value, unit, desc });
  for (const c of cores) {
    const n = `core${c.core}`;
    add(`${n}.cycles`, c.cycles, 'cycles', `cycle the ${c.kind} core finished`);
    add(`${n}.scalar.insns`, c.scalarInsns, 'instructions', 'instructions executed by the scalar unit');
    add(`${n}.scalar.issued`, c.issued, 'instructions', 'instructions issued to other pipes');
    for (const why of SCALAR_BLOCK) {
      if (why === 'none') continue;
      add(`${n}.scalar.stall.${why}`, c.scalarStall[why] ?? 0, 'cycles', `scalar unit stalled: ${why}`);
    }
    // stat names use the profiler's pipe names (core0.pipe.CUBE.busyCycles), as every output does
    for (const [short, p] of Object.entries(c.pipes)) {
      const pipe = PIPE_NAMES[short as Pipe];
      add(`${n}.pipe.${pipe}.busyCycles`, p.busyCycles, 'cycles', 'union of [start, completion) of the pipe\'s instructions');
      add(`${n}.pipe.${pipe}.ratio`, p.ratio, 'ratio', 'busy cycles / total cycles');
      add(`${n}.pipe.${pipe}.insns`, p.insns, 'instructions', 'compute and copy instructions executed');
      add(`${n}.pipe.${pipe}.stall.flag`, p.stallFlagCycles, 'cycles', 'head blocked in wait_flag / cross_wait');
      add(`${n}.pipe.${pipe}.stall.barrier`, p.stallBarrierCycles, 'cycles', 'held by pipe_barrier');
      add(`${n}.pipe.${pipe}.stall.bandwidth`, p.stallBandwidthCycles, 'cycles', 'GM transfers slower than alone, from sharing bandwidth');
      add(`${n}.pipe.${pipe}.stall.bank`, p.stallBankCycles, 'cycles', 'extra occupancy from UB and L1 bank conflicts');
      add(`${n}.pipe.${pipe}.l1BankOverlap`, p.l1BankOverlapCycles, 'cycles', 'L1 reads streaming beside another pipe writing the same L1 banks (charged banks.l1.conflictCycles each)');
    }
    for (const [path, b] of Object.entries(c.pathBytes)) add(`${n}.bytes.${path}`, b, 'bytes', `bytes moved on ${path}`);
    for (const [path, lv] of Object.entries(c.levelBytes)) for (const k of LEVELS) add(`${n}.bytes.${path}.${k}`, lv[k], 'bytes', `${path}: ${LEVEL_DESC[k]}`);
    add(`${n}.cube.macs`, c.macs, 'MACs', 'multiply-accumulates issued to the cube');
    add(`${n}.cube.idealCycles`, c.cubeIdealCycles, 'cycles', 'cycles the MACs take at the cube\'s peak rate for their types');
  }
  const macs = cores.reduce((s, c) => s + c.macs, 0);
  add('chip.cycles', cycles, 'cycles', 'cycle the last core finished');
  add('chip.macs', macs, 'MACs', 'multiply-accumulates on all cores');
  const levels = levelTotals(cores);
  for (const k of LEVELS) add(`chip.bytes.${k}`, levels[k], 'bytes', `all cores: ${LEVEL_DESC[k]}`);
  add('chip.clockMHz', cfg.clockMHz, 'ratio', 'clock of the preset, MHz');
  return out;
}
