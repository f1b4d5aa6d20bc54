/**
 * Disassembler: prints instructions and programs in the canonical assembly syntax. Every operand is
 * formatted from its kind in the opcode table, so the text is exactly what isa/asm.ts parses back:
 *
 *   loop:
 *     vadd f16, UB[x3], UB[x4+256], UB[1024], 8, 1, 1, 1, 8, 8, 8
 *     addi x1, x1, -1
 *     bne x1, x0, loop
 */
import { OPCODES, type Mnemonic } from './opcodes.js';
import type { OperandSpec } from './operands.js';
import { field, type Insn, type Program } from './program.js';
import type { MemRef } from './types.js';
import { IsaError } from './validate.js';

/** Label names the assembler accepts. */
export const LABEL_NAME = /^[A-Za-z_.$][\w.$]*$/;

/** A float immediate: shortest round-trip decimal, with `-0`, `inf`, `-inf` and `nan` spelled out. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** An integer in decimal; `-0` keeps its sign so that every value reads back identically. */
export const formatInt = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** A memory operand: `UB[256]`, `UB[x3]`, `UB[x3+16]` or `UB[x3-16]`. */
export function formatMem(m: MemRef): string {
  if (m.base < 0) return `${m.buf}[${formatInt(m.off)}]`;
  if (Object.is(m.off, 0)) return `${m.buf}[x${m.base}]`;
  const neg = m.off < 0 || Object.is(m.off, -0);
  return `${m.buf}[x${m.base}${neg ? '-' : '+'}${Math.abs(m.off)}]`;
}

/** One operand value of the given spec; label operands are named by `labelOf`. */
export function formatOperand(spec: OperandSpec, value: unknown, labelOf: (pc: number) => string): string {
  switch (spec.kind) {
    case 'reg':
      return `x${value as number}`;
    case 'imm':
      return formatInt(value as number);
    case 'fimm':
      return formatFloat(value as number);
    case 'mem':
      return formatMem(value as MemRef);
    case 'label':
      return labelOf(value as number);
    default: // an enumerated kind (dtype, round, pipe, quant, init, l2hint): the bare word
      return String(value);
  }
}

/** The operand list of a mnemonic, e.g. `mmad dst, a, b, bias, m, k, n, aType, bType, init`. */
export function formatSignature(m: Mnemonic): string {
  const names = OPCODES[m].operands.map((o) => o.name);
  return names.length ? `${m} ${names.join(', ')}` : m;
}

/** One instruction without indentation: `mnemonic op1, op2, ...` (just the mnemonic if it has no operands). */
export function formatInsn(insn: Insn, labelOf: (pc: number) => string): string {
  const specs: readonly OperandSpec[] = OPCODES[insn.op].operands;
  const ops = specs.map((o) => formatOperand(o, field(insn, o.name), labelOf));
  return ops.length ? `${insn.op} ${ops.join(', ')}` : insn.op;
}

/**
 * A whole program: label lines `name:` at column 0 before their instruction (several at one pc
 * sorted by name; labels at the end of the program last), instructions indented by two spaces,
 * one trailing newline. A branch target without a label gets an invented `L<pc>` label.
 * Throws IsaError if a label name cannot be written in assembly.
 */
export function disassemble(p: Program): string {
  const namesAt = new Map<number, string[]>();
  const addName = (pc: number, name: string) => namesAt.set(pc, [...(namesAt.get(pc) ?? []), name]);
  for (const [name, pc] of p.labels) {
    if (!LABEL_NAME.test(name)) throw new IsaError(`label '${name}' cannot be written in assembly (use letters, digits, _ . $)`);
    addName(pc, name);
  }
  for (const names of namesAt.values()) names.sort();

  // Invent names for branch targets that have none, avoiding the program's own names.
  for (const insn of p.insns) {
    for (const o of OPCODES[insn.op].operands as readonly OperandSpec[]) {
      const pc = field(insn, o.name) as number;
      if (o.kind !== 'label' || namesAt.has(pc)) continue;
      let name = `L${pc}`;
      while (p.labels.has(name)) name += '_';
      addName(pc, name);
    }
  }
  const labelOf = (pc: number) => namesAt.get(pc)?.[0] ?? `L${pc}`;

  const out: string[] = [];
  const labelLines = (pc: number) => (namesAt.get(pc) ?? []).forEach((n) => out.push(`${n}:`));
  p.insns.forEach((insn, pc) => {
    labelLines(pc);
    out.push(`  ${formatInsn(insn, labelOf)}`);
  });
  const tail = [...namesAt.keys()].filter((pc) => pc >= p.insns.length).sort((a, b) => a - b);
  tail.forEach(labelLines);
  return out.map((line) => `${line}\n`).join('');
}
