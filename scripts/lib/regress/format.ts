/**
 * Text reports of a comparison: a table with one row per entry, the details of every entry that
 * changed (cycles and each moved pipe, with absolute and relative deltas), and a one-line summary.
 */
import { textTable } from '../text-table.js';
import { FAILING, percent, type Change, type Comparison, type Row, type Status } from './compare.js';
import type { Measurement } from './measure.js';

const LABELS: Readonly<Record<Status, string>> = {
  same: 'same',
  regression: 'REGRESSION',
  slower: 'slower (within tolerance)',
  faster: 'faster',
  pipes: 'pipes changed',
  new: 'NEW (not in baseline)',
  removed: 'REMOVED (not in manifest)',
};

/** Summary wording per status, in the order they are listed. */
const COUNTED: readonly [Status, string][] = [
  ['regression', 'regressed'],
  ['new', 'new'],
  ['removed', 'only in the baseline'],
  ['slower', 'slower within tolerance'],
  ['faster', 'faster'],
  ['pipes', 'with only pipe changes'],
  ['same', 'same'],
];

const signed = (v: number): string => (v > 0 ? `+${v}` : `${v}`);

/** A relative change: "+5.30%"; "+inf%" from zero. */
export const pctText = (p: number): string => (p === Infinity ? '+inf%' : `${p > 0 ? '+' : ''}${p.toFixed(2)}%`);

const cell = (v: number | null): string => (v === null ? '-' : String(v));

const changeText = (before: number, after: number): string => `${before} -> ${after} (${signed(after - before)}, ${pctText(percent(before, after))})`;

/** The one-table view of a comparison. */
export function formatTable(c: Comparison): string[] {
  const rows = c.rows.map((r) => [r.id, r.kernel, r.preset, cell(r.before), cell(r.after), r.deltaPct === null ? '-' : pctText(r.deltaPct), LABELS[r.status]]);
  return textTable([['entry', 'kernel', 'preset', 'baseline', 'current', 'delta', 'status'], ...rows], 'lllrrrl');
}

function describeChange(ch: Change): string {
  return ch.what.startsWith('kernel ') ? `${ch.what}: ${changeText(ch.before, ch.after)} cycles` : `${ch.what} busy cycles ${changeText(ch.before, ch.after)}`;
}

/** Lines for one changed entry: what it is, its cycles, then each pipe and kernel that moved. */
export function describeRow(r: Row, tolerancePct: number): string[] {
  const head = `${r.id} (${r.kernel} on ${r.preset})`;
  if (r.status === 'new') return [`${head}: ${r.after} cycles, not in the baseline`];
  if (r.status === 'removed') return [`${head}: in the baseline (${r.before} cycles) but not in the manifest`];
  const verdict = r.status === 'regression' ? `, slower than the ${tolerancePct}% tolerance allows` : '';
  return [`${head}: cycles ${changeText(r.before!, r.after!)}${verdict}`, ...r.changes.map((ch) => `  ${describeChange(ch)}`)];
}

/** Details of every entry that is not `same`. */
export const formatChanges = (c: Comparison): string[] => c.rows.filter((r) => r.status !== 'same').flatMap((r) => describeRow(r, c.tolerancePct));

/** Entries the run timed (removed ones exist only in the baseline). */
const entriesRun = (c: Comparison): number => c.rows.filter((r) => r.status !== 'removed').length;

/** "52 entries, tolerance 0%: 1 regressed, 51 same" (entries = those run; removed ones are counted apart) */
export function formatSummary(c: Comparison): string {
  const counts = COUNTED.map(([s, words]) => [c.rows.filter((r) => r.status === s).length, words] as const).filter(([n]) => n > 0);
  return `${entriesRun(c)} entries, tolerance ${c.tolerancePct}%: ${counts.map(([n, w]) => `${n} ${w}`).join(', ')}`;
}

/** Table, details of the changes, summary. */
export function formatReport(c: Comparison): string {
  const changes = formatChanges(c);
  return [...formatTable(c), ...(changes.length ? ['', 'changes:', ...changes.map((l) => `  ${l}`)] : []), '', formatSummary(c)].join('\n');
}

/** The entries of a fresh baseline: id, kernel, preset, cycles, the L2 between its launches, HBM bytes and useful MACs. */
export function formatMeasurements(ms: readonly Measurement[]): string[] {
  const head = ['entry', 'kernel', 'preset', 'cycles', 'l2', 'HBM read', 'HBM write', 'useful MACs'];
  const rows = ms.map((m) => [m.id, m.kernel, m.preset, String(m.cycles), m.l2 ?? '-', cell(m.memory?.hbmRead ?? null), cell(m.memory?.hbmWrite ?? null), cell(m.usefulMacs ?? null)]);
  return textTable([head, ...rows], 'lllrlrrr');
}

/** One line naming the entries that fail a comparison and why. */
export function failureLine(c: Comparison): string {
  const bad = c.rows.filter((r) => FAILING.has(r.status));
  const why = (r: Row) => (r.status === 'regression' ? `${r.id} ${pctText(r.deltaPct!)}` : r.status === 'new' ? `${r.id} has no baseline` : `${r.id} is not in the manifest`);
  const regressed = bad.filter((r) => r.status === 'regression').length;
  const head = regressed ? `${regressed} of ${entriesRun(c)} entries regressed beyond the ${c.tolerancePct}% tolerance` : 'the baseline does not match the manifest';
  const hint = bad.some((r) => r.status !== 'regression') ? ' (run with --update to rewrite the baseline)' : '';
  return `${head}: ${bad.map(why).join(', ')}${hint}`;
}
