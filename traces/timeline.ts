/**
 * A bounded-memory timeline of a run for the HTML report: per core and pipe (a lane), the busy time
 * merged into at most a few thousand segments, however many instructions the run executes. Each
 * segment keeps how many of its cycles were busy, so a merged stretch can be drawn as partly busy.
 * Small runs also keep every instruction (the report's detail view, with assembly text).
 *
 * Merging: a lane's segments are the union of its instructions' [start, end); when a lane holds more
 * than its cap, it gets a resolution R (doubled until the lane fits): an idle gap that lies within
 * one window [kR, (k+1)R) is closed, one that crosses a window boundary is kept. So a lane spanning T
 * cycles keeps at most T / R + 1 segments, spread over the whole run rather than lumped into one. Records of one pipe arrive in execution order (hw/engine/chip.ts), so merging happens at the
 * tail only. Waits (the sync family: wait_flag, set_flag, barriers) are not busy time.
 */
import type { Pipe } from '../isa/types.js';
import { OPCODES, MNEMONICS, type Mnemonic } from '../isa/opcodes.js';
import type { CoreInfo, InsnRecord, TraceSink } from '../hw/engine/records.js';
import type { AsmLookup } from './asm-lookup.js';
import { asmOfRecord } from './sinks.js';
import { PIPE_ROWS } from './vocabulary.js';

/** Lanes of a core, top to bottom: the scalar unit, the compute units, then the data movers. */
export const LANE_PIPES: readonly Pipe[] = ['S', 'M', 'V', 'MTE1', 'MTE2', 'MTE3', 'FIX'];

/** Segments the whole overview may hold, shared out over the lanes (keeps a large report small). */
const OVERVIEW_BUDGET = 120_000;
/** Segments per lane at most (and at least, however many lanes share the budget). */
const LANE_CAP_MAX = 3000;
const LANE_CAP_MIN = 300;
/** Runs of at most this many instructions keep every one of them (the detail view). */
export const DETAIL_LIMIT = 20_000;

/** One lane of the timeline: a pipe of a core. */
export interface TimelineLane {
  readonly core: number;
  readonly kind: string;
  readonly block: number;
  /** vendor row name: SCALAR, CUBE, VECTOR, MTE1, MTE2, MTE3, FIXP */
  readonly pipe: string;
  /** instructions recorded on the lane (waits included) */
  readonly insns: number;
  /** busy cycles: the union of its non-wait instructions' [start, end) */
  readonly busyCycles: number;
  /** idle gaps inside one window of this many cycles were closed (0: only overlapping instructions merged) */
  readonly resolution: number;
  /** flat triples: start, length, busy cycles within the segment */
  readonly segments: readonly number[];
}

/** Every instruction of a small run. */
export interface TimelineDetail {
  /** mnemonics, indexed by the op column */
  readonly ops: readonly string[];
  /** per op: a wait (the sync family), drawn apart from busy time */
  readonly wait: readonly boolean[];
  /** assembly texts, indexed by the asm column */
  readonly asm: readonly string[];
  /** flat sextuples: lane index, start, end, op index, asm index, pc */
  readonly insns: readonly number[];
}

export interface Timeline {
  /** last end cycle of any instruction */
  readonly cycles: number;
  /** instructions recorded, all lanes */
  readonly insns: number;
  /** segments kept, all lanes */
  readonly segmentCount: number;
  readonly lanes: readonly TimelineLane[];
  /** null when the run had more than DETAIL_LIMIT instructions */
  readonly detail: TimelineDetail | null;
}

const SYNC: ReadonlySet<Mnemonic> = new Set(MNEMONICS.filter((m) => OPCODES[m].family === 'sync'));

class LaneState {
  insns = 0;
  busy = 0;
  resolution = 0;
  /** flat triples [start, end, busy] */
  segs: number[] = [];
  constructor(
    readonly info: CoreInfo,
    readonly pipe: Pipe,
  ) {}

  add(start: number, end: number, cap: number): void {
    const s = this.segs;
    const n = s.length;
    if (n > 0 && this.joins(s[n - 2]!, start)) {
      const covered = Math.max(start, s[n - 2]!);
      const added = Math.max(0, end - covered);
      s[n - 2] = Math.max(s[n - 2]!, end);
      s[n - 1]! += added;
      s[n - 3] = Math.min(s[n - 3]!, start);
      this.busy += added;
    } else {
      s.push(start, end, end - start);
      this.busy += end - start;
      if (s.length > 3 * cap) this.coarsen(cap);
    }
  }

  /** Whether an interval starting at `start` joins a segment ending at `end`: it overlaps, or the gap lies in one window. */
  private joins(end: number, start: number): boolean {
    return start <= end || (this.resolution > 0 && Math.floor(end / this.resolution) === Math.floor(start / this.resolution));
  }

  /** Doubles the resolution until the lane holds at most half its cap. */
  private coarsen(cap: number): void {
    while (this.segs.length > 1.5 * cap) {
      this.resolution = Math.max(2, this.resolution * 2);
      const out: number[] = [];
      for (let i = 0; i < this.segs.length; i += 3) {
        const [a, b, busy] = [this.segs[i]!, this.segs[i + 1]!, this.segs[i + 2]!];
        const m = out.length;
        if (m > 0 && this.joins(out[m - 2]!, a)) {
          out[m - 2] = Math.max(out[m - 2]!, b);
          out[m - 1]! += busy;
        } else out.push(a, b, busy);
      }
      this.segs = out;
    }
  }
}

/**
 * A trace sink that builds the report's timeline. Attach it beside the file sinks (teeSinks); read
 * `timeline()` after the run.
 */
export class TimelineSink implements TraceSink {
  private readonly lanes = new Map<number, LaneState>();
  private cores: readonly CoreInfo[] = [];
  private cap = LANE_CAP_MAX;
  private count = 0;
  private last = 0;
  /** flat quintuples: lane key, start, end, op index, pc; dropped past DETAIL_LIMIT */
  private detail: number[] | null = [];

  constructor(private readonly asm?: AsmLookup) {}

  begin(cores: readonly CoreInfo[]): void {
    this.cores = cores;
    const lanes = cores.reduce((s, c) => s + c.pipes.length + 1, 0);
    this.cap = Math.max(LANE_CAP_MIN, Math.min(LANE_CAP_MAX, Math.floor(OVERVIEW_BUDGET / Math.max(1, lanes))));
  }

  insn(rec: InsnRecord): void {
    const key = rec.core * LANE_PIPES.length + LANE_PIPES.indexOf(rec.pipe);
    let lane = this.lanes.get(key);
    if (!lane) {
      const info = this.cores[rec.core] ?? { core: rec.core, kind: '?', blockIdx: -1, pipes: [] };
      this.lanes.set(key, (lane = new LaneState(info, rec.pipe)));
    }
    lane.insns++;
    this.count++;
    this.last = Math.max(this.last, rec.end);
    if (rec.end > rec.start && !SYNC.has(rec.op)) lane.add(rec.start, rec.end, this.cap);
    if (this.detail) {
      if (this.count > DETAIL_LIMIT) this.detail = null;
      else this.detail.push(key, rec.start, rec.end, MNEMONICS.indexOf(rec.op), rec.pc);
    }
  }

  timeline(): Timeline {
    const keys = [...this.lanes.keys()].sort((a, b) => a - b);
    const index = new Map(keys.map((k, i) => [k, i]));
    const lanes = keys.map((k): TimelineLane => {
      const l = this.lanes.get(k)!;
      const segments: number[] = [];
      for (let i = 0; i < l.segs.length; i += 3) segments.push(l.segs[i]!, l.segs[i + 1]! - l.segs[i]!, l.segs[i + 2]!);
      return { core: l.info.core, kind: l.info.kind, block: l.info.blockIdx, pipe: PIPE_ROWS[l.pipe].name, insns: l.insns, busyCycles: l.busy, resolution: l.resolution, segments };
    });
    return {
      cycles: this.last,
      insns: this.count,
      segmentCount: lanes.reduce((s, l) => s + l.segments.length / 3, 0),
      lanes,
      detail: this.detail ? this.detailOf(index) : null,
    };
  }

  /** The kept instructions with lane indices and string tables for ops and assembly. */
  private detailOf(index: ReadonlyMap<number, number>): TimelineDetail {
    const d = this.detail!;
    const ops: string[] = [];
    const opAt = new Map<number, number>();
    const asm: string[] = [];
    const asmAt = new Map<string, number>();
    const insns: number[] = [];
    for (let i = 0; i < d.length; i += 5) {
      const [key, start, end, op, pc] = [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!, d[i + 4]!];
      if (!opAt.has(op)) opAt.set(op, ops.push(MNEMONICS[op]!) - 1);
      const core = Math.floor(key / LANE_PIPES.length);
      const text = asmOfRecord(this.asm, this.cores[core], pc);
      if (!asmAt.has(text)) asmAt.set(text, asm.push(text) - 1);
      insns.push(index.get(key)!, start, end, opAt.get(op)!, asmAt.get(text)!, pc);
    }
    return { ops, wait: ops.map((o) => SYNC.has(o as Mnemonic)), asm, insns: byLaneAndStart(insns) };
  }
}

/** Detail sextuples ordered by lane, then start (records arrive as they complete), ties in arrival order. */
function byLaneAndStart(flat: readonly number[]): number[] {
  const order = Array.from({ length: flat.length / 6 }, (_, i) => i);
  order.sort((a, b) => flat[6 * a]! - flat[6 * b]! || flat[6 * a + 1]! - flat[6 * b + 1]! || a - b);
  return order.flatMap((i) => flat.slice(6 * i, 6 * i + 6));
}
