/**
 * The progress line of long runs on a terminal: once a run has gone a second, standard error shows
 * the cycle it reached, the instructions so far and the time, rewritten in place at most four times
 * a second and erased when the command ends. Only for a terminal (never in a pipe or a file), and
 * not with --quiet. The engine has no idea how long a run will be, so there is no percentage.
 */
import { setProgressListener, type SimProgress } from '../../hw/engine/progress.js';

const SHOW_AFTER_MS = 1000;
const EVERY_MS = 250;

export interface ProgressLine {
  /** erases the line if it was drawn and detaches from the engine */
  finish(): void;
}

const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const count = (n: number): string => (n < 1e6 ? grouped(n) : `${(n / 1e6).toFixed(1)} M`);

export function progressLine(write: (s: string) => void, now: () => number = () => performance.now()): ProgressLine {
  const start = now();
  let last = -Infinity;
  let drawn = false;
  const before = setProgressListener((p: SimProgress) => {
    const t = now();
    if (t - start < SHOW_AFTER_MS || t - last < EVERY_MS) return;
    last = t;
    drawn = true;
    write(`\r\x1b[Kaicore-sim: simulating: cycle ${grouped(p.cycle)}, ${count(p.instructions)} instructions, ${((t - start) / 1000).toFixed(1)} s`);
  });
  return {
    finish() {
      setProgressListener(before);
      if (drawn) write('\r\x1b[K');
    },
  };
}
