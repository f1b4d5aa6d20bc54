/**
 * The tiling search: enumerate the space of space.ts, check every candidate with the generator's
 * validation (check.ts), rank the legal ones by the tiler's own cost estimate, drop those another
 * candidate of the same tile size and block layout beats on the estimate, then simulate timing-only
 * the default tiler's choice, the best-estimated candidate of each block layout (seeds), and from the
 * fastest so far their neighbours one table step away (a best-first local search, because the
 * estimate is rough: it ranks candidates, the simulator decides), and rank them by cycles.
 * Everything is in a fixed order (tables, then ties by enumeration order): the same input gives the
 * same output.
 */
import { estimateTiling, type GemmEstimate, type GemmTiling } from '../../../ops-nn/gemm/index.js';
import { checkCandidate, rejectionOf, type Rejection } from './check.js';
import { BUFFERINGS, fieldValue, layouts, layoutText, PRUNING, TILING_FIELDS, tileShapes } from './space.js';
import type { TuneSubject } from './subject.js';
import { timeTiling, type Timed } from './time.js';

/** Candidates simulated by default (besides the default tiler's choice). */
export const DEFAULT_SIMULATE = 40;

export interface Rejected extends Rejection {
  readonly tiling: GemmTiling;
}

export interface Simulated extends Timed {
  /** the tiler's estimate of the tiling, and what it says bounds it */
  readonly estimate: GemmEstimate;
  /** the default tiler chose this tiling */
  readonly isDefault: boolean;
}

export interface TuneResult {
  readonly subject: TuneSubject;
  /** candidates enumerated, of them legal, and left after dropping dominated ones */
  readonly searched: number;
  readonly legal: number;
  readonly undominated: number;
  /** candidates simulated, the default's tiling included */
  readonly simulated: number;
  /** every candidate the validation refused, in enumeration order, then the legal ones whose kernel build or run failed */
  readonly rejected: readonly Rejected[];
  /** simulated candidates, fastest first (ties: the better estimate, then the tiling's fields) */
  readonly ranked: readonly Simulated[];
  readonly default: Simulated;
  readonly pruning: string;
}

export interface SearchOptions {
  /** how many candidates to simulate besides the default's tiling (default DEFAULT_SIMULATE) */
  readonly simulate?: number;
}

interface Legal {
  readonly tiling: GemmTiling;
  readonly order: number;
}

interface Estimated extends Legal {
  readonly estimate: GemmEstimate;
}

/** The candidates of the space: every legal one with its estimate, and every rejected one with its reason. */
function enumerate(s: TuneSubject): { legal: Legal[]; rejected: Rejected[]; searched: number } {
  const p = s.problem;
  const legal: Legal[] = [];
  const rejected: Rejected[] = [];
  // a layout the validation refuses for reasons of its own (a grid the output cannot be cut into)
  // is reported once, not once per tile
  const badLayouts = new Set<string>();
  let searched = 0;
  const consider = (t: GemmTiling): Rejection | undefined => {
    searched++;
    const r = checkCandidate(s, t);
    if (r) rejected.push({ ...r, tiling: t });
    else legal.push({ tiling: t, order: legal.length });
    return r;
  };
  for (const shape of tileShapes(p)) {
    const all = layouts(p, s.cfg, shape, s.cores);
    // the tile's buffers in tile order: the most-buffered setting that fits (the settings before it
    // are rejected candidates; the one that fits is only a filter, crossed with the layouts below)
    let tile: GemmTiling | undefined;
    for (const b of BUFFERINGS) {
      const t: GemmTiling = { ...shape, ...b, aResident: false, ...all[0]! };
      const r = checkCandidate(s, t);
      if (!r) {
        tile = t;
        break;
      }
      searched++;
      rejected.push({ ...r, tiling: t });
      // less buffering makes room; it cannot fix an alignment or an instruction limit
      if (!r.rule.endsWith('overflow')) break;
    }
    if (!tile) continue;
    const residency = p.aSource.kind === 'matrix' ? [false, true] : [false];
    for (const layout of all) {
      const key = layoutText(layout);
      if (badLayouts.has(key)) continue;
      for (const aResident of residency) {
        // a K slice reads only its part of K: a resident whole-K panel is never legal there
        if (aResident && (layout.splitK ?? 1) > 1) continue;
        const r = consider({ ...tile, ...layout, aResident });
        if (r?.rule === 'core grid') badLayouts.add(key);
      }
    }
  }
  return { legal, rejected, searched };
}

/** A tile size, and the fields that vary within one: mmad depth, chunk and A residency. */
const sizeOf = (t: GemmTiling) => `${t.baseM}x${t.baseN}`;
const variantOf = (t: GemmTiling) => `${t.baseK}/${t.stepK}/${t.aResident}`;
const inTileOrder = (t: GemmTiling) => !t.gridN && (t.splitK ?? 1) === 1;

/** Per key, the candidate with the best estimate (ties: the first). */
function fastestBy(cs: readonly Estimated[], key: (t: GemmTiling) => string): Map<string, Estimated> {
  const best = new Map<string, Estimated>();
  for (const c of cs) {
    const held = best.get(key(c.tiling));
    if (!held || c.estimate.cycles < held.estimate.cycles) best.set(key(c.tiling), c);
  }
  return best;
}

/**
 * The undominated candidates, best estimate first. In tile order every candidate is estimated and,
 * per tile size, the best-estimated variant (mmad depth, chunk, A residency) dominates the others;
 * that variant then stands for its tile size in the grid and split layouts too (those trade-offs
 * are a tile's own, and estimating every variant on every grid would cost most of the search's
 * time), and per tile size and layout the best estimate is kept. Dominated candidates stay legal:
 * the local search can still reach them.
 */
function undominated(s: TuneSubject, legal: readonly Legal[]): Estimated[] {
  const estimate = (c: Legal): Estimated => ({ ...c, estimate: estimateTiling(s.problem, c.tiling, s.cfg) });
  const bestVariant = fastestBy(legal.filter((c) => inTileOrder(c.tiling)).map(estimate), sizeOf);
  const standsFor = (t: GemmTiling) => {
    const v = bestVariant.get(sizeOf(t));
    return v !== undefined && variantOf(v.tiling) === variantOf(t);
  };
  const others = legal.filter((c) => !inTileOrder(c.tiling) && standsFor(c.tiling)).map(estimate);
  return [...fastestBy([...bestVariant.values(), ...others], (t) => `${sizeOf(t)} ${layoutText(t)}`).values()].sort(byEstimate);
}

const byEstimate = (a: Estimated, b: Estimated) => a.estimate.cycles - b.estimate.cycles || a.order - b.order;

/**
 * Seeds of the local search: the best-estimated undominated candidate of each block layout, best
 * first. One per layout, because the estimate ranks tilings of one layout better than it ranks
 * layouts against each other (README, Kernel quality).
 */
function seeds(kept: readonly Estimated[], count: number): Estimated[] {
  const seen = new Set<string>();
  return kept.filter((c) => !seen.has(layoutText(c.tiling)) && seen.add(layoutText(c.tiling))).slice(0, count);
}

/**
 * The fields a local-search step changes, one group at a time; the buffering follows the tile (the
 * most-buffered setting that fits), so it is never held fixed.
 */
const AXES: readonly (readonly (keyof GemmTiling)[])[] = [['baseM'], ['baseN'], ['baseK'], ['stepK'], ['aResident'], ['splitK', 'gridN', 'blockDim']];
const BUFFER_FIELDS: readonly (keyof GemmTiling)[] = ['dbL1', 'dbL0', 'dbL0C'];

/** A tiling as a key: equal keys, equal kernels. */
const keyOf = (t: GemmTiling): string => TILING_FIELDS.map((k) => Number(fieldValue(t, k))).join(',');

/**
 * The neighbours of `t` along each axis: of the legal candidates equal to `t` outside the axis,
 * the one just before and the one just after `t` in the axis's order.
 */
function neighbours(legal: readonly Legal[], t: GemmTiling): Legal[] {
  const out: Legal[] = [];
  for (const axis of AXES) {
    const held = TILING_FIELDS.filter((k) => !axis.includes(k) && !BUFFER_FIELDS.includes(k));
    const line = legal.filter((c) => held.every((k) => fieldValue(c.tiling, k) === fieldValue(t, k)));
    const rank = (c: GemmTiling) => axis.map((k) => Number(fieldValue(c, k)));
    const before = (a: number[], b: number[]) => {
      const i = a.findIndex((x, j) => x !== b[j]);
      return i >= 0 && a[i]! < b[i]!;
    };
    const own = rank(t);
    let below: Legal | undefined;
    let above: Legal | undefined;
    for (const c of line) {
      const r = rank(c.tiling);
      if (before(r, own) && (!below || before(rank(below.tiling), r))) below = c;
      if (before(own, r) && (!above || before(r, rank(above.tiling)))) above = c;
    }
    for (const c of [below, above]) if (c) out.push(c);
  }
  return out;
}

/** Candidates within this fraction of the fastest are expanded by the local search. */
const EXPAND_WITHIN = 0.1;

/** How the simulated candidates are chosen, as the report states it. */
const simulationRule = (budget: number) =>
  `simulated (timing-only, at most ${budget} besides the default): the best-estimated candidate of each block layout (up to ${Math.ceil(budget / 3)}), then a best-first local search from the fastest: each candidate within ${EXPAND_WITHIN * 100}% of the fastest has its neighbours (one table step in baseM, baseN, baseK, stepK, A residency or block layout) simulated`;

/** Runs the search. */
export function tune(s: TuneSubject, o: SearchOptions = {}): TuneResult {
  const { legal, rejected, searched } = enumerate(s);
  const kept = undominated(s, legal);
  const budget = o.simulate ?? DEFAULT_SIMULATE;
  const byDefault = timeTiling(s, s.defaultFixed);
  const defaultRun: Simulated = { ...byDefault, estimate: estimateTiling(s.problem, byDefault.tiling, s.cfg), isDefault: true };
  const runs = new Map<string, Simulated>([[keyOf(defaultRun.tiling), defaultRun]]);
  const failed = new Set<string>();
  let spent = 0;
  const simulate = (c: Legal | Estimated) => {
    const key = keyOf(c.tiling);
    if (runs.has(key) || failed.has(key) || spent >= budget) return;
    spent++;
    try {
      const estimate = 'estimate' in c ? c.estimate : estimateTiling(s.problem, c.tiling, s.cfg);
      runs.set(key, { ...timeTiling(s, c.tiling), estimate, isDefault: false });
    } catch (e) {
      // the kernel build refused what the tiling check let through, or its kernel failed to run
      rejected.push({ ...rejectionOf(e), tiling: c.tiling });
      failed.add(key);
    }
  };
  for (const c of seeds(kept, Math.ceil(budget / 3))) simulate(c);
  // best-first local search: expand the fastest candidate not yet expanded, while it is within
  // EXPAND_WITHIN of the fastest and the budget lasts
  const expanded = new Set<string>();
  for (;;) {
    const order = ranking([...runs.values()]);
    const next = order.find((r) => !expanded.has(keyOf(r.tiling)));
    if (!next || spent >= budget || next.cycles > order[0]!.cycles * (1 + EXPAND_WITHIN)) break;
    expanded.add(keyOf(next.tiling));
    for (const c of neighbours(legal, next.tiling)) simulate(c);
  }
  return { subject: s, searched, legal: legal.length, undominated: kept.length, simulated: runs.size, rejected, ranked: ranking([...runs.values()]), default: defaultRun, pruning: `${PRUNING}; ${simulationRule(budget)}` };
}

/** Fastest first; ties: the better estimate, then the tiling's key (a fixed order). */
const ranking = (runs: readonly Simulated[]): Simulated[] =>
  [...runs].sort((a, b) => a.cycles - b.cycles || a.estimate.cycles - b.estimate.cycles || (keyOf(a.tiling) < keyOf(b.tiling) ? -1 : keyOf(a.tiling) > keyOf(b.tiling) ? 1 : 0));
