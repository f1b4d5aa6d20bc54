/**
 * Scalar unit semantics: register ALU results and branch conditions as tables. Registers hold
 * integers; a result outside the safe-integer range is an error, never a silent wrap.
 */
import type { Mnemonic } from '../../isa/opcodes.js';
import type { Insn, InsnOf } from '../../isa/program.js';
import { L2_HINT_BYPASS } from '../memory/l2-cache.js';

type R = Float64Array;
type Alu = (r: R, i: Insn & Record<string, number>, ctx: { blockIdx: number; blockDim: number }) => number;

const bin = (f: (x: number, y: number) => number): Alu => (r, i) => f(r[i.rs1]!, r[i.rs2]!);
const imm = (f: (x: number, y: number) => number): Alu => (r, i) => f(r[i.rs1]!, i.imm);
const i32 = (f: (x: number, y: number) => number) => (x: number, y: number) => f(x | 0, y | 0);

/** Value written to rd by each scalar ALU opcode. Division by zero is checked by the engine. */
export const SCALAR_ALU: Readonly<Partial<Record<Mnemonic, Alu>>> = {
  li: (_r, i) => i.imm,
  mov: (r, i) => r[i.rs1]!,
  add: bin((x, y) => x + y),
  sub: bin((x, y) => x - y),
  mul: bin((x, y) => x * y),
  div: bin((x, y) => Math.trunc(x / y)),
  rem: bin((x, y) => x - Math.trunc(x / y) * y),
  min: bin(Math.min),
  max: bin(Math.max),
  and: bin(i32((x, y) => x & y)),
  or: bin(i32((x, y) => x | y)),
  xor: bin(i32((x, y) => x ^ y)),
  slt: bin((x, y) => (x < y ? 1 : 0)),
  addi: imm((x, y) => x + y),
  muli: imm((x, y) => x * y),
  shli: imm((x, y) => x * 2 ** y),
  shri: imm((x, y) => Math.floor(x / 2 ** y)),
  bidx: (_r, _i, c) => c.blockIdx,
  bdim: (_r, _i, c) => c.blockDim,
};

/** The part of a core's state that scalar instructions without a destination register set. */
export interface ScalarModes {
  /** L2 hint in force at the scalar unit: GM transfers issued now bypass the L2 */
  l2Bypass: boolean;
}

/**
 * Scalar opcodes that set a mode of the core instead of a register. The mode is read when a later
 * instruction is issued, so each issued instruction keeps the mode in force at its issue.
 */
export const SCALAR_MODE_SETTERS: Readonly<Partial<Record<Mnemonic, (core: ScalarModes, i: Insn) => void>>> = {
  set_l2_hint: (core, i) => {
    core.l2Bypass = L2_HINT_BYPASS[(i as InsnOf<'set_l2_hint'>).mode];
  },
};

/** Branch condition per conditional branch opcode. */
export const BRANCH_TAKEN: Readonly<Partial<Record<Mnemonic, (x: number, y: number) => boolean>>> = {
  beq: (x, y) => x === y,
  bne: (x, y) => x !== y,
  blt: (x, y) => x < y,
  bge: (x, y) => x >= y,
};
