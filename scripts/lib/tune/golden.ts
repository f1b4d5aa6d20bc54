/**
 * The tiling search over the golden shapes: every cube entry of the golden manifest
 * (test/golden/manifest.json) tuned as the entry is timed (its preset and config, its L2 policy,
 * its block count as the most cores), with one markdown row per entry: the default's cycles (the
 * golden figure), the best found, the gap, and, where the gap is over GAP_LIMIT, why the tiler's
 * estimate did not pick the best. scripts/tune-golden.ts prints the table README shows.
 */
import type { GemmTiling } from '../../../ops-nn/gemm/index.js';
import { grouped } from '../../../traces/format.js';
import { goldenFiles } from '../regress/golden.js';
import { readManifest, type PreparedEntry } from '../regress/manifest.js';
import { tilingText } from './report.js';
import { fieldValue, TILING_FIELDS } from './space.js';
import { tune, type SearchOptions, type TuneResult } from './search.js';
import { tunableKernels, tuneSubject } from './subject.js';

/** The default tiler should be within this fraction of the best found. */
export const GAP_LIMIT = 0.05;

/** The tiler's margin: tilings estimated within it count as equally fast (ops-nn/gemm/tiler.ts MARGIN). */
const TILER_MARGIN = 0.05;

/** The golden manifest's entries the search can tune, in manifest order. */
export function goldenEntries(root: string): PreparedEntry[] {
  const tunable = new Set(tunableKernels());
  return readManifest(goldenFiles(root).manifest).entries.filter((e) => tunable.has(e.entry.kernel));
}

/** Tunes one golden entry. */
export function tuneEntry(e: PreparedEntry, o: SearchOptions = {}): TuneResult {
  const tiling = (e.entry.tiling ?? {}) as Partial<GemmTiling>;
  const subject = tuneSubject({
    kernel: e.entry.kernel,
    params: e.entry.params as Record<string, unknown>,
    cfg: e.config,
    l2: e.l2,
    ...(tiling.blockDim !== undefined ? { cores: tiling.blockDim } : {}),
    defaultTiling: tiling,
  });
  return tune(subject, o);
}

/** How much slower the default is than the best found, in percent (0 when the default is the best). */
export const gapPct = (r: TuneResult): number => (100 * (r.default.cycles - r.ranked[0]!.cycles)) / r.ranked[0]!.cycles;

/** The fields two tilings differ in, as `field a -> b`. */
function differences(a: GemmTiling, b: GemmTiling): string {
  return TILING_FIELDS.filter((k) => fieldValue(a, k) !== fieldValue(b, k))
    .map((k) => `${k} ${String(fieldValue(a, k))} -> ${String(fieldValue(b, k))}`)
    .join(', ');
}

/**
 * Why the tiler's estimate did not choose the best found: it ranks the best slower, or within its
 * margin (where its tie rules decide), or faster, in which case the best is not among the tilings
 * the tiler tries (its fixed lists of tiles, depths and chunks).
 */
export function whyOff(r: TuneResult): string {
  const fixed = Object.keys(r.subject.defaultFixed).filter((k) => k !== 'blockDim');
  if (fixed.length) return `the entry fixes ${fixed.join(', ')}: its figure is not the default tiler's choice`;
  const best = r.ranked[0]!;
  const e = best.estimate.cycles;
  const d = r.default.estimate.cycles;
  const est = `estimate ${grouped(e)} vs the default's ${grouped(d)}`;
  const why = e > d ? 'the estimate ranks it slower' : e >= d * (1 - TILER_MARGIN) ? "within the tiler's 5% margin, where its tie rules (more cores, then the big tile) decide" : 'estimated faster, but not among the tilings the tiler tries';
  return `${why} (${est}); ${differences(r.default.tiling, best.tiling)}`;
}

export const GOLDEN_HEAD = ['| golden entry | default cycles | best cycles | gap | best tiling | why the default is off (gap over 5%) |', '| --- | ---: | ---: | ---: | --- | --- |'];

/** The table row of one tuned entry. */
export function goldenRow(id: string, r: TuneResult): string {
  const gap = gapPct(r);
  const best = r.ranked[0]!;
  return `| ${id} | ${grouped(r.default.cycles)} | ${grouped(best.cycles)} | ${gap.toFixed(1)}% | ${best.isDefault ? 'the default' : tilingText(best.tiling)} | ${gap > GAP_LIMIT * 100 ? whyOff(r) : ''} |`;
}
