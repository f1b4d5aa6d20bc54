/**
 * Static validation of one instruction against the opcode table: operand kinds, immediate ranges,
 * legal buffers and element types. Preset-dependent checks (does this core have a UB?) live in hw/.
 */
import { OPCODES, type OpSpec } from './opcodes.js';
import type { Insn } from './program.js';
import { field } from './program.js';
import { BUFFERS, NUM_REGS, type MemRef, type QuantMode } from './types.js';
import { intRange, isFloat, type Dtype } from './numeric/dtype.js';
import { ENUM_WORDS } from './operands.js';
import { isLegalConv } from './casts.js';

/** A user-facing ISA error: what is wrong with which instruction. */
export class IsaError extends Error {
  override readonly name = 'IsaError';
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

const oneOf = (words: readonly unknown[]) => (v: unknown) => (words.includes(v) ? undefined : `must be one of ${words.join(', ')}`);

const KIND_CHECKS: Record<string, (v: unknown) => string | undefined> = {
  reg: (v) => (isInt(v) && v >= 0 && v < NUM_REGS ? undefined : `must be a register x0..x${NUM_REGS - 1}`),
  imm: (v) => (isInt(v) ? undefined : 'must be an integer'),
  fimm: (v) => (typeof v === 'number' && (Math.fround(v) === v || Number.isNaN(v)) ? undefined : 'must be a float32 value'),
  label: (v) => (isInt(v) && v >= 0 ? undefined : 'must be a label'),
  // enumerated kinds (dtype, round, pipe, ...): one of their words
  ...Object.fromEntries(Object.entries(ENUM_WORDS).map(([kind, words]) => [kind, oneOf(words)])),
  mem: (v) => {
    const m = v as MemRef;
    if (typeof m !== 'object' || m === null) return 'must be a memory operand BUF[xN+off]';
    if (!(BUFFERS as readonly unknown[]).includes(m.buf)) return `names unknown buffer ${String(m.buf)}`;
    if (!isInt(m.base) || m.base < -1 || m.base >= NUM_REGS) return 'has a bad base register';
    if (!isInt(m.off)) return 'has a non-integer offset';
    return undefined;
  },
};

/** Returns the first problem with `insn`, or undefined if it is well-formed. `numInsns` bounds labels. */
export function checkInsn(insn: Insn, numInsns: number): string | undefined {
  const spec: OpSpec | undefined = (OPCODES as Record<string, OpSpec>)[insn.op];
  if (!spec) return `unknown opcode '${insn.op}'`;
  for (const o of spec.operands) {
    const v = field(insn, o.name);
    const bad = KIND_CHECKS[o.kind]?.(v);
    if (bad) return `operand ${o.name} ${bad}`;
    if (o.kind === 'label' && (v as number) >= numInsns) return `operand ${o.name} points past the end of the program`;
    if (o.range && ((v as number) < o.range[0] || (v as number) > o.range[1]))
      return `operand ${o.name} = ${String(v)} is outside ${o.range[0]}..${o.range[1]}`;
    if (o.bufs && !o.bufs.includes((v as MemRef).buf)) return `operand ${o.name} must be in ${o.bufs.join(' or ')}, not ${(v as MemRef).buf}`;
  }
  const dt = field(insn, 'dtype');
  if (spec.dtypes && dt !== undefined && !spec.dtypes.includes(dt as never))
    return `${insn.op} does not take dtype ${String(dt)} (legal: ${spec.dtypes.join(', ')})`;
  if (insn.op === 'vconv' && !isLegalConv(insn.srcType, insn.dstType))
    return `vconv has no ${insn.srcType} -> ${insn.dstType} conversion`;
  if (insn.op === 'fixpipe') {
    const legal = FIXPIPE_TYPES[insn.quant];
    if (!legal.some(([s, d]) => s === insn.srcType && d === insn.dstType))
      return `fixpipe ${insn.quant} converts ${legal.map(([s, d]) => `${s} -> ${d}`).join(' or ')}, not ${insn.srcType} -> ${insn.dstType}`;
  }
  if (insn.op === 'load2d' && insn.transpose === 1 && insn.dtype !== 'f16')
    return `load2d transpose works on 16-bit fractals only (dtype f16), not ${insn.dtype}`;
  return checkValueFits(insn, spec);
}

/** Source and destination element types of each fixpipe quant mode. */
export const FIXPIPE_TYPES: Readonly<Record<QuantMode, readonly (readonly [Dtype, Dtype])[]>> = {
  none: [['s32', 's32'], ['f32', 'f32']],
  f322f16: [['f32', 'f16']],
  deqf16: [['s32', 'f16']],
  vdeqf16: [['s32', 'f16']],
  req8: [['s32', 's8'], ['s32', 'u8']],
  vreq8: [['s32', 's8'], ['s32', 'u8']],
};

/** Scalars that become elements (vadds, vdup, load3d pad) must be representable in the element type. */
function checkValueFits(insn: Insn, spec: OpSpec): string | undefined {
  const name = spec.family === 'load3d' ? 'padValue' : 'scalar';
  const v = field(insn, name);
  const dt = field(insn, 'dtype') as Dtype | undefined;
  if (typeof v !== 'number' || dt === undefined || isFloat(dt)) return undefined;
  const { min, max } = intRange(dt);
  if (!Number.isInteger(v) || v < min || v > max) return `operand ${name} = ${v} is not a ${dt} value (${min}..${max})`;
  return undefined;
}
