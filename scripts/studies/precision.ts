/**
 * Study: INT8 against FP16 on the same layers of ascend910b (README, "Studies"). Distinct ResNet-50
 * v1.5 convolution shapes, its fc and a 1024^3 GEMM, each run functionally at full size (batch 1)
 * both ways from the same seeded real-valued data (scripts/studies/precision-runs.ts): cycles and GM
 * bytes by level of each, and the SQNR of each output against a float64 reference. Writes
 * precision.csv, precision-cycles.svg and precision-sqnr.svg into docs/studies (or --out DIR).
 *
 *   npm run study:precision [-- --out DIR]
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../hw/config/load.js';
import { col, type Schema } from '../../traces/schema.js';
import { barChart } from '../lib/plot/svg.js';
import { resnet50Layers } from '../lib/resnet50.js';
import { runPrecisionCase, type PrecisionCase, type PrecisionRow, type PrecisionRun } from './precision-runs.js';
import { csvText, studyMain } from './study-files.js';

export const PRECISION_PRESET = 'ascend910b';

/** One ResNet-50 layer of each distinct kind: the stem, 3x3 at each stage's size and stride, wide and deep 1x1s. */
const RESNET_LAYERS = ['conv1', 'layer1.0.conv2', 'layer2.0.conv2', 'layer3.1.conv1', 'layer4.0.conv2', 'layer4.2.conv3', 'fc'];
/** A cube-bound GEMM on every AIC (README, "Chip-level curves": 71% of the chip's INT8 peak). */
const GEMM: PrecisionCase = { kind: 'matrix', name: 'gemm 1024^3', m: 1024, k: 1024, n: 1024 };

/** The study's cases, in the order of the table and the plots. */
export function precisionCases(): PrecisionCase[] {
  const layers = resnet50Layers();
  const picked = RESNET_LAYERS.map((name): PrecisionCase => {
    const l = layers.find((x) => x.name === name)!;
    // batch 1: the fc is a 1 x 2048 x 1000 product
    return l.kind === 'fc' ? { kind: 'matrix', name, m: 1, k: l.k, n: l.n } : l;
  });
  return [...picked, GEMM];
}

const shapeText = (c: PrecisionCase) => (c.kind === 'conv' ? `${c.c}x${c.h}x${c.w} -> ${c.oc}, ${c.k}x${c.k}/${c.stride}` : `${c.m}x${c.k} -> ${c.n}`);
const dB = (v: number) => Math.round(v * 100) / 100;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The columns one precision contributes, prefixed with its name. */
const runColumns = (p: 'int8' | 'fp16'): Schema<PrecisionRow> => {
  const run = (r: PrecisionRow): PrecisionRun => r[p];
  return [
    col(`${p}_cycles`, 'cycles', `cycles of the ${p} run (all its launches)`, (r) => run(r).cycles),
    col(`${p}_kernels`, '', 'kernels launched, in order', (r) => run(r).kernels),
    col(`${p}_cores`, 'blocks', 'AIC groups of the widest launch', (r) => run(r).cores),
    col(`${p}_gm_bytes`, 'bytes', 'bytes of every GM transfer, reads and writes', (r) => run(r).gmBytes),
    col(`${p}_l2_hit_bytes`, 'bytes', 'GM bytes served by the L2', (r) => run(r).memory.l2Hit),
    col(`${p}_hbm_read_bytes`, 'bytes', 'bytes read from HBM (a flushed L2 at the start)', (r) => run(r).memory.hbmRead),
    col(`${p}_hbm_write_bytes`, 'bytes', 'bytes written to HBM (dirty lines left in the L2 are not counted)', (r) => run(r).memory.hbmWrite),
    col(`${p}_sqnr_db`, 'dB', `SQNR of the ${p} output (dequantised for int8) against the float64 reference`, (r) => dB(run(r).sqnrDb)),
  ];
};

export const PRECISION_COLUMNS: Schema<PrecisionRow> = [
  col('layer', '', 'ResNet-50 v1.5 layer (torchvision name) or the GEMM', (r) => r.case.name),
  col('shape', '', 'conv: C x H x W -> OC, k x k / stride; matrix: M x K -> N', (r) => shapeText(r.case)),
  col('macs', 'MACs', 'multiply-accumulates of the layer', (r) => r.macs),
  col('checked_outputs', 'values', 'outputs the SQNR is measured on: every one, or 128 evenly spaced rows of the GEMM', (r) => r.checkedOutputs),
  ...runColumns('int8'),
  ...runColumns('fp16'),
  col('fp16_over_int8_cycles', 'ratio', 'fp16_cycles / int8_cycles', (r) => r4(r.fp16.cycles / r.int8.cycles)),
  col('fp16_over_int8_hbm_read', 'ratio', 'fp16_hbm_read_bytes / int8_hbm_read_bytes', (r) => r4(r.fp16.memory.hbmRead / r.int8.memory.hbmRead)),
];

/** The two plots: cycles per layer and SQNR per layer, INT8 beside FP16. */
export function precisionCharts(rows: readonly PrecisionRow[]): { cycles: string; sqnr: string } {
  const categories = rows.map((r) => r.case.name);
  const groups = (v: (run: PrecisionRun) => number) => [
    { name: 'INT8', values: rows.map((r) => v(r.int8)) },
    { name: 'FP16', values: rows.map((r) => v(r.fp16)) },
  ];
  return {
    cycles: barChart({ title: `INT8 vs FP16 cycles per layer (${PRECISION_PRESET}, batch 1, every AIC the tiler uses)`, categories, groups: groups((r) => r.cycles), y: { label: 'cycles' } }),
    sqnr: barChart({ title: 'SQNR against a float64 reference (higher is more accurate)', categories, groups: groups((r) => dB(r.sqnrDb)), y: { label: 'SQNR (dB)' } }),
  };
}

/** Runs every case; `log` hears of each. */
export function precisionStudy(log: (s: string) => void = () => {}): PrecisionRow[] {
  const cfg = loadConfig(PRECISION_PRESET);
  return precisionCases().map((c, i) => {
    const row = runPrecisionCase(c, cfg, i + 1);
    log(`${c.name}: int8 ${row.int8.cycles} cycles ${dB(row.int8.sqnrDb)} dB, fp16 ${row.fp16.cycles} cycles ${dB(row.fp16.sqnrDb)} dB`);
    return row;
  });
}

/** The study's files from its rows. */
export function precisionFiles(rows: readonly PrecisionRow[]) {
  const charts = precisionCharts(rows);
  return [
    { name: 'precision.csv', text: csvText(PRECISION_COLUMNS, rows) },
    { name: 'precision-cycles.svg', text: charts.cycles },
    { name: 'precision-sqnr.svg', text: charts.sqnr },
  ];
}

export const main = (argv: readonly string[]): number => studyMain('study:precision', argv, (log) => precisionFiles(precisionStudy(log)));

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
