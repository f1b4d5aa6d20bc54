/**
 * GM bandwidth shared by concurrent transfers, at two levels (docs/timing-model.md §L2 cache and HBM).
 * Each active transfer streams at a rate limited by its path, by its core's GM port and by the chip's
 * L2 bandwidth; capacity is divided max-min fairly (first among cores, then among a core's transfers).
 * A transfer that misses also draws HBM bandwidth: `hbm` bytes of HBM traffic (line fills, write-backs,
 * bypassed bytes) per byte it moves. A core's HBM draw is capped by its miss rate, and the chip's HBM
 * bandwidth is split max-min fairly among cores; a core over its share slows its HBM-drawing
 * transfers in proportion (what they give up is not handed to the core's hit-only transfers: a
 * simplification). Whenever a transfer starts or ends every active transfer's rate is recomputed and
 * its end re-predicted. Only the earliest predicted end is an event (one pending event for the whole
 * chip, older ones recognised by version), so a change costs one event however many transfers are
 * active. A lone transfer of B bytes ends after ceil(B / min(R, port, L2, miss / hbm, HBM / hbm)).
 */

export interface Transfer {
  core: number;
  /** the path's own rate limit, bytes/cycle */
  cap: number;
  remaining: number;
  /** bytes of HBM traffic per byte moved (0: every byte hits the L2) */
  hbm: number;
  rate: number;
  lastUpdate: number;
  /** predicted end cycle */
  end: number;
  /** opaque owner id (the pipe) */
  owner: number;
}

/** The limits, bytes/cycle: chip L2, one core's port, one core's HBM draw, chip HBM. */
export interface BandwidthRates {
  readonly l2: number;
  readonly port: number;
  readonly coreMiss: number;
  readonly hbm: number;
}

/** Rate of a lone transfer with path cap `cap` and `hbm` HBM bytes per byte: what nothing else slows. */
export const aloneRate = (r: BandwidthRates, cap: number, hbm: number): number =>
  Math.min(cap, r.port, r.l2, hbm > 0 ? Math.min(r.coreMiss, r.hbm) / hbm : Infinity);

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
    private readonly rates_: BandwidthRates,
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

  private readonly hbmDemand: number[] = [];
  private readonly hbmShare: number[] = [];

  /** Recomputes every active transfer's rate and predicted end. */
  private rate(now: number): void {
    const act = this.active;
    const n = act.length;
    if (n === 0) return;
    const lim = this.rates_;
    // act is sorted by core, so each core's transfers form one run [start, end).
    const caps = this.caps;
    const demand = this.coreDemand;
    let runs = 0;
    for (let i = 0; i < n; i++) {
      caps[i] = act[i]!.cap;
      if (i === 0 || act[i]!.core !== act[i - 1]!.core) demand[runs++] = 0;
      demand[runs - 1]! += act[i]!.cap;
    }
    for (let r = 0; r < runs; r++) demand[r] = Math.min(demand[r]!, lim.port);
    // The chip splits its L2 bandwidth among cores; each core splits its share among its transfers.
    waterfill(demand, lim.l2, this.coreShare, 0, runs);
    const rates = this.rates;
    const hbm = this.hbmDemand;
    let start = 0;
    let anyHbm = false;
    for (let r = 0; r < runs; r++) {
      let end = start + 1;
      while (end < n && act[end]!.core === act[start]!.core) end++;
      waterfill(caps, this.coreShare[r]!, rates, start, end);
      let draw = 0;
      for (let i = start; i < end; i++) draw += rates[i]! * act[i]!.hbm;
      // a core's misses draw at most its miss rate
      if (draw > lim.coreMiss) {
        this.scaleHbm(start, end, lim.coreMiss / draw);
        draw = lim.coreMiss;
      }
      hbm[r] = draw;
      if (draw > 0) anyHbm = true;
      start = end;
    }
    if (anyHbm) {
      // the chip's HBM is split among cores; a core over its share slows its HBM-drawing transfers
      waterfill(hbm, lim.hbm, this.hbmShare, 0, runs);
      start = 0;
      for (let r = 0; r < runs; r++) {
        let end = start + 1;
        while (end < n && act[end]!.core === act[start]!.core) end++;
        if (this.hbmShare[r]! < hbm[r]!) this.scaleHbm(start, end, this.hbmShare[r]! / hbm[r]!);
        start = end;
      }
    }
    for (let i = 0; i < n; i++) this.setRate(act[i]!, rates[i]!, now);
  }

  /** Scales the rates of transfers [from, to) that draw HBM by `f`. */
  private scaleHbm(from: number, to: number, f: number): void {
    for (let i = from; i < to; i++) if (this.active[i]!.hbm > 0) this.rates[i]! *= f;
  }

  private setRate(t: Transfer, rate: number, now: number): void {
    t.rate = rate;
    // Tolerance absorbs float residue so a transfer due exactly now is not pushed a cycle later.
    t.end = now + Math.max(0, Math.ceil(t.remaining / rate - 1e-9));
  }
}
