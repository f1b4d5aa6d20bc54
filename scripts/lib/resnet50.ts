/**
 * ResNet-50 v1.5 layer by layer (torchvision shapes: the stride of a downsampling block on its 3x3
 * convolution): all 53 convolutions and the fc, each as the INT8 operator `exec` runs (QLinearConv,
 * QLinearMatMul), timed timing-only on every core the default tiler uses, with the figures the kernel
 * library is judged by: GM-side read bytes against the compulsory input + weight bytes, cores used
 * against the output's 16-row blocks, chip-wide cube utilisation and the busiest unit.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { isGmPath } from '../../hw/timing/cost.js';
import { LaunchSequence } from '../../ops-nn/launch-sequence.js';
import type { OpSummary } from '../../traces/index.js';
import type { PathName } from '../../hw/config/types.js';
import { col, type Schema } from '../../traces/schema.js';
import type { VectorRequant } from '../../ops-nn/gemm/spec.js';
import { cubeLaunches, timePlanned, type ConvLayer, type Layer } from './network/cube-layer.js';

export type { ConvLayer, FcLayer, Layer } from './network/cube-layer.js';

const conv = (name: string, c: number, hw: number, oc: number, k: number, stride = 1): ConvLayer => ({ kind: 'conv', name, c, h: hw, w: hw, oc, k, stride, pad: (k - 1) >> 1 });

/** The bottleneck stages: blocks, width, output channels, input size of the stage, stride of its first block. */
const STAGES = [
  { blocks: 3, width: 64, out: 256, size: 56, stride: 1 },
  { blocks: 4, width: 128, out: 512, size: 56, stride: 2 },
  { blocks: 6, width: 256, out: 1024, size: 28, stride: 2 },
  { blocks: 3, width: 512, out: 2048, size: 14, stride: 2 },
] as const;

/** The 53 convolutions and the fc, in network order. */
export function resnet50Layers(): Layer[] {
  const layers: Layer[] = [conv('conv1', 3, 224, 64, 7, 2)];
  let channels = 64;
  STAGES.forEach((s, si) => {
    for (let b = 0; b < s.blocks; b++) {
      const first = b === 0;
      const inSize = first ? s.size : s.size / s.stride;
      const stride = first ? s.stride : 1;
      const at = `layer${si + 1}.${b}`;
      layers.push(conv(`${at}.conv1`, channels, inSize, s.width, 1));
      layers.push(conv(`${at}.conv2`, s.width, inSize, s.width, 3, stride));
      layers.push(conv(`${at}.conv3`, s.width, inSize / stride, s.out, 1));
      if (first) layers.push(conv(`${at}.downsample`, channels, inSize, s.out, 1, stride));
      channels = s.out;
    }
  });
  layers.push({ kind: 'fc', name: 'fc', k: 2048, n: 1000 });
  return layers;
}

/** The epilogue the table times: fused in the fixpipe where there is one, else through UB. */
export const tableFusion = (cfg: HwConfig): 'fixpipe' | 'ub' => (cfg.organisation === 'separated' ? 'fixpipe' : 'ub');

/**
 * The requantisation arithmetic of the table's UB epilogues: the vendor's (the dequantising cast to
 * f16, a few vector passes) rather than the exact dozen fp32 passes `exec` defaults to, because the
 * table is about the speed a deployed kernel would reach; its error is in docs/quantisation.md.
 * The fixpipe epilogue (separated presets) has one arithmetic only.
 */
export const tableVectorRequant = (cfg: HwConfig): VectorRequant => (tableFusion(cfg) === 'ub' ? 'deq-f16' : 'exact');

export interface LayerRow {
  readonly layer: Layer;
  readonly preset: string;
  readonly batch: number;
  readonly fusion: string;
  readonly vectorRequant: VectorRequant;
  /** output rows of the GEMM (images x output pixels, or batch) and their 16-row blocks */
  readonly outputBlocks: number;
  readonly cores: number;
  readonly chipCores: number;
  readonly summary: OpSummary;
  /** L2 hits + misses of the paths that read GM */
  readonly gmReadBytes: number;
  /** the input tensor and the weights, once */
  readonly compulsoryBytes: number;
  /** the fewest GM-side reads any split of whole output blocks over the launched cores could have (readBound) */
  readonly readBoundBytes: number;
}

/**
 * The fewest GM-side read bytes of a GEMM split over `cores` cores without splitting K: a core
 * reads the A rows and the B columns of the output it makes, so a split into gm row parts and gn
 * column parts (gm x gn = cores, each part at least one 16-row or 16-column block) reads A gn times
 * and B gm times. Halos of 3x3 windows and padding to 16 are left out, so real kernels read more.
 * With B read by every row part, 2x the compulsory bytes is out of reach for most layers on many
 * cores: this is the floor the table's `read_over_compulsory` is to be judged against.
 */
export function readBound(a: number, b: number, rowBlocks: number, colBlocks: number, cores: number): number {
  let best = Infinity;
  for (let gm = 1; gm <= Math.min(cores, rowBlocks); gm++)
    for (let gn = 1; gn <= Math.min(cores, colBlocks); gn++) if (gm * gn === cores) best = Math.min(best, gn * a + gm * b);
  // a core count with no exact grid (a prime larger than both block counts): the fewest cores' bound
  return Number.isFinite(best) ? best : a + b * Math.min(cores, rowBlocks);
}

const outSize = (l: ConvLayer) => Math.floor((l.h + 2 * l.pad - l.k) / l.stride) + 1;

/** Times one layer; its launches run as one warm sequence (the summary is of the GEMM, the first). */
export function timeLayer(l: Layer, batch: number, cfg: HwConfig): LayerRow {
  const launches = cubeLaunches(l, batch, cfg, { fusion: tableFusion(cfg), vectorRequant: tableVectorRequant(cfg) });
  const sequence = new LaunchSequence('warm');
  const summaries = launches.map((p) => timePlanned(sequence, cfg, p, `${l.name} ${p.kernel.name}`).summary);
  const s = summaries[0]!;
  const rows = l.kind === 'fc' ? batch : batch * outSize(l) * outSize(l);
  const gmReadBytes = Object.entries(s.memory.paths)
    .filter(([p]) => isGmPath(p as PathName) && p.startsWith('GM'))
    .reduce((sum, [, b]) => sum + b!.l2Hit + b!.l2Miss, 0);
  const inputBytes = l.kind === 'fc' ? batch * l.k : batch * l.c * l.h * l.w;
  const weightBytes = l.kind === 'fc' ? l.k * l.n : l.oc * l.c * l.k * l.k;
  const compulsoryBytes = inputBytes + weightBytes;
  const cores = launches[0]!.kernel.blockDim;
  return {
    layer: l,
    preset: cfg.name,
    batch,
    fusion: tableFusion(cfg),
    vectorRequant: tableVectorRequant(cfg),
    outputBlocks: Math.ceil(rows / 16),
    cores,
    chipCores: cfg.cores,
    summary: s,
    gmReadBytes,
    compulsoryBytes,
    readBoundBytes: readBound(inputBytes, weightBytes, Math.ceil(rows / 16), Math.ceil((l.kind === 'fc' ? l.n : l.oc) / 16), cores),
  };
}

/** The unit with the highest busy ratio (mean over the cores that have it): what bounds the layer. */
export function boundBy(s: OpSummary): string {
  const units: [string, number][] = [
    ['cube', s.ratios.mac_ratio],
    ['vector', s.ratios.vec_ratio],
    ['mte2', s.ratios.mte2_ratio],
    ['mte1', s.ratios.mte1_ratio],
    ['mte3', s.ratios.mte3_ratio],
    ['fixpipe', s.ratios.fixpipe_ratio],
    ['scalar', s.ratios.scalar_ratio],
  ];
  return units.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Columns of the layer table CSV. */
export const LAYER_COLUMNS: Schema<LayerRow> = [
  col('layer', '', 'torchvision name of the layer', (r) => r.layer.name),
  col('preset', '', 'hardware preset', (r) => r.preset),
  col('batch', 'images', 'images in the batch', (r) => r.batch),
  col('shape', '', 'conv: C x H x W -> OC, k x k / stride; fc: K -> N', (r) =>
    r.layer.kind === 'fc' ? `${r.layer.k} -> ${r.layer.n}` : `${r.layer.c}x${r.layer.h}x${r.layer.w} -> ${r.layer.oc}, ${r.layer.k}x${r.layer.k}/${r.layer.stride}`,
  ),
  col('fusion', '', 'where the requantisation runs: fixpipe, or the vector unit through UB', (r) => r.fusion),
  col('cycles', 'cycles', 'cycles of the GEMM kernel', (r) => r.summary.cycles),
  col('cores', 'cores', 'cores (AIC groups) the kernel launched', (r) => r.cores),
  col('output_blocks', 'blocks', '16-row blocks of the GEMM output (images x output pixels)', (r) => r.outputBlocks),
  col('uses_every_core', '', 'yes when the kernel launched every core, or had fewer output blocks than cores', (r) => (r.cores === r.chipCores || r.outputBlocks < r.chipCores ? 'yes' : 'no')),
  col('chip_cube_utilization', 'ratio', 'useful MACs over what every cube of the preset could do in the cycles', (r) => r6(r.summary.chipCubeUtilization ?? 0)),
  col('cube_utilization', 'ratio', 'over the launched cores, padding included', (r) => r6(r.summary.cubeUtilization)),
  col('gm_read_bytes', 'bytes', 'GM-side read bytes: L2 hits + misses of the GM -> L1 / UB paths', (r) => r.gmReadBytes),
  col('compulsory_bytes', 'bytes', 'the input tensor and the weights, once', (r) => r.compulsoryBytes),
  col('read_over_compulsory', 'ratio', 'gm_read_bytes / compulsory_bytes', (r) => r6(r.gmReadBytes / r.compulsoryBytes)),
  col('read_bound_over_compulsory', 'ratio', 'the fewest reads any split of the output over the launched cores could have (no K split, no halo), over compulsory_bytes', (r) => r6(r.readBoundBytes / r.compulsoryBytes)),
  col('hbm_read_bytes', 'bytes', 'bytes read from HBM (a flushed L2 at the start)', (r) => r.summary.memory.hbmRead),
  col('mac_ratio', 'ratio', 'cube busy / cycles, mean over the cores that have it', (r) => r6(r.summary.ratios.mac_ratio)),
  col('vec_ratio', 'ratio', 'vector busy / cycles', (r) => r6(r.summary.ratios.vec_ratio)),
  col('mte2_ratio', 'ratio', 'MTE2 busy / cycles', (r) => r6(r.summary.ratios.mte2_ratio)),
  col('bound_by', '', 'the unit with the highest busy ratio', (r) => boundBy(r.summary)),
  col('vector_requant', '', "arithmetic of a UB epilogue's requantisation: deq-f16 (the vendor's, via f16) or exact", (r) => r.vectorRequant),
];

/** One preset and batch of the table, in the figures the kernel library is judged by (README). */
export interface TableSummary {
  readonly preset: string;
  readonly batch: number;
  readonly layers: number;
  /** cycles of every layer's GEMM kernel, summed */
  readonly cycles: number;
  /** layers with at least as many 16-row output blocks as cores that leave cores idle */
  readonly idleLayers: number;
  /** 1x1 convolutions with K >= 256 whose busiest unit is the vector unit */
  readonly vectorBound1x1: number;
  /** GM-side reads over compulsory bytes, summed over the layers */
  readonly readRatio: number;
  /** layers reading at most 2x their compulsory bytes, and layers whose floor (readBound) allows it */
  readonly within2x: number;
  readonly floorWithin2x: number;
}

const isWide1x1 = (l: Layer) => l.kind === 'conv' && l.k === 1 && l.c >= 256;

export function summariseTable(rows: readonly LayerRow[]): TableSummary[] {
  const groups = new Map<string, LayerRow[]>();
  for (const r of rows) groups.set(`${r.preset} ${r.batch}`, [...(groups.get(`${r.preset} ${r.batch}`) ?? []), r]);
  return [...groups.values()].map((g) => ({
    preset: g[0]!.preset,
    batch: g[0]!.batch,
    layers: g.length,
    cycles: g.reduce((s, r) => s + r.summary.cycles, 0),
    idleLayers: g.filter((r) => r.outputBlocks >= r.chipCores && r.cores < r.chipCores).length,
    vectorBound1x1: g.filter((r) => isWide1x1(r.layer) && boundBy(r.summary) === 'vector').length,
    readRatio: g.reduce((s, r) => s + r.gmReadBytes, 0) / g.reduce((s, r) => s + r.compulsoryBytes, 0),
    within2x: g.filter((r) => r.gmReadBytes <= 2 * r.compulsoryBytes).length,
    floorWithin2x: g.filter((r) => r.readBoundBytes <= 2 * r.compulsoryBytes).length,
  }));
}

/** The summary as the Markdown table README shows. */
export function summaryMarkdown(s: readonly TableSummary[]): string {
  const head = '| preset | batch | summed cycles | layers leaving cores idle | vector-bound 1x1, K >= 256 | reads / compulsory | layers <= 2x compulsory | layers whose floor is <= 2x |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = s.map((x) => `| ${x.preset} | ${x.batch} | ${x.cycles.toLocaleString('en-US')} | ${x.idleLayers} | ${x.vectorBound1x1} | ${x.readRatio.toFixed(2)}x | ${x.within2x} of ${x.layers} | ${x.floorWithin2x} of ${x.layers} |`);
  return [head, ...rows].join('\n');
}
