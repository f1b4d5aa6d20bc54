/**
 * Operand kinds and reusable operand lists for the opcode table. A kind fixes how an operand is
 * written in assembly and what value it has in a decoded instruction.
 */
import { INIT_MODES, L2_HINTS, PIPES, QUANT_MODES, type BufferName, type Dtype, type InitMode, type L2Hint, type MemRef, type Pipe, type QuantMode, type RoundMode } from './types.js';
import { DTYPES } from './numeric/dtype.js';
import { ROUND_MODES } from './numeric/round-mode.js';

/** Value of each operand kind in a decoded instruction. */
export interface KindValue {
  reg: number; // scalar register index, written x0..x31
  imm: number; // integer immediate, decimal or 0x hex
  fimm: number; // float immediate (a float32 value), written in shortest round-trip decimal
  mem: MemRef; // BUF[xN+off]
  dtype: Dtype;
  round: RoundMode;
  pipe: Pipe;
  quant: QuantMode;
  init: InitMode;
  l2hint: L2Hint;
  label: number; // branch target pc; written as a label name
}
export type OperandKind = keyof KindValue;
/** Kinds written as one word of a fixed list. */
export type EnumKind = Exclude<OperandKind, 'reg' | 'imm' | 'fimm' | 'mem' | 'label'>;

/**
 * The words of each enumerated kind, in one table so that the assembler, the validator and the fuzz
 * generators agree (a new enumerated kind does not compile until it is listed here).
 */
export const ENUM_WORDS: { readonly [K in EnumKind]: readonly KindValue[K][] } = {
  dtype: DTYPES,
  round: ROUND_MODES,
  pipe: PIPES,
  quant: QUANT_MODES,
  init: INIT_MODES,
  l2hint: L2_HINTS,
};

export interface OperandSpec {
  readonly name: string;
  readonly kind: OperandKind;
  /** buffers a mem operand may name */
  readonly bufs?: readonly BufferName[];
  /** inclusive range of an imm operand, checked when a program is validated */
  readonly range?: readonly [number, number];
  readonly doc: string;
}

const op = <const N extends string, const K extends OperandKind>(
  name: N,
  kind: K,
  doc: string,
  extra: { bufs?: readonly BufferName[]; range?: readonly [number, number] } = {},
) => ({ name, kind, doc, ...extra }) as const;

export const operand = op;

/** Vector instruction addressing: per-block stride (32 B blocks) and per-repeat stride (32 B blocks). */
export const REPEAT = op('repeat', 'imm', 'number of repeats (one repeat = 8 blocks of 32 B)', { range: [0, 255] });
const stride = <const N extends string>(name: N, doc: string) => op(name, 'imm', doc, { range: [0, 65535] });
export const dstBlk = stride('dstBlkStride', 'dst stride between the 8 blocks of a repeat, in 32 B blocks');
export const dstRep = stride('dstRepStride', 'dst stride between repeats, in 32 B blocks');
export const src0Blk = stride('src0BlkStride', 'src0 stride between blocks, in 32 B blocks');
export const src0Rep = stride('src0RepStride', 'src0 stride between repeats, in 32 B blocks');
export const src1Blk = stride('src1BlkStride', 'src1 stride between blocks, in 32 B blocks');
export const src1Rep = stride('src1RepStride', 'src1 stride between repeats, in 32 B blocks');
export const UB_ONLY = ['UB'] as const;

/** DataCopy operands (DataCopyExtParams form): bursts, bytes per burst and gaps between bursts. */
export const COPY_SHAPE = [
  op('blockCount', 'imm', 'number of bursts', { range: [1, 4095] }),
  op('blockLen', 'imm', 'bytes per burst (on-chip side occupies it rounded up to 32 B)', { range: [1, 2097151] }),
  op('srcGap', 'imm', 'gap after each source burst: bytes in GM, 32 B blocks on chip', { range: [0, 2097151] }),
  op('dstGap', 'imm', 'gap after each destination burst: bytes in GM, 32 B blocks on chip', { range: [0, 2097151] }),
] as const;
