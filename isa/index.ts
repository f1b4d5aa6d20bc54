/**
 * Public entry point of the ISA: names, the opcode table, programs, the builder, validation,
 * the assembler/disassembler and the numeric helpers. Re-exports only.
 */
export * from './types.js';
export { ENUM_WORDS, type EnumKind, type KindValue, type OperandKind, type OperandSpec } from './operands.js';
export * from './opcodes.js';
export * from './program.js';
export * from './timing.js';
export * from './families.js';
export * from './shapes.js';
export * from './builder.js';
export * from './validate.js';
export * from './casts.js';
export * from './asm.js';
export * from './disasm.js';
export * from './numeric/dtype.js';
export * from './numeric/round-mode.js';
export * from './numeric/float-format.js';
export * from './numeric/float16.js';
export * from './numeric/cast.js';
export * from './numeric/fma.js';
export * from './numeric/fixpipe-quant.js';
export * from './numeric/deq.js';
