/**
 * Where a launch's GM lives in the chip's memory, as the L2 sees it. Each kernel lays out its own GM
 * from address 0, so two launches of a sequence would otherwise alias in a warm L2: the launch's
 * address a is chip address `base + a`, except inside a segment, which holds memory an earlier launch
 * used (the tensor one kernel wrote and the next one reads). Only the L2 reads chip addresses;
 * functional data stays in the launch's own GM image.
 */
export interface GmSegment {
  /** start of the range in the launch's GM, its length, and where it lives in the chip's memory */
  readonly gm: number;
  readonly bytes: number;
  readonly chip: number;
}

export interface GmPlacement {
  readonly base: number;
  readonly segments: readonly GmSegment[];
}

/** The chip address of launch address `a` (a transfer is placed by its first byte). */
export function chipAddress(p: GmPlacement, a: number): number {
  for (const s of p.segments) if (a >= s.gm && a < s.gm + s.bytes) return s.chip + (a - s.gm);
  return p.base + a;
}
