/**
 * The sweep as a library call: `sweep(spec, options)` yields a row per point (in point order by
 * default), `sweepPoints(spec)` lists the points without running them. A spec is a parsed one
 * (readSweepSpec / parseSweepSpec) or the JSON object itself.
 */
import { availableParallelism } from 'node:os';
import type { SweepRow } from './columns.js';
import { runPoints } from './pool.js';
import { shardPoints, sweepPoints as allPoints, type SweepPoint } from './points.js';
import { parseSweepSpec, type SweepSpec } from './spec.js';

export interface SweepOptions {
  /** threads simulating points (default: os.availableParallelism(); 1 runs in this thread) */
  readonly jobs?: number;
  /** only the points of shard index/count (1-based): index % count == index - 1 */
  readonly shard?: { readonly index: number; readonly count: number };
  /** points already done (by index): not run again */
  readonly skip?: ReadonlySet<number>;
  /** 'points' (default): rows in point order; 'completion': as they finish (what the CLI appends) */
  readonly order?: 'points' | 'completion';
}

const isParsed = (s: unknown): s is SweepSpec => typeof s === 'object' && s !== null && typeof (s as { target?: unknown }).target === 'object';

/** A parsed spec from either form. */
export const specOf = (spec: SweepSpec | object): SweepSpec => (isParsed(spec) ? spec : parseSweepSpec(spec));

/** The sweep's points, in order (a shard's only, with `shard`). */
export function sweepPoints(spec: SweepSpec | object, shard?: SweepOptions['shard']): SweepPoint[] {
  const points = allPoints(specOf(spec));
  return shard ? shardPoints(points, shard) : points;
}

/** The points a run with `o` simulates. */
export const pointsToRun = (spec: SweepSpec, o: SweepOptions): SweepPoint[] => sweepPoints(spec, o.shard).filter((p) => !o.skip?.has(p.index));

/** Reorders rows arriving in any order into the order of `points`. */
export async function* inPointOrder(rows: AsyncIterable<SweepRow>, points: readonly SweepPoint[]): AsyncGenerator<SweepRow> {
  const waiting = new Map<number, SweepRow>();
  let next = 0;
  for await (const r of rows) {
    waiting.set(r.point, r);
    for (let w = waiting.get(points[next]?.index ?? -1); w; w = waiting.get(points[next]?.index ?? -1)) {
      waiting.delete(w.point);
      next++;
      yield w;
    }
  }
}

/** Runs the sweep: a row per point (status ok, illegal or failed), never throwing for a point's own problem. */
export async function* sweep(spec: SweepSpec | object, o: SweepOptions = {}): AsyncGenerator<SweepRow> {
  const s = specOf(spec);
  const points = pointsToRun(s, o);
  const rows = runPoints(s, points, o.jobs ?? availableParallelism());
  yield* o.order === 'completion' ? rows : inPointOrder(rows, points);
}
