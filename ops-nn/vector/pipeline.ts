/**
 * The double-buffered stream skeleton of a vector core: per chunk, MTE2 loads GM -> UB into slot s,
 * V computes, MTE3 stores UB -> GM, joined by set_flag / wait_flag pairs (Ascend C's queue
 * discipline: EnQue = set "full", DeQue = wait "full", FreeTensor = set "free", AllocTensor = wait
 * "free"). The next chunk's load is issued before this chunk's compute so the scalar unit never holds
 * MTE2 back behind a long V queue.
 *
 * Event ids (one per slot s): MTE2->V s = input slot full; V->MTE2 s = input slot free;
 * V->MTE3 s = output slot full; MTE3->V s = output slot free. The prologue sets every "free" flag
 * once and the epilogue consumes them, so no flag is left set when the block ends.
 */
import { Emitter } from '../emitter.js';

/** What one chunk emits on each pipe; `slot` picks its UB buffers. */
export interface ChunkStages {
  /** MTE2 copies GM -> UB into the slot's input buffers */
  readonly load: (slot: number) => void;
  /** V instructions from the slot's inputs to its outputs */
  readonly compute: (slot: number) => void;
  /** MTE3 copies the slot's outputs UB -> GM */
  readonly store: (slot: number) => void;
}

/** Emits the chunks of one block through `slots` (1 or 2) buffer slots. */
export function emitPipeline(e: Emitter, chunks: readonly ChunkStages[], slots: 1 | 2): void {
  for (let s = 0; s < slots; s++) {
    e.set('V', 'MTE2', s);
    e.set('MTE3', 'V', s);
  }
  const load = (c: number) => {
    const s = c % slots;
    e.wait('V', 'MTE2', s);
    chunks[c]!.load(s);
    e.set('MTE2', 'V', s);
  };
  // With two slots the next chunk's load goes ahead of this chunk's compute (prefetch distance 1).
  const ahead = slots - 1;
  for (let c = 0; c < Math.min(ahead, chunks.length); c++) load(c);
  chunks.forEach((chunk, c) => {
    const s = c % slots;
    if (c + ahead < chunks.length) load(c + ahead);
    e.wait('MTE2', 'V', s);
    e.wait('MTE3', 'V', s);
    // scratch regions are shared by all chunks: the previous chunk's V work must be complete
    if (c > 0) e.barrier('V');
    chunk.compute(s);
    e.set('V', 'MTE2', s);
    e.set('V', 'MTE3', s);
    e.wait('V', 'MTE3', s);
    chunk.store(s);
    e.set('MTE3', 'V', s);
  });
  for (let s = 0; s < slots; s++) {
    e.wait('V', 'MTE2', s);
    e.wait('MTE3', 'V', s);
  }
}
