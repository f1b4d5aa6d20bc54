/**
 * Runs of tiles as scalar loops. Within a block, consecutive tiles often run the same code but for
 * addresses that move on by a constant per tile: the B columns and output columns of the tiles along
 * a tile row, the L1 and L0 slots every two tiles (ping-pong). The block is generated straight-line;
 * each run of tiles (or pairs of tiles) whose code is the same instruction for instruction, with
 * every address an arithmetic progression over the run, becomes one loop body whose moving operands
 * address through registers that the loop steps on (one register per distinct step). Tiles whose
 * code differs (a new A panel or slab, an edge tile) stay straight-line.
 */
import { OPCODES } from '../../isa/opcodes.js';
import type { Insn } from '../../isa/program.js';
import type { MemRef } from '../../isa/types.js';
import type { Emitter } from '../emitter.js';

/** Registers a tile loop may step (one per distinct address step), its trip counter and a zero. */
const FIRST_STEP_REG = 12;
const STEP_REGS = 16;
const REG_COUNT = 28;
const REG_ZERO = 29;
/** Fewer trips than this are not worth the loop's scalar instructions. */
const MIN_TRIPS = 3;

const fieldsOf = (insn: Insn) => insn as unknown as Record<string, unknown>;
const operandSpecs = (op: Insn['op']) => OPCODES[op].operands;

/** Whether n instructions from a and from b are the same but for plain (register-free) addresses. */
function sameShape(insns: readonly Insn[], a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) {
    const x = insns[a + k]!;
    const y = insns[b + k]!;
    if (x.op !== y.op) return false;
    const fx = fieldsOf(x);
    const fy = fieldsOf(y);
    for (const o of operandSpecs(x.op)) {
      const u = fx[o.name];
      const v = fy[o.name];
      if (o.kind !== 'mem') {
        if (!Object.is(u, v)) return false;
        continue;
      }
      const mu = u as MemRef;
      const mv = v as MemRef;
      if (mu.buf !== mv.buf || mu.base !== -1 || mv.base !== -1) return false;
    }
  }
  return true;
}

/** The address step of every mem operand from the group at a to the group at b (n instructions each). */
function stepsBetween(insns: readonly Insn[], a: number, b: number, n: number): number[] {
  const steps: number[] = [];
  for (let k = 0; k < n; k++)
    for (const o of operandSpecs(insns[a + k]!.op))
      if (o.kind === 'mem') steps.push((fieldsOf(insns[b + k]!)[o.name] as MemRef).off - (fieldsOf(insns[a + k]!)[o.name] as MemRef).off);
  return steps;
}

const sameSteps = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);

/**
 * Appends a block's code (straight-line, from its own builder) to `out`, with runs of alike tiles
 * folded into loops. `marks` are the pcs where the block's tiles start, then the pc after the last.
 * Returns the tiles the loops run.
 */
export function emitWithTileLoops(out: Emitter, insns: readonly Insn[], marks: readonly number[], label: string): number {
  const segs = marks.slice(0, -1).map((start, i) => ({ start, end: marks[i + 1]! }));
  out.b.appendBuilt(insns.slice(0, marks[0] ?? insns.length));
  let folded = 0;
  let loops = 0;
  for (let s = 0; s < segs.length; ) {
    const run = findRun(insns, segs, s);
    if (!run) {
      out.b.appendBuilt(insns.slice(segs[s]!.start, segs[s]!.end));
      s++;
      continue;
    }
    const { period, trips, steps } = run;
    const start = segs[s]!.start;
    const length = segs[s + period - 1]!.end - start;
    const regOf = new Map<number, number>();
    for (const d of steps) if (d !== 0 && !regOf.has(d)) regOf.set(d, FIRST_STEP_REG + regOf.size);
    const name = `${label}_tiles${loops++}`;
    for (const reg of regOf.values()) out.b.emit('li', { rd: reg, imm: 0 });
    out.b.emit('li', { rd: REG_COUNT, imm: trips });
    out.b.emit('li', { rd: REG_ZERO, imm: 0 });
    out.b.label(name);
    let slot = 0;
    for (let pc = start; pc < start + length; pc++) {
      const insn = insns[pc]!;
      const fields = { ...fieldsOf(insn) };
      for (const o of operandSpecs(insn.op)) {
        if (o.kind !== 'mem') continue;
        const d = steps[slot++]!;
        if (d !== 0) fields[o.name] = { ...(fields[o.name] as MemRef), base: regOf.get(d)! };
      }
      const { op, ...args } = fields;
      out.b.emit(op as Insn['op'], args as never);
    }
    for (const [d, reg] of regOf) out.b.emit('addi', { rd: reg, rs1: reg, imm: d });
    out.b.emit('addi', { rd: REG_COUNT, rs1: REG_COUNT, imm: -1 });
    out.b.emit('bne', { rs1: REG_COUNT, rs2: REG_ZERO, target: name });
    folded += trips * period;
    s += trips * period;
  }
  out.b.appendBuilt(insns.slice(marks.at(-1) ?? insns.length));
  return folded;
}

/** The longest foldable run from segment s: its period (1 or 2 tiles), trips and per-operand steps. */
function findRun(insns: readonly Insn[], segs: readonly { start: number; end: number }[], s: number): { period: number; trips: number; steps: number[] } | undefined {
  for (const period of [1, 2]) {
    const group = (k: number) => {
      const first = segs[s + k * period];
      const last = segs[s + k * period + period - 1];
      return first && last ? { start: first.start, length: last.end - first.start } : undefined;
    };
    const g0 = group(0);
    const g1 = group(1);
    if (!g0 || !g1 || g0.length !== g1.length || !sameShape(insns, g0.start, g1.start, g0.length)) continue;
    const steps = stepsBetween(insns, g0.start, g1.start, g0.length);
    if (new Set(steps.filter((d) => d !== 0)).size > STEP_REGS) continue;
    let trips = 2;
    for (;;) {
      const g = group(trips);
      if (!g || g.length !== g0.length || !sameShape(insns, g0.start, g.start, g0.length)) break;
      const st = stepsBetween(insns, g0.start, g.start, g0.length);
      if (!sameSteps(st, steps.map((d) => d * trips))) break;
      trips++;
    }
    if (trips >= MIN_TRIPS) return { period, trips, steps };
  }
  return undefined;
}
