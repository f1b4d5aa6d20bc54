/**
 * The library entry point: launch programs on N blocks of a chip and run them to completion.
 * Functional mode executes real bytes; timing-only mode skips all tensor data and gives the same
 * cycles. Scripts, the CLI and tests all come through here.
 */
import type { Program } from '../isa/program.js';
import { BUFFERS, type BufferName } from '../isa/types.js';
import type { CoreKind, HwConfig } from './config/types.js';
import type { ExecContext } from './exec/context.js';
import { Chip } from './engine/chip.js';
import { L2Cache } from './memory/l2-cache.js';
import type { GmPlacement } from './memory/placement.js';
import { CoreState } from './engine/core-state.js';
import { decodeProgram, type DecodedProgram } from './engine/decode.js';
import { SimError } from './engine/errors.js';
import { checkFunctionalBytes, checkTimingGm, DEFAULT_MAX_CYCLES, DEFAULT_MAX_INSTRUCTIONS, runLimit } from './launch-limits.js';
import type { CoreInfo, TraceSink } from './engine/records.js';
import { statList, summariseCore, type CoreSummary, type Stat } from './stats.js';
import { Sanitizer, type SanitizerReport } from './sanitizer/sanitizer.js';

export type SimMode = 'functional' | 'timing';

export interface Launch {
  readonly config: HwConfig;
  /** program per core kind: `coupled` on coupled chips; `aic` and/or `aiv` on separated chips */
  readonly programs: Partial<Record<CoreKind, Program>>;
  /** number of blocks: coupled cores, or AIC groups (an AIC with its AIVs) on separated chips */
  readonly blockDim: number;
  /** functional mode: the initial GM image (copied); timing-only: the GM size in bytes */
  readonly gm: Uint8Array | number;
  readonly mode: SimMode;
  /** stop with an error past this many cycles (default 2^40) */
  readonly maxCycles?: number;
  /**
   * stop with an error past this many instructions over all cores, scalar instructions executed plus
   * instructions issued to pipes (default 10^7: a scalar loop that never exits stops in ~0.1 s)
   */
  readonly maxInstructions?: number;
  readonly sink?: TraceSink;
  /** engine optimisation, on by default; turning it off must not change any result (tested) */
  readonly runAhead?: boolean;
  /**
   * track happens-before between pipes and cores and report races, reads of never-written bytes and
   * unconsumed flags (hw/sanitizer); it changes no cycle, only costs time
   */
  readonly sanitize?: boolean;
  /**
   * the L2 the launch starts with, warm from earlier launches (`result.l2` of one); the launch updates
   * it in place. Default: a flushed (empty) L2. Its geometry must match the config's.
   */
  readonly l2?: L2Cache;
  /** where the launch's GM lives in the chip's memory, for the L2 (hw/memory/placement.ts; default: at 0) */
  readonly gmPlacement?: GmPlacement;
}

export interface SimResult {
  readonly cycles: number;
  readonly mode: SimMode;
  /** GM after the run (functional mode) */
  readonly gm: Uint8Array | null;
  readonly cores: readonly CoreSummary[];
  readonly stats: readonly Stat[];
  readonly coreInfo: readonly CoreInfo[];
  readonly config: HwConfig;
  /** decoded programs per core, for assembly text in reports */
  readonly programs: readonly DecodedProgram[];
  /** the sanitizer's findings, when the launch asked for it */
  readonly sanitizer?: SanitizerReport;
  /** the L2 after the run: pass it as `l2` to start the next launch warm */
  readonly l2: L2Cache;
  /** 'warm' when the launch was given an L2, 'flushed' when it started empty */
  readonly l2Start: L2Start;
  /** dirty bytes left in the L2 at the end: written to HBM only when they are evicted or flushed */
  readonly l2DirtyBytes: number;
}

export type L2Start = 'warm' | 'flushed';

interface Placement {
  kind: CoreKind;
  blockIdx: number;
  blockDim: number;
  group: number;
}

/** Which core instances a launch creates, in core-id order. */
function place(l: Launch): Placement[] {
  const cfg = l.config;
  const groups = cfg.cores;
  if (!Number.isSafeInteger(l.blockDim) || l.blockDim < 1 || l.blockDim > groups)
    throw new SimError(`blockDim ${l.blockDim} is outside 1..${groups} (${cfg.name} has ${groups} ${cfg.organisation === 'coupled' ? 'AI cores' : 'AIC groups'})`);
  const out: Placement[] = [];
  if (cfg.organisation === 'coupled') {
    if (!l.programs.coupled) throw new SimError(`${cfg.name} is a coupled chip: give a program for 'coupled' cores`);
    for (let b = 0; b < l.blockDim; b++) out.push({ kind: 'coupled', blockIdx: b, blockDim: l.blockDim, group: b });
    return out;
  }
  if (l.programs.coupled) throw new SimError(`${cfg.name} is a separated chip: give programs for 'aic' and/or 'aiv' cores, not 'coupled'`);
  if (!l.programs.aic && !l.programs.aiv) throw new SimError(`give a program for 'aic' and/or 'aiv' cores`);
  for (let g = 0; g < l.blockDim; g++) {
    if (l.programs.aic) out.push({ kind: 'aic', blockIdx: g, blockDim: l.blockDim, group: g });
    if (l.programs.aiv)
      for (let v = 0; v < cfg.aivPerAic; v++)
        out.push({ kind: 'aiv', blockIdx: g * cfg.aivPerAic + v, blockDim: l.blockDim * cfg.aivPerAic, group: g });
  }
  return out;
}

function functionalContext(core: CoreState, cfg: HwConfig, gm: Uint8Array): ExecContext {
  const bytes = new Map<BufferName, Uint8Array>();
  bytes.set('GM', gm);
  for (const b of BUFFERS) {
    const size = core.bufSize[BUFFERS.indexOf(b)]!;
    if (b !== 'GM' && size > 0) bytes.set(b, new Uint8Array(size));
  }
  const views = new Map([...bytes].map(([b, u]) => [b, new DataView(u.buffer, u.byteOffset, u.byteLength)]));
  return {
    config: cfg,
    mask: core.mask,
    bytes: (b) => bytes.get(b)!,
    view: (b) => views.get(b)!,
  };
}

/** Decoded programs per (program, core kind, config): sweeps re-run the same program many times. */
const decodeCache = new WeakMap<Program, Map<string, { cfg: HwConfig; decoded: DecodedProgram }[]>>();

function decodeCached(prog: Program, kind: CoreKind, cfg: HwConfig): DecodedProgram {
  let byKind = decodeCache.get(prog);
  if (!byKind) decodeCache.set(prog, (byKind = new Map()));
  let list = byKind.get(kind);
  if (!list) byKind.set(kind, (list = []));
  const hit = list.find((e) => e.cfg === cfg);
  if (hit) return hit.decoded;
  const decoded = decodeProgram(prog, kind, cfg, `${kind} program`);
  if (list.length >= 8) list.shift();
  list.push({ cfg, decoded });
  return decoded;
}

/** Runs a launch to completion. Throws SimError for illegal programs, deadlocks and run limits. */
export function simulate(l: Launch): SimResult {
  const cfg = l.config;
  const maxCycles = runLimit(l.maxCycles, DEFAULT_MAX_CYCLES, 'maxCycles', 'max-cycles');
  const maxInstructions = runLimit(l.maxInstructions, DEFAULT_MAX_INSTRUCTIONS, 'maxInstructions', 'max-instructions');
  const placements = place(l);
  const decoded = new Map<CoreKind, DecodedProgram>();
  for (const [kind, prog] of Object.entries(l.programs) as [CoreKind, Program][])
    decoded.set(kind, decodeCached(prog, kind, cfg));
  const functional = l.mode === 'functional';
  if (functional && !(l.gm instanceof Uint8Array)) throw new SimError('functional mode needs a GM image (Uint8Array), not a size');
  if (typeof l.gm === 'number') checkTimingGm(l.gm);
  if (functional) checkFunctionalBytes(cfg, (l.gm as Uint8Array).length, placements.map((p) => p.kind));
  const gm = functional ? new Uint8Array(l.gm as Uint8Array) : null;
  const gmBytes = gm ? gm.length : typeof l.gm === 'number' ? l.gm : l.gm.length;
  const cores = placements.map((pl, id) => new CoreState(id, pl.kind, pl.blockIdx, pl.blockDim, decoded.get(pl.kind)!, cfg, gmBytes));
  cores.forEach((c, id) => {
    const g = placements[id]!.group;
    c.partners = cores.filter((o) => o.id !== id && placements[o.id]!.group === g && o.kind !== c.kind).map((o) => o.id);
    if (gm) c.ctx = functionalContext(c, cfg, gm);
  });
  const coreInfo: CoreInfo[] = cores.map((c) => ({
    core: c.id,
    kind: c.kind,
    blockIdx: c.blockIdx,
    pipes: c.pipes.filter((p) => p !== undefined).map((p) => p.name),
  }));
  l.sink?.begin?.(coreInfo);
  const sanitizer = l.sanitize ? new Sanitizer(cfg, cores, gmBytes) : undefined;
  if (l.l2 && l.l2.geometry !== L2Cache.geometryOf(cfg))
    throw new SimError(`the warm L2 given to the launch has geometry ${l.l2.geometry} (bytes/line/ways), the config has ${L2Cache.geometryOf(cfg)}: pass an L2 from a launch of the same preset and l2 settings`);
  const l2 = l.l2 ?? new L2Cache(cfg);
  const chip = new Chip(cfg, cores, { functional, maxCycles, maxInstructions, runAhead: l.runAhead ?? true, sink: l.sink, sanitizer }, l2, l.gmPlacement);
  let cycles: number;
  try {
    cycles = chip.run();
  } catch (e) {
    // a run that stops (deadlock, illegal access) still reports what the sanitizer saw up to then
    if (sanitizer && e instanceof SimError) e.sanitizer = sanitizer.finish();
    throw e;
  }
  const summaries = cores.map((c) => summariseCore(c, cycles));
  return {
    cycles,
    mode: l.mode,
    gm,
    cores: summaries,
    stats: statList(summaries, cycles, cfg),
    coreInfo,
    config: cfg,
    programs: cores.map((c) => c.prog),
    ...(sanitizer ? { sanitizer: sanitizer.finish() } : {}),
    l2,
    l2Start: l.l2 ? 'warm' : 'flushed',
    l2DirtyBytes: l2.dirtyBytes(),
  };
}
