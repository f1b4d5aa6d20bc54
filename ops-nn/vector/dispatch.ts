/**
 * Block dispatch for vector kernels: the program branches on its block index to straight-line code.
 * Blocks whose code would be identical up to their GM addresses share one body: each block first
 * loads its GM base registers, then jumps to the body of its key. A per-tensor stream over 48 AIVs is
 * then one or two bodies instead of 48, while blocks with different per-channel immediates keep their
 * own code (their keys differ).
 */
import { Emitter } from '../emitter.js';
import { bandsOfBlock, type RowBand } from './geometry.js';

/** Scalar registers the dispatch uses; bodies address GM relative to BASE_REG + stream index. */
const IDX_REG = 1;
const CMP_REG = 2;
/** First register holding a GM base address (one per stream). */
export const BASE_REG = 8;

/** What one block runs. */
export interface BlockCode {
  /** blocks with equal keys run the same body (with their own register values) */
  readonly key: string;
  /** [register, value] pairs loaded before the body starts */
  readonly regs: readonly (readonly [number, number])[];
  /** emits the body (called once per distinct key, for its first block) */
  readonly emit: (e: Emitter) => void;
}

/** Emits the dispatch and the bodies of `blocks` (index = block index). Every body must end the program. */
export function emitBlocks(e: Emitter, blocks: readonly BlockCode[]): void {
  const bodyOf = new Map<string, number>();
  blocks.forEach((b, i) => {
    if (!bodyOf.has(b.key)) bodyOf.set(b.key, i);
  });
  e.b.emit('bidx', { rd: IDX_REG });
  for (let i = 1; i < blocks.length; i++) {
    e.b.emit('li', { rd: CMP_REG, imm: i });
    e.b.emit('beq', { rs1: IDX_REG, rs2: CMP_REG, target: `stub${i}` });
  }
  blocks.forEach((b, i) => {
    if (i > 0) e.b.label(`stub${i}`);
    for (const [rd, imm] of b.regs) e.b.emit('li', { rd, imm });
    e.b.emit('jmp', { target: `body${bodyOf.get(b.key)!}` });
  });
  for (const [, first] of bodyOf) {
    e.b.label(`body${first}`);
    blocks[first]!.emit(e);
  }
}

/**
 * The code of every launched block of a kernel that deals row bands (ops-nn/vector/geometry.ts bandsOfBlock):
 * `codeOf` for a block with bands, a bare `end` for a launched block past the ones with work.
 */
export function bandBlocks(launched: number, bands: readonly RowBand[], blocks: number, codeOf: (mine: RowBand[]) => BlockCode): BlockCode[] {
  return Array.from({ length: launched }, (_, b) => {
    const mine = bandsOfBlock(bands, blocks, b);
    return mine.length === 0 ? { key: 'empty', regs: [], emit: (e) => e.b.emit('end', {}) } : codeOf(mine);
  });
}
