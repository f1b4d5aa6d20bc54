/**
 * Study: one network on three chips. ResNet-50 at batch 1, timing-only on every core, each preset
 * with its own default epilogue (fixpipe on the separated 910B, UB on the coupled 910 and 310P), per
 * layer: cycles, time and what bounds it. The clocks differ (1.0, 1.07, 1.8 GHz), so layers are
 * compared by time, not cycles; the kernel time leaves out the assumed per-launch overhead, which is
 * the same 5 us on every preset and would hide the chips' differences (it is in time_us).
 *
 *   npm run study:presets    (writes docs/studies/presets.csv and presets.svg)
 */
import { pathToFileURL } from 'node:url';
import type { NetworkLayer, NetworkResult } from '../lib/network/run.js';
import { xyChart, type Point } from '../lib/plot/svg.js';
import { col, type Schema } from '../../traces/schema.js';
import { resnet50Run, round, STUDY_BATCH } from './resnet50-runs.js';
import { csvText, studyMain, type StudyFile } from './study-files.js';

export const COMPARED_PRESETS = ['ascend910', 'ascend310p', 'ascend910b'] as const;

interface Row {
  readonly run: NetworkResult;
  /** a layer, or null for the run's total row */
  readonly layer: NetworkLayer | null;
  /** the shortest kernel time any preset gives this layer (or the whole network) */
  readonly fastestUs: number;
}

/** Kernel time: cycles at the preset's clock, no launch overhead. */
export const kernelUs = (cycles: number, run: NetworkResult): number => cycles / run.clockMHz;

const cyclesOf = (r: Row) => r.layer?.cycles ?? r.run.cycles;

export const PRESET_COLUMNS: Schema<Row> = [
  col('preset', '', 'hardware preset', (r) => r.run.preset),
  col('clock_mhz', 'MHz', 'the preset clock', (r) => r.run.clockMHz),
  col('layer', '', 'layer name as in networks/resnet50.csv, or total', (r) => r.layer?.name ?? 'total'),
  col('op', '', 'operator of the row', (r) => r.layer?.op ?? ''),
  col('shape', '', 'conv: C x H x W -> OC, k x k / stride; others: C x H x W', (r) => r.layer?.shape ?? `${r.run.layers.length} layers`),
  col('fusion', '', "the cube layer's epilogue: the preset's default", (r) => r.layer?.fusion ?? ''),
  col('cycles', 'cycles', 'kernel cycles of the layer (total: of the network)', cyclesOf),
  col('kernel_us', 'us', 'cycles at the preset clock', (r) => round(kernelUs(cyclesOf(r), r.run), 3)),
  col('kernel_over_fastest', 'ratio', 'kernel_us over the shortest any compared preset gives', (r) => round(kernelUs(cyclesOf(r), r.run) / r.fastestUs, 3)),
  col('time_us', 'us', 'kernel_us plus the assumed launch overhead per launch (total: the latency)', (r) => round(r.layer?.timeUs ?? r.run.latencyUs, 3)),
  col('launches', 'launches', 'kernel launches', (r) => r.layer?.launches ?? r.run.launches),
  col('bound', '', 'busiest unit of the longest launch: compute, memory, vector or scalar', (r) => r.layer?.bound ?? ''),
  col('chip_cube_utilization', 'ratio', 'useful MACs over what every cube of the chip could do in the cycles', (r) => (r.layer ? round(r.layer.chipCubeUtilization, 4) : null)),
];

export function presetRows(runs: readonly NetworkResult[]): Row[] {
  const fastest = (cycles: (r: NetworkResult) => number) => Math.min(...runs.map((r) => kernelUs(cycles(r), r)));
  return runs.flatMap((run) => [
    ...run.layers.map((layer, i) => ({ run, layer, fastestUs: fastest((r) => r.layers[i]!.cycles) })),
    { run, layer: null, fastestUs: fastest((r) => r.cycles) },
  ]);
}

/**
 * The layers named on the plot, each on the preset where it is slowest (its label then sits above
 * every line): the first and last layers, each preset's slowest, and the one whose time differs most
 * between the presets. Index of the layer -> index of the run that carries its label.
 */
function labelled(runs: readonly NetworkResult[]): Map<number, number> {
  const us = (r: NetworkResult, i: number) => kernelUs(r.layers[i]!.cycles, r);
  const indices = runs[0]!.layers.map((_, i) => i);
  const argmax = (f: (i: number) => number) => indices.reduce((best, i) => (f(i) > f(best) ? i : best), 0);
  const spread = (i: number) => Math.max(...runs.map((r) => us(r, i))) / Math.min(...runs.map((r) => us(r, i)));
  const named = [0, indices.length - 1, ...runs.map((r) => argmax((i) => us(r, i))), argmax(spread)];
  return new Map(named.map((i) => [i, runs.reduce((best, r, ri) => (us(r, i) > us(runs[best]!, i) ? ri : best), 0)]));
}

function plot(runs: readonly NetworkResult[]): string {
  const named = labelled(runs);
  return xyChart({
    title: `ResNet-50 b${STUDY_BATCH}, kernel time per layer (no launch overhead), every core of each preset`,
    // room on the right for the last layer's label
    x: { label: `layer in network order (1 = conv1, ${runs[0]!.layers.length} = fc)`, min: 0, max: runs[0]!.layers.length + 4 },
    y: { label: 'kernel time (us), log', log: true, tight: true },
    series: runs.map((r, s) => ({
      name: `${r.preset} ${round(kernelUs(r.cycles, r), 0)} us`,
      style: 'line+points',
      points: r.layers.flatMap((l, i): Point[] =>
        // a host layer (0 cycles) has no place on a log axis; ResNet-50 has none
        l.cycles > 0
          ? [{
              x: i + 1,
              y: kernelUs(l.cycles, r),
              ...(named.get(i) === s ? { label: l.name } : {}),
            }]
          : [],
      ),
    })),
    width: 960,
    height: 460,
  });
}

/** The study's files: presets.csv and presets.svg. */
export function presetsStudy(): StudyFile[] {
  const runs = COMPARED_PRESETS.map((p) => resnet50Run(p));
  return [
    { name: 'presets.csv', text: csvText(PRESET_COLUMNS, presetRows(runs)) },
    { name: 'presets.svg', text: plot(runs) },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = studyMain('study:presets', process.argv.slice(2), () => presetsStudy());
