/**
 * Small helpers over ProgramBuilder that kernel generators share: flag handoffs, and vector
 * instructions over regions longer than 255 repeats (split into several instructions).
 */
import { mem, ProgramBuilder } from '../isa/builder.js';
import type { Pipe } from '../isa/types.js';

export class Emitter {
  readonly b = new ProgramBuilder();

  set(src: Pipe, dst: Pipe, id: number): void {
    this.b.emit('set_flag', { src, dst, id });
  }

  wait(src: Pipe, dst: Pipe, id: number): void {
    this.b.emit('wait_flag', { src, dst, id });
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
