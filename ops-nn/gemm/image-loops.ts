/**
 * Batch entries as scalar loops. A block that runs several whole batch entries (images) repeats the
 * same code for each, but for the GM addresses of the entry's A (its feature map or matrix) and of its
 * output rows, and, when an entry has an odd number of tiles, for the ping-pong slots, which then
 * repeat every two entries. The block is generated straight-line as before; its entries' code is then
 * compared with the A and output addresses taken relative to the entry, and every run of identical
 * entries (or pairs of entries) becomes one body in a loop on the scalar unit that moves two base
 * registers on by an entry each time round. Program size then no longer grows with the batch: a
 * block's code is its first and last (partial) entries, one loop body and the loop's few scalar
 * instructions, which the scalar unit runs (and is timed for) as on the hardware.
 */
import type { Insn } from '../../isa/program.js';
import type { MemRef } from '../../isa/types.js';
import { rewritten, sameInsns, type Run, type Span } from './loop-fold.js';

/** Where a batch entry's tiles start in a block's code (a final mark with entry -1 ends the last). */
export interface EntryMark {
  readonly pc: number;
  readonly entry: number;
}

/** The per-entry GM regions a loop body addresses through its base registers. */
export interface EntryRegions {
  /** first byte and bytes per entry of A and of the output */
  readonly a: { readonly offset: number; readonly stride: number; readonly end: number };
  readonly y: { readonly offset: number; readonly stride: number; readonly end: number };
}

/** Scalar registers of an entry loop: the A base and the output base. */
const REG_A = 8;
const REG_Y = 9;

/** An operand with A or output addresses made relative to the bases of entry `entry` (others unchanged). */
function rebase(m: MemRef, r: EntryRegions, entry: number): MemRef {
  if (m.buf !== 'GM' || m.base !== -1) return m;
  if (m.off >= r.a.offset && m.off < r.a.end) return { buf: 'GM', base: REG_A, off: m.off - (r.a.offset + entry * r.a.stride) };
  if (m.off >= r.y.offset && m.off < r.y.end) return { buf: 'GM', base: REG_Y, off: m.off - (r.y.offset + entry * r.y.stride) };
  return m;
}

const sameMem = (u: MemRef, v: MemRef) => u.buf === v.buf && u.base === v.base && u.off === v.off;

interface Segment extends Span {
  readonly entry: number;
}

/** Whether segments s .. s + period - 1 and the next `period` ones hold the same code, entry for entry. */
function samePeriod(insns: readonly Insn[], segs: readonly Segment[], s: number, period: number, r: EntryRegions): boolean {
  for (let k = 0; k < period; k++) {
    const x = segs[s + k];
    const y = segs[s + period + k];
    if (!x || !y || x.end - x.start !== y.end - y.start || y.entry !== x.entry + period) return false;
    if (!sameInsns(insns, x.start, y.start, x.end - x.start, (u, v) => sameMem(rebase(u, r, x.entry), rebase(v, r, y.entry)))) return false;
  }
  return true;
}

/**
 * A block's entries (`marks`) and the runs of identical entries (or pairs of entries, when an entry
 * has an odd number of tiles and the ping-pong slots repeat every two) among them, for emitFolded.
 */
export function entryRuns(insns: readonly Insn[], marks: readonly EntryMark[], r: EntryRegions): { segs: Segment[]; runs: Run[] } {
  const segs: Segment[] = [];
  for (let i = 0; i + 1 < marks.length; i++) segs.push({ start: marks[i]!.pc, end: marks[i + 1]!.pc, entry: marks[i]!.entry });
  const runs: Run[] = [];
  for (let s = 0; s < segs.length; ) {
    // the shortest period (1 or 2 entries) that repeats at least once from here, and how often
    const period = [1, 2].find((p) => samePeriod(insns, segs, s, p, r));
    if (period === undefined) {
      s++;
      continue;
    }
    let trips = 2;
    while (samePeriod(insns, segs, s + (trips - 1) * period, period, r)) trips++;
    const e0 = segs[s]!.entry;
    runs.push({
      first: s,
      period,
      trips,
      regs: [
        { reg: REG_A, start: r.a.offset + e0 * r.a.stride, step: period * r.a.stride },
        { reg: REG_Y, start: r.y.offset + e0 * r.y.stride, step: period * r.y.stride },
      ],
      body: rewritten(insns, segs[s]!.start, segs[s + period - 1]!.end, (m) => rebase(m, r, e0)),
    });
    s += trips * period;
  }
  return { segs, runs };
}
