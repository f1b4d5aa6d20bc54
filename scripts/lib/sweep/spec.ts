/**
 * Sweep specs: the JSON file naming what to measure and the axes to vary (README "Sweeps").
 *
 *   { "kernel": "matmul", "params": { "m": 512, "k": 512, "n": 512 }, "tiling": { "blockDim": 1 },
 *     "preset": "ascend910b", "config": { ...overrides... },
 *     "axes": { "baseM": [16, 32, 64], "baseK": { "from": 32, "to": 256, "times": 2 }, "l2.bytes": [...] },
 *     "constraints": ["baseK <= k", "baseM * baseK <= 65536"],
 *     "sample": { "kind": "random", "points": 200, "seed": 7 } }
 *
 * The target is one of "kernel" (the regress kernel table), "network" (a built-in name or a topology
 * CSV) or "model" (an ONNX file; functional only, so it needs "mode": "functional"). An axis is named
 * after what it varies: "preset", a param, a tiling field, or a config field's dotted path. Files are
 * found relative to the spec's folder. Everything is checked before anything runs; each error names
 * the spec, the place in it and how to fix it, as a JobError (exit status 4).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { readInputJson } from '../../../hw/input-file.js';
import { loadConfig, presetNames } from '../../../hw/config/load.js';
import { L2_POLICIES, type L2Policy } from '../../../ops-nn/launch-sequence.js';
import { JobError } from '../job-error.js';
import { builtinFile, builtinNames } from '../network/builtin.js';
import { readTopology } from '../network/parse.js';
import { isObject, shown } from '../regress/fields.js';
import { KERNELS, kernelNames } from '../regress/kernels.js';
import { foldQdq } from '../../model/fold-qdq.js';
import { readOnnxModel } from '../../model/onnx-read.js';
import { checkModel } from '../../model/run-model.js';
import { axisValues, scalarOrFail, type AxisValue } from './axis-values.js';
import { configFieldAt } from './config-axis.js';
import { ExprError, namesIn, parseExpr, type Expr } from './expr.js';
import { FIGURE_NAMES, TARGETS, type FieldTable } from './targets.js';

export const TARGET_KINDS = ['kernel', 'network', 'model'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export type Target =
  | { readonly kind: 'kernel'; readonly kernel: string }
  | { readonly kind: 'network'; readonly network: string; readonly file: string }
  | { readonly kind: 'model'; readonly file: string };

/** What an axis varies. */
export type AxisKind = 'preset' | 'param' | 'tiling' | 'config';

export interface Axis {
  readonly name: string;
  readonly kind: AxisKind;
  readonly values: readonly AxisValue[];
}

export type Sample = { readonly kind: 'grid' } | { readonly kind: 'random'; readonly points: number; readonly seed: number };

export interface Constraint {
  readonly text: string;
  readonly expr: Expr;
}

/** A validated spec: plain data, so it can be posted to worker threads as it is. */
export interface SweepSpec {
  /** where it came from, for messages */
  readonly source: string;
  readonly target: Target;
  readonly preset: string;
  /** config overrides under every point (a --config file's contents) */
  readonly config: unknown;
  readonly params: Readonly<Record<string, AxisValue>>;
  readonly tiling: Readonly<Record<string, AxisValue>>;
  /** the L2 between a kernel point's launches */
  readonly l2: L2Policy;
  readonly mode: 'timing' | 'functional';
  readonly axes: readonly Axis[];
  readonly constraints: readonly Constraint[];
  readonly sample: Sample;
}

const SPEC_KEYS = ['kernel', 'network', 'model', 'params', 'tiling', 'preset', 'config', 'axes', 'constraints', 'sample', 'mode', 'l2', 'note'] as const;

/** Largest random sample (and grid after constraints): a CSV row each. */
export const MAX_POINTS = 1_000_000;

type Fail = (where: string, msg: string) => never;

function targetOf(json: Readonly<Record<string, unknown>>, dir: string, fail: Fail): Target {
  const given = TARGET_KINDS.filter((k) => json[k] !== undefined);
  if (given.length !== 1)
    return fail('(top level)', given.length === 0 ? `name a target: "kernel" (${kernelNames().join(', ')}), "network" (${builtinNames().join(', ')} or a topology CSV) or "model" (an .onnx file)` : `give one target, not ${given.join(' and ')}`);
  const kind = given[0]!;
  const name = json[kind];
  if (typeof name !== 'string' || name === '') return fail(kind, `must be a non-empty string, got ${shown(name)}`);
  const file = (f: string) => (isAbsolute(f) ? f : resolve(dir, f));
  if (kind === 'kernel') {
    if (!Object.hasOwn(KERNELS, name)) return fail('kernel', `${shown(name)} is not a kernel of the table (known: ${kernelNames().join(', ')})`);
    return { kind, kernel: name };
  }
  if (kind === 'network') {
    const path = builtinFile(name) ?? (name.endsWith('.csv') || name.includes('/') ? file(name) : fail('network', `${shown(name)} is neither a built-in network (${builtinNames().join(', ')}) nor a topology CSV file (a name ending in .csv, found relative to the spec)`));
    try {
      readTopology(path);
    } catch (e) {
      return fail('network', (e as Error).message);
    }
    return { kind, network: name, file: path };
  }
  const path = file(name);
  let problems: ReturnType<typeof checkModel>;
  try {
    problems = checkModel(foldQdq(readOnnxModel(path)));
  } catch (e) {
    return fail('model', (e as Error).message);
  }
  // a node no point can run is the spec's problem, not every point's
  if (problems[0]) fail('model', `${problems.length} node(s) of ${path} cannot run, the first ${problems[0].node} (${problems[0].opType}): ${problems[0].why}`);
  return { kind, file: path };
}

/** Fixed values of a params or tiling section: known names, values valid for their field. */
function fixedSection(raw: unknown, table: FieldTable | null, where: 'params' | 'tiling', fail: Fail): Record<string, AxisValue> {
  if (raw === undefined) return {};
  if (!table) return fail(where, 'this target has no tiling fields');
  if (!isObject(raw)) return fail(where, `must be an object, got ${shown(raw)}`);
  const out: Record<string, AxisValue> = {};
  for (const [k, v] of Object.entries(raw)) {
    const f = table.names.includes(k) ? table.expects(k) : undefined;
    if (!f) return fail(`${where}.${k}`, `is not a field of this target (known: ${table.names.join(', ') || 'none'})`);
    const value = scalarOrFail(v, `${where}.${k}`);
    if (!f.valid(value)) return fail(`${where}.${k}`, `must be ${f.expects}, got ${shown(v)}`);
    out[k] = value;
  }
  return out;
}

/** What an axis name varies for this target, or a message listing what it could be. */
function axisKindOf(name: string, params: FieldTable, tiling: FieldTable | null): AxisKind | undefined {
  if (name === 'preset') return 'preset';
  if (params.names.includes(name)) return 'param';
  if (tiling?.names.includes(name)) return 'tiling';
  if (configFieldAt(name)) return 'config';
  return undefined;
}

function axesOf(raw: unknown, spec: { params: Record<string, AxisValue>; tiling: Record<string, AxisValue> }, params: FieldTable, tiling: FieldTable | null, fail: Fail): Axis[] {
  if (!isObject(raw) || Object.keys(raw).length === 0) return fail('axes', `must be an object of at least one axis, name -> values, got ${shown(raw)}`);
  return Object.entries(raw).map(([name, v]) => {
    const kind = axisKindOf(name, params, tiling);
    if (!kind)
      return fail(`axes.${name}`, `is not something this target can vary: give "preset", a param (${params.names.join(', ')})${tiling ? `, a tiling field (${tiling.names.join(', ')})` : ''} or a config field's dotted path (docs/config.md, e.g. l2.bytes)`);
    if (FIGURE_NAMES.includes(name as never) || name === 'point' || name === 'status' || name === 'reason') return fail(`axes.${name}`, 'is also the name of a result column: vary it under its config path instead');
    if ((kind === 'param' && Object.hasOwn(spec.params, name)) || (kind === 'tiling' && Object.hasOwn(spec.tiling, name)))
      return fail(`axes.${name}`, `is also fixed in "${kind === 'param' ? 'params' : 'tiling'}": give it in one place`);
    let values: AxisValue[];
    try {
      values = axisValues(v);
    } catch (e) {
      return fail(`axes.${name}`, (e as Error).message);
    }
    if (kind === 'preset') for (const p of values) if (typeof p !== 'string' || !presetNames().includes(p)) fail(`axes.preset`, `${shown(p)} is not a preset (known: ${presetNames().join(', ')})`);
    return { name, kind, values };
  });
}

function constraintsOf(raw: unknown, known: readonly string[], fail: Fail): Constraint[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return fail('constraints', `must be a list of expressions (strings), got ${shown(raw)}`);
  return raw.map((text: unknown, i) => {
    const where = `constraints[${i}]`;
    if (typeof text !== 'string') return fail(where, `must be a string such as "baseK <= k", got ${shown(text)}`);
    let expr: Expr;
    try {
      expr = parseExpr(text);
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      return fail(where, `${JSON.stringify(text)}: ${e.message} (numbers, names, quoted strings, + - * / %, < <= > >= == !=, && || !, parentheses)`);
    }
    for (const n of namesIn(expr)) if (!known.includes(n)) fail(where, `${JSON.stringify(text)}: unknown name ${n} (known: the axes and the fixed params and tiling fields: ${known.join(', ')})`);
    return { text, expr };
  });
}

function sampleOf(raw: unknown, fail: Fail): Sample {
  if (raw === undefined) return { kind: 'grid' };
  if (!isObject(raw) || (raw.kind !== 'grid' && raw.kind !== 'random')) return fail('sample', `must be {"kind": "grid"} or {"kind": "random", "points": N, "seed": S}, got ${shown(raw)}`);
  for (const k of Object.keys(raw)) if (!['kind', ...(raw.kind === 'random' ? ['points', 'seed'] : [])].includes(k)) fail(`sample.${k}`, `is not a field of a ${raw.kind} sample`);
  if (raw.kind === 'grid') return { kind: 'grid' };
  const { points, seed } = raw;
  if (typeof points !== 'number' || !Number.isSafeInteger(points) || points < 1 || points > MAX_POINTS) return fail('sample.points', `must be an integer in 1..${MAX_POINTS}, got ${shown(points)}`);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) return fail('sample.seed', `must be an integer in 0..${2 ** 32 - 1} (the same seed draws the same points), got ${shown(seed)}`);
  return { kind: 'random', points, seed };
}

/** Validates a parsed spec; `source` names it in messages, `dir` is where its relative file names start. */
export function parseSweepSpec(json: unknown, source = '(spec object)', dir = process.cwd()): SweepSpec {
  const fail: Fail = (where, msg) => {
    throw new JobError(`sweep spec ${source}: ${where}: ${msg}`);
  };
  if (!isObject(json)) return fail('(top level)', `must be a JSON object, got ${shown(json)}`);
  for (const k of Object.keys(json)) if (!(SPEC_KEYS as readonly string[]).includes(k)) fail(k, `is not a known field (known: ${SPEC_KEYS.join(', ')})`);
  const mode = json.mode ?? 'timing';
  if (mode !== 'timing' && mode !== 'functional') return fail('mode', `must be "timing" or "functional", got ${shown(mode)}`);
  // before the target's files are read: the mode is the first thing to fix
  const kind = TARGET_KINDS.find((k) => json[k] !== undefined);
  if (kind && mode !== TARGETS[kind].mode)
    fail('mode', kind === 'model' ? 'a model runs functionally only (there is no timing-only path for ONNX models; each point runs every node on the simulated chip, which is slow): add "mode": "functional"' : `a ${kind} sweep is timing-only (the same cycles as a functional run, much faster): drop "mode" or set it to "timing"`);
  const target = targetOf(json, dir, fail);
  const def = TARGETS[target.kind];
  const paramsTable = def.params({ target });
  const tilingTable = def.tiling?.({ target }) ?? null;
  const params = fixedSection(json.params, paramsTable, 'params', fail);
  const tiling = fixedSection(json.tiling, tilingTable, 'tiling', fail);
  const preset = json.preset ?? 'ascend910b';
  if (typeof preset !== 'string' || !presetNames().includes(preset)) return fail('preset', `must be a preset name (known: ${presetNames().join(', ')}), got ${shown(preset)}`);
  const l2 = json.l2 ?? 'warm';
  if (!(L2_POLICIES as readonly unknown[]).includes(l2) || (l2 !== 'warm' && target.kind !== 'kernel')) fail('l2', target.kind === 'kernel' ? `must be one of ${L2_POLICIES.join(', ')}, got ${shown(l2)}` : 'applies to kernel targets only (a network runs on one warm L2)');
  const axes = axesOf(json.axes, { params, tiling }, paramsTable, tilingTable, fail);
  const varied = new Set(axes.map((a) => a.name));
  for (const name of paramsTable.names)
    if (!paramsTable.optional.includes(name) && !Object.hasOwn(params, name) && !varied.has(name)) fail('params', `${name} is missing: give it in "params" or as an axis (${paramsTable.expects(name)?.expects})`);
  // the base config is under every point: a mistake in it is the spec's, not a point's
  for (const p of varied.has('preset') ? axes.find((a) => a.kind === 'preset')!.values : [preset])
    try {
      loadConfig(p as string, json.config);
    } catch (e) {
      fail('config', `${(e as Error).message} (on ${String(p)})`);
    }
  const known = [...axes.map((a) => a.name), ...Object.keys(params), ...Object.keys(tiling), ...(varied.has('preset') ? [] : ['preset'])];
  const constraints = constraintsOf(json.constraints, known, fail);
  return { source, target, preset, config: json.config, params, tiling, l2: l2 as L2Policy, mode, axes, constraints, sample: sampleOf(json.sample, fail) };
}

/** Reads and validates a spec file. */
export function readSweepSpec(file: string): SweepSpec {
  const json = readInputJson(file, 'sweep spec', (m) => new JobError(m));
  return parseSweepSpec(json, file, file === '-' ? process.cwd() : dirname(resolve(file)));
}
