/**
 * The points of a sweep, in their fixed order: the grid is the cartesian product of the axes in spec
 * order (the last axis varies fastest, as nested loops), thinned by the constraints; a random sample
 * draws distinct grid points that satisfy them with a seeded generator and keeps them in grid order.
 * A point's index is its place in this order; CSV rows, shards and resumes all go by it.
 */
import { JobError } from '../job-error.js';
import { seededRandom } from '../rng.js';
import type { AxisValue } from './axis-values.js';
import { ExprError, holds, type ExprValue } from './expr.js';
import { MAX_POINTS, type SweepSpec } from './spec.js';

export interface SweepPoint {
  /** place in the sweep's order, from 0 */
  readonly index: number;
  /** the value of every axis, by axis name */
  readonly values: Readonly<Record<string, AxisValue>>;
}

/** Grid points a sweep may walk through (constraints are checked on each). */
export const MAX_GRID = 20_000_000;

const exprValue = (v: AxisValue): ExprValue => (typeof v === 'boolean' ? Number(v) : v);

/** Grid position `g` (mixed radix over the axes, the last digit fastest) as axis values. */
function gridValues(spec: SweepSpec, g: number): Record<string, AxisValue> {
  const out: Record<string, AxisValue> = {};
  for (let i = spec.axes.length - 1; i >= 0; i--) {
    const a = spec.axes[i]!;
    out[a.name] = a.values[g % a.values.length]!;
    g = Math.floor(g / a.values.length);
  }
  // in spec order, so every consumer sees the axes in one order
  return Object.fromEntries(spec.axes.map((a) => [a.name, out[a.name]!]));
}

/** True when every constraint holds at `values`; an expression that cannot be evaluated is the spec's error. */
function allowed(spec: SweepSpec, fixed: Readonly<Record<string, ExprValue>>, values: Readonly<Record<string, AxisValue>>): boolean {
  if (spec.constraints.length === 0) return true;
  const env: Record<string, ExprValue> = { ...fixed };
  for (const [k, v] of Object.entries(values)) env[k] = exprValue(v);
  return spec.constraints.every((c, i) => {
    try {
      return holds(c.expr, env);
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      throw new JobError(`sweep spec ${spec.source}: constraints[${i}]: ${JSON.stringify(c.text)}: ${e.message} at ${JSON.stringify(values)}`);
    }
  });
}

const gridSize = (spec: SweepSpec): number => spec.axes.reduce((n, a) => n * a.values.length, 1);

/** Every point of the sweep, in order (JobError when the spec asks for too many or too few). */
export function sweepPoints(spec: SweepSpec): SweepPoint[] {
  const size = gridSize(spec);
  const fail = (msg: string): never => {
    throw new JobError(`sweep spec ${spec.source}: ${msg}`);
  };
  const fixed: Record<string, ExprValue> = { preset: spec.preset };
  for (const [k, v] of [...Object.entries(spec.params), ...Object.entries(spec.tiling)]) fixed[k] = exprValue(v);
  let grid: number[];
  if (spec.sample.kind === 'grid') {
    if (size > MAX_GRID) fail(`axes: the grid has ${size} points, more than ${MAX_GRID}: use fewer values or "sample": {"kind": "random", ...}`);
    grid = [];
    for (let g = 0; g < size; g++) if (allowed(spec, fixed, gridValues(spec, g))) grid.push(g);
    if (grid.length > MAX_POINTS) fail(`axes: ${grid.length} points satisfy the constraints, more than ${MAX_POINTS}: split the sweep or sample it`);
  } else {
    const { points, seed } = spec.sample;
    const r = seededRandom(seed);
    const chosen = new Set<number>();
    // give up after many draws in a row that find nothing new: the allowed space is smaller than asked
    const patience = 1000 + 20 * points;
    for (let misses = 0; chosen.size < points && misses < patience; ) {
      const g = Math.floor(r() * size);
      if (!chosen.has(g) && allowed(spec, fixed, gridValues(spec, g))) {
        chosen.add(g);
        misses = 0;
      } else misses++;
    }
    if (chosen.size < points) fail(`sample.points: asks for ${points} distinct points, and only ${chosen.size} satisfying the constraints were found among ${size} grid points: ask for fewer, or use "kind": "grid"`);
    grid = [...chosen].sort((a, b) => a - b);
  }
  if (grid.length === 0) fail('constraints: no point of the grid satisfies them (check the axes and the constraints)');
  return grid.map((g, index) => ({ index, values: gridValues(spec, g) }));
}

/** The points of shard `shard` of `count` (1-based): those whose index % count == shard - 1. */
export const shardPoints = (points: readonly SweepPoint[], shard: { readonly index: number; readonly count: number }): SweepPoint[] =>
  points.filter((p) => p.index % shard.count === shard.index - 1);
