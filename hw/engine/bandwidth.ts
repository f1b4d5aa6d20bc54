/**
 * GM bandwidth shared by concurrent transfers. Each active transfer streams at a rate limited by its
 * path, by its core's GM port and by the chip's GM bandwidth; capacity is divided max-min fairly
 * (first among cores, then among a core's transfers). Whenever a transfer starts or ends every
 * active transfer's rate is recomputed and its end re-predicted; stale predictions are ignored by
 * version. A lone transfer of B bytes on a path of rate R ends after ceil(B / min(R, core, chip)).
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
  /** bumps whenever `end` is re-predicted, so older completion events can be recognised */
  version: number;
  /** opaque owner id (the pipe) */
  owner: number;
}

export type ScheduleEnd = (t: Transfer, at: number) => void;

/** Max-min fair split of `capacity` among `demands` (written into `out`). */
export function waterfill(demands: readonly number[], capacity: number, out: number[]): void {
  const order = demands.map((_, i) => i).sort((x, y) => demands[x]! - demands[y]! || x - y);
  let left = capacity;
  order.forEach((idx, k) => {
    const share = Math.min(demands[idx]!, left / (order.length - k));
    out[idx] = share;
    left -= share;
  });
}

export class GmBandwidth {
  readonly active: Transfer[] = [];

  constructor(
    private readonly chipRate: number,
    private readonly coreRate: number,
    private readonly scheduleEnd: ScheduleEnd,
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

  /** Called at a transfer's predicted end; returns false for a stale prediction. */
  finish(now: number, t: Transfer, version: number): boolean {
    if (version !== t.version) return false;
    this.advance(now);
    const i = this.active.indexOf(t);
    this.active.splice(i, 1);
    this.reallocate(now);
    return true;
  }

  private advance(now: number): void {
    for (const t of this.active) {
      t.remaining = Math.max(0, t.remaining - t.rate * (now - t.lastUpdate));
      t.lastUpdate = now;
    }
  }

  private reallocate(now: number): void {
    const act = this.active;
    if (act.length === 0) return;
    const oneCore = act.every((t) => t.core === act[0]!.core);
    if (oneCore) {
      // Common case (one core, or one transfer): that core's port, capped by the chip, split fairly.
      this.split(act, Math.min(this.coreRate, this.chipRate), now);
      return;
    }
    // Demand per core, capped by its port; the chip splits its bandwidth among cores, each core
    // splits its share among its own transfers.
    const cores = [...new Set(act.map((t) => t.core))];
    const demand = cores.map((core) => Math.min(this.coreRate, act.reduce((s, t) => s + (t.core === core ? t.cap : 0), 0)));
    const share: number[] = [];
    waterfill(demand, this.chipRate, share);
    cores.forEach((core, c) => this.split(act.filter((t) => t.core === core), share[c]!, now));
  }

  /** Gives `transfers` a max-min fair split of `capacity` and re-predicts their ends. */
  private split(transfers: readonly Transfer[], capacity: number, now: number): void {
    if (transfers.length === 1) this.setRate(transfers[0]!, Math.min(transfers[0]!.cap, capacity), now);
    else {
      const rates: number[] = [];
      waterfill(
        transfers.map((t) => t.cap),
        capacity,
        rates,
      );
      transfers.forEach((t, k) => this.setRate(t, rates[k]!, now));
    }
  }

  private setRate(t: Transfer, rate: number, now: number): void {
    t.rate = rate;
    // Tolerance absorbs float residue so a transfer due exactly now is not pushed a cycle later.
    const end = now + Math.max(0, Math.ceil(t.remaining / rate - 1e-9));
    if (end !== t.end) {
      t.end = end;
      t.version++;
      this.scheduleEnd(t, end);
    }
  }
}
