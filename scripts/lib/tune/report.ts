/**
 * What `aicore-sim tune` prints: the fastest simulated tilings against the default tiler's choice,
 * the rejected candidates with the validation's reasons, and the pruning rule; as text, or as one
 * JSON object holding all of it.
 */
import type { GemmTiling } from '../../../ops-nn/gemm/index.js';
import { grouped, round } from '../../../traces/format.js';
import { textTable } from '../text-table.js';
import type { Rejected, Simulated, TuneResult } from './search.js';
import { layoutText } from './space.js';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Cycles of `x` against the default's, in percent: negative is faster. */
export const vsDefault = (x: number, def: number): number => (100 * (x - def)) / def;

const signedPct = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;

/** A tiling in one short line: tile, chunk, buffering, A residency, blocks. */
export function tilingText(t: GemmTiling): string {
  const db = (['dbL1', 'dbL0', 'dbL0C'] as const).filter((k) => t[k]).map((k) => k.slice(2));
  return `${t.baseM}x${t.baseN}x${t.baseK} stepK ${t.stepK}, db ${db.length ? db.join(' ') : 'none'}${t.aResident ? ', A resident' : ''}, ${layoutText(t)}`;
}

/** The subject in one line: kernel, parameters, chip and cores. */
export function subjectText(r: TuneResult): string {
  const s = r.subject;
  const params = Object.entries(s.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  return `${s.kernel} ${params} on ${s.cfg.name}, up to ${s.cores} of ${s.cfg.cores} cores`;
}

/**
 * One rejected candidate per rule broken, the one nearest the best tiling (tile sides and depth
 * by their ratio, then the block layout): what keeps the search from going further that way.
 */
export function rejectionExamples(r: TuneResult): { rule: string; count: number; example: Rejected }[] {
  const best = r.ranked[0]!.tiling;
  const distance = (t: GemmTiling) =>
    (['baseM', 'baseN', 'baseK', 'stepK'] as const).reduce((d, k) => d + Math.abs(Math.log2(t[k] / best[k])), 0) + (layoutText(t) === layoutText(best) ? 0 : 1);
  const byRule = new Map<string, { count: number; example: Rejected; d: number }>();
  for (const x of r.rejected) {
    const d = distance(x.tiling);
    const held = byRule.get(x.rule);
    if (!held) byRule.set(x.rule, { count: 1, example: x, d });
    else byRule.set(x.rule, { count: held.count + 1, ...(d < held.d ? { example: x, d } : { example: held.example, d: held.d }) });
  }
  return [...byRule.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).map(([rule, v]) => ({ rule, count: v.count, example: v.example }));
}

/** Legal candidates whose kernel failed to run (listed with the rejected ones). */
const failedInSimulation = (r: TuneResult): number => r.rejected.filter((x) => x.rule === 'simulation failed').length;

/** The text report, with the `top` fastest tilings. */
export function tuneText(r: TuneResult, top: number): string {
  const def = r.default;
  const best = r.ranked[0]!;
  const row = (x: Simulated, i: number) => [
    String(i + 1),
    grouped(x.cycles),
    signedPct(vsDefault(x.cycles, def.cycles)),
    pct(x.chipCubeUtilization),
    pct(x.cubeUtilization),
    x.bound,
    grouped(x.estimate.cycles),
    `${tilingText(x.tiling)}${x.isDefault ? '  (the default)' : ''}`,
  ];
  const gap = vsDefault(best.cycles, def.cycles);
  const verdict = best.isDefault || gap === 0
    ? `the default tiler's choice is the fastest found (${grouped(def.cycles)} cycles)`
    : `the best found is ${(-gap).toFixed(1)}% faster than the default (${grouped(best.cycles)} vs ${grouped(def.cycles)} cycles)`;
  const examples = rejectionExamples(r);
  return [
    `tune ${subjectText(r)}`,
    `searched ${grouped(r.searched)} candidates: ${grouped(r.legal)} legal, ${grouped(r.rejected.length - failedInSimulation(r))} rejected, ${grouped(r.undominated)} left after dropping dominated ones; simulated ${r.simulated} timing-only${failedInSimulation(r) ? ` (${failedInSimulation(r)} legal one(s) failed to run: see "simulation failed" below)` : ''}`,
    '',
    ...textTable([['rank', 'cycles', 'vs default', 'chip cube', 'cube', 'bound', 'estimate', 'tiling'], ...r.ranked.slice(0, top).map(row)], 'rrrrrlrl', '  '),
    '',
    `default (the tiler's choice): ${grouped(def.cycles)} cycles, chip cube ${pct(def.chipCubeUtilization)}, cube ${pct(def.cubeUtilization)}, bound by ${def.bound}, estimate ${grouped(def.estimate.cycles)}; ${tilingText(def.tiling)}`,
    verdict,
    '',
    examples.length ? `rejected ${grouped(r.rejected.length)} candidates; by the rule they break, each with the one nearest the best tiling:` : 'rejected no candidates',
    ...examples.map((e) => `  ${e.rule} (${grouped(e.count)}): ${tilingText(e.example.tiling)}: ${e.example.reason}`),
    '',
    `pruning: ${r.pruning}`,
  ].join('\n');
}

const simulatedJson = (x: Simulated, def: Simulated) => ({
  cycles: x.cycles,
  vsDefaultPct: round(vsDefault(x.cycles, def.cycles), 2),
  chipCubeUtilization: round(x.chipCubeUtilization, 6),
  cubeUtilization: round(x.cubeUtilization, 6),
  bound: x.bound,
  estimate: { cycles: x.estimate.cycles, bound: x.estimate.bound },
  isDefault: x.isDefault,
  tiling: x.tiling,
  launches: x.launches,
});

/** The JSON report: everything, the `top` fastest tilings in `best`. */
export function tuneJson(r: TuneResult, top: number) {
  const s = r.subject;
  return {
    command: 'tune',
    kernel: s.kernel,
    params: s.params,
    preset: s.cfg.name,
    cores: s.cores,
    l2: s.l2,
    searched: r.searched,
    legal: r.legal,
    undominated: r.undominated,
    simulated: r.simulated,
    pruning: r.pruning,
    best: r.ranked.slice(0, top).map((x) => simulatedJson(x, r.default)),
    default: simulatedJson(r.default, r.default),
    rejectedByRule: Object.fromEntries(rejectionExamples(r).map((e) => [e.rule, e.count])),
    rejected: r.rejected.map((x) => ({ rule: x.rule, reason: x.reason, tiling: x.tiling })),
  };
}
