/**
 * The cycle engine: N core instances sharing GM, driven by one discrete-event queue.
 *
 * Timing rules (docs: README "Timing model"):
 * - The scalar unit executes scalar instructions in order (aluCycles each) and issues every other
 *   instruction into its pipe's queue (issueCycles each). A full queue stalls it. It may run ahead of
 *   the global clock; it synchronises (waits for the global clock to reach its own) only before
 *   decisions that depend on other units: a full queue, a wait on a flag, barrier_all.
 * - Each pipe starts its queue's head when the previous instruction's occupancy has ended and the
 *   head has been issued. A pipe may run ahead of the global clock through instructions whose
 *   timing cannot depend on other units (compute, on-chip copies, set_flag, pipe_barrier); it
 *   stops at GM transfers and at waits until the clock catches up.
 * - An instruction occupies its pipe for `occupancy` cycles and completes `latency` cycles later
 *   (at least `minCycles` after it starts); completions are in order per pipe.
 * - set_flag fires when all earlier work of its pipe has completed, without blocking the pipe;
 *   wait_flag blocks its pipe until the flag is set, then clears it. pipe_barrier holds its pipe until
 *   all earlier work of the pipe has completed.
 * - GM transfers stream at a rate shared with every other active GM transfer (bandwidth.ts); the L2
 *   (hw/memory/l2-cache.ts) decides at the start of each which of its bytes hit and what HBM traffic
 *   its misses cost, from its addresses alone. A transfer issued while the core's hint is disable
 *   (set_l2_hint) bypasses the L2: the hint is captured at issue, whenever its pipe starts it.
 * - A vector instruction whose UB accesses collide in a bank occupies its pipe longer (hw/timing/banks.ts).
 * - Functional effects are applied when an instruction starts; a correctly synchronised program
 *   cannot observe the difference. Timing never depends on data.
 */
import { PROGRESS_EVENT_MASK, progressListener } from './progress.js';
import { PIPES } from '../../isa/types.js';
import type { InsnOf } from '../../isa/program.js';
import type { HwConfig, L1BankParams } from '../config/types.js';
import { BRANCH_TAKEN, SCALAR_ALU, SCALAR_MODE_SETTERS } from '../exec/scalar.js';
import { aloneRate, GmBandwidth, type BandwidthRates } from './bandwidth.js';
import { emptyOutcome, type L2Cache, type L2Outcome } from '../memory/l2-cache.js';
import { chipAddress, type GmPlacement } from '../memory/placement.js';
import { BUF_INDEX, S, type DecodedInsn } from './decode.js';
import { EventQueue, PRIORITY } from './event-queue.js';
import { SimError } from './errors.js';
import { BLOCK, CoreState, PipeState, SCALAR_BLOCK, type QueueEntry } from './core-state.js';
import type { Sanitizer } from '../sanitizer/sanitizer.js';
import { bankExtraCycles } from '../timing/banks.js';
import { l1Span, logL1 } from '../timing/l1-banks.js';
import type { InsnRecord, TraceSink } from './records.js';

const EV_TRY = 0;
const EV_SCALAR = 1;
const EV_FLAG = 2;
const EV_CROSS = 3;
const EV_XFER = 4;
/** Largest count a cross-core flag can hold (docs/hardware.md §Pipes and synchronisation: they saturate at 15). */
const CROSS_MAX = 15;

export interface ChipOptions {
  readonly functional: boolean;
  readonly maxCycles: number;
  /** stop past this many instructions over all cores: scalar ones executed plus those issued to pipes */
  readonly maxInstructions: number;
  /** let pipes run ahead of the clock where timing cannot change (off: a slower reference mode) */
  readonly runAhead: boolean;
  readonly sink?: TraceSink | undefined;
  /** happens-before tracking of every access and flag (hw/sanitizer), or none */
  readonly sanitizer?: Sanitizer | undefined;
}

export class Chip {
  readonly queue = new EventQueue();
  readonly bandwidth: GmBandwidth;
  now = 0;
  private finishedCores = 0;
  private nextRecord = 0;
  /** scalar instructions executed plus instructions issued, all cores: what maxInstructions bounds */
  private instructions = 0;
  private readonly transferOwner: PipeState[] = [];

  constructor(
    readonly cfg: HwConfig,
    readonly cores: CoreState[],
    private readonly opts: ChipOptions,
    /** the chip's L2, possibly warm from an earlier launch */
    readonly l2: L2Cache,
    /** where the launch's GM lives in the chip's memory (none: at address 0) */
    private readonly placement?: GmPlacement,
  ) {
    this.l2Disabled = cfg.l2.mode === 'disabled';
    this.l1Banks = cfg.banks.l1;
    this.rates = {
      l2: this.l2Disabled ? Infinity : cfg.l2.chipBytesPerCycle,
      port: cfg.gm.coreBytesPerCycle,
      coreMiss: cfg.gm.coreMissBytesPerCycle,
      hbm: cfg.gm.chipBytesPerCycle,
    };
    this.bandwidth = new GmBandwidth(this.rates, (at, version) => this.queue.push(at, PRIORITY.transfer, EV_XFER, 0, version));
  }

  private readonly l2Disabled: boolean;
  private readonly l1Banks: L1BankParams | null;
  private readonly rates: BandwidthRates;
  private readonly outcome: L2Outcome = emptyOutcome();

  /**
   * Prices a GM transfer at the L2: which of its bytes hit, which miss, and the HBM traffic that costs
   * (counted per core and path). Returns the HBM bytes per byte moved.
   */
  private l2Access(c: CoreState, d: DecodedInsn, e: QueueEntry): number {
    const o = this.outcome;
    const bytes = d.cost.bytes;
    if (this.l2Disabled) {
      o.hitBytes = 0;
      o.missBytes = bytes;
      o.hbmReadBytes = d.gmWrite ? 0 : bytes;
      o.hbmWriteBytes = d.gmWrite ? bytes : 0;
    } else {
      o.hitBytes = o.missBytes = o.hbmReadBytes = o.hbmWriteBytes = 0;
      const a = e.addr[d.gmOperand]!;
      this.l2.access(this.placement ? chipAddress(this.placement, a) : a, d.gmLayout, d.gmWrite, e.l2Bypass, o);
    }
    const path = d.pathIndex;
    c.l2HitBytes[path]! += o.hitBytes;
    c.l2MissBytes[path]! += o.missBytes;
    c.hbmReadBytes[path]! += o.hbmReadBytes;
    c.hbmWriteBytes[path]! += o.hbmWriteBytes;
    return (o.hbmReadBytes + o.hbmWriteBytes) / bytes;
  }

  /** Runs every core to completion; returns the cycle the last core finished. */
  run(): number {
    for (const c of this.cores) this.resumeScalar(c, 0);
    const q = this.queue;
    const progress = progressListener();
    let events = 0;
    for (;;) {
      const e = q.pop();
      if (e === undefined) break;
      if (e.t > this.opts.maxCycles) this.cycleLimit();
      if (progress !== null && (++events & PROGRESS_EVENT_MASK) === 0) progress({ cycle: e.t, instructions: this.instructions });
      this.now = e.t;
      const c = this.cores[e.core]!;
      const kind = e.kind;
      const a = e.a;
      const b = e.b;
      q.release(e);
      if (kind === EV_TRY) this.tryPipe(c, c.pipes[a]!, this.now);
      else if (kind === EV_SCALAR) this.runScalar(c, this.now);
      else if (kind === EV_FLAG) this.flagFires(c, a, b, this.now);
      else if (kind === EV_CROSS) this.crossFires(c, a, b, this.now);
      else this.transfersEnd(a, this.now);
    }
    if (this.finishedCores < this.cores.length) throw new SimError(this.deadlockReport());
    return Math.max(0, ...this.cores.map((c) => c.finishTime));
  }

  // ---- scalar unit ----------------------------------------------------------------------------

  private resumeScalar(c: CoreState, at: number): void {
    if (c.pendingResume >= 0 && c.pendingResume <= at) return;
    c.pendingResume = at;
    this.queue.push(at, PRIORITY.scalar, EV_SCALAR, c.id);
  }

  private runScalar(c: CoreState, now: number): void {
    if (c.pendingResume === now) c.pendingResume = -1;
    if (c.halted) return;
    if (c.t < now) {
      c.scalarStall[c.block]! += now - c.t;
      c.t = now;
    }
    c.block = BLOCK.none;
    const cfg = this.cfg;
    const insns = c.prog.insns;
    for (;;) {
      const d = insns[c.pc];
      if (d === undefined) throw new SimError(`${c.who()}: ran past the last instruction at pc ${c.pc} (end the program with 'end')`);
      if (c.t > this.opts.maxCycles) this.cycleLimit();
      const insn = d.insn;
      if (d.family === 'scalar') {
        const alu = SCALAR_ALU[insn.op];
        if (alu) {
          // (nop has no ALU entry: it only takes its cycle)
          const v = alu(c.regs, insn as never, c);
          if (!Number.isSafeInteger(v)) this.fail(c, d, `scalar result ${v} is not an integer in the safe range (division by zero or overflow)`);
          c.regs[(insn as InsnOf<'add'>).rd] = v;
        } else {
          // no register result: set_l2_hint sets a mode of the core instead (nop has nothing to do)
          SCALAR_MODE_SETTERS[insn.op]?.(c, insn);
        }
        this.scalarRecord(c, d, c.t, cfg.scalar.aluCycles);
        c.t += cfg.scalar.aluCycles;
        c.pc++;
        c.scalarInsns++;
        if (++this.instructions > this.opts.maxInstructions) this.instructionLimit(c, d);
        continue;
      }
      if (d.family === 'branch') {
        c.scalarInsns++;
        // a loop that never exits keeps the scalar unit here without returning to the event loop
        if (++this.instructions > this.opts.maxInstructions) this.instructionLimit(c, d);
        if (insn.op === 'end') {
          this.scalarRecord(c, d, c.t, cfg.scalar.aluCycles);
          c.t += cfg.scalar.aluCycles;
          c.halted = true;
          this.checkFinished(c);
          return;
        }
        const taken = insn.op === 'jmp' || BRANCH_TAKEN[insn.op]!(c.regs[(insn as InsnOf<'beq'>).rs1]!, c.regs[(insn as InsnOf<'beq'>).rs2]!);
        const cycles = cfg.scalar.aluCycles + (taken ? cfg.scalar.branchTakenCycles : 0);
        this.scalarRecord(c, d, c.t, cycles);
        c.t += cycles;
        c.pc = taken ? (insn as InsnOf<'jmp'>).target : c.pc + 1;
        continue;
      }
      if (d.pipe === S) {
        if (!this.scalarSync(c, d, now)) return;
        continue;
      }
      const p = c.pipes[d.pipe]!;
      const depth = p.slots.length;
      if (p.issuedCount >= depth) {
        // The queue has a slot once the instruction issued `depth` before this one has started.
        const older = p.issuedCount - depth;
        if (older >= p.startedCount) {
          c.block = BLOCK.queueFull;
          p.scalarWaiting = true;
          return;
        }
        const freeAt = p.startTimes[older % depth]!;
        if (freeAt > c.t) {
          c.scalarStall[BLOCK.queueFull]! += freeAt - c.t;
          c.t = freeAt;
        }
      }
      this.issue(c, p, d);
      c.t += cfg.scalar.issueCycles;
      c.pc++;
    }
  }

  /** Sync instructions executed by the scalar unit itself. Returns false when it must stop. */
  private scalarSync(c: CoreState, d: DecodedInsn, now: number): boolean {
    const op = d.insn.op;
    const issue = this.cfg.scalar.issueCycles;
    if (op === 'set_flag' || op === 'cross_set') {
      const rec = this.record(c, d, c.t, c.t, c.t, -1);
      const san = this.opts.sanitizer;
      if (san) (op === 'set_flag' ? san.flagQueued : san.crossQueued).call(san, c, S, d.arg, d, null, c.t);
      this.queue.push(c.t, PRIORITY.flag, op === 'set_flag' ? EV_FLAG : EV_CROSS, c.id, d.arg, rec);
      c.t += issue;
      c.pc++;
      return true;
    }
    // Everything else depends on other units: first let the global clock catch up.
    if (c.t > now) {
      c.block = BLOCK.sync;
      this.resumeScalar(c, c.t);
      return false;
    }
    if (op === 'wait_flag') {
      if (c.flagSet[d.arg]! >= 0) {
        this.record(c, d, c.t, c.t, c.t, c.flagRec[d.arg]!);
        c.flagSet[d.arg] = -1;
        this.opts.sanitizer?.flagWait(c, S, d.arg);
        c.t += issue;
        c.pc++;
        return true;
      }
      c.flagWaiter[d.arg] = S;
      c.block = BLOCK.waitFlag;
      return false;
    }
    if (op === 'cross_wait') {
      if (c.cross[d.arg]! > 0) {
        this.record(c, d, c.t, c.t, c.t, c.crossRec[d.arg]!);
        c.cross[d.arg]!--;
        this.opts.sanitizer?.crossWait(c, S, d.arg);
        c.t += issue;
        c.pc++;
        return true;
      }
      c.crossWaiter[d.arg] = S;
      c.block = BLOCK.crossWait;
      return false;
    }
    // barrier_all: every pipe drained and complete
    const idle = c.pipes.every((p) => !p || (p.size === 0 && p.transfer === null));
    const done = Math.max(0, ...c.pipes.map((p) => p?.lastCompletion ?? 0));
    if (idle && done <= now) {
      this.record(c, d, c.t, c.t, c.t, -1);
      this.opts.sanitizer?.barrierAll(c);
      c.t += issue;
      c.pc++;
      return true;
    }
    c.block = BLOCK.barrierAll;
    if (idle) this.resumeScalar(c, done);
    return false;
  }

  /** Puts an instruction into its pipe's queue with its addresses resolved and checked. */
  private issue(c: CoreState, p: PipeState, d: DecodedInsn): void {
    const slot = p.slots[(p.head + p.size) % p.slots.length]!;
    slot.d = d;
    slot.issue = c.t;
    // the hint in force now, not when the pipe gets to it: a later set_l2_hint must not reach back
    slot.l2Bypass = d.gm && c.l2Bypass;
    if (this.opts.sanitizer) slot.vc = this.opts.sanitizer.scalarClock(c);
    const mems = d.mems;
    for (let i = 0; i < mems.length; i++) {
      const m = mems[i]!;
      slot.addr[i] = (m.base >= 0 ? c.regs[m.base]! : 0) + m.off;
    }
    if (mems.length > 0) this.checkAccess(c, d, slot.addr);
    p.size++;
    p.issuedCount++;
    c.issued++;
    if (++this.instructions > this.opts.maxInstructions) this.instructionLimit(c, d);
    if (p.size === 1 && p.transfer === null && p.waitingSince < 0) this.scheduleTry(c, p, c.t);
  }

  private checkAccess(c: CoreState, d: DecodedInsn, addr: Float64Array): void {
    for (let i = 0; i < d.mems.length; i++) {
      const extent = d.extents[i]!;
      if (extent === 0) continue;
      const lo = addr[i]!;
      const hi = lo + extent;
      const b = d.memBuf[i]!;
      const name = d.mems[i]!.buf;
      const size = c.bufSize[b]!;
      if (size === 0) this.fail(c, d, `a ${c.kind} core has no ${name} buffer`, 'out-of-bounds');
      if (lo < 0 || hi > size)
        this.fail(c, d, `${name} access [${lo}, ${hi}) is outside the buffer (${size} bytes); check the address and the burst/stride operands`, 'out-of-bounds');
      if (lo % c.bufAlign[b]! !== 0) this.fail(c, d, `${name} address ${lo} is not ${c.bufAlign[b]}-byte aligned`, 'misaligned');
    }
  }

  private checkFinished(c: CoreState): void {
    if (c.finished || !c.halted) return;
    let done = c.t;
    for (const p of c.pipes) {
      if (!p) continue;
      if (p.size > 0 || p.transfer !== null) return;
      done = Math.max(done, p.lastCompletion);
    }
    c.finished = true;
    c.finishTime = done;
    this.finishedCores++;
  }

  // ---- pipes -----------------------------------------------------------------------------------

  private scheduleTry(c: CoreState, p: PipeState, at: number): void {
    if (p.pendingTry >= 0 && p.pendingTry <= at) return;
    p.pendingTry = at;
    this.queue.push(at, PRIORITY.pipe, EV_TRY, c.id, p.index);
  }

  private tryPipe(c: CoreState, p: PipeState, now: number): void {
    if (p.pendingTry === now) p.pendingTry = -1;
    if (p.transfer !== null) return;
    while (p.size > 0) {
      const e = p.slots[p.head]!;
      const d = e.d;
      const t = Math.max(now, p.busyUntil, e.issue);
      if (t > now && !this.canRunAhead(d)) return this.scheduleTry(c, p, t);
      if (d.family === 'sync') {
        if (!this.pipeSync(c, p, e, t)) return;
        continue;
      }
      this.pop(c, p, t);
      this.start(c, p, d, e, t);
      if (p.transfer !== null) return;
    }
    this.pipeIdle(c, now);
  }

  /**
   * Can `d` start at a later cycle than the global clock? Only if nothing before then can change it
   * or be changed by it. Waits never run ahead: consuming a flag early would hide a second set of
   * it arriving before the wait's cycle (an error on the real timeline).
   */
  private canRunAhead(d: DecodedInsn): boolean {
    // a priced L1 read's cost depends on what other pipes stream at its start: it starts on the clock
    if (!this.opts.runAhead || d.gm || (this.l1Banks !== null && this.l1Banks.conflictCycles > 0 && d.l1Read >= 0)) return false;
    const op = d.insn.op;
    return op !== 'wait_flag' && op !== 'cross_wait';
  }

  /** Removes the head; its start cycle frees a queue slot for the scalar unit. */
  private pop(c: CoreState, p: PipeState, t: number): void {
    p.head = (p.head + 1) % p.slots.length;
    p.size--;
    p.startTimes[p.startedCount % p.slots.length] = t;
    p.startedCount++;
    if (p.scalarWaiting) {
      p.scalarWaiting = false;
      this.resumeScalar(c, t);
    }
  }

  /** Handles a sync instruction at the head of a pipe. Returns false when the pipe must wait. */
  private pipeSync(c: CoreState, p: PipeState, e: QueueEntry, now: number): boolean {
    const d = e.d;
    const issue = e.issue;
    const op = d.insn.op;
    if (op === 'set_flag' || op === 'cross_set') {
      const at = Math.max(now, p.lastCompletion);
      const rec = this.record(c, d, issue, now, at, -1, p);
      const san = this.opts.sanitizer;
      if (san) (op === 'set_flag' ? san.flagQueued : san.crossQueued).call(san, c, p.index, d.arg, d, e.vc, now);
      this.queue.push(at, PRIORITY.flag, op === 'set_flag' ? EV_FLAG : EV_CROSS, c.id, d.arg, rec);
      this.pop(c, p, now);
      return true;
    }
    if (op === 'pipe_barrier') {
      const at = Math.max(now, p.lastCompletion);
      p.stallBarrierCycles += at - now;
      p.busyUntil = at;
      this.record(c, d, issue, now, at, -1, p);
      this.pop(c, p, now);
      return true;
    }
    const isFlag = op === 'wait_flag';
    const ready = isFlag ? c.flagSet[d.arg]! >= 0 : c.cross[d.arg]! > 0;
    if (!ready) {
      if (p.waitingSince < 0) p.waitingSince = now;
      if (isFlag) c.flagWaiter[d.arg] = p.index;
      else c.crossWaiter[d.arg] = p.index;
      return false;
    }
    const since = p.waitingSince >= 0 ? p.waitingSince : now;
    p.stallFlagCycles += now - since;
    p.waitingSince = -1;
    if (isFlag) {
      this.record(c, d, issue, since, now, c.flagRec[d.arg]!, p);
      c.flagSet[d.arg] = -1;
      this.opts.sanitizer?.flagWait(c, p.index, d.arg);
    } else {
      this.record(c, d, issue, since, now, c.crossRec[d.arg]!, p);
      c.cross[d.arg]!--;
      this.opts.sanitizer?.crossWait(c, p.index, d.arg);
    }
    this.pop(c, p, now);
    return true;
  }

  /** Starts a compute or copy instruction. */
  private start(c: CoreState, p: PipeState, d: DecodedInsn, e: QueueEntry, now: number): void {
    this.opts.sanitizer?.start(c, p.index, d, e.addr, e.vc, now);
    if (this.opts.functional && d.exec !== null) d.exec(c.ctx!, d.insn, e.addr);
    p.current = d;
    p.currentStart = now;
    p.currentIssue = e.issue;
    if (this.l1Banks !== null && d.l1Write >= 0) {
      p.l1WriteSpan = l1Span(this.l1Banks, e.addr[d.l1Write]!, d.extents[d.l1Write]!);
      p.l1WriteGm = d.gm;
      p.l1WriteUntil = d.gm ? -1 : now + d.cost.occupancy;
      if (d.gm) c.l1GmWriteStart = now;
      // a GM transfer's streaming ends when the bandwidth manager says: logged then (transfersEnd)
      if (!d.gm) logL1(c, false, now, now + d.cost.occupancy, p.l1WriteSpan, p.index, this.l1Horizon(c, now));
    }
    if (d.gm) {
      const t = p.xfer;
      t.core = c.id;
      t.cap = d.cost.cap;
      t.remaining = d.cost.bytes;
      t.hbm = this.l2Access(c, d, e);
      t.rate = 0;
      t.lastUpdate = now;
      t.end = -1;
      p.transfer = t;
      this.transferOwner[c.id * PIPES.length + p.index] = p;
      this.bandwidth.start(now, t);
      return;
    }
    // UB and L1 bank conflicts lengthen the occupancy (docs/hardware.md §UB and L1 banks); addresses only, never data
    const banks = (d.banks === null ? 0 : bankExtraCycles(d.banks, e.addr)) + (this.l1Banks !== null && d.l1Read >= 0 ? this.l1Conflict(c, p, d, e, now) : 0);
    p.stallBankCycles += banks;
    this.complete(c, p, now + d.cost.occupancy + banks);
  }

  /**
   * An L1 read starting now: it is logged (the overlaps are counted from the log once the run is over,
   * hw/timing/l1-banks.ts), and with a priced conflict it costs banks.l1.conflictCycles for each cycle
   * it streams beside writes another pipe of the core is streaming into its banks now (until their
   * predicted end).
   */
  private l1Conflict(c: CoreState, p: PipeState, d: DecodedInsn, e: QueueEntry, now: number): number {
    const b = this.l1Banks!;
    const span = l1Span(b, e.addr[d.l1Read]!, d.extents[d.l1Read]!);
    logL1(c, true, now, now + d.cost.occupancy, span, p.index, this.l1Horizon(c, now));
    if (b.conflictCycles === 0) return 0;
    let overlap = 0;
    for (const q of c.pipes) {
      if (q === undefined || q === p || (q.l1WriteSpan & span) === 0) continue;
      const until = q.l1WriteGm ? (q.transfer !== null ? q.transfer.end : -1) : q.l1WriteUntil;
      if (until > now) overlap += Math.min(d.cost.occupancy, until - now);
    }
    return overlap * b.conflictCycles;
  }

  /**
   * The earliest start anything logged from now on can have on core `c`: the global clock, or the
   * start of a GM transfer into L1 still streaming (it is logged when it ends).
   */
  private l1Horizon(c: CoreState, now: number): number {
    return Math.min(now, this.now, c.l1GmWriteStart);
  }

  /** Ends the occupancy of the current instruction at `occEnd` and books its completion. */
  private complete(c: CoreState, p: PipeState, occEnd: number): void {
    const d = p.current!;
    const start = p.currentStart;
    p.busyUntil = occEnd;
    const done = Math.max(p.lastCompletion, occEnd + d.cost.latency, start + d.cost.minCycles);
    p.lastCompletion = done;
    p.busyCycles += done - Math.max(start, p.busyCovered);
    p.busyCovered = done;
    p.insns++;
    c.opCount[d.opIndex]!++;
    c.opCycles[d.opIndex]! += done - start;
    if (d.pathIndex >= 0) c.pathBytes[d.pathIndex]! += d.cost.bytes;
    c.macs += d.cost.macs;
    c.cubeIdealCycles += d.cost.idealCycles;
    this.record(c, d, p.currentIssue, start, done, -1, p);
    p.current = null;
  }

  /** Every GM transfer due now ends: its pipe completes the instruction and goes on. */
  private transfersEnd(version: number, now: number): void {
    for (const t of this.bandwidth.due(now, version)) {
      const c = this.cores[t.core]!;
      const p = this.transferOwner[t.core * PIPES.length + t.owner]!;
      p.transfer = null;
      const d = p.current!;
      if (this.l1Banks !== null && d.l1Write >= 0) {
        c.l1GmWriteStart = Infinity;
        logL1(c, false, p.currentStart, now, p.l1WriteSpan, p.index, this.l1Horizon(c, now));
      }
      const alone = Math.max(1, Math.ceil(d.cost.bytes / aloneRate(this.rates, t.cap, t.hbm) - 1e-9));
      p.stallBandwidthCycles += Math.max(0, now - p.currentStart - alone);
      this.complete(c, p, now);
      this.tryPipe(c, p, now);
    }
  }

  private pipeIdle(c: CoreState, now: number): void {
    if (c.block === BLOCK.barrierAll && c.pipes.every((p) => !p || (p.size === 0 && p.transfer === null)))
      this.resumeScalar(c, Math.max(now, ...c.pipes.map((p) => p?.lastCompletion ?? 0)));
    this.checkFinished(c);
  }

  // ---- flags -----------------------------------------------------------------------------------

  private flagFires(c: CoreState, flag: number, rec: number, now: number): void {
    const san = this.opts.sanitizer;
    if (san) {
      // a set on a set flag is a finding: the flag stays set (one set is lost) and the run goes on
      const stillSet = c.flagSet[flag]! >= 0;
      san.flagFired(c, flag, stillSet);
      if (stillSet) return;
    }
    if (c.flagSet[flag]! >= 0) {
      const ids = this.cfg.eventIds;
      const src = PIPES[Math.floor(flag / ids / PIPES.length)];
      const dst = PIPES[Math.floor(flag / ids) % PIPES.length];
      throw new SimError(
        `${c.who()}: flag ${src} -> ${dst} id ${flag % ids} was set at cycle ${now} while still set (set_flag twice without a wait_flag between: undefined on hardware)`,
      );
    }
    c.flagSet[flag] = now;
    c.flagRec[flag] = rec;
    this.wake(c, c.flagWaiter, flag, now);
  }

  private crossFires(c: CoreState, id: number, rec: number, now: number): void {
    this.opts.sanitizer?.crossFired(c, id);
    for (const k of c.partners) {
      const other = this.cores[k]!;
      if (other.cross[id]! >= CROSS_MAX)
        throw new SimError(`${other.who()}: cross-core flag ${id} would exceed ${CROSS_MAX} pending sets at cycle ${now} (the hardware saturates and loses a set)`);
      other.cross[id]!++;
      other.crossRec[id] = rec;
      this.wake(other, other.crossWaiter, id, now);
    }
  }

  private wake(c: CoreState, waiters: Int8Array, i: number, now: number): void {
    const w = waiters[i]!;
    if (w < 0) return;
    waiters[i] = -1;
    if (w === S) this.resumeScalar(c, now);
    else this.tryPipe(c, c.pipes[w]!, now);
  }

  // ---- records and errors -----------------------------------------------------------------------

  private scalarRecord(c: CoreState, d: DecodedInsn, start: number, cycles: number): void {
    if (this.opts.sink) this.record(c, d, start, start, start + cycles, -1);
  }

  /** Emits a trace record (if a sink is attached) and returns its id. */
  private record(c: CoreState, d: DecodedInsn, issue: number, start: number, end: number, flowFrom: number, p?: PipeState): number {
    const sink = this.opts.sink;
    if (!sink) return -1;
    const rec: InsnRecord = {
      id: this.nextRecord++,
      core: c.id,
      pipe: p?.name ?? 'S',
      pc: d.pc,
      op: d.insn.op,
      issue,
      start,
      end,
      flowFrom,
      path: d.cost.path,
      bytes: d.cost.bytes,
    };
    sink.insn(rec);
    return rec.id;
  }

  private cycleLimit(): never {
    throw new SimError(`cycle limit exceeded: the run passed ${this.opts.maxCycles} cycles (raise --max-cycles if the kernel is really this long)`);
  }

  private instructionLimit(c: CoreState, d: DecodedInsn): never {
    throw new SimError(
      `instruction limit exceeded: the run passed ${this.opts.maxInstructions} instructions over all cores, the last at ${c.who()} pc ${d.pc} (${c.prog.text(d.pc)}): a loop that never exits? (raise --max-instructions if the kernel is really this long)`,
    );
  }

  /** Stops the run; an illegal access is also a sanitizer finding (`finding`), in the same format as its others. */
  private fail(c: CoreState, d: DecodedInsn, what: string, finding?: 'out-of-bounds' | 'misaligned'): never {
    const where = `${c.who()} pc ${d.pc} (${c.prog.text(d.pc)})`;
    if (finding) this.opts.sanitizer?.illegalAccess(finding, c, d, d.pipe, what);
    throw new SimError(`${where}: ${what}`);
  }

  private deadlockReport(): string {
    const lines: string[] = [];
    for (const c of this.cores) {
      if (c.finished) continue;
      const parts: string[] = [];
      if (!c.halted) parts.push(`scalar at pc ${c.pc} (${c.prog.text(c.pc)}) is ${c.block === BLOCK.none ? 'stopped' : `blocked: ${SCALAR_BLOCK[c.block]}`}`);
      for (const p of c.pipes) {
        if (!p || p.size === 0) continue;
        const head = p.slots[p.head]!.d;
        parts.push(`${p.name} blocked at pc ${head.pc} (${c.prog.text(head.pc)})`);
      }
      lines.push(`${c.who()}: ${parts.join('; ')}`);
    }
    return `deadlock at cycle ${this.now}: nothing can make progress. ${lines.join(' | ')} (a wait_flag / cross_wait whose flag is never set, or a set_flag on the wrong pipe pair)`;
  }
}

export { BUF_INDEX };
