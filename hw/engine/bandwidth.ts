/**
 * GM bandwidth shared by concurrent transfers. Each active transfer streams at a rate limited by its
 * path, by its core's GM port and by the chip's GM bandwidth; capacity is divided max-min fairly
 * (first among cores, then among a core's transfers). Whenever a transfer starts or ends every
 * active transfer's rate is recomputed and its end re-predicted. Only the earliest predicted end is
 * an event (one pending event for the whole chip, older ones recognised by version), so a change
 * costs one event however many transfers are active. A lone transfer of B bytes on a path of rate
 * R ends after ceil(B / min(R, core, chip)).
 */

export interface Transfer {
  core: number;
  /** the path's own rate limit, bytes/cycle */
  cap: number;
  remaining: number;
  rate: number;
  lastUpdate: number;
  /** predicted end cycle */
  end: number;
  /** opaque owner id (the pipe) */
  owner: number;
}

/** Asks for the manager's next event at `at`; the event must carry `version` back to `due`. */
export type ScheduleNext = (at: number, version: number) => void;

/**
 * Max-min fair split of `capacity` among demands[from..to) (written into out[from..to)). Progressive
 * filling without sorting or allocating: repeatedly satisfy every demand below the fair share.
 */
export function waterfill(demands: ArrayLike<number>, capacity: number, out: number[], from = 0, to = demands.length): void {
  let left = capacity;
  let open = to - from;
  for (let i = from; i < to; i++) out[i] = -1;
  while (open > 0) {
    const share = left / open;
    let fixed = false;
    for (let i = from; i < to; i++)
      if (out[i]! < 0 && demands[i]! <= share) {
        out[i] = demands[i]!;
        left -= demands[i]!;
        open--;
        fixed = true;
      }
    if (!fixed) {
      for (let i = from; i < to; i++) if (out[i]! < 0) out[i] = share;
      return;
    }
  }
}

export class GmBandwidth {
  private active: Transfer[] = [];
  /** version of the one pending event, and its cycle (-1: none) */
  private version = 0;
  private pendingAt = -1;

  constructor(
    private readonly chipRate: number,
    private readonly coreRate: number,
    private readonly scheduleNext: ScheduleNext,
  ) {}

  start(now: number, t: Transfer): void {
    this.advance(now);
    t.lastUpdate = now;
    // Kept sorted by (core, pipe): rates then depend only on which transfers are active, never on
    // the order in which same-cycle transfers happened to start.
    const act = this.active;
    let i = act.length;
    while (i > 0 && (act[i - 1]!.core > t.core || (act[i - 1]!.core === t.core && act[i - 1]!.owner > t.owner))) i--;
    act.splice(i, 0, t);
    this.reallocate(now);
  }

  /**
   * At the manager's event: removes every transfer due by `now` and returns them in (core, pipe)
   * order; a stale event (an older version) returns none.
   */
  due(now: number, version: number): Transfer[] {
    if (version !== this.version) return [];
    this.pendingAt = -1;
    this.advance(now);
    const done = this.active.filter((t) => t.end <= now);
    this.active = this.active.filter((t) => t.end > now);
    this.reallocate(now);
    return done;
  }

  private advance(now: number): void {
    for (const t of this.active) {
      t.remaining = Math.max(0, t.remaining - t.rate * (now - t.lastUpdate));
      t.lastUpdate = now;
    }
  }

  private readonly caps: number[] = [];
  private readonly rates: number[] = [];
  private readonly coreDemand: number[] = [];
  private readonly coreShare: number[] = [];

  private reallocate(now: number): void {
    this.rate(now);
    let next = Infinity;
    for (const t of this.active) next = Math.min(next, t.end);
    const at = next === Infinity ? -1 : next;
    if (at !== this.pendingAt) {
      this.version++;
      this.pendingAt = at;
      if (at >= 0) this.scheduleNext(at, this.version);
    }
  }

  /** Recomputes every active transfer's rate and predicted end. */
  private rate(now: number): void {
    const act = this.active;
    const n = act.length;
    if (n === 0) return;
    // act is sorted by core, so each core's transfers form one run [start, end).
    const caps = this.caps;
    const demand = this.coreDemand;
    let runs = 0;
    for (let i = 0; i < n; i++) {
      caps[i] = act[i]!.cap;
      if (i === 0 || act[i]!.core !== act[i - 1]!.core) demand[runs++] = 0;
      demand[runs - 1]! += act[i]!.cap;
    }
    for (let r = 0; r < runs; r++) demand[r] = Math.min(demand[r]!, this.coreRate);
    // The chip splits its bandwidth among cores; each core splits its share among its transfers.
    waterfill(demand, this.chipRate, this.coreShare, 0, runs);
    let start = 0;
    for (let r = 0; r < runs; r++) {
      let end = start + 1;
      while (end < n && act[end]!.core === act[start]!.core) end++;
      waterfill(caps, this.coreShare[r]!, this.rates, start, end);
      for (let i = start; i < end; i++) this.setRate(act[i]!, this.rates[i]!, now);
      start = end;
    }
  }

  private setRate(t: Transfer, rate: number, now: number): void {
    t.rate = rate;
    // Tolerance absorbs float residue so a transfer due exactly now is not pushed a cycle later.
    t.end = now + Math.max(0, Math.ceil(t.remaining / rate - 1e-9));
  }
}
