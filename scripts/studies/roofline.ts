/**
 * Study: ResNet-50's cube layers (53 convolutions and the fc, batch 1, every core, the preset's own
 * epilogue) on a hierarchical roofline of each preset. The figures are the simulation's own:
 *
 * - ops = 2 x the layer's useful MACs (its real multiply-accumulates, no padding), int8;
 * - achieved TOPS = ops over the layer's kernel cycles at the preset clock (no launch overhead);
 * - HBM intensity = ops over the bytes the layer moved to and from HBM (line fills + write-backs),
 *   placed under the HBM roof (HBM bandwidth x intensity);
 * - GM-side intensity = ops over every GM byte the layer moved through the L2 (hits + misses, reads
 *   and writes), placed under the L2 roof (L2 bandwidth x intensity);
 * - the compute roof is the peak: int8 MACs per cycle x cubes x clock x 2.
 *
 * Pools and adds have no MACs and are left out. A layer starts on the L2 the previous layer left,
 * so its HBM bytes are mostly its weights: activations written by earlier layers tend to hit.
 *
 *   npm run study:roofline    (writes docs/studies/roofline.csv and roofline.svg)
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../hw/config/load.js';
import type { NetworkLayer, NetworkResult } from '../lib/network/run.js';
import { xyChart, stackCharts, type Point, type Series } from '../lib/plot/svg.js';
import { presetInfo } from '../lib/presets-info.js';
import { col, type Schema } from '../../traces/schema.js';
import { isCubeLayer, resnet50Run, round, STUDY_BATCH } from './resnet50-runs.js';
import { csvText, studyMain, type StudyFile } from './study-files.js';

export const ROOFLINE_PRESETS = ['ascend910b', 'ascend310p'] as const;

/** A preset's roofs: TOPS for compute, GB/s (1e9 bytes) for the two memory levels. */
export interface Roofs {
  readonly peakTops: number;
  readonly hbmGBps: number;
  readonly l2GBps: number;
}

export function roofsOf(preset: string): Roofs {
  const cfg = loadConfig(preset);
  const info = presetInfo(cfg);
  return { peakTops: info.peakInt8Tops, hbmGBps: info.gmGBps, l2GBps: (cfg.l2.chipBytesPerCycle * cfg.clockMHz) / 1e3 };
}

/** TOPS a bandwidth in GB/s allows at `intensity` ops per byte. */
const bandwidthRoof = (gbps: number, intensity: number) => (gbps * intensity) / 1e3;

/** One layer placed on its preset's roofline. */
export interface RoofPoint {
  readonly preset: string;
  readonly roofs: Roofs;
  readonly layer: NetworkLayer;
  readonly ops: number;
  readonly achievedTops: number;
  readonly hbmBytes: number;
  readonly gmBytes: number;
  readonly hbmIntensity: number;
  readonly gmIntensity: number;
  readonly hbmRoofTops: number;
  readonly l2RoofTops: number;
  /** the lowest of the three roofs at the layer's intensities, and its name */
  readonly attainableTops: number;
  readonly roof: 'compute' | 'hbm' | 'l2';
}

export function roofPoints(run: NetworkResult, roofs: Roofs): RoofPoint[] {
  return run.layers.filter(isCubeLayer).map((layer) => {
    const ops = 2 * layer.usefulMacs;
    const seconds = layer.cycles / (run.clockMHz * 1e6);
    const hbmBytes = layer.bytes.hbmRead + layer.bytes.hbmWrite;
    const gmBytes = layer.bytes.l2Hit + layer.bytes.l2Miss;
    const hbmIntensity = ops / hbmBytes;
    const gmIntensity = ops / gmBytes;
    const limits = { compute: roofs.peakTops, hbm: bandwidthRoof(roofs.hbmGBps, hbmIntensity), l2: bandwidthRoof(roofs.l2GBps, gmIntensity) } as const;
    const roof = (Object.keys(limits) as (keyof typeof limits)[]).reduce((a, b) => (limits[b] < limits[a] ? b : a));
    return { preset: run.preset, roofs, layer, ops, achievedTops: ops / seconds / 1e12, hbmBytes, gmBytes, hbmIntensity, gmIntensity, hbmRoofTops: limits.hbm, l2RoofTops: limits.l2, attainableTops: limits[roof], roof };
  });
}

export const ROOFLINE_COLUMNS: Schema<RoofPoint> = [
  col('preset', '', 'hardware preset', (p) => p.preset),
  col('layer', '', 'torchvision layer name', (p) => p.layer.name),
  col('shape', '', 'conv: C x H x W -> OC, k x k / stride; fc: K -> N', (p) => p.layer.shape),
  col('fusion', '', "the epilogue: the preset's default", (p) => p.layer.fusion),
  col('cycles', 'cycles', 'kernel cycles of the layer', (p) => p.layer.cycles),
  col('int8_ops', 'ops', '2 x useful MACs (no padding)', (p) => p.ops),
  col('achieved_tops', 'TOPS', 'int8_ops over the kernel time (cycles at the preset clock, no launch overhead)', (p) => round(p.achievedTops, 3)),
  col('hbm_bytes', 'bytes', 'bytes the layer moved to and from HBM: line fills + write-backs', (p) => p.hbmBytes),
  col('gm_bytes', 'bytes', 'GM-side bytes through the L2: hits + misses, reads and writes', (p) => p.gmBytes),
  col('hbm_intensity', 'ops/byte', 'int8_ops / hbm_bytes', (p) => round(p.hbmIntensity, 3)),
  col('gm_intensity', 'ops/byte', 'int8_ops / gm_bytes', (p) => round(p.gmIntensity, 3)),
  col('compute_roof_tops', 'TOPS', 'peak: int8 MACs/cycle x cubes x clock x 2', (p) => round(p.roofs.peakTops, 3)),
  col('hbm_roof_tops', 'TOPS', 'HBM bandwidth x hbm_intensity', (p) => round(p.hbmRoofTops, 3)),
  col('l2_roof_tops', 'TOPS', 'L2 bandwidth x gm_intensity', (p) => round(p.l2RoofTops, 3)),
  col('roof', '', 'the lowest roof at the layer: compute, hbm or l2', (p) => p.roof),
  col('achieved_over_roof', 'ratio', 'achieved_tops over the lowest roof', (p) => round(p.achievedTops / p.attainableTops, 4)),
  col('bound', '', "the simulation's busiest unit of the layer (compute, memory, vector, scalar)", (p) => p.layer.bound),
  col('hbm_gbps', 'GB/s', "the preset's HBM bandwidth", (p) => round(p.roofs.hbmGBps, 1)),
  col('l2_gbps', 'GB/s', "the preset's L2 bandwidth", (p) => round(p.roofs.l2GBps, 1)),
];

/** The layers named on a panel: the first and last, the highest in TOPS, and the farthest below its roof. */
function named(points: readonly RoofPoint[]): Set<string> {
  const most = (f: (p: RoofPoint) => number) => points.reduce((a, b) => (f(b) > f(a) ? b : a)).layer.name;
  return new Set([points[0]!.layer.name, points.at(-1)!.layer.name, most((p) => p.achievedTops), most((p) => -p.achievedTops / p.attainableTops)]);
}

// palette indices: HBM things blue, L2 things red, the compute roof grey
const HBM_COLOUR = 0;
const L2_COLOUR = 1;
const COMPUTE_COLOUR = 7;

function panel(points: readonly RoofPoint[]): string {
  const { preset, roofs } = points[0]!;
  const xs = points.flatMap((p) => [p.hbmIntensity, p.gmIntensity]);
  const lo = Math.min(...xs) / 2;
  const hi = Math.max(...xs, roofs.peakTops * 1e3 / roofs.hbmGBps) * 2;
  // a bandwidth roof rises until it meets the compute roof (the ridge), then the compute roof rules
  const slope = (gbps: number): Point[] => [{ x: lo, y: bandwidthRoof(gbps, lo) }, { x: Math.min(hi, (roofs.peakTops * 1e3) / gbps), y: Math.min(roofs.peakTops, bandwidthRoof(gbps, hi)) }];
  const names = named(points);
  const series: Series[] = [
    { name: `compute ${round(roofs.peakTops, 0)} TOPS`, style: 'line', dashed: true, colour: COMPUTE_COLOUR, points: [{ x: lo, y: roofs.peakTops }, { x: hi, y: roofs.peakTops }] },
    { name: `HBM ${round(roofs.hbmGBps, 0)} GB/s`, style: 'line', dashed: true, colour: HBM_COLOUR, points: slope(roofs.hbmGBps) },
    { name: `L2 ${round(roofs.l2GBps, 0)} GB/s`, style: 'line', dashed: true, colour: L2_COLOUR, points: slope(roofs.l2GBps) },
    { name: 'layer: ops / HBM byte', style: 'points', colour: HBM_COLOUR, points: points.map((p) => ({ x: p.hbmIntensity, y: p.achievedTops, ...(names.has(p.layer.name) ? { label: p.layer.name } : {}) })) },
    { name: 'layer: ops / GM-side byte', style: 'points', colour: L2_COLOUR, points: points.map((p) => ({ x: p.gmIntensity, y: p.achievedTops })) },
  ];
  return xyChart({
    title: `${preset}: ResNet-50 b${STUDY_BATCH} cube layers on the int8 roofline (each layer twice: its HBM and its GM-side intensity)`,
    x: { label: 'int8 ops per byte moved (log)', log: true, tight: true },
    y: { label: 'int8 TOPS (log)', log: true, tight: true },
    series,
    width: 960,
    height: 480,
  });
}

/** Every preset's points, in ROOFLINE_PRESETS order. */
export const rooflinePoints = (): RoofPoint[] => ROOFLINE_PRESETS.flatMap((p) => roofPoints(resnet50Run(p), roofsOf(p)));

/** The study's files: roofline.csv and roofline.svg. */
export function rooflineStudy(): StudyFile[] {
  const points = rooflinePoints();
  return [
    { name: 'roofline.csv', text: csvText(ROOFLINE_COLUMNS, points) },
    { name: 'roofline.svg', text: stackCharts(ROOFLINE_PRESETS.map((preset) => panel(points.filter((p) => p.preset === preset)))) },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = studyMain('study:roofline', process.argv.slice(2), () => rooflineStudy());
