/**
 * Handshakes between pipes, in the style of Ascend C's TQue: a kernel asks for a queue or a signal
 * and the pool hands out the event ids, so kernel code never names an id.
 *
 * A queue moves a buffer slot from a producer pipe to a consumer pipe (set_flag / wait_flag pairs):
 *   prime  the buffer starts free          (freeing pipe sets "free", once per slot, in the prologue)
 *   alloc  the producer takes a free slot  (producer waits "free")
 *   enque  the producer hands it over      (producer sets "full")
 *   deque  the consumer takes it           (consumer waits "full")
 *   free   the slot goes back              (freeing pipe sets "free"; the consumer unless the slot
 *                                           travels on, e.g. MTE2 -> V -> MTE3 back to MTE2)
 *   drain  the epilogue takes every "free" back, so no flag is left set when the block ends.
 * A signal is a one-off handoff (e.g. "tables loaded"): set on one pipe, waited on by another.
 *
 * Ids are counted per unordered pipe pair, and a queue keeps two ids (double buffering) whatever
 * depth it uses: the ids of later handoffs on the same pipes then do not move with the tiling, which
 * keeps programs and traces comparable across tilings. The preset's id count (config eventIds) is
 * checked when a handoff is first used, so a handoff a kernel never uses costs nothing.
 */
import type { Pipe } from '../isa/types.js';
import { OPCODES } from '../isa/opcodes.js';
import type { Emitter } from './emitter.js';
import { OpError } from './kernel.js';

/** Ids a queue keeps on its pipe pair: double buffering. */
const QUEUE_IDS = 2;

/** What the pool needs of the preset. */
export interface EventLimits {
  /** set_flag / wait_flag ids per pipe pair (config field eventIds) */
  readonly eventIds: number;
}

const pairKey = (a: Pipe, b: Pipe) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** One flag direction of a handoff: emits set_flag / wait_flag with its id, checked on first use. */
class Flag {
  private checked = false;
  constructor(
    private readonly e: Emitter,
    private readonly src: Pipe,
    private readonly dst: Pipe,
    private readonly id: number,
    private readonly limit: number,
    private readonly what: string,
  ) {}

  private check(): void {
    if (this.checked) return;
    if (this.id >= this.limit)
      throw new OpError(`${this.what} needs event id ${this.id} of ${this.src} -> ${this.dst}, but the preset has ids 0..${this.limit - 1} (config field eventIds): use a preset with more ids or less double buffering`);
    this.checked = true;
  }

  set(): void {
    this.check();
    this.e.b.emit('set_flag', { src: this.src, dst: this.dst, id: this.id });
  }

  wait(): void {
    this.check();
    this.e.b.emit('wait_flag', { src: this.src, dst: this.dst, id: this.id });
  }
}

/** A one-off handoff from `src` to `dst`: `set` on src, `wait` on dst. */
export class Signal {
  constructor(private readonly flag: Flag) {}
  set(): void {
    this.flag.set();
  }
  wait(): void {
    this.flag.wait();
  }
}

/** A queue of buffer slots from a producer pipe to a consumer pipe (see the file comment). */
export class Queue {
  constructor(
    /** slots the queue cycles through (1 or 2) */
    readonly depth: number,
    private readonly full: readonly Flag[],
    private readonly freed: readonly Flag[],
  ) {}

  private slot<T>(flags: readonly T[], s: number): T {
    const f = flags[s];
    if (f === undefined) throw new Error(`queue slot ${s} is outside 0..${this.depth - 1}`);
    return f;
  }

  /** Marks slot `s` (every slot when omitted) free: the prologue. */
  prime(s?: number): void {
    this.each(s, (i) => this.slot(this.freed, i).set());
  }
  alloc(s: number): void {
    this.slot(this.freed, s).wait();
  }
  enque(s: number): void {
    this.slot(this.full, s).set();
  }
  deque(s: number): void {
    this.slot(this.full, s).wait();
  }
  free(s: number): void {
    this.slot(this.freed, s).set();
  }
  /** Takes back slot `s` (every slot when omitted) at the end of the block. */
  drain(s?: number): void {
    this.each(s, (i) => this.slot(this.freed, i).wait());
  }

  private each(s: number | undefined, f: (i: number) => void): void {
    if (s !== undefined) f(s);
    else for (let i = 0; i < this.depth; i++) f(i);
  }
}

/** Options of a queue. */
export interface QueueOptions {
  /** slots in use: 1 (single buffer) or 2 (double buffer) */
  readonly depth: number;
  /** what the slots hold, for error messages */
  readonly what: string;
  /** the pipe that frees a slot (default: the consumer) */
  readonly freedBy?: Pipe;
}

/**
 * The event ids of one core's program (one block: each block runs on its own core, so ids restart).
 * Handoffs get ids in the order they are asked for.
 */
export class EventPool {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly e: Emitter,
    private readonly limits: EventLimits,
  ) {}

  /** The first of `count` ids free on every pair in `pairs`, taken from all of them. */
  private take(pairs: readonly (readonly [Pipe, Pipe])[], count: number): number {
    const keys = pairs.map(([a, b]) => pairKey(a, b));
    const first = Math.max(...keys.map((k) => this.next.get(k) ?? 0));
    for (const k of keys) this.next.set(k, first + count);
    return first;
  }

  private flag(src: Pipe, dst: Pipe, id: number, what: string): Flag {
    return new Flag(this.e, src, dst, id, this.limits.eventIds, what);
  }

  queue(producer: Pipe, consumer: Pipe, o: QueueOptions): Queue {
    if (!Number.isInteger(o.depth) || o.depth < 1 || o.depth > QUEUE_IDS) throw new Error(`queue depth ${o.depth} is outside 1..${QUEUE_IDS}`);
    const freer = o.freedBy ?? consumer;
    const first = this.take([[producer, consumer], [freer, producer]], QUEUE_IDS);
    const ids = Array.from({ length: o.depth }, (_, i) => first + i);
    return new Queue(
      o.depth,
      ids.map((id) => this.flag(producer, consumer, id, `${o.what} (full)`)),
      ids.map((id) => this.flag(freer, producer, id, `${o.what} (free)`)),
    );
  }

  signal(src: Pipe, dst: Pipe, what: string): Signal {
    return new Signal(this.flag(src, dst, this.take([[src, dst]], 1), what));
  }
}

/** Cross-core flag ids the ISA encodes (cross_set's id operand range). */
const CROSS_IDS = (() => {
  const id = OPCODES.cross_set.operands.find((o) => o.name === 'id');
  return (id?.range?.[1] ?? 0) + 1;
})();

/**
 * A double-buffered GM workspace handed between an AIC and the AIVs of its group with cross-core
 * flags (CrossCoreSetFlag / CrossCoreWaitFlag count, so one "read" per reader comes back). Both
 * sides' programs use the same object, so their ids agree.
 */
export class CrossQueue {
  private readonly fullIds: readonly number[];
  private readonly freeIds: readonly number[];

  constructor(
    readonly depth: number,
    /** cores that read each slot (the AIC waits for all of them before reusing it) */
    readonly readers: number,
  ) {
    if (2 * depth > CROSS_IDS) throw new Error(`a cross queue of depth ${depth} needs ${2 * depth} cross-core ids; the ISA has ${CROSS_IDS}`);
    this.fullIds = Array.from({ length: depth }, (_, i) => i);
    this.freeIds = Array.from({ length: depth }, (_, i) => depth + i);
  }

  /** Writer: wait until every reader released slot `s`. */
  alloc(e: Emitter, pipe: Pipe, s: number): void {
    for (let r = 0; r < this.readers; r++) e.b.emit('cross_wait', { pipe, id: this.freeIds[s]! });
  }
  /** Writer: slot `s` is written. */
  enque(e: Emitter, pipe: Pipe, s: number): void {
    e.b.emit('cross_set', { pipe, id: this.fullIds[s]! });
  }
  /** Reader: wait until slot `s` is written. */
  deque(e: Emitter, pipe: Pipe, s: number): void {
    e.b.emit('cross_wait', { pipe, id: this.fullIds[s]! });
  }
  /** Writer, at the end: wait until the readers released every slot of the last `used` writes. */
  drain(e: Emitter, pipe: Pipe, used: number): void {
    for (let s = 0; s < Math.min(this.depth, used); s++) this.alloc(e, pipe, s);
  }
  /** Reader: done reading slot `s`. */
  free(e: Emitter, pipe: Pipe, s: number): void {
    e.b.emit('cross_set', { pipe, id: this.freeIds[s]! });
  }
}
