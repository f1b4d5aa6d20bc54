/**
 * Folding straight-line block code into scalar loops, shared by the batch-entry loops
 * (image-loops.ts) and the tile loops (tile-loops.ts). A block is generated straight-line and cut
 * into segments (its entries, or its tiles); a finder says which runs of segments repeat and how
 * their addresses move; this module compares instructions and emits the result: straight-line
 * segments as they were built, each run as one body the scalar unit loops over, its moving operands
 * addressing through registers that step on every trip.
 */
import { OPCODES } from '../../isa/opcodes.js';
import type { Insn } from '../../isa/program.js';
import type { MemRef } from '../../isa/types.js';
import type { Emitter } from '../emitter.js';

/** Instructions [start, end) of a block's code. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One loop: `trips` times the `period` segments from segment `first`, as `body`. */
export interface Run {
  readonly first: number;
  readonly period: number;
  readonly trips: number;
  /** registers the body addresses through: loaded with `start`, moved on by `step` each trip */
  readonly regs: readonly { readonly reg: number; readonly start: number; readonly step: number }[];
  /** the body's instructions, fields as emitted (moving operands rewritten to the registers) */
  readonly body: readonly Record<string, unknown>[];
}

/** The trip counter of every loop and the zero it is compared with (registers no finder uses). */
const REG_COUNT = 30;
const REG_ZERO = 31;

export const fieldsOf = (insn: Insn) => insn as unknown as Record<string, unknown>;

const operands = new Map<string, readonly { readonly name: string; readonly mem: boolean }[]>();
/** The operands of an opcode in table order, and which are memory operands (looked up once per opcode). */
export function operandsOf(op: Insn['op']): readonly { readonly name: string; readonly mem: boolean }[] {
  let list = operands.get(op);
  if (!list) operands.set(op, (list = OPCODES[op].operands.map((o) => ({ name: o.name, mem: o.kind === 'mem' }))));
  return list;
}

/**
 * Whether the n instructions from a and from b are the same: same opcodes, same immediates, and
 * memory operands that `sameMem` accepts (the finder's notion of "the same address, moved on").
 */
export function sameInsns(insns: readonly Insn[], a: number, b: number, n: number, sameMem: (u: MemRef, v: MemRef) => boolean): boolean {
  for (let k = 0; k < n; k++) {
    const x = insns[a + k]!;
    const y = insns[b + k]!;
    if (x.op !== y.op) return false;
    const fx = fieldsOf(x);
    const fy = fieldsOf(y);
    for (const o of operandsOf(x.op)) {
      if (o.mem ? !sameMem(fx[o.name] as MemRef, fy[o.name] as MemRef) : !Object.is(fx[o.name], fy[o.name])) return false;
    }
  }
  return true;
}

/** The fields of instructions [start, end) with every memory operand passed through `rewrite`. */
export function rewritten(insns: readonly Insn[], start: number, end: number, rewrite: (m: MemRef) => MemRef): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let pc = start; pc < end; pc++) {
    const fields = { ...fieldsOf(insns[pc]!) };
    for (const o of operandsOf(insns[pc]!.op)) if (o.mem) fields[o.name] = rewrite(fields[o.name] as MemRef);
    out.push(fields);
  }
  return out;
}

/**
 * Appends a block's code to `out`: what precedes the first segment and follows the last as built,
 * segments outside the runs as built, each run (ordered, not overlapping) as a loop named after
 * `label`. Returns the segments the loops run.
 */
export function emitFolded(out: Emitter, insns: readonly Insn[], segs: readonly Span[], runs: readonly Run[], label: string): number {
  out.b.appendBuilt(insns.slice(0, segs[0]?.start ?? insns.length));
  let s = 0;
  let folded = 0;
  runs.forEach((run, i) => {
    if (run.first > s) out.b.appendBuilt(insns.slice(segs[s]!.start, segs[run.first - 1]!.end));
    const name = `${label}_loop${i}`;
    for (const r of run.regs) out.b.emit('li', { rd: r.reg, imm: r.start });
    out.b.emit('li', { rd: REG_COUNT, imm: run.trips });
    out.b.emit('li', { rd: REG_ZERO, imm: 0 });
    out.b.label(name);
    for (const { op, ...args } of run.body) out.b.emit(op as Insn['op'], args as never);
    for (const r of run.regs) out.b.emit('addi', { rd: r.reg, rs1: r.reg, imm: r.step });
    out.b.emit('addi', { rd: REG_COUNT, rs1: REG_COUNT, imm: -1 });
    out.b.emit('bne', { rs1: REG_COUNT, rs2: REG_ZERO, target: name });
    s = run.first + run.period * run.trips;
    folded += run.period * run.trips;
  });
  if (s < segs.length) out.b.appendBuilt(insns.slice(segs[s]!.start, segs.at(-1)!.end));
  out.b.appendBuilt(insns.slice(segs.at(-1)?.end ?? insns.length));
  return folded;
}
