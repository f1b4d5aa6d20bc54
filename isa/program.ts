/**
 * Decoded instructions and programs. The instruction type is derived from the opcode table, so an
 * opcode's fields are exactly its operands: `{ op: 'mmad', dst, a, b, bias, m, k, n, aType, bType, init }`.
 */
import type { KindValue } from './operands.js';
import { OPCODES, type Mnemonic } from './opcodes.js';

type Operands<M extends Mnemonic> = (typeof OPCODES)[M]['operands'][number];
type FieldsOf<M extends Mnemonic> = { readonly [O in Operands<M> as O['name']]: KindValue[O['kind']] };

/** One decoded instruction of opcode M. */
export type InsnOf<M extends Mnemonic> = { readonly op: M } & FieldsOf<M>;
/** Any decoded instruction (a discriminated union on `op`). */
export type Insn = { [M in Mnemonic]: InsnOf<M> }[Mnemonic];

/** A straight-line array of instructions with its labels; pc is the index into `insns`. */
export interface Program {
  readonly insns: readonly Insn[];
  /** label name -> pc, kept so the disassembler can print branch targets by name */
  readonly labels: ReadonlyMap<string, number>;
  /** optional source line per instruction (from the assembler), for error messages */
  readonly lines?: readonly number[];
}

/** Reads an operand by name, for code that walks the opcode table generically. */
export const field = (insn: Insn, name: string): unknown => (insn as unknown as Record<string, unknown>)[name];
