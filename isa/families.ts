/**
 * Family-typed views of the opcode table: the instruction type of a whole family, tables with one
 * function per family that each receive their own family's instructions (so they need no casts), and
 * the timing names a row carries (its data path, its vector cost class).
 */
import { MNEMONICS, OPCODES, type CopyFamily, type Family, type Mnemonic, type VectorFamily } from './opcodes.js';
import type { Insn, InsnOf } from './program.js';
import type { PathName, VecClass } from './timing.js';

/** The opcodes of family F (or of any family in the union F), derived from the opcode table. */
export type OpsOf<F extends Family> = {
  [M in Mnemonic]: (typeof OPCODES)[M]['family'] extends F ? M : never;
}[Mnemonic];

/** A decoded instruction of any opcode of family F (a union, so `insn.op` narrows it). */
export type InsnOfFamily<F extends Family> = { [M in OpsOf<F>]: InsnOf<M> }[OpsOf<F>];

/**
 * One function per family, each typed for its family's instructions. A new family is a compile error
 * until it has an entry; a new opcode of an existing family needs none.
 */
export type FamilyTable<Args extends unknown[], R> = {
  readonly [F in Family]: (insn: InsnOfFamily<F>, ...args: Args) => R;
};

/** The family of an instruction, from its row. */
export const familyOf = (insn: Insn): Family => OPCODES[insn.op].family;

/**
 * The entry of `family`, widened to take any instruction. Sound as long as it is called only with
 * instructions of that family, which is what dispatching on `familyOf(insn)` guarantees; this is the
 * one place a family table is cast.
 */
export const familyEntry = <Args extends unknown[], R>(table: FamilyTable<Args, R>, family: Family) =>
  table[family] as (insn: Insn, ...args: Args) => R;

/** Calls the entry of the instruction's own family. */
export const byFamily = <Args extends unknown[], R>(table: FamilyTable<Args, R>, insn: Insn, ...args: Args): R =>
  familyEntry(table, familyOf(insn))(insn, ...args);

/** The data path a data movement uses: its row's path, or the row's path for its destination buffer. */
export function pathOf(insn: InsnOfFamily<CopyFamily>): PathName {
  const p = OPCODES[insn.op].path;
  if (typeof p === 'string') return p;
  const byDst: Readonly<Partial<Record<string, PathName>>> = p;
  const path = byDst[insn.dst.buf];
  if (!path) throw new Error(`internal: ${insn.op} has no data path to ${insn.dst.buf}`);
  return path;
}

/** The vector cost class of an instruction, from its row. */
export const vecClassOf = (insn: InsnOfFamily<VectorFamily>): VecClass => OPCODES[insn.op].timing;

/** Every path an opcode's row can use (none for an opcode that moves no data on a path). */
export function pathsOfRow(op: Mnemonic): PathName[] {
  const spec = OPCODES[op];
  if (!('path' in spec)) return [];
  return typeof spec.path === 'string' ? [spec.path] : Object.values(spec.path);
}

/** The vector cost class an opcode's row names, if it is a vector opcode. */
export function vecClassOfRow(op: Mnemonic): VecClass | undefined {
  const spec = OPCODES[op];
  return 'timing' in spec ? spec.timing : undefined;
}

/** The opcodes whose rows use `path`, in table order (for docs and tests). */
export const opsOnPath = (path: PathName): Mnemonic[] => MNEMONICS.filter((op) => pathsOfRow(op).includes(path));

/** The opcodes whose rows name vector class `cls`, in table order. */
export const opsOfClass = (cls: VecClass): Mnemonic[] => MNEMONICS.filter((op) => vecClassOfRow(op) === cls);
