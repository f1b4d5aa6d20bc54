/**
 * Shadow state of one buffer for the sanitizer: for every byte, the last write and the reads since
 * it, kept as an interval map (sorted segment starts, one immutable state per segment) because
 * kernels touch long runs of bytes at a time. Segments whose states are the same object merge, so a
 * region written by one instruction is one segment however many bytes it has.
 */

/** One access: which agent (core x pipe) made it at which of its clock ticks, and where in the program. */
export interface Access {
  readonly agent: number;
  readonly clock: number;
  readonly core: number;
  readonly pc: number;
  /** cycle the instruction started */
  readonly at: number;
}

/** Where never-written bytes were first read: the reading instruction and the bytes. */
export interface Origin {
  readonly core: number;
  readonly pc: number;
  readonly pipe: number;
  readonly buf: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * A byte range's history: the last write (null: never written), the latest read of each agent since,
 * and, when the bytes were computed from never-written bytes, where those were read (`poison`).
 */
export interface ByteState {
  readonly write: Access | null;
  readonly reads: readonly Access[];
  readonly poison: Origin | null;
}

export const NEVER_WRITTEN: ByteState = { write: null, reads: [], poison: null };

export class Shadow {
  /** segment i covers [starts[i], starts[i + 1]) (the last one up to `size`) */
  private readonly starts: number[] = [0];
  private readonly states: ByteState[];

  constructor(
    readonly size: number,
    initial: ByteState,
  ) {
    this.states = [initial];
  }

  /** Index of the segment holding byte `x`. */
  private find(x: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Makes `x` a segment start; returns that segment's index. */
  private split(x: number): number {
    const i = this.find(x);
    if (this.starts[i] === x) return i;
    this.starts.splice(i + 1, 0, x);
    this.states.splice(i + 1, 0, this.states[i]!);
    return i + 1;
  }

  /** Calls `visit` on each segment state overlapping [lo, hi) with the overlap, in address order. */
  visit(lo: number, hi: number, visit: (s: ByteState, lo: number, hi: number) => void): void {
    for (let i = this.find(lo); i < this.starts.length && this.starts[i]! < hi; i++) {
      const end = i + 1 < this.starts.length ? this.starts[i + 1]! : this.size;
      visit(this.states[i]!, Math.max(lo, this.starts[i]!), Math.min(hi, end));
    }
  }

  /** Replaces the state of every segment in [lo, hi) by `next(state)`, then merges equal neighbours. */
  update(lo: number, hi: number, next: (s: ByteState) => ByteState): void {
    if (hi <= lo) return;
    const first = this.split(lo);
    const end = hi < this.size ? this.split(hi) : this.starts.length;
    for (let i = first; i < end; i++) this.states[i] = next(this.states[i]!);
    // merge from one before the range to its end
    for (let i = Math.min(end, this.starts.length - 1); i > Math.max(0, first - 1); i--) {
      if (this.states[i] === this.states[i - 1]) {
        this.starts.splice(i, 1);
        this.states.splice(i, 1);
      }
    }
  }

  /** Segments in the map (for tests and bounds). */
  get segments(): number {
    return this.starts.length;
  }
}
