/**
 * A sequence of kernel launches on one chip and the L2 between them (docs/timing-model.md §1.5). In
 * 'warm' mode each launch starts with the L2 the previous one left, and the launches' GM images are
 * placed side by side in the chip's memory so they do not alias in it; a tensor a launch reads that an
 * earlier launch wrote (a carry) is placed where that launch had it, so its lines hit if they are
 * still resident. In 'flushed' mode every launch starts with an empty L2.
 */
import type { L2Cache } from '../hw/memory/l2-cache.js';
import type { GmPlacement, GmSegment } from '../hw/memory/placement.js';
import type { L2Start, SimResult } from '../hw/simulate.js';
import { OpError, roundUp, type TensorDesc } from './kernel.js';

export type L2Policy = 'warm' | 'flushed';
export const L2_POLICIES: readonly L2Policy[] = ['warm', 'flushed'];

/** A tensor of this launch that holds bytes an earlier launch of the sequence wrote. */
export interface Carry {
  /** the tensor in this launch's kernel */
  readonly tensor: string;
  /** which earlier launch (1: the one just before) and its tensor */
  readonly back: number;
  readonly from: string;
  /** bytes into `from` where this tensor starts */
  readonly offset: number;
}

interface Placed {
  readonly tensors: ReadonlyMap<string, { chip: number; bytes: number }>;
}

/** Room between launch images, so one kernel's overrun of its image never lands in the next one's lines. */
const IMAGE_ALIGN = 1 << 20;

export class LaunchSequence {
  private l2: L2Cache | undefined;
  private next = 0;
  private readonly placed: Placed[] = [];

  /** `l2`: the L2 the first launch starts with in 'warm' mode (default: flushed) */
  constructor(readonly policy: L2Policy, l2?: L2Cache) {
    this.l2 = l2;
  }

  /** The L2 fields of the next launch: `l2` (warm only) and its GM placement. */
  launch(tensors: readonly TensorDesc[], gmBytes: number, carries: readonly Carry[] = []): { l2?: L2Cache; gmPlacement: GmPlacement; l2Start: L2Start } {
    const base = this.next;
    this.next += roundUp(Math.max(gmBytes, 1), IMAGE_ALIGN);
    const segments: GmSegment[] = [];
    const mine = new Map<string, { chip: number; bytes: number }>();
    for (const t of tensors) mine.set(t.name, { chip: base + t.offset, bytes: t.bytes });
    for (const c of carries) {
      const t = tensors.find((x) => x.name === c.tensor);
      const earlier = this.placed[this.placed.length - c.back]?.tensors.get(c.from);
      if (!t || !earlier || c.offset + t.bytes > earlier.bytes)
        throw new OpError(`internal: launch ${this.placed.length} carries tensor '${c.tensor}' from '${c.from}' of launch ${this.placed.length - c.back}, which does not hold it`);
      segments.push({ gm: t.offset, bytes: t.bytes, chip: earlier.chip + c.offset });
      mine.set(t.name, { chip: earlier.chip + c.offset, bytes: t.bytes });
    }
    this.placed.push({ tensors: mine });
    const warm = this.policy === 'warm' ? this.l2 : undefined;
    return { ...(warm ? { l2: warm } : {}), gmPlacement: { base, segments }, l2Start: warm ? 'warm' : 'flushed' };
  }

  /** The L2 the last finished launch left (to start another sequence warm from it). */
  get lastL2(): L2Cache | undefined {
    return this.l2;
  }

  /** Records a finished launch: its L2 is the next one's in 'warm' mode. */
  finished(r: SimResult): void {
    this.l2 = r.l2;
  }
}
