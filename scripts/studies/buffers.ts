/**
 * Study: buffer and L2 capacities against cycles on ascend910b (README, "Studies"). Each capacity of
 * buffer-knobs.ts is swept over its multipliers with the others at the preset's values, and each
 * target of buffer-targets.ts is timed under every resulting config; a config no tiling fits is a row
 * with the reason. Writes buffers.csv and one plot per target (buffers-<target>.svg: cycles over the
 * preset's against the multiplier, a line per capacity) into docs/studies (or --out DIR).
 *
 *   npm run study:buffers [-- --out DIR]
 */
import { pathToFileURL } from 'node:url';
import { col, type Schema } from '../../traces/schema.js';
import { xyChart, type Series } from '../lib/plot/svg.js';
import { KNOBS, knobOverrides, type Knob } from './buffer-knobs.js';
import { runTarget, TARGETS, type Target, type TargetRun } from './buffer-targets.js';
import { csvText, studyMain, type StudyFile } from './study-files.js';

export const BUFFERS_PRESET = 'ascend910b';

export interface BufferRow {
  readonly target: Target;
  readonly knob: Knob;
  readonly multiplier: number;
  /** the resized capacity: bytes per core (both buffers of L0A+L0B), or the L2's */
  readonly bytes: number;
  readonly run: TargetRun | { readonly error: string };
  /** the target's run at the preset's capacities */
  readonly preset: TargetRun;
}

const ok = (r: BufferRow['run']): r is TargetRun => !('error' in r);
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
/** 1/8 rather than 0.125: the multipliers are powers of two. */
const multiplierText = (m: number) => (m >= 1 ? String(m) : `1/${Math.round(1 / m)}`);

export const BUFFER_COLUMNS: Schema<BufferRow> = [
  col('target', '', 'what was timed (buffer-targets.ts)', (r) => r.target.name),
  col('capacity', '', 'the capacity resized; the others keep the preset values', (r) => r.knob.name),
  col('multiplier', 'x', "the capacity over the preset's", (r) => multiplierText(r.multiplier)),
  col('bytes', 'bytes', 'the resized capacity: per core for buffers (L0A and L0B together), chip-wide for the L2', (r) => r.bytes),
  col('cycles', 'cycles', 'cycles of the target (empty when it cannot run)', (r) => (ok(r.run) ? r.run.cycles : null)),
  col('cycles_over_preset', 'ratio', "cycles over the target's at the preset capacities", (r) => (ok(r.run) ? r4(r.run.cycles / r.preset.cycles) : null)),
  col('hbm_read_bytes', 'bytes', 'bytes read from HBM', (r) => (ok(r.run) ? r.run.hbmReadBytes : null)),
  col('hbm_write_bytes', 'bytes', 'dirty lines the L2 wrote back to HBM (those left at the end are not counted)', (r) => (ok(r.run) ? r.run.hbmWriteBytes : null)),
  col('tiling', '', "the default tiler's choice: baseM x baseN x baseK / stepK, L1 residency, blocks", (r) => (ok(r.run) ? r.run.tiling : null)),
  col('reason', '', 'why the target cannot run with this capacity (empty when it ran)', (r) => (ok(r.run) ? null : r.run.error)),
];

/** Every (target, capacity, multiplier) row; the preset's config runs once per target. */
export function buffersStudy(log: (s: string) => void = () => {}): BufferRow[] {
  return TARGETS.flatMap((target) => {
    const preset = runTarget(target, BUFFERS_PRESET, undefined);
    if (!ok(preset)) throw new Error(`${target.name} does not run on the ${BUFFERS_PRESET} preset itself: ${preset.error}`);
    return KNOBS.flatMap((knob) =>
      knob.multipliers.map((multiplier): BufferRow => {
        const { overrides, bytes } = knobOverrides(BUFFERS_PRESET, knob, multiplier);
        const run = multiplier === 1 ? preset : runTarget(target, BUFFERS_PRESET, overrides);
        log(`${target.name} ${knob.name} x${multiplierText(multiplier)}: ${ok(run) ? `${run.cycles} cycles` : run.error}`);
        return { target, knob, multiplier, bytes, run, preset };
      }),
    );
  });
}

/** File name of a target's plot: buffers-gemm.svg, buffers-layer1.0.conv2.svg, ... */
export const plotName = (t: Target) => `buffers-${t.name.split(' ')[0]}.svg`;

const ALL_MULTIPLIERS = [...new Set(KNOBS.flatMap((k) => k.multipliers))].sort((a, b) => a - b);

/** A target's plot: cycles over the preset's against the capacity multiplier (log axis), a line per capacity. */
export function targetChart(t: Target, rows: readonly BufferRow[]): string {
  const mine = rows.filter((r) => r.target === t);
  const series: Series[] = KNOBS.map((knob) => {
    const points = mine.filter((r) => r.knob === knob && ok(r.run)).map((r) => ({ x: r.multiplier, y: (r.run as TargetRun).cycles / r.preset.cycles }));
    const failed = mine.filter((r) => r.knob === knob && !ok(r.run)).length;
    // the L2 is a chip-wide cache, the rest per-core buffers: a dashed line sets it apart
    return { name: failed ? `${knob.name} (${failed} too small)` : knob.name, points, dashed: knob.target === 'l2' };
  });
  // zoom on the data: most lines stay within a few percent of 1
  const lowest = Math.min(1, ...series.flatMap((s) => s.points.map((p) => p.y)));
  return xyChart({
    title: `${t.name}: cycles as one capacity changes (${BUFFERS_PRESET})`,
    x: { label: "capacity over the preset's (log scale; the others at the preset's)", log: true, min: ALL_MULTIPLIERS[0], max: ALL_MULTIPLIERS.at(-1), ticks: ALL_MULTIPLIERS, tickFormat: multiplierText },
    y: { label: "cycles over the preset's", min: Math.floor(lowest * 10) / 10 },
    series,
  });
}

export function buffersFiles(rows: readonly BufferRow[]): StudyFile[] {
  return [{ name: 'buffers.csv', text: csvText(BUFFER_COLUMNS, rows) }, ...TARGETS.map((t) => ({ name: plotName(t), text: targetChart(t, rows) }))];
}

export const main = (argv: readonly string[]): number => studyMain('study:buffers', argv, (log) => buffersFiles(buffersStudy(log)));

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
