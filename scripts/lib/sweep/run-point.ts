/**
 * One point of a sweep: its config (preset, the spec's overrides, the point's config axes), its
 * params and tiling, run through the target's runner, as a row. What the library refuses (a tiling
 * that does not fit, a config value out of range, a shape the kernel cannot take) is an `illegal`
 * row with the library's message; a simulation that stops (deadlock, a limit) a `failed` one;
 * anything else is a bug and propagates.
 */
import { ConfigError, deriveConfig } from '../../../hw/config/derive.js';
import { mergeParams, presetParams } from '../../../hw/config/load.js';
import type { HwConfig } from '../../../hw/config/types.js';
import { SimError } from '../../../hw/engine/errors.js';
import { IsaError } from '../../../isa/validate.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { escapeControls, oneLine } from '../errors.js';
import { JobError } from '../job-error.js';
import type { AxisValue } from './axis-values.js';
import type { SweepRow, PointStatus } from './columns.js';
import { setPath } from './config-axis.js';
import type { SweepPoint } from './points.js';
import type { SweepSpec } from './spec.js';
import { TARGETS } from './targets.js';

/** Configs kept per worker (a sweep over config axes has one per combination of their values). */
const CONFIG_CACHE = 64;

/** Error classes by the status of the point they stop. */
const STATUS_OF: readonly [abstract new (...args: never[]) => Error, PointStatus][] = [
  [ConfigError, 'illegal'],
  [OpError, 'illegal'],
  [IsaError, 'illegal'],
  [JobError, 'illegal'],
  [SimError, 'failed'],
];

/** Runs points of one spec (the target is prepared once: files read, tables looked up). */
export function pointRunner(spec: SweepSpec): (p: SweepPoint) => SweepRow {
  const run = TARGETS[spec.target.kind].prepare(spec);
  // Points that differ only in params or tiling share one config object: deriving it is a few
  // percent of a small point, and the decoded-program cache is kept per config object.
  const configs = new Map<string, HwConfig | ConfigError>();
  const configOf = (preset: string, overrides: Record<string, unknown>): HwConfig => {
    const key = JSON.stringify([preset, overrides]);
    let c = configs.get(key);
    if (!c) {
      try {
        c = deriveConfig(mergeParams(mergeParams(presetParams(preset), spec.config), overrides));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        c = e;
      }
      if (configs.size >= CONFIG_CACHE) configs.clear();
      configs.set(key, c);
    }
    if (c instanceof ConfigError) throw c;
    return c;
  };
  return (p) => {
    const params: Record<string, AxisValue> = { ...spec.params };
    const tiling: Record<string, AxisValue> = { ...spec.tiling };
    const overrides: Record<string, unknown> = {};
    let preset = spec.preset;
    for (const a of spec.axes) {
      const v = p.values[a.name]!;
      if (a.kind === 'preset') preset = String(v);
      else if (a.kind === 'param') params[a.name] = v;
      else if (a.kind === 'tiling') tiling[a.name] = v;
      else setPath(overrides, a.name, v);
    }
    try {
      const cfg = configOf(preset, overrides);
      return { point: p.index, values: p.values, status: 'ok', reason: '', figures: run(cfg, params, tiling) };
    } catch (e) {
      const status = STATUS_OF.find(([cls]) => e instanceof cls)?.[1];
      if (!status) throw e;
      return { point: p.index, values: p.values, status, reason: escapeControls(oneLine((e as Error).message)), figures: {} };
    }
  };
}
