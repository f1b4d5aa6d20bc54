/**
 * The comparison of two profiles of the same kind: per section, every figure that changed with A,
 * B, the delta and the relative change, largest relative change first; figures that did not change
 * are only counted. A figure absent on one side counts as 0 (a pipe that stopped being busy, a layer
 * that is gone) and is shown as absent. `moved` says whether a change is beyond the threshold: the
 * command's exit status.
 */
import { JobError } from '../job-error.js';
import { SECTIONS, type Figure, type Profile, type SectionId } from './profile.js';

export interface DiffRow {
  readonly name: string;
  /** null: absent on that side */
  readonly a: Figure | null;
  readonly b: Figure | null;
  /** B - A for counts (absent = 0); null for labels */
  readonly delta: number | null;
  /** delta / A; null when A is 0 or absent (a new figure) or for labels */
  readonly relative: number | null;
  /** the change is beyond the threshold (labels and new figures always are) */
  readonly moved: boolean;
}

export interface DiffSection {
  readonly id: SectionId;
  readonly title: string;
  readonly unit: string;
  /** the figures that changed, largest relative change first */
  readonly rows: readonly DiffRow[];
  /** figures present in both and equal */
  readonly unchanged: number;
}

export interface Diff {
  readonly kind: Profile['kind'];
  readonly a: string;
  readonly b: string;
  readonly thresholdPct: number;
  /** what was run, where it differs between A and B (not counted as a change) */
  readonly setup: readonly { readonly name: string; readonly a: Figure; readonly b: Figure }[];
  readonly sections: readonly DiffSection[];
  /** sections only one side has (opcodes come from folders only) */
  readonly notCompared: readonly string[];
  /** figures that moved beyond the threshold */
  readonly moved: number;
}

const countOf = (v: Figure | null): number => (typeof v === 'number' ? v : 0);

function rowOf(name: string, a: Figure | null, b: Figure | null, thresholdPct: number): DiffRow | 'same' | 'none' {
  if (typeof a === 'string' || typeof b === 'string') return a === b ? 'same' : { name, a, b, delta: null, relative: null, moved: true };
  const delta = countOf(b) - countOf(a);
  if (countOf(a) === 0 && countOf(b) === 0) return 'none';
  if (delta === 0) return 'same';
  const relative = countOf(a) === 0 ? null : delta / countOf(a);
  return { name, a, b, delta, relative, moved: relative === null || Math.abs(relative) * 100 > thresholdPct };
}

/** Largest relative change first; new figures (no relative change) before all, then by delta. */
const magnitude = (r: DiffRow) => (r.relative === null ? Infinity : Math.abs(r.relative));
const byChange = (x: DiffRow, y: DiffRow) => magnitude(y) - magnitude(x) || Math.abs(y.delta ?? 0) - Math.abs(x.delta ?? 0) || x.name.localeCompare(y.name);

function compareSection(id: SectionId, a: Readonly<Record<string, Figure>>, b: Readonly<Record<string, Figure>>, thresholdPct: number): DiffSection {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const rows: DiffRow[] = [];
  let unchanged = 0;
  for (const n of names) {
    const r = rowOf(n, a[n] ?? null, b[n] ?? null, thresholdPct);
    if (r === 'same') unchanged++;
    else if (r !== 'none') rows.push(r);
  }
  return { id, ...SECTIONS[id], rows: rows.sort(byChange), unchanged };
}

/** Compares B against A. Throws JobError when they are runs of different kinds. */
export function diffProfiles(a: Profile, b: Profile, thresholdPct = 0): Diff {
  if (a.kind !== b.kind) throw new JobError(`cannot compare ${a.describe} with ${b.describe}: diff compares two kernel runs or two network runs`);
  const sections: DiffSection[] = [];
  const notCompared: string[] = [];
  for (const id of Object.keys(SECTIONS) as SectionId[]) {
    const [sa, sb] = [a.sections[id], b.sections[id]];
    if (sa && sb) sections.push(compareSection(id, sa, sb, thresholdPct));
    else if (sa || sb) notCompared.push(`${SECTIONS[id].title}: only ${sa ? 'A' : 'B'} has them (${sa ? a.source : b.source})`);
  }
  const setup = Object.keys(a.setup)
    .filter((k) => b.setup[k] !== undefined && b.setup[k] !== a.setup[k])
    .map((k) => ({ name: k, a: a.setup[k]!, b: b.setup[k]! }));
  const moved = sections.reduce((n, s) => n + s.rows.filter((r) => r.moved).length, 0);
  return { kind: a.kind, a: a.describe, b: b.describe, thresholdPct, setup, sections, notCompared, moved };
}
