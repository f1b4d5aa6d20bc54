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
import { OPCODES } from '../../isa/opcodes.js';
import type { Insn } from '../../isa/program.js';
import type { MemRef } from '../../isa/types.js';
import type { Emitter } from '../emitter.js';

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

/** Scalar registers of a loop: A base, output base, trip counter, and a zero to compare it with. */
const REG_A = 8;
const REG_Y = 9;
const REG_COUNT = 10;
const REG_ZERO = 11;

const fieldsOf = (insn: Insn) => insn as unknown as Record<string, unknown>;
const memNames = new Map<string, readonly string[]>();
const memNamesOf = (op: Insn['op']): readonly string[] => {
  let names = memNames.get(op);
  if (!names) memNames.set(op, (names = OPCODES[op].operands.filter((o) => o.kind === 'mem').map((o) => o.name)));
  return names;
};
const namesOf = (op: Insn['op']): readonly string[] => OPCODES[op].operands.map((o) => o.name);

/** An operand with A or output addresses made relative to the bases of entry `entry` (others unchanged). */
function rebase(m: MemRef, r: EntryRegions, entry: number): MemRef {
  if (m.buf !== 'GM' || m.base !== -1) return m;
  if (m.off >= r.a.offset && m.off < r.a.end) return { buf: 'GM', base: REG_A, off: m.off - (r.a.offset + entry * r.a.stride) };
  if (m.off >= r.y.offset && m.off < r.y.end) return { buf: 'GM', base: REG_Y, off: m.off - (r.y.offset + entry * r.y.stride) };
  return m;
}

/** Whether instructions a[i..] of entry ea and b[j..] of entry eb are the same, n of them, with their entries' addresses relative. */
function sameCode(insns: readonly Insn[], i: number, ea: number, j: number, eb: number, n: number, r: EntryRegions): boolean {
  for (let k = 0; k < n; k++) {
    const x = insns[i + k]!;
    const y = insns[j + k]!;
    if (x.op !== y.op) return false;
    const fx = fieldsOf(x);
    const fy = fieldsOf(y);
    for (const name of namesOf(x.op)) {
      const u = fx[name];
      const v = fy[name];
      if (typeof u !== 'object' || u === null) {
        if (!Object.is(u, v)) return false;
        continue;
      }
      const mu = rebase(u as MemRef, r, ea);
      const mv = rebase(v as MemRef, r, eb);
      if (mu.buf !== mv.buf || mu.base !== mv.base || mu.off !== mv.off) return false;
    }
  }
  return true;
}

interface Segment {
  readonly start: number;
  readonly end: number;
  readonly entry: number;
}

/** Whether segments s .. s + period - 1 and the next `period` ones hold the same code, entry for entry. */
function samePeriod(insns: readonly Insn[], segs: readonly Segment[], s: number, period: number, r: EntryRegions): boolean {
  for (let k = 0; k < period; k++) {
    const x = segs[s + k];
    const y = segs[s + period + k];
    if (!x || !y || x.end - x.start !== y.end - y.start || y.entry !== x.entry + period) return false;
    if (!sameCode(insns, x.start, x.entry, y.start, y.entry, x.end - x.start, r)) return false;
  }
  return true;
}

const emitInsn = (out: Emitter, insn: Insn, fields: Record<string, unknown> = fieldsOf(insn)) => {
  const { op, ...args } = fields;
  out.b.emit(op as Insn['op'], args as never);
};

/**
 * Appends a block's code (straight-line, from its own builder) to `out`, with runs of identical
 * entries folded into loops. `label` names the block's loop labels. Returns the entries the loops run.
 */
export function emitWithEntryLoops(out: Emitter, insns: readonly Insn[], marks: readonly EntryMark[], r: EntryRegions, label: string): number {
  const segs: Segment[] = [];
  for (let i = 0; i + 1 < marks.length; i++) segs.push({ start: marks[i]!.pc, end: marks[i + 1]!.pc, entry: marks[i]!.entry });
  const first = segs[0]?.start ?? insns.length;
  const last = segs.at(-1)?.end ?? insns.length;
  out.b.appendBuilt(insns.slice(0, first));
  let looped = 0;
  let loops = 0;
  for (let s = 0; s < segs.length; ) {
    // the shortest period (1 or 2 entries) that repeats at least once from here, and how often
    const period = [1, 2].find((p) => samePeriod(insns, segs, s, p, r));
    if (period === undefined) {
      out.b.appendBuilt(insns.slice(segs[s]!.start, segs[s]!.end));
      s++;
      continue;
    }
    let trips = 2;
    while (samePeriod(insns, segs, s + (trips - 1) * period, period, r)) trips++;
    const e0 = segs[s]!.entry;
    const name = `${label}_loop${loops++}`;
    out.b.emit('li', { rd: REG_A, imm: r.a.offset + e0 * r.a.stride });
    out.b.emit('li', { rd: REG_Y, imm: r.y.offset + e0 * r.y.stride });
    out.b.emit('li', { rd: REG_COUNT, imm: trips });
    out.b.emit('li', { rd: REG_ZERO, imm: 0 });
    out.b.label(name);
    for (let k = 0; k < period; k++)
      for (let pc = segs[s + k]!.start; pc < segs[s + k]!.end; pc++) {
        const insn = insns[pc]!;
        const fields = { ...fieldsOf(insn) };
        for (const m of memNamesOf(insn.op)) fields[m] = rebase(fields[m] as MemRef, r, e0);
        emitInsn(out, insn, fields);
      }
    out.b.emit('addi', { rd: REG_A, rs1: REG_A, imm: period * r.a.stride });
    out.b.emit('addi', { rd: REG_Y, rs1: REG_Y, imm: period * r.y.stride });
    out.b.emit('addi', { rd: REG_COUNT, rs1: REG_COUNT, imm: -1 });
    out.b.emit('bne', { rs1: REG_COUNT, rs2: REG_ZERO, target: name });
    looped += trips * period;
    s += trips * period;
  }
  out.b.appendBuilt(insns.slice(last));
  return looped;
}

/** Whether emitWithEntryLoops would fold anything: some entry (or pair) repeats in the next. */
export function hasEntryLoops(insns: readonly Insn[], marks: readonly EntryMark[], r: EntryRegions): boolean {
  const segs: Segment[] = [];
  for (let i = 0; i + 1 < marks.length; i++) segs.push({ start: marks[i]!.pc, end: marks[i + 1]!.pc, entry: marks[i]!.entry });
  return segs.some((_, s) => samePeriod(insns, segs, s, 1, r) || samePeriod(insns, segs, s, 2, r));
}
