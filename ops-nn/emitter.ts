/**
 * Small helpers over ProgramBuilder that kernel generators share: the event ids of each block
 * (handoffs between pipes go through queues and signals, ./queue.ts), pipe barriers, and vector
 * instructions over regions longer than 255 repeats (split into several instructions).
 */
import { mem, ProgramBuilder } from '../isa/builder.js';
import type { Pipe } from '../isa/types.js';
import { EventPool, type EventLimits } from './queue.js';

export class Emitter {
  readonly b = new ProgramBuilder();

  /** `limits`: the preset's event ids (a HwConfig will do). */
  constructor(private readonly limits: EventLimits) {}

  /** The event ids of a new block's code: each block runs on its own core, so ids start over. */
  startBlock(): EventPool {
    return new EventPool(this, this.limits);
  }

  barrier(pipe: Pipe): void {
    this.b.emit('pipe_barrier', { pipe });
  }

  /**
   * Calls `emit(first, count)` for consecutive runs of at most 255 repeats covering `repeats`.
   * The callback turns the run's first repeat index into addresses.
   */
  repeatRuns(repeats: number, emit: (first: number, count: number) => void): void {
    for (let r = 0; r < repeats; r += 255) emit(r, Math.min(255, repeats - r));
  }
}

export const ub = (off: number) => mem('UB', off);
export const gm = (off: number) => mem('GM', off);
export const l1 = (off: number) => mem('L1', off);
