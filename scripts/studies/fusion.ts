/**
 * Study: where the requantisation epilogue of ResNet-50's cube layers runs. The same network (batch 1,
 * every core, warm L2 from layer to layer) with every convolution and the fc ending in the fixpipe
 * (fused on the way out of L0C), through UB on the vector unit, or as a separate requant kernel
 * through GM (int32 out and back), per preset: cycles and GM bytes by level per layer, and totals.
 * A preset that cannot place an epilogue somewhere (no fixpipe on the coupled 310P) gets one row
 * saying so, with the library's own reason, found by asking the library rather than assumed here.
 *
 *   npm run study:fusion    (writes docs/studies/fusion.csv and fusion.svg)
 */
import { pathToFileURL } from 'node:url';
import { FUSIONS, type Fusion } from '../../ops-nn/onnx/index.js';
import type { NetworkLayer } from '../lib/network/run.js';
import { barChart, stackCharts } from '../lib/plot/svg.js';
import { col, type Schema } from '../../traces/schema.js';
import { isCubeLayer, resnet50Run, round, STUDY_BATCH } from './resnet50-runs.js';
import { csvText, studyMain, type StudyFile } from './study-files.js';

export const FUSION_PRESETS = ['ascend910b', 'ascend310p'] as const;

/** One preset and epilogue placement: its cube layers, or why the library refuses the placement. */
export interface FusionRun {
  readonly preset: string;
  readonly fusion: Fusion;
  readonly layers: readonly NetworkLayer[];
  /** null when every cube layer ran on the device with this epilogue */
  readonly unsupported: string | null;
}

interface Row {
  readonly run: FusionRun;
  /** a cube layer, or the sum over them (name 'total'); absent on an unsupported run's row */
  readonly layer?: Totals;
  /** the fewest cycles any supported placement gives this layer on this preset */
  readonly best?: number;
}

type Totals = Pick<NetworkLayer, 'name' | 'shape' | 'cycles' | 'timeUs' | 'launches' | 'bytes'>;

const gmBytes = (l: Totals) => l.bytes.l2Hit + l.bytes.l2Miss;

export function totalOf(layers: readonly NetworkLayer[]): Totals {
  const sum = (f: (l: NetworkLayer) => number) => layers.reduce((s, l) => s + f(l), 0);
  return {
    name: 'total',
    shape: `${layers.length} cube layers`,
    cycles: sum((l) => l.cycles),
    timeUs: sum((l) => l.timeUs),
    launches: sum((l) => l.launches),
    bytes: { l2Hit: sum((l) => l.bytes.l2Hit), l2Miss: sum((l) => l.bytes.l2Miss), hbmRead: sum((l) => l.bytes.hbmRead), hbmWrite: sum((l) => l.bytes.hbmWrite) },
  };
}

/** Every (preset, fusion) pair of the study, supported or not. */
export function fusionRuns(): FusionRun[] {
  return FUSION_PRESETS.flatMap((preset) =>
    FUSIONS.map((fusion) => {
      const layers = resnet50Run(preset, fusion).layers.filter(isCubeLayer);
      // the runner lists a layer whose kernel the library refuses as host work, with the reason
      const refused = layers.find((l) => l.host !== null);
      return { preset, fusion, layers, unsupported: refused ? refused.host : null };
    }),
  );
}

/** A figure of the row's layer; empty on an unsupported run's row, which has none. */
const ofLayer = (f: (r: Row & { layer: Totals }) => number) => (r: Row) => (r.layer ? f(r as Row & { layer: Totals }) : null);

export const FUSION_COLUMNS: Schema<Row> = [
  col('preset', '', 'hardware preset', (r) => r.run.preset),
  col('fusion', '', 'where the epilogue runs: fixpipe (fused on the way out of L0C), ub (vector unit), gm (a separate requant kernel)', (r) => r.run.fusion),
  col('supported', '', 'yes when the library places this epilogue on the preset', (r) => (r.run.unsupported === null ? 'yes' : 'no')),
  col('layer', '', 'torchvision layer name, or total (the cube layers summed)', (r) => r.layer?.name ?? 'total'),
  col('shape', '', 'conv: C x H x W -> OC, k x k / stride; fc: K -> N', (r) => r.layer?.shape ?? ''),
  col('cycles', 'cycles', "the layer's kernel cycles (gm: the GEMM and the requant kernel)", ofLayer((r) => r.layer.cycles)),
  col('cycles_over_best', 'ratio', 'cycles over the fewest any supported epilogue gives the layer on this preset', ofLayer((r) => round(r.layer.cycles / r.best!, 4))),
  col('time_us', 'us', 'cycles at the preset clock plus the assumed launch overhead per launch', ofLayer((r) => round(r.layer.timeUs, 3))),
  col('launches', 'launches', 'kernel launches', ofLayer((r) => r.layer.launches)),
  col('gm_bytes', 'bytes', 'GM-side bytes, reads and writes: L2 hits + misses', ofLayer((r) => gmBytes(r.layer))),
  col('l2_hit_bytes', 'bytes', 'GM bytes served by lines resident in the L2', ofLayer((r) => r.layer.bytes.l2Hit)),
  col('l2_miss_bytes', 'bytes', 'GM bytes whose L2 line was not resident', ofLayer((r) => r.layer.bytes.l2Miss)),
  col('hbm_read_bytes', 'bytes', 'bytes read from HBM (line fills)', ofLayer((r) => r.layer.bytes.hbmRead)),
  col('hbm_write_bytes', 'bytes', 'bytes written back to HBM (dirty evictions)', ofLayer((r) => r.layer.bytes.hbmWrite)),
  col('note', '', "why the library refuses the epilogue on the preset (its own message), else empty", (r) => r.run.unsupported ?? ''),
];

/** The CSV rows: per supported run its layers then its total; an unsupported run, one row. */
export function fusionRows(runs: readonly FusionRun[]): Row[] {
  return runs.flatMap((run): Row[] => {
    if (run.unsupported !== null) return [{ run }];
    const peers = runs.filter((r) => r.preset === run.preset && r.unsupported === null);
    const bestOf = (pick: (rr: FusionRun) => number) => Math.min(...peers.map(pick));
    const rows = run.layers.map((l, i) => ({ run, layer: l, best: bestOf((p) => p.layers[i]!.cycles) }));
    return [...rows, { run, layer: totalOf(run.layers), best: bestOf((p) => totalOf(p.layers).cycles) }];
  });
}

/** Layers grouped by shape, in network order: the categories of the plot (cycles summed per shape). */
function byShape(layers: readonly NetworkLayer[]): { label: string; indices: number[] }[] {
  const groups = new Map<string, number[]>();
  layers.forEach((l, i) => groups.set(l.shape, [...(groups.get(l.shape) ?? []), i]));
  return [...groups].map(([shape, indices]) => ({ label: indices.length > 1 ? `${shape} (x${indices.length})` : shape, indices }));
}

const kcycles = (c: number) => `${(c / 1000).toFixed(0)}k`;

/** Both panels share a width so their shapes line up. */
const PLOT_WIDTH = 960;

function plot(runs: readonly FusionRun[]): string {
  const colourOf = (f: Fusion) => FUSIONS.indexOf(f);
  const panels = FUSION_PRESETS.map((preset) => {
    const mine = runs.filter((r) => r.preset === preset && r.unsupported === null);
    const shapes = byShape(mine[0]!.layers);
    const missing = runs.filter((r) => r.preset === preset && r.unsupported !== null).map((r) => r.fusion);
    return barChart({
      title: `${preset}: ResNet-50 b${STUDY_BATCH} cycles per layer shape, summed over its layers${missing.length ? ` (no ${missing.join(', ')} epilogue on this preset)` : ''}`,
      categories: shapes.map((s) => s.label),
      // the legend carries each epilogue's total over all cube layers
      groups: mine.map((r) => ({ name: `${r.fusion}: ${kcycles(totalOf(r.layers).cycles)} in all`, colour: colourOf(r.fusion), values: shapes.map((s) => s.indices.reduce((t, i) => t + r.layers[i]!.cycles, 0)) })),
      y: { label: 'cycles' },
      width: PLOT_WIDTH,
      height: 380,
    });
  });
  return stackCharts(panels);
}

/** The study's files: fusion.csv and fusion.svg. */
export function fusionStudy(): StudyFile[] {
  const runs = fusionRuns();
  return [
    { name: 'fusion.csv', text: csvText(FUSION_COLUMNS, fusionRows(runs)) },
    { name: 'fusion.svg', text: plot(runs) },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = studyMain('study:fusion', process.argv.slice(2), () => fusionStudy());
