/**
 * Progress of running simulations, for a progress line on a terminal: one listener per process (the
 * CLI sets it; the library leaves it unset), told every 2^10 events of any run what the run has
 * done. It is outside the Launch so every job (a matmul, an exec file's launches, a model's nodes)
 * reports without threading an option through each of them; it never changes a result.
 */
export interface SimProgress {
  /** the run's current cycle */
  readonly cycle: number;
  /** scalar instructions executed plus instructions issued so far, over all cores */
  readonly instructions: number;
}

export type ProgressListener = (p: SimProgress) => void;

let listener: ProgressListener | null = null;

/** Sets (or with null clears) the process's progress listener; returns the previous one. */
export function setProgressListener(l: ProgressListener | null): ProgressListener | null {
  const before = listener;
  listener = l;
  return before;
}

export const progressListener = (): ProgressListener | null => listener;

/** Events between two reports: a functional mmad can take milliseconds, so not many; the listener only reads the clock. */
export const PROGRESS_EVENT_MASK = 0x3ff;
