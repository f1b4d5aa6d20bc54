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
    this.active.push(t);
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
    // Demand per core, capped by its port; then the chip splits its bandwidth among cores.
    const cores: number[] = [];
    const coreDemand: number[] = [];
    for (const t of act) {
      let c = cores.indexOf(t.core);
      if (c < 0) {
        c = cores.length;
        cores.push(t.core);
        coreDemand.push(0);
      }
      coreDemand[c] = coreDemand[c]! + t.cap;
    }
    const capped = coreDemand.map((d) => Math.min(d, this.coreRate));
    const coreAlloc: number[] = [];
    waterfill(capped, this.chipRate, coreAlloc);
    cores.forEach((core, c) => {
      const mine = act.filter((t) => t.core === core);
      const rates: number[] = [];
      waterfill(
        mine.map((t) => t.cap),
        coreAlloc[c]!,
        rates,
      );
      mine.forEach((t, k) => {
        t.rate = rates[k]!;
        // Tolerance absorbs float residue so a transfer due exactly now is not pushed a cycle later.
        const end = now + Math.max(0, Math.ceil(t.remaining / t.rate - 1e-9));
        if (end !== t.end) {
          t.end = end;
          t.version++;
          this.scheduleEnd(t, end);
        }
      });
    });
  }
}
