/**
 * Program builder for kernel generators: typed `emit` per opcode, labels with forward references,
 * and validation of every instruction when the program is built.
 */
import type { KindValue } from './operands.js';
import { OPCODES, type Mnemonic } from './opcodes.js';
import type { Insn, InsnOf, Program } from './program.js';
import type { BufferName, MemRef } from './types.js';
import { checkInsn, IsaError } from './validate.js';

type Operands<M extends Mnemonic> = (typeof OPCODES)[M]['operands'][number];
/** Arguments of `emit`: like the instruction's fields, but branch targets are label names. */
export type EmitArgs<M extends Mnemonic> = {
  readonly [O in Operands<M> as O['name']]: O['kind'] extends 'label' ? string : KindValue[O['kind']];
};

/** A memory operand: `mem('L1', 256)` or `mem('GM', 0, 5)` for GM[x5+0]. */
export const mem = (buf: BufferName, off = 0, base = -1): MemRef => ({ buf, base, off });

export class ProgramBuilder {
  private readonly insns: Insn[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { pc: number; field: string; label: string }[] = [];
  /** pcs of instructions appended already built (appendBuilt): validated when they were built */
  private readonly built = new Set<number>();

  /** Current pc: the index the next emitted instruction will have. */
  get pc(): number {
    return this.insns.length;
  }

  /** Appends one instruction. */
  emit<M extends Mnemonic>(op: M, args: EmitArgs<M>): this {
    const insn: Record<string, unknown> = { op, ...args };
    for (const o of OPCODES[op].operands) {
      if (o.kind !== 'label') continue;
      this.fixups.push({ pc: this.insns.length, field: o.name, label: insn[o.name] as string });
      insn[o.name] = -1;
    }
    this.insns.push(insn as unknown as Insn);
    return this;
  }

  /**
   * Appends instructions of a program this builder's caller already built (so already validated):
   * they are not validated again. They must hold no branch targets (those are pcs of their own program).
   */
  appendBuilt(insns: readonly Insn[]): this {
    for (const insn of insns) {
      this.built.add(this.insns.length);
      this.insns.push(insn);
    }
    return this;
  }

  /** Places a label at the current pc. */
  label(name: string): this {
    if (this.labels.has(name)) throw new IsaError(`label '${name}' is defined twice`);
    this.labels.set(name, this.insns.length);
    return this;
  }

  /** Resolves labels, validates every instruction and returns the program. */
  build(): Program {
    for (const f of this.fixups) {
      const target = this.labels.get(f.label);
      if (target === undefined) throw new IsaError(`pc ${f.pc}: label '${f.label}' is never defined`);
      (this.insns[f.pc] as unknown as Record<string, unknown>)[f.field] = target;
    }
    const n = this.insns.length;
    this.insns.forEach((insn, pc) => {
      if (this.built.has(pc)) return;
      const bad = checkInsn(insn, n);
      if (bad) throw new IsaError(`pc ${pc} (${insn.op}): ${bad}`);
    });
    const frozen = this.insns.map((i) => Object.freeze(i));
    return { insns: frozen, labels: new Map(this.labels) };
  }
}

export type { InsnOf };
