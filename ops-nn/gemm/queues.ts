/**
 * The handoffs of a GEMM block (../queue.ts), asked for in one fixed order so every block, tiling
 * and preset numbers them alike.
 *
 * Cube core (AIC, or the coupled core):
 *   l1     MTE2 -> MTE1  K chunks of A and B in L1
 *   bias   MTE2 -> MTE1  bias table in L1 (separated chips)
 *   panel  MTE2 -> MTE1  the resident A (img2col feature map, band or slab, or A panel): one slot, freed before the next
 *                        is loaded, or two, so the next loads while this one is read
 *   l0     MTE1 -> M     L0A / L0B tiles
 *   l0c    M -> FIX|V    L0C accumulators, freed by the epilogue
 *   tables MTE2 -> FIX|V per-column quant words (fixpipe) or epilogue tables (UB)
 *   nd     V -> MTE3     ND output regions of the UB epilogue (coupled chips; always two)
 * Vector core of the mixed kernel (AIV):
 *   load    MTE2 -> V    rows of a workspace slot in UB, freed by MTE3 once stored
 *   convert V -> MTE3    converted rows ready to store
 *   tables  MTE2 -> V    epilogue tables
 * AIC <-> AIVs: the GM workspace (a cross-core queue, made once per kernel for both programs).
 */
import type { Pipe } from '../../isa/types.js';
import type { EventPool, Queue, Signal } from '../queue.js';
import type { Plan } from './plan.js';

/** The pipe that runs the epilogue: the fixpipe on separated chips, the vector unit on coupled ones. */
export const epiloguePipe = (pl: Plan): Pipe => (pl.coupled ? 'V' : 'FIX');

export interface CubeQueues {
  readonly l1: Queue;
  readonly bias: Signal;
  readonly panel: Queue;
  readonly l0: Queue;
  readonly l0c: Queue;
  readonly tables: Signal;
  /** coupled chips only */
  readonly nd: Queue | undefined;
}

export function cubeQueues(ev: EventPool, pl: Plan): CubeQueues {
  const epi = epiloguePipe(pl);
  return {
    l1: ev.queue('MTE2', 'MTE1', { depth: pl.nL1, what: 'L1 K chunk' }),
    bias: ev.signal('MTE2', 'MTE1', 'bias table in L1'),
    panel: ev.queue('MTE2', 'MTE1', { depth: pl.aPanels === 2 ? 2 : 1, what: 'resident A in L1' }),
    l0: ev.queue('MTE1', 'M', { depth: pl.nL0, what: 'L0A / L0B tile' }),
    l0c: ev.queue('M', epi, { depth: pl.nL0C, what: 'L0C accumulator' }),
    tables: ev.signal('MTE2', epi, pl.coupled ? 'epilogue tables in UB' : 'quant words in L1'),
    nd: pl.coupled ? ev.queue('V', 'MTE3', { depth: 2, what: 'UB epilogue output region' }) : undefined,
  };
}

export interface AivQueues {
  readonly load: Queue;
  readonly convert: Queue;
  readonly tables: Signal;
}

export function aivQueues(ev: EventPool): AivQueues {
  return {
    load: ev.queue('MTE2', 'V', { depth: 2, what: 'workspace rows in UB', freedBy: 'MTE3' }),
    convert: ev.queue('V', 'MTE3', { depth: 2, what: 'converted rows' }),
    tables: ev.signal('MTE2', 'V', 'epilogue tables in UB'),
  };
}
