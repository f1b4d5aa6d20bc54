/**
 * State of one core instance: scalar unit, pipe queues, flags, buffers and counters. Behaviour lives
 * in chip.ts; this file only declares and allocates, so the state a run can reach is visible in one place.
 */
import { BUFFERS, PIPES, type BufferName, type Pipe } from '../../isa/types.js';
import { MNEMONICS } from '../../isa/opcodes.js';
import { PATHS } from '../config/types.js';
import type { CoreKind, HwConfig } from '../config/types.js';
import type { ExecContext } from '../exec/context.js';
import type { Transfer } from './bandwidth.js';
import type { DecodedInsn, DecodedProgram } from './decode.js';
import type { ScalarModes } from '../exec/scalar.js';

/** Why the scalar unit is not issuing. */
export const SCALAR_BLOCK = ['none', 'sync', 'queueFull', 'waitFlag', 'barrierAll', 'crossWait'] as const;
export type ScalarBlock = (typeof SCALAR_BLOCK)[number];
/** SCALAR_BLOCK indices, so the hot path counts stalls in a typed array. */
export const BLOCK = { none: 0, sync: 1, queueFull: 2, waitFlag: 3, barrierAll: 4, crossWait: 5 } as const satisfies Record<ScalarBlock, number>;

export interface QueueEntry {
  d: DecodedInsn;
  /** cycle the scalar unit issued it */
  issue: number;
  /** resolved addresses of its mem operands */
  readonly addr: Float64Array;
  /** sanitizer: the scalar unit's vector clock when it issued the instruction (null without it) */
  vc: Int32Array | null;
  /** GM transfers: the core's L2 hint was DISABLE when it was issued (no allocation in the L2) */
  l2Bypass: boolean;
}

export class PipeState {
  readonly slots: QueueEntry[];
  head = 0;
  size = 0;
  /** instructions issued into / started from this queue so far */
  issuedCount = 0;
  startedCount = 0;
  /** start cycle of instruction i (of this pipe) at i % depth: the scalar may issue instruction
   * n only once instruction n - depth has started, so a full queue is exact even when the pipe
   * has run ahead of the global clock */
  readonly startTimes: Float64Array;
  /** the next instruction may start at this cycle */
  busyUntil = 0;
  /** every instruction started so far has completed by this cycle */
  lastCompletion = 0;
  /** end of the busy time already counted (busy = union of [start, completion) intervals) */
  busyCovered = 0;
  /** pending TRY event time, or -1 */
  pendingTry = -1;
  /** blocked at the head on a flag or cross-core flag since this cycle, or -1 */
  waitingSince = -1;
  /** GM transfer in flight (the reused record `xfer`) and the instruction it belongs to */
  transfer: Transfer | null = null;
  readonly xfer: Transfer;
  current: DecodedInsn | null = null;
  currentStart = 0;
  currentIssue = 0;
  scalarWaiting = false;
  // statistics
  busyCycles = 0;
  insns = 0;
  stallFlagCycles = 0;
  stallBarrierCycles = 0;
  stallBandwidthCycles = 0;
  /** extra occupancy from UB bank conflicts (hw/timing/banks.ts) */
  stallBankCycles = 0;
  /** cycles this pipe's L1 reads streamed beside another pipe's writes to the same L1 banks (hw/timing/l1-banks.ts) */
  l1BankOverlapCycles = 0;
  /** the L1 write in flight: the banks it touches, and until when it streams (-1: none; a GM transfer: while it lasts) */
  l1WriteSpan = 0;
  l1WriteUntil = -1;
  l1WriteGm = false;

  constructor(
    readonly index: number,
    readonly name: Pipe,
    depth: number,
  ) {
    this.slots = Array.from({ length: depth }, (): QueueEntry => ({ d: null as unknown as DecodedInsn, issue: 0, addr: new Float64Array(6), vc: null, l2Bypass: false }));
    this.startTimes = new Float64Array(depth);
    this.xfer = { core: -1, cap: 0, remaining: 0, hbm: 0, rate: 0, lastUpdate: 0, end: -1, owner: index };
  }
}

export class CoreState implements ScalarModes {
  pc = 0;
  /** scalar unit's local time: it may run ahead of the global clock until it needs to synchronise */
  t = 0;
  halted = false;
  finished = false;
  finishTime = 0;
  /** why the scalar unit is not issuing: an index into SCALAR_BLOCK */
  block: number = BLOCK.none;
  /** pending SCALAR event time, or -1 */
  pendingResume = -1;
  readonly regs = new Float64Array(32);
  readonly pipes: (PipeState | undefined)[];
  /** flag set time per (src, dst, id), -1 when clear; record id of the set_flag that set it */
  readonly flagSet: Float64Array;
  readonly flagRec: Float64Array;
  /** pipe index waiting on each flag (0 = scalar unit), -1 none */
  readonly flagWaiter: Int8Array;
  /** cross-core counting flags, and who waits on each */
  readonly cross = new Int32Array(16);
  readonly crossRec = new Float64Array(16).fill(-1);
  readonly crossWaiter = new Int8Array(16).fill(-1);
  /** cores that receive this core's cross_set (AIC <-> its AIVs) */
  partners: number[] = [];
  readonly bufSize = new Float64Array(BUFFERS.length);
  readonly bufAlign = new Float64Array(BUFFERS.length).fill(1);
  readonly mask = new Uint8Array(128).fill(1);
  /** set_l2_hint: the L2 hint in force at the scalar unit is DISABLE (normal at launch); copied into
   * each GM transfer's queue entry at issue */
  l2Bypass = false;
  ctx: ExecContext | null = null;
  // statistics
  readonly scalarStall = new Float64Array(SCALAR_BLOCK.length);
  scalarInsns = 0;
  issued = 0;
  readonly opCount = new Float64Array(MNEMONICS.length);
  readonly opCycles = new Float64Array(MNEMONICS.length);
  readonly pathBytes = new Float64Array(PATHS.length);
  /** L1 reads and writes that may still overlap a later one, 4 numbers each: start, end, (bank, group) span, pipe */
  readonly l1Reads: number[] = [];
  readonly l1Writes: number[] = [];
  /** start of the GM -> L1 transfer streaming now (one MTE2 pipe: at most one), or Infinity */
  l1GmWriteStart = Infinity;
  /** GM bytes per path by level: served by the L2, missing it, read from and written to HBM */
  readonly l2HitBytes = new Float64Array(PATHS.length);
  readonly l2MissBytes = new Float64Array(PATHS.length);
  readonly hbmReadBytes = new Float64Array(PATHS.length);
  readonly hbmWriteBytes = new Float64Array(PATHS.length);
  macs = 0;
  cubeIdealCycles = 0;

  constructor(
    readonly id: number,
    readonly kind: CoreKind,
    readonly blockIdx: number,
    readonly blockDim: number,
    readonly prog: DecodedProgram,
    cfg: HwConfig,
    gmBytes: number,
  ) {
    const kp = cfg.coreKinds[kind]!;
    this.pipes = PIPES.map((p, i) => (i > 0 && kp.pipes.includes(p) ? new PipeState(i, p, cfg.queueDepth) : undefined));
    const flags = PIPES.length * PIPES.length * cfg.eventIds;
    this.flagSet = new Float64Array(flags).fill(-1);
    this.flagRec = new Float64Array(flags).fill(-1);
    this.flagWaiter = new Int8Array(flags).fill(-1);
    BUFFERS.forEach((b, i) => {
      if (b === 'GM') {
        this.bufSize[i] = gmBytes;
        return;
      }
      const bp = kp.buffers[b as Exclude<BufferName, 'GM'>];
      this.bufSize[i] = bp?.bytes ?? 0;
      this.bufAlign[i] = bp?.align ?? 1;
    });
  }

  /** Describes what the core is doing, for deadlock reports. */
  who(): string {
    return `core ${this.id} (${this.kind} block ${this.blockIdx})`;
  }
}
