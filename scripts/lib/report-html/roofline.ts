/**
 * The report's roofline: achieved int8 TOPS against operational intensity, under the preset's roofs
 * (all cubes at peak, the launched cubes at peak, the L2's and HBM's chip-wide bandwidth). Each kernel
 * or layer is placed twice, at the same height: once by its GM bytes (what the L2 serves: hits and
 * misses, reads and writes) and once by its HBM bytes (line fills and write-backs), which is how the
 * hierarchical roofline reads: the roof a point sits under is the level that limits it.
 */
import { xyChart, type Point, type Series } from '../plot/svg.js';
import type { ChipRoofs } from './data.js';

/** Something to place: a kernel launch, or a network layer. */
export interface RooflineItem {
  readonly name: string;
  /** 2 * MACs (useful ones when known) */
  readonly ops: number;
  readonly seconds: number;
  /** GM bytes through the L2: hits + misses */
  readonly gmBytes: number;
  /** HBM bytes: reads + writes */
  readonly hbmBytes: number;
}

export interface Roofline {
  readonly svg: string;
  /** points drawn (two per item that has MACs and bytes) */
  readonly points: number;
  /** what could not be placed, and why */
  readonly left: readonly string[];
}

const TERA = 1e12;

/** The roofline of `items` under `chip`'s roofs; `launchedCubes` adds the launched cores' roof when fewer than the chip's. */
export function roofline(chip: ChipRoofs, items: readonly RooflineItem[], launchedCubes: number, labelled: number): Roofline {
  const left: string[] = [];
  const placed = items.filter((i) => i.ops > 0 && i.seconds > 0 && i.gmBytes > 0);
  const noMacs = items.filter((i) => !(i.ops > 0)).map((i) => i.name);
  const noBytes = items.filter((i) => i.ops > 0 && !(i.gmBytes > 0 && i.seconds > 0)).map((i) => i.name);
  // a long network lists a few names, then how many more
  const some = (names: string[]) => (names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`);
  if (noMacs.length > 0) left.push(`no cube MACs (int8 ops are cube MACs here): ${some(noMacs)}`);
  if (noBytes.length > 0) left.push(`no GM bytes or no cycles: ${some(noBytes)}`);
  const tops = (i: RooflineItem) => i.ops / i.seconds / TERA;
  const byGm = placed.map((i) => ({ x: i.ops / i.gmBytes, y: tops(i), name: i.name }));
  const byHbm = placed.filter((i) => i.hbmBytes > 0).map((i) => ({ x: i.ops / i.hbmBytes, y: tops(i), name: i.name }));
  const peak = chip.peakOpsPerSecond / TERA;
  const launchedPeak = (peak * Math.min(launchedCubes, chip.cubes)) / chip.cubes;
  const bws = [chip.hbmBytesPerSecond, ...(chip.l2BytesPerSecond ? [chip.l2BytesPerSecond] : [])].map((b) => b / TERA);
  const xs = [...byGm, ...byHbm].map((p) => p.x).concat(bws.map((b) => peak / b));
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...xs)) - 0.5);
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...xs)) + 0.5);
  const ys = [...byGm, ...byHbm].map((p) => p.y).concat([peak, ...bws.map((b) => b * xMin)]);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys)) - 0.3);
  // a roof is min(peak, bandwidth * intensity): a slope up to the ridge point, then flat
  const roof = (bw: number, top: number): Point[] => {
    const ridge = Math.max(xMin, Math.min(xMax, top / bw));
    return [xMin, ridge, xMax].map((x) => ({ x, y: Math.min(top, bw * x) }));
  };
  // the busiest items carry their names; the rest are markers only, so the chart stays legible
  const named = new Set([...placed].sort((a, b) => b.seconds - a.seconds).slice(0, labelled).map((i) => i.name));
  const marks = (ps: readonly { x: number; y: number; name: string }[]): Point[] => ps.map((p) => ({ x: p.x, y: p.y, ...(named.has(p.name) ? { label: p.name } : {}) }));
  const series: Series[] = [
    { name: `peak ${fmt(peak)} TOPS`, points: [{ x: xMin, y: peak }, { x: xMax, y: peak }], style: 'line', dashed: true },
    // a vector-only kernel launches no cube: no roof of its own (and a log axis has no zero)
    ...(launchedPeak > 0 && launchedPeak < peak ? [{ name: `${launchedCubes} cube(s) ${fmt(launchedPeak)} TOPS`, points: [{ x: xMin, y: launchedPeak }, { x: xMax, y: launchedPeak }], style: 'line' as const, dashed: true }] : []),
    ...(chip.l2BytesPerSecond ? [{ name: `L2 ${fmt(chip.l2BytesPerSecond / 1e9)} GB/s`, points: roof(chip.l2BytesPerSecond / TERA, peak), style: 'line' as const }] : []),
    { name: `HBM ${fmt(chip.hbmBytesPerSecond / 1e9)} GB/s`, points: roof(chip.hbmBytesPerSecond / TERA, peak), style: 'line' },
    { name: 'by GM (L2) bytes', points: marks(byGm), style: 'points' },
    // one name per item: the HBM point sits on the same height, to the right
    { name: 'by HBM bytes', points: byHbm.map((p) => ({ x: p.x, y: p.y })), style: 'points' },
  ];
  const svg = xyChart({
    title: `Roofline on ${chip.preset} (int8)`,
    x: { label: 'operational intensity: int8 ops per byte', log: true, min: xMin, max: xMax },
    y: { label: 'achieved int8 TOPS', log: true, min: yMin, max: 10 ** Math.ceil(Math.log10(peak) + 0.3) },
    series,
    width: 760,
    height: 460,
  });
  return { svg, points: byGm.length + byHbm.length, left };
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3));
