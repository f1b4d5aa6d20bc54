/**
 * A progress bar with the rate and the time left, redrawn in place on one terminal line (at most
 * ten times a second). The sweep command shows it only when standard error is a terminal.
 */

const WIDTH = 24;
const REDRAW_MS = 100;

const clock = (s: number): string => {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const mmss = `${String(m).padStart(h ? 2 : 1, '0')}:${String(t % 60).padStart(2, '0')}`;
  return h ? `${h}:${mmss}` : mmss;
};

/** The bar's text after `done` of `total` points in `seconds`. */
export function progressText(done: number, total: number, seconds: number): string {
  const frac = total > 0 ? done / total : 1;
  const filled = Math.round(frac * WIDTH);
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? clock((total - done) / rate) : '?';
  return `sweep [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} ${(100 * frac).toFixed(1)}% ${rate.toFixed(1)} points/s ETA ${eta}`;
}

export class Progress {
  private done = 0;
  private drawn = -Infinity;
  private readonly start: number;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
    this.draw();
  }

  /** One more point done. */
  tick(): void {
    this.done++;
    if (this.now() - this.drawn >= REDRAW_MS || this.done === this.total) this.draw();
  }

  /** Clears the line, leaving the terminal as it was. */
  end(): void {
    this.write('\r\x1b[2K');
  }

  private draw(): void {
    this.drawn = this.now();
    this.write(`\r\x1b[2K${progressText(this.done, this.total, (this.drawn - this.start) / 1000)}`);
  }
}
