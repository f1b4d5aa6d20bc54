/**
 * Axis scales for the SVG charts: linear with "nice" ticks (1, 2, 5 x 10^k steps) or logarithmic with
 * a tick per decade (and 2x, 5x when few decades are shown). Every coordinate is rounded to two
 * decimals when written, so a chart's bytes depend only on its data.
 */
export interface Axis {
  readonly label: string;
  readonly log?: boolean;
  /** the range shown; by default the data's, widened to whole ticks */
  readonly min?: number;
  readonly max?: number;
  /** log axes: widen the data's range to the next 1, 2 or 5 x 10^k rather than to whole decades */
  readonly tight?: boolean;
  /** tick positions to use instead of the nice ones (those outside the range are dropped) */
  readonly ticks?: readonly number[];
  /** how a tick is written (default tickText) */
  readonly tickFormat?: (v: number) => string;
}

export interface Scale {
  /** data value -> position in [0, 1] */
  readonly at: (v: number) => number;
  readonly ticks: readonly number[];
  readonly min: number;
  readonly max: number;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

function linear(lo: number, hi: number, a: Axis): Scale {
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [Math.min(0, lo), Math.max(0, hi) * 1.1 || 1];
  const step = niceStep(hi - lo, 5);
  const min = a.min ?? Math.floor(lo / step + 1e-9) * step;
  const max = a.max ?? Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return { at: (v) => (v - min) / (max - min), ticks, min, max };
}

/** The largest 1, 2 or 5 x 10^k at most `v` (`up`: the smallest at least `v`). */
function step125(v: number, up: boolean): number {
  const e = Math.floor(Math.log10(v) + 1e-9);
  const steps = [1, 2, 5, 10].map((m) => Number((m * 10 ** e).toPrecision(12)));
  return up ? steps.find((t) => t >= v * (1 - 1e-9))! : steps.filter((t) => t <= v * (1 + 1e-9)).at(-1)!;
}

function logarithmic(lo: number, hi: number, a: Axis): Scale {
  const top = hi === lo ? hi * 10 : hi;
  const min = a.min ?? (a.tight ? step125(lo, false) : 10 ** Math.floor(Math.log10(lo) + 1e-9));
  const max = a.max ?? (a.tight ? step125(top, true) : 10 ** Math.ceil(Math.log10(top) - 1e-9));
  const decades = Math.log10(max / min);
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++)
    for (const m of decades <= 2 ? [1, 2, 5] : [1]) {
      const t = Number((m * 10 ** e).toPrecision(12));
      if (t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9)) ticks.push(t);
    }
  return { at: (v) => Math.log10(v / min) / decades, ticks, min, max };
}

/** The scale of `axis` over the values `data`. */
export function scaleOf(axis: Axis, data: readonly number[]): Scale {
  const finite = data.filter((v) => Number.isFinite(v));
  const bad = axis.log ? finite.find((v) => v <= 0) : undefined;
  // a log axis cannot place zero or a negative value: the caller leaves such points out, knowingly
  if (bad !== undefined) throw new Error(`log axis "${axis.label}" needs positive values, got ${bad}`);
  const lo = axis.min ?? (finite.length ? Math.min(...finite) : axis.log ? 1 : 0);
  const hi = axis.max ?? (finite.length ? Math.max(...finite) : axis.log ? 10 : 1);
  const s = axis.log ? logarithmic(lo, hi, axis) : linear(Math.min(lo, axis.min ?? (lo > 0 ? 0 : lo)), hi, axis);
  if (!axis.ticks) return s;
  const inside = (t: number) => t >= s.min - Math.abs(s.min) * 1e-9 && t <= s.max + Math.abs(s.max) * 1e-9;
  return { ...s, ticks: axis.ticks.filter(inside) };
}

/** A tick label: short, and the same on every machine. */
export function tickText(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 0.01) return trim(v);
  return v.toExponential(0);
}

const trim = (v: number): string => String(Number(v.toPrecision(3)));
