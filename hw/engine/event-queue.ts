/**
 * Discrete-event queue ordered by (cycle, priority, sequence). Time jumps from event to event;
 * idle cycles are never ticked. Event records are pooled so a long run allocates almost nothing.
 */

/** Same-cycle ordering: bandwidth completions free the path before flags fire, flags before pipes
 * look for work, pipes before the scalar unit re-checks its queues. */
export const PRIORITY = { transfer: 0, flag: 1, pipe: 2, scalar: 3 } as const;

export interface SimEvent {
  t: number;
  prio: number;
  seq: number;
  /** what happens: an index into the engine's handler table */
  kind: number;
  /** the core it concerns */
  core: number;
  /** kind-specific arguments */
  a: number;
  b: number;
}

export class EventQueue {
  private heap: SimEvent[] = [];
  private pool: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, prio: number, kind: number, core: number, a = 0, b = 0): void {
    const e = this.pool.pop() ?? { t: 0, prio: 0, seq: 0, kind: 0, core: 0, a: 0, b: 0 };
    e.t = t;
    e.prio = prio;
    e.seq = this.seq++;
    e.kind = kind;
    e.core = core;
    e.a = a;
    e.b = b;
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  /** Removes and returns the earliest event; call `release` when done with it. */
  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  peekTime(): number {
    return this.heap[0]?.t ?? Infinity;
  }

  release(e: SimEvent): void {
    this.pool.push(e);
  }
}

const before = (x: SimEvent, y: SimEvent): boolean =>
  x.t !== y.t ? x.t < y.t : x.prio !== y.prio ? x.prio < y.prio : x.seq < y.seq;
