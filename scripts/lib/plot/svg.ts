/**
 * Self-contained SVG charts for the studies: an x-y chart (lines and / or markers, linear or log
 * axes, optional labelled points, used for curves and rooflines) and a grouped bar chart. No fonts
 * or scripts are referenced, every number is written with two decimals at most, and colours come from
 * a fixed palette, so the same data gives the same bytes on any machine (the studies' tests compare
 * regenerated files with the committed ones).
 */
import { scaleOf, tickText, type Axis, type Scale } from './scale.js';

export type { Axis } from './scale.js';

export interface Point {
  readonly x: number;
  readonly y: number;
  /** written beside the marker */
  readonly label?: string;
}

export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  /** default 'line+points' */
  readonly style?: 'line' | 'points' | 'line+points';
  /** a dashed line (e.g. a roof) */
  readonly dashed?: boolean;
  /** palette index (default: the series' own index), so related series and panels can share a colour */
  readonly colour?: number;
}

export interface XYChart {
  readonly title: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly series: readonly Series[];
  readonly width?: number;
  readonly height?: number;
}

export interface BarGroup {
  readonly name: string;
  /** one value per category */
  readonly values: readonly number[];
  /** palette index (default: the group's own index), so a group keeps its colour across panels */
  readonly colour?: number;
}

export interface BarChart {
  readonly title: string;
  readonly categories: readonly string[];
  readonly groups: readonly BarGroup[];
  readonly y: Axis;
  readonly width?: number;
  readonly height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
const MARGIN = { left: 72, right: 16, top: 36, bottom: 64 } as const;
const LEGEND_ROW = 16;

const n2 = (v: number): string => String(Math.round(v * 100) / 100);
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colour = (i: number): string => PALETTE[i % PALETTE.length]!;

interface Frame {
  readonly w: number;
  readonly h: number;
  readonly plotW: number;
  readonly plotH: number;
  readonly top: number;
}

function frame(width: number, height: number, legendRows: number, bottom: number = MARGIN.bottom): Frame {
  const top = MARGIN.top + legendRows * LEGEND_ROW;
  return { w: width, h: height, plotW: width - MARGIN.left - MARGIN.right, plotH: height - top - bottom, top };
}

function open(f: Frame, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" font-family="sans-serif" font-size="11">`,
    `<rect width="${f.w}" height="${f.h}" fill="#ffffff"/>`,
    `<text x="${n2(f.w / 2)}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
}

function legend(names: readonly string[], f: Frame, dashed: readonly boolean[] = [], colours: readonly number[] = names.map((_, i) => i)): string[] {
  const perRow = Math.max(1, Math.floor(f.plotW / 150));
  return names.map((name, i) => {
    const x = MARGIN.left + (i % perRow) * 150;
    const y = MARGIN.top - 8 + Math.floor(i / perRow) * LEGEND_ROW;
    const dash = dashed[i] ? ' stroke-dasharray="5,3"' : '';
    return `<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${colour(colours[i]!)}" stroke-width="2.5"${dash}/><text x="${x + 22}" y="${y + 4}">${esc(name)}</text>`;
  });
}

const legendRows = (count: number, width: number): number => Math.ceil(count / Math.max(1, Math.floor((width - MARGIN.left - MARGIN.right) / 150)));

function yAxis(s: Scale, f: Frame, axis: Axis): string[] {
  const text = axis.tickFormat ?? tickText;
  const out = s.ticks.map((t) => {
    const y = f.top + f.plotH * (1 - s.at(t));
    return `<line x1="${MARGIN.left}" y1="${n2(y)}" x2="${MARGIN.left + f.plotW}" y2="${n2(y)}" stroke="#e0e0e0"/><text x="${MARGIN.left - 6}" y="${n2(y + 4)}" text-anchor="end">${esc(text(t))}</text>`;
  });
  const cy = f.top + f.plotH / 2;
  out.push(`<text x="14" y="${n2(cy)}" text-anchor="middle" transform="rotate(-90 14 ${n2(cy)})">${esc(axis.label)}</text>`);
  return out;
}

function box(f: Frame): string {
  return `<rect x="${MARGIN.left}" y="${f.top}" width="${f.plotW}" height="${f.plotH}" fill="none" stroke="#444444"/>`;
}

/** An x-y chart as SVG text. */
export function xyChart(c: XYChart): string {
  const width = c.width ?? 720;
  const height = c.height ?? 440;
  const f = frame(width, height, legendRows(c.series.length, width));
  const all = c.series.flatMap((s) => s.points);
  const sx = scaleOf(c.x, all.map((p) => p.x));
  const sy = scaleOf(c.y, all.map((p) => p.y));
  const px = (v: number) => MARGIN.left + f.plotW * sx.at(v);
  const py = (v: number) => f.top + f.plotH * (1 - sy.at(v));
  const visible = (p: Point) => Number.isFinite(px(p.x)) && Number.isFinite(py(p.y));
  const out = open(f, c.title);
  out.push(...yAxis(sy, f, c.y));
  for (const t of sx.ticks) {
    const x = px(t);
    out.push(`<line x1="${n2(x)}" y1="${f.top}" x2="${n2(x)}" y2="${f.top + f.plotH}" stroke="#e0e0e0"/><text x="${n2(x)}" y="${f.top + f.plotH + 16}" text-anchor="middle">${esc((c.x.tickFormat ?? tickText)(t))}</text>`);
  }
  out.push(`<text x="${n2(MARGIN.left + f.plotW / 2)}" y="${f.h - 18}" text-anchor="middle">${esc(c.x.label)}</text>`);
  out.push(`<clipPath id="plot"><rect x="${MARGIN.left}" y="${f.top}" width="${f.plotW}" height="${f.plotH}"/></clipPath><g clip-path="url(#plot)">`);
  const seriesColour = c.series.map((s, i) => s.colour ?? i);
  c.series.forEach((s, i) => {
    const pts = s.points.filter(visible);
    const style = s.style ?? 'line+points';
    if (style !== 'points' && pts.length > 1) {
      const dash = s.dashed ? ' stroke-dasharray="5,3"' : '';
      out.push(`<polyline fill="none" stroke="${colour(seriesColour[i]!)}" stroke-width="2"${dash} points="${pts.map((p) => `${n2(px(p.x))},${n2(py(p.y))}`).join(' ')}"/>`);
    }
    if (style !== 'line') for (const p of pts) out.push(`<circle cx="${n2(px(p.x))}" cy="${n2(py(p.y))}" r="3" fill="${colour(seriesColour[i]!)}"/>`);
  });
  out.push('</g>');
  c.series.forEach((s) => {
    for (const p of s.points.filter(visible)) if (p.label) out.push(`<text x="${n2(px(p.x) + 5)}" y="${n2(py(p.y) - 5)}" font-size="9">${esc(p.label)}</text>`);
  });
  out.push(box(f), ...legend(c.series.map((s) => s.name), f, c.series.map((s) => s.dashed ?? false), seriesColour), '</svg>');
  return `${out.join('\n')}\n`;
}

/** A grouped bar chart as SVG text (one cluster per category, one bar per group). */
export function barChart(c: BarChart): string {
  const width = c.width ?? Math.max(720, 90 + c.categories.length * (10 + 9 * c.groups.length));
  // category labels are written at 45 degrees: room for the longest below the plot
  const longest = Math.max(0, ...c.categories.map((x) => x.length));
  const bottom = 24 + Math.ceil(longest * 3.6);
  const height = (c.height ?? 440) + Math.max(0, bottom - MARGIN.bottom);
  const f = frame(width, height, legendRows(c.groups.length, width), bottom);
  const sy = scaleOf({ ...c.y, min: c.y.min ?? (c.y.log ? undefined : 0) }, c.groups.flatMap((g) => g.values));
  const out = open(f, c.title);
  out.push(...yAxis(sy, f, c.y));
  const slot = f.plotW / Math.max(1, c.categories.length);
  const bar = (slot * 0.8) / Math.max(1, c.groups.length);
  const base = c.y.log ? sy.min : 0;
  c.categories.forEach((cat, ci) => {
    const x0 = MARGIN.left + ci * slot + slot * 0.1;
    c.groups.forEach((g, gi) => {
      const v = g.values[ci] ?? 0;
      if (!Number.isFinite(v) || (c.y.log && v <= 0)) return;
      const top = f.top + f.plotH * (1 - Math.min(1, sy.at(v)));
      const bottom = f.top + f.plotH * (1 - sy.at(base));
      out.push(`<rect x="${n2(x0 + gi * bar)}" y="${n2(top)}" width="${n2(Math.max(0.5, bar - 0.5))}" height="${n2(Math.max(0, bottom - top))}" fill="${colour(g.colour ?? gi)}"><title>${esc(`${cat} ${g.name}: ${v}`)}</title></rect>`);
    });
    const cx = x0 + slot * 0.4;
    const ty = f.top + f.plotH + 10;
    out.push(`<text x="${n2(cx)}" y="${n2(ty)}" text-anchor="end" font-size="9" transform="rotate(-45 ${n2(cx)} ${n2(ty)})">${esc(cat)}</text>`);
  });
  out.push(box(f), ...legend(c.groups.map((g) => g.name), f, [], c.groups.map((g, i) => g.colour ?? i)), '</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Charts of this module stacked top to bottom in one SVG (panels of one figure, e.g. one per preset).
 * Each chart becomes a nested <svg> at its offset; the clip path ids the x-y charts define are
 * renamed per panel, since ids must be unique in a document and every x-y chart names its own "plot".
 */
export function stackCharts(charts: readonly string[]): string {
  const sizeOf = (svg: string) => {
    const m = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg);
    if (!m) throw new Error('stackCharts takes charts made by this module');
    return { w: Number(m[1]), h: Number(m[2]) };
  };
  const sizes = charts.map(sizeOf);
  const w = Math.max(0, ...sizes.map((s) => s.w));
  const h = sizes.reduce((t, s) => t + s.h, 0);
  let y = 0;
  const panels = charts.map((svg, i) => {
    const at = y;
    y += sizes[i]!.h;
    return svg
      .trimEnd()
      .replace(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /, `<svg x="0" y="${at}" `)
      .replaceAll('<clipPath id="plot">', `<clipPath id="plot${i}">`)
      .replaceAll('clip-path="url(#plot)"', `clip-path="url(#plot${i})"`);
  });
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`, `<rect width="${w}" height="${h}" fill="#ffffff"/>`, ...panels, '</svg>', ''].join('\n');
}
