/**
 * Lane assignment for trace rows. Instructions on one pipe may overlap in time (a vector op starts
 * when the previous one's occupancy ends, before it completes), and trace viewers draw overlapping
 * slices on one thread wrongly unless they nest. A slice stays on its pipe's own row (lane 0) when it
 * comes after, or nests inside, what is there; otherwise it goes to the first extra lane where it fits.
 */

interface Lane {
  /** open slices, each inside the one below it: [start, end] pairs */
  readonly stack: number[];
  /** latest start placed in the lane */
  lastStart: number;
  /** latest end placed in the lane */
  maxEnd: number;
}

/** Per (core, pipe) key: its lanes. */
export class Lanes {
  private readonly lanes = new Map<number, Lane[]>();

  /** Places a slice [start, end) on `key`'s row and returns its lane (0 = the pipe's own row). */
  place(key: number, start: number, end: number): number {
    let lanes = this.lanes.get(key);
    if (!lanes) this.lanes.set(key, (lanes = []));
    let i = lanes.findIndex((l) => fits(l, start, end));
    if (i < 0) {
      i = lanes.length;
      lanes.push({ stack: [], lastStart: start, maxEnd: end });
    }
    const lane = lanes[i]!;
    lane.stack.push(start, end);
    lane.lastStart = Math.max(lane.lastStart, start);
    lane.maxEnd = Math.max(lane.maxEnd, end);
    return i;
  }
}

/**
 * Whether [start, end) can go in the lane, closing the slices that ended by `start`. Nesting is only
 * trusted when slices arrive in start order (the engine emits a pipe's records in execution order);
 * a slice arriving out of order is placed only after everything in the lane.
 */
function fits(l: Lane, start: number, end: number): boolean {
  if (start >= l.maxEnd) {
    l.stack.length = 0;
    return true;
  }
  if (start < l.lastStart) return false;
  const s = l.stack;
  while (s.length > 0 && s[s.length - 1]! <= start) s.length -= 2;
  return s.length === 0 || (s[s.length - 2]! <= start && end <= s[s.length - 1]!);
}
