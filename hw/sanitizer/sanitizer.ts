/**
 * The synchronisation sanitizer: happens-before tracking over the run the engine simulates.
 *
 * Agents are the pipes of every core (the scalar unit S included). Each agent has a vector clock; an
 * instruction's accesses carry its agent's epoch (agent, clock). Edges:
 * - program order within one pipe (a pipe runs its queue in order: HW §Pipes and synchronisation),
 *   and from the scalar unit to every instruction it issues afterwards;
 * - set_flag -> the wait_flag that consumes it (the set carries everything its pipe had started
 *   before it, which the set waits for), cross_set -> the cross_wait that consumes it (first set,
 *   first wait), and every pipe -> barrier_all on the scalar unit.
 * Two accesses to overlapping bytes by different agents, at least one a write, not ordered by these
 * edges are a race, whatever their cycles in this run. GM is one shadow shared by all cores (the
 * host's image counts as written before the launch); on-chip buffers start never written. The
 * sanitizer also reports reads of never-written bytes, a set_flag on a flag still set, and flags or
 * cross-core sets left unconsumed at the end. It needs addresses only, so timing-only runs have it.
 *
 * Same-pipe conflicts are not races here: PipeBarrier orders them on the hardware, and the engine
 * models a pipe as in order.
 */
import { BUFFERS, PIPES, type BufferName } from '../../isa/types.js';
import { OPCODES } from '../../isa/opcodes.js';
import type { InsnOf } from '../../isa/program.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import type { Dtype } from '../../isa/types.js';
import { applyMask } from '../exec/vector.js';
import { REPEAT_BYTES, shapeOf, type Layout } from '../../isa/shapes.js';
import type { HwConfig } from '../config/types.js';
import type { CoreState } from '../engine/core-state.js';
import { S, type DecodedInsn } from '../engine/decode.js';
import { fixpipeTaint, mmadTaint } from './cube-taint.js';
import { addressesAt, mergeRuns, orderedRunsOf, runsOf } from './runs.js';
import { NEVER_WRITTEN, Shadow, type Access, type ByteState, type Origin } from './shadow.js';
import { FINDING_KINDS, type Finding, type FindingKind, type InsnRef } from './findings.js';

const NP = PIPES.length;
const GM = BUFFERS.indexOf('GM');
/** Lanes of the vector mask, and the families whose lanes it gates. */
const MASK_LANES = 128;
const MASKED_FAMILIES: ReadonlySet<string> = new Set(['vec-binary', 'vec-scalar', 'vec-axpy', 'vec-unary', 'vec-dup', 'vec-conv', 'vec-deq', 'vec-vdeq', 'vec-reduce']);

/** Cross-core flag ids a core has (its counters). */
const CROSS_IDS = 16;
/** Most findings kept in full; the rest are counted. */
const MAX_FINDINGS = 200;

/** Operands, besides `dst`, that an instruction writes; and whether it reads its `dst` too. */
const READS_DST: Readonly<Partial<Record<string, (insn: Record<string, unknown>) => boolean>>> = {
  vaxpy: () => true,
  mmad: (i) => i['init'] === 'acc',
};

/** The host wrote GM before the launch: ordered before everything. */
const HOST: Access = { agent: -1, clock: 0, core: -1, pc: -1, at: 0 };

/** A set on its way: the clock it carries and the instruction that made it. */
interface Pending {
  readonly clock: Int32Array;
  readonly by: InsnRef;
}

interface OperandPlan {
  readonly layouts: readonly Layout[];
  /** per mem operand: 'w', 'r' or 'rw' */
  readonly modes: readonly string[];
  /** how output bytes depend on input bytes (MAPPINGS) */
  readonly mapping: Mapping;
  /** dma: bursts of the copy */
  readonly bursts: number;
  /** bytes from each operand's address to its first touched byte (a mask can skip leading blocks) */
  readonly skips?: readonly number[];
  /** mem operand names, in operand order */
  readonly names: readonly string[];
  /** masked vector families: element bytes of each operand (absent for the rest) */
  readonly sizes?: readonly number[];
}

/** The instruction an access belongs to, as the checks need it. */
interface AccessCtx {
  readonly c: CoreState;
  readonly d: DecodedInsn;
  readonly pipe: number;
  readonly a: number;
  readonly vc: Int32Array;
  readonly now: number;
}

/** An input operand's never-written bytes: offsets along its layout (of `total`), and where first read. */
interface PoisonedInput {
  readonly offsets: readonly number[];
  readonly total: number;
  readonly origin: Origin;
}

/**
 * Which output bytes depend on which input bytes, as offsets along the operands' layouts:
 * - bursts: DataCopy; burst k of the output is burst k of the input, byte for byte (the on-chip side
 *   of a burst is padded to 32 B blocks, the GM side is not);
 * - proportional: vector ops, LoadData 2D, L0C -> UB; output byte k comes from input byte
 *   k * in / out (lanes keep their order; a conversion changes the element size);
 * - all: cube, img2col, fixpipe, ND -> NZ; every output byte may depend on every input byte.
 */
type Mapping = 'bursts' | 'proportional' | 'all';
const MAPPINGS: Readonly<Record<Mapping, (offsets: readonly number[], inBytes: number, outBytes: number, bursts: number) => number[]>> = {
  bursts: (offsets, inBytes, outBytes, bursts) => {
    const uIn = inBytes / bursts;
    const uOut = outBytes / bursts;
    const out: number[] = [];
    for (let i = 0; i < offsets.length; i += 2)
      for (let k = Math.floor(offsets[i]! / uIn); k * uIn < offsets[i + 1]!; k++) {
        const w1 = Math.max(offsets[i]!, k * uIn) - k * uIn;
        const w2 = Math.min(offsets[i + 1]!, (k + 1) * uIn) - k * uIn;
        if (w1 < uOut) out.push(k * uOut + w1, k * uOut + Math.min(w2, uOut));
      }
    return out;
  },
  proportional: (offsets, inBytes, outBytes) => scale(offsets, outBytes / inBytes),
  all: (_offsets, _inBytes, outBytes) => [0, outBytes],
};
/** Element bytes of each operand of the dequantising casts: s32 in, f16 out, f16 scales. */
const DEQ_OPERAND_BYTES: Readonly<Partial<Record<string, Readonly<Record<string, number>>>>> = {
  'vec-deq': { dst: 2, src0: 4 },
  'vec-vdeq': { dst: 2, src0: 4, src1: 2 },
};
const MAPPING_OF: Readonly<Partial<Record<string, Mapping>>> = {
  dma: 'bursts',
  load2d: 'proportional',
  'l0c-ub': 'proportional',
  'l0c-ub-deq': 'proportional',
  'l0c-ub-vdeq': 'proportional',
  'l0c-ub-f322f16': 'proportional',
  'vec-binary': 'proportional',
  'vec-scalar': 'proportional',
  'vec-axpy': 'proportional',
  'vec-unary': 'proportional',
  'vec-conv': 'proportional',
  'vec-deq': 'proportional',
  'vec-vdeq': 'proportional',
  'vec-reduce': 'proportional',
};

export interface SanitizerReport {
  readonly findings: readonly Finding[];
  /** findings by kind, including those beyond the ones kept */
  readonly counts: Readonly<Record<FindingKind, number>>;
}

export class Sanitizer {
  private readonly agents: number;
  /** per agent: its vector clock (the scalar units' clocks are replaced on change: queue slots keep snapshots) */
  private readonly clocks: Int32Array[];
  private readonly gm: Shadow;
  private readonly local = new Map<number, Shadow>();
  /** vector clock each set flag carries, per core and flag index */
  private readonly flagClock: (Int32Array | null)[][];
  private readonly flagSetter: (InsnRef | null)[][];
  /** sets reached but not yet fired, per core and flag index (or cross-core id), in order */
  private readonly flagQueue: Pending[][][];
  private readonly crossQueue: Pending[][][];
  /** cross-core sets fired at a core and not yet consumed, per core and id, in order */
  private readonly crossPending: Pending[][][];
  private readonly plans = new WeakMap<DecodedInsn, OperandPlan>();
  /** each core's vector mask, followed through set_mask_count / set_mask_bits */
  private readonly masks = new Map<number, Uint8Array>();
  private readonly kept: Finding[] = [];
  private readonly seen = new Map<string, Finding>();
  private readonly counts = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;

  constructor(
    private readonly cfg: HwConfig,
    private readonly cores: readonly CoreState[],
    gmBytes: number,
  ) {
    this.agents = cores.length * NP;
    this.clocks = Array.from({ length: this.agents }, () => new Int32Array(this.agents));
    this.gm = new Shadow(gmBytes, { write: HOST, reads: [], poison: null });
    const flags = NP * NP * cfg.eventIds;
    this.flagClock = cores.map(() => new Array<Int32Array | null>(flags).fill(null));
    this.flagSetter = cores.map(() => new Array<InsnRef | null>(flags).fill(null));
    this.flagQueue = cores.map(() => Array.from({ length: flags }, () => []));
    this.crossQueue = cores.map(() => Array.from({ length: CROSS_IDS }, () => []));
    this.crossPending = cores.map(() => Array.from({ length: CROSS_IDS }, () => []));
  }

  // ---- clocks ------------------------------------------------------------------------------------

  private agentOf(c: CoreState, pipe: number): number {
    return c.id * NP + pipe;
  }

  /** The scalar unit's clock as it stands: a snapshot a queue slot may keep (it is never mutated). */
  scalarClock(c: CoreState): Int32Array {
    return this.clocks[this.agentOf(c, S)]!;
  }

  /** The scalar unit learns `other`: its clock becomes a new array, so older snapshots stay valid. */
  private scalarJoin(c: CoreState, other: Int32Array): void {
    const a = this.agentOf(c, S);
    const next = Int32Array.from(this.clocks[a]!);
    join(next, other);
    next[a]! += 1;
    this.clocks[a] = next;
  }

  /** An instruction as reports name it; the names are formatted only when a report reads them (every set_flag makes one). */
  private ref(c: CoreState, d: DecodedInsn, pipe: number, at: number): InsnRef {
    return {
      core: c.id,
      get who() {
        return c.who();
      },
      pipe: PIPES[pipe]!,
      pc: d.pc,
      get text() {
        return c.prog.text(d.pc);
      },
      at,
    };
  }

  // ---- engine hooks ------------------------------------------------------------------------------

  /**
   * A pipe instruction starts: its pipe learns what the scalar unit knew when it issued it, ticks, and
   * its accesses are checked against the shadows and recorded.
   */
  start(c: CoreState, pipe: number, d: DecodedInsn, addr: Float64Array, issuedWith: Int32Array | null, now: number): void {
    const a = this.agentOf(c, pipe);
    const vc = this.clocks[a]!;
    if (issuedWith) join(vc, issuedWith);
    vc[a]! += 1;
    if (d.family === 'vec-mask') {
      applyMask(this.maskOf(c), d.insn as InsnOf<'set_mask_count'> | InsnOf<'set_mask_bits'>);
      return;
    }
    if (d.mems.length === 0) return;
    const plan = this.masked(c, d, this.planOf(d));
    const access: Access = { agent: a, clock: vc[a]!, core: c.id, pc: d.pc, at: now };
    const ctx: AccessCtx = { c, d, pipe, a, vc, now };
    // reads first (an instruction reads its inputs before it writes), collecting never-written input
    const poisoned: PoisonedInput[] = [];
    for (let i = 0; i < d.mems.length; i++) {
      if (!plan.modes[i]!.includes('r')) continue;
      const p = this.read(ctx, d.memBuf[i]!, plan.layouts[i]!, addr[i]! + (plan.skips?.[i] ?? 0), access);
      if (p) poisoned.push(p);
    }
    for (let i = 0; i < d.mems.length; i++) {
      if (!plan.modes[i]!.includes('w')) continue;
      this.write(ctx, d.memBuf[i]!, plan.layouts[i]!, addr[i]! + (plan.skips?.[i] ?? 0), access, poisoned, plan, addr);
    }
  }

  /** Checks and records a read operand; returns which of its bytes (by layout offset) were never written. */
  private read(x: AccessCtx, buf: number, layout: Layout, base: number, access: Access): PoisonedInput | null {
    const shadow = this.shadowOf(x.c, buf);
    const runs = orderedRunsOf(layout, base);
    const offsets: number[] = [];
    let origin: Origin | null = null;
    let total = 0;
    for (let r = 0; r < runs.length; r += 2) {
      const lo = runs[r]!;
      const hi = runs[r + 1]!;
      shadow.visit(lo, hi, (st, l, h) => {
        if (st.write !== null && !ordered(st.write, x.vc, x.a)) this.race(x, buf, l, h, st.write, 'reads', 'wrote');
        if (st.write === null || st.poison !== null) {
          origin ??= st.poison ?? { core: x.c.id, pc: x.d.pc, pipe: x.pipe, buf, lo: l, hi: h };
          offsets.push(total + (l - lo), total + (h - lo));
        }
      });
      total += hi - lo;
    }
    const read = withRead(access);
    for (let r = 0; r < runs.length; r += 2) shadow.update(runs[r]!, runs[r + 1]!, read);
    return origin ? { offsets, total, origin } : null;
  }

  /** Checks and records a write operand, carrying never-written input into the bytes it computes. */
  private write(x: AccessCtx, buf: number, layout: Layout, base: number, access: Access, poisoned: readonly PoisonedInput[], plan: OperandPlan, addr: Float64Array): void {
    const shadow = this.shadowOf(x.c, buf);
    // which written bytes depend on never-written input (see MAPPINGS), before this write hides it
    const dirty = poisoned.length === 0 ? [] : this.dirtyBytes(x, layout, base, poisoned, plan, addr);
    const sorted = runsOf(layout, base);
    for (let r = 0; r < sorted.length; r += 2) {
      const lo = sorted[r]!;
      const hi = sorted[r + 1]!;
      shadow.visit(lo, hi, (st, l, h) => {
        if (st.write !== null && !ordered(st.write, x.vc, x.a)) this.race(x, buf, l, h, st.write, 'writes', 'wrote');
        for (const rd of st.reads) if (!ordered(rd, x.vc, x.a)) this.race(x, buf, l, h, rd, 'writes', 'read');
      });
      shadow.update(lo, hi, withWrite(access, null));
    }
    if (dirty.length === 0) return;
    const origin = poisoned[0]!.origin;
    for (let r = 0; r < dirty.length; r += 2) shadow.update(dirty[r]!, dirty[r + 1]!, withWrite(access, origin));
    if (buf === GM) {
      const by = this.ref(x.c, x.d, x.pipe, x.now);
      const oc = this.cores[origin.core]!;
      const from = this.ref(oc, oc.prog.insns[origin.pc]!, origin.pipe, 0);
      this.report(
        'uninitialised-read',
        `${by.who}: ${pos(by)} stores GM [${dirty[0]}, ${dirty[dirty.length - 1]}) computed from bytes nothing wrote since the launch: ${bufName(origin.buf)} [${origin.lo}, ${origin.hi}) read by ${pos(from, from.core !== by.core)}`,
        [by, from],
        `${x.c.id}:${x.d.pc}`,
      );
    }
  }

  private dirtyBytes(x: AccessCtx, layout: Layout, base: number, poisoned: readonly PoisonedInput[], plan: OperandPlan, addr: Float64Array): number[] {
    const tainted = (b: BufferName, lo: number, hi: number) => this.tainted(x.c, BUFFERS.indexOf(b), lo, hi);
    if (x.d.insn.op === 'mmad') return mmadTaint(x.d.insn, addr, this.cfg.cube.k0Bytes, tainted);
    if (x.d.insn.op === 'fixpipe') {
      const t = fixpipeTaint(x.d.insn, addr, tainted);
      if (t) return t;
    }
    const runs = orderedRunsOf(layout, base);
    const outBytes = runBytes(runs);
    return addressesAt(runs, mergeRuns(poisoned.flatMap((p) => MAPPINGS[plan.mapping](p.offsets, p.total, outBytes, plan.bursts))));
  }

  /** Does any byte of [lo, hi) of `buf` (on core `c`) derive from never-written bytes? */
  private tainted(c: CoreState, buf: number, lo: number, hi: number): boolean {
    let bad = false;
    this.shadowOf(c, buf).visit(lo, hi, (st) => {
      if (st.write === null || st.poison !== null) bad = true;
    });
    return bad;
  }

  private race(x: AccessCtx, buf: number, lo: number, hi: number, earlier: Access, does: string, did: string): void {
    const later = this.ref(x.c, x.d, x.pipe, x.now);
    const oc = this.cores[earlier.core]!;
    const od = oc.prog.insns[earlier.pc]!;
    const first = this.ref(oc, od, earlier.agent % NP, earlier.at);
    const gm = buf === GM;
    const where = gm ? `GM [${lo}, ${hi})` : `${bufName(buf)} [${lo}, ${hi}) of ${later.who}`;
    this.report(
      'race',
      `${where}: ${pos(later, gm)} ${does} it at cycle ${x.now}; ${pos(first, gm || later.core !== first.core)} ${did} it at cycle ${earlier.at}, and no set_flag / wait_flag pair, barrier_all or cross-core flag orders the two`,
      [later, first],
      `${earlier.core}:${earlier.pc}:${x.c.id}:${x.d.pc}:${buf}`,
    );
  }

  /**
   * A set_flag on `pipe` (S for the scalar unit) was reached: it carries that pipe's clock (and what the
   * scalar unit knew when it issued it) until it fires.
   */
  flagQueued(c: CoreState, pipe: number, flag: number, d: DecodedInsn, issuedWith: Int32Array | null, now: number): void {
    const clock = Int32Array.from(this.clocks[this.agentOf(c, pipe)]!);
    if (issuedWith) join(clock, issuedWith);
    this.flagQueue[c.id]![flag]!.push({ clock, by: this.ref(c, d, pipe, now) });
  }

  /**
   * The oldest queued set of `flag` fires. `stillSet`: the flag had not been consumed, so this set is
   * lost (reported; the engine keeps the flag set).
   */
  flagFired(c: CoreState, flag: number, stillSet: boolean): void {
    const set = this.flagQueue[c.id]![flag]!.shift();
    if (!set) return;
    const earlier = this.flagSetter[c.id]![flag];
    if (stillSet && earlier) {
      this.report('flag-set-twice', `${set.by.who}: ${flagName(flag, this.cfg.eventIds)} set again by ${pos(set.by)} while still set by ${pos(earlier)} (a wait_flag is missing between them; the hardware's behaviour is undefined)`, [set.by, earlier]);
      return;
    }
    this.flagClock[c.id]![flag] = set.clock;
    this.flagSetter[c.id]![flag] = set.by;
  }

  /** A wait_flag on `pipe` consumed its flag. */
  flagWait(c: CoreState, pipe: number, flag: number): void {
    const clock = this.flagClock[c.id]![flag];
    this.flagClock[c.id]![flag] = null;
    this.flagSetter[c.id]![flag] = null;
    if (!clock) return;
    if (pipe === S) this.scalarJoin(c, clock);
    else join(this.clocks[this.agentOf(c, pipe)]!, clock);
  }

  /** A cross_set on `pipe` was reached: it carries that pipe's clock until it fires. */
  crossQueued(c: CoreState, pipe: number, id: number, d: DecodedInsn, issuedWith: Int32Array | null, now: number): void {
    const clock = Int32Array.from(this.clocks[this.agentOf(c, pipe)]!);
    if (issuedWith) join(clock, issuedWith);
    this.crossQueue[c.id]![id]!.push({ clock, by: this.ref(c, d, pipe, now) });
  }

  /** The oldest queued cross_set of `id` on core `c` fires: every partner may consume it once. */
  crossFired(c: CoreState, id: number): void {
    const set = this.crossQueue[c.id]![id]!.shift();
    if (!set) return;
    for (const k of c.partners) this.crossPending[k]![id]!.push(set);
  }

  /** A cross_wait on `pipe` consumed the oldest pending set of `id`. */
  crossWait(c: CoreState, pipe: number, id: number): void {
    const set = this.crossPending[c.id]![id]!.shift();
    if (!set) return;
    if (pipe === S) this.scalarJoin(c, set.clock);
    else join(this.clocks[this.agentOf(c, pipe)]!, set.clock);
  }

  /** An access the engine refuses (it stops the run): reported like every finding. */
  illegalAccess(kind: 'out-of-bounds' | 'misaligned', c: CoreState, d: DecodedInsn, pipe: number, what: string): void {
    const by = this.ref(c, d, pipe, -1);
    this.report(kind, `${by.who}: ${pos(by)}: ${what}`, [by]);
  }

  /** barrier_all completed: the scalar unit has seen everything every pipe did. */
  barrierAll(c: CoreState): void {
    const all = Int32Array.from(this.scalarClock(c));
    for (let p = 1; p < NP; p++) join(all, this.clocks[this.agentOf(c, p)]!);
    this.scalarJoin(c, all);
  }

  /** The run ended: flags and cross-core sets nobody consumed. */
  finish(): SanitizerReport {
    for (const c of this.cores) {
      this.flagSetter[c.id]!.forEach((by, flag) => {
        if (by) this.report('flag-left-set', `${by.who}: ${flagName(flag, this.cfg.eventIds)} set by ${pos(by)} is still set when the core ends (no wait_flag consumed it)`, [by]);
      });
      this.crossPending[c.id]!.forEach((sets, id) => {
        if (sets.length > 0) this.report('cross-left-set', `${c.who()}: cross-core flag ${id} has ${sets.length} set(s) no cross_wait consumed, the first by ${pos(sets[0]!.by, sets[0]!.by.core !== c.id)}`, [sets[0]!.by]);
      });
    }
    return { findings: [...this.kept], counts: { ...this.counts } };
  }

  private report(kind: FindingKind, message: string, insns: readonly InsnRef[], key = `${kind}:${message}`): void {
    this.counts[kind]++;
    const k = `${kind}|${key}`;
    const old = this.seen.get(k);
    if (old) {
      (old as { occurrences: number }).occurrences++;
      return;
    }
    if (this.kept.length >= MAX_FINDINGS) return;
    const f: Finding = { kind, message, insns, occurrences: 1 };
    this.seen.set(k, f);
    this.kept.push(f);
  }

  // ---- operands and shadows ----------------------------------------------------------------------

  private maskOf(c: CoreState): Uint8Array {
    let m = this.masks.get(c.id);
    if (!m) this.masks.set(c.id, (m = new Uint8Array(MASK_LANES).fill(1)));
    return m;
  }

  /**
   * A vector instruction touches only the blocks that hold active lanes (inactive dst lanes are left
   * untouched): each repeat's blocks narrow to those from the first to the last active lane.
   */
  private masked(c: CoreState, d: DecodedInsn, plan: OperandPlan): OperandPlan {
    const { names, sizes } = plan;
    if (!sizes) return plan;
    const mask = this.maskOf(c);
    const lanes = REPEAT_BYTES / Math.max(...sizes);
    let first = -1;
    let last = -1;
    for (let e = 0; e < lanes; e++)
      if (mask[e] === 1) {
        if (first < 0) first = e;
        last = e;
      }
    if (first === 0 && last === lanes - 1) return plan;
    const skips = plan.layouts.map(() => 0);
    const layouts = plan.layouts.map((l, i): Layout => {
      if (typeof l === 'number' || typeof l.each === 'number' || (d.family === 'vec-reduce' && names[i] === 'dst')) return l;
      if (first < 0) return 0; // no active lane: nothing touched
      const each = l.each as { count: number; stride: number; each: Layout };
      const b0 = Math.floor((first * sizes[i]!) / 32);
      const b1 = Math.floor((last * sizes[i]!) / 32);
      skips[i] = b0 * each.stride;
      return { count: l.count, stride: l.stride, each: { count: b1 - b0 + 1, stride: each.stride, each: each.each } };
    });
    return { ...plan, layouts, skips };
  }

  private planOf(d: DecodedInsn): OperandPlan {
    let p = this.plans.get(d);
    if (p) return p;
    const insn = d.insn as unknown as Record<string, unknown>;
    const layouts = shapeOf(d.insn, this.cfg.cube.k0Bytes).operands;
    const names = OPCODES[d.insn.op].operands.filter((o) => o.kind === 'mem').map((o) => o.name);
    const readsDst = READS_DST[d.insn.op]?.(insn) ?? false;
    const mapping = MAPPING_OF[d.family] ?? 'all';
    // element size of each operand, for the mask (vconv: its own type on each side; the dequantising
    // casts have fixed types)
    const sizes = MASKED_FAMILIES.has(d.family)
      ? names.map((n) => DEQ_OPERAND_BYTES[d.family]?.[n] ?? DTYPE_BYTES[(d.insn.op === 'vconv' ? insn[n === 'dst' ? 'dstType' : 'srcType'] : insn['dtype']) as Dtype])
      : undefined;
    p = { layouts, names, sizes, modes: names.map((n) => (n === 'dst' ? (readsDst ? 'rw' : 'w') : 'r')), mapping, bursts: mapping === 'bursts' ? (insn['blockCount'] as number) : 1 };
    this.plans.set(d, p);
    return p;
  }

  private shadowOf(c: CoreState, buf: number): Shadow {
    if (buf === GM) return this.gm;
    const key = c.id * BUFFERS.length + buf;
    let s = this.local.get(key);
    if (!s) this.local.set(key, (s = new Shadow(c.bufSize[buf]!, NEVER_WRITTEN)));
    return s;
  }
}

/** a := max(a, b) element-wise. */
function join(a: Int32Array, b: Int32Array): void {
  for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
}

/** Is `earlier` ordered before the current access of agent `a` with clock `vc`? */
const ordered = (earlier: Access, vc: Int32Array, a: number): boolean => earlier.agent < 0 || earlier.agent === a || vc[earlier.agent]! >= earlier.clock;

function withWrite(w: Access, poison: Origin | null): () => ByteState {
  const state: ByteState = { write: w, reads: [], poison };
  return () => state;
}

const runBytes = (runs: readonly number[]): number => {
  let n = 0;
  for (let i = 0; i < runs.length; i += 2) n += runs[i + 1]! - runs[i]!;
  return n;
};

/** Offsets [from, to) pairs scaled by `f`, widened to whole bytes. */
const scale = (offsets: readonly number[], f: number): number[] => offsets.map((o, i) => (i % 2 === 0 ? Math.floor(o * f) : Math.ceil(o * f)));


function withRead(r: Access): (s: ByteState) => ByteState {
  const memo = new Map<ByteState, ByteState>();
  return (s) => {
    let next = memo.get(s);
    if (!next) {
      next = { write: s.write, reads: [...s.reads.filter((x) => x.agent !== r.agent), r], poison: s.poison };
      memo.set(s, next);
    }
    return next;
  };
}

const bufName = (buf: number): BufferName => BUFFERS[buf]!;
const pos = (r: InsnRef, withCore = false): string => `${withCore ? `${r.who} ` : ''}${r.pipe} pc ${r.pc} (${r.text})`;

function flagName(flag: number, ids: number): string {
  const src = PIPES[Math.floor(flag / ids / NP)];
  const dst = PIPES[Math.floor(flag / ids) % NP];
  return `flag ${src} -> ${dst} id ${flag % ids}`;
}
