/**
 * Flow-arrow bookkeeping: where each flag-setting record ended, kept until the wait it released
 * arrives. Only unconsumed setters are held, so memory stays small however long the run.
 *
 * A set_flag releases exactly one wait (setting a flag twice is an error), so its entry is deleted on
 * use. A cross_set may release one wait on each partner core, so its entry stays; to bound memory, each
 * cross_set instruction (core, pc) keeps only its CROSS_KEEP latest records: older ones can no longer be
 * named, because a wait is released by the latest set to fire and at most 15 sets can be pending.
 */

/** Where an arrow starts: the setter's trace row and time. */
export interface FlowEnd {
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  /** the setter's mnemonic, used as the arrow's name */
  readonly name: string;
}

/** Records that set flags: whether one record can release several waits. */
export const FLAG_SETTERS: Readonly<Record<string, { readonly multi: boolean }>> = {
  set_flag: { multi: false },
  cross_set: { multi: true },
};

const CROSS_KEEP = 16;

/** Unconsumed setter records by record id. */
export class FlowTable {
  private readonly open = new Map<number, FlowEnd & { multi: boolean }>();
  private readonly recent = new Map<string, number[]>();

  /** Remembers a setter record (call only for ops in FLAG_SETTERS). */
  add(id: number, op: string, core: number, pc: number, end: FlowEnd): void {
    const multi = FLAG_SETTERS[op]?.multi ?? false;
    this.open.set(id, { ...end, multi });
    if (!multi) return;
    const key = `${core}:${pc}`;
    let ids = this.recent.get(key);
    if (!ids) this.recent.set(key, (ids = []));
    ids.push(id);
    if (ids.length > CROSS_KEEP) this.open.delete(ids.shift()!);
  }

  /** The setter record `id`, consuming it unless it may release more waits. */
  take(id: number): FlowEnd | undefined {
    const e = this.open.get(id);
    if (e && !e.multi) this.open.delete(id);
    return e;
  }

  /** Setters still held (for tests of the memory bound). */
  get size(): number {
    return this.open.size;
  }
}
