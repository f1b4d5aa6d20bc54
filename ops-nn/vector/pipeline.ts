/**
 * The double-buffered stream skeleton of a vector core: per chunk, MTE2 loads GM -> UB into slot s,
 * V computes, MTE3 stores UB -> GM, joined by two queues (../queue.ts, Ascend C's TQue discipline):
 * the input queue MTE2 -> V and the output queue V -> MTE3. The next chunk's load is issued before
 * this chunk's compute so the scalar unit never holds MTE2 back behind a long V queue. The prologue
 * primes every slot once and the epilogue drains them, so no flag is left set when the block ends.
 */
import { Emitter } from '../emitter.js';
import type { EventPool, Queue } from '../queue.js';

/** What one chunk emits on each pipe; `slot` picks its UB buffers. */
export interface ChunkStages {
  /** MTE2 copies GM -> UB into the slot's input buffers */
  readonly load: (slot: number) => void;
  /** V instructions from the slot's inputs to its outputs */
  readonly compute: (slot: number) => void;
  /** MTE3 copies the slot's outputs UB -> GM */
  readonly store: (slot: number) => void;
}

/** The two queues of a stream block, with `slots` (1 or 2) buffer slots each. */
export interface StreamQueues {
  /** MTE2 -> V: input slot loaded / free again */
  readonly input: Queue;
  /** V -> MTE3: output slot computed / stored */
  readonly output: Queue;
}

/** A stream block's queues; ask for them before the block's other handoffs. */
export function streamQueues(ev: EventPool, slots: 1 | 2): StreamQueues {
  return {
    input: ev.queue('MTE2', 'V', { depth: slots, what: 'stream input slot' }),
    output: ev.queue('V', 'MTE3', { depth: slots, what: 'stream output slot' }),
  };
}

/** Emits the chunks of one block through the queues' slots. */
export function emitPipeline(e: Emitter, q: StreamQueues, chunks: readonly ChunkStages[]): void {
  const slots = q.input.depth;
  for (let s = 0; s < slots; s++) {
    q.input.prime(s);
    q.output.prime(s);
  }
  const load = (c: number) => {
    const s = c % slots;
    q.input.alloc(s);
    chunks[c]!.load(s);
    q.input.enque(s);
  };
  // With two slots the next chunk's load goes ahead of this chunk's compute (prefetch distance 1).
  const ahead = slots - 1;
  for (let c = 0; c < Math.min(ahead, chunks.length); c++) load(c);
  chunks.forEach((chunk, c) => {
    const s = c % slots;
    if (c + ahead < chunks.length) load(c + ahead);
    q.input.deque(s);
    q.output.alloc(s);
    // scratch regions are shared by all chunks: the previous chunk's V work must be complete
    if (c > 0) e.barrier('V');
    chunk.compute(s);
    q.input.free(s);
    q.output.enque(s);
    q.output.deque(s);
    chunk.store(s);
    q.output.free(s);
  });
  for (let s = 0; s < slots; s++) {
    q.input.drain(s);
    q.output.drain(s);
  }
}
