/**
 * Lane assignment for trace rows. Instructions on one pipe may overlap in time (a vector op starts
 * when the previous one's occupancy ends, before it completes), and trace viewers draw overlapping,
 * non-nested slices on one thread wrongly. Each overlapping slice goes to the first extra lane of
 * its pipe that is free, so every lane holds disjoint slices.
 */

/** Per (core, pipe): the end of the last slice in each lane. */
export class Lanes {
  private readonly ends = new Map<number, number[]>();

  /**
   * Places a slice [start, end) of `key`'s row and returns its lane (0 = the pipe's own row).
   * A lane is free when every slice in it ended by `start`; that holds whatever order slices
   * arrive in, since each lane remembers its latest end.
   */
  place(key: number, start: number, end: number): number {
    let ends = this.ends.get(key);
    if (!ends) this.ends.set(key, (ends = []));
    let lane = ends.findIndex((e) => e <= start);
    if (lane < 0) lane = ends.length;
    ends[lane] = end;
    return lane;
  }
}
