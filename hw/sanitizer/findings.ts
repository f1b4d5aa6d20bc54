/**
 * What the sanitizer reports: each finding names its instructions (core, pipe, pc, assembly text),
 * the buffer and the byte range, in one line a user can act on.
 */

/** The kinds of findings, in the order a report lists them. */
export const FINDING_KINDS = ['race', 'uninitialised-read', 'flag-set-twice', 'flag-left-set', 'cross-left-set', 'out-of-bounds', 'misaligned'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** One instruction a finding names. */
export interface InsnRef {
  readonly core: number;
  /** the core as reports name it, e.g. "core 2 (aiv block 1)" */
  readonly who: string;
  readonly pipe: string;
  readonly pc: number;
  /** its assembly text */
  readonly text: string;
  /** cycle it started (for flags: was processed) */
  readonly at: number;
}

export interface Finding {
  readonly kind: FindingKind;
  /** one line: what, where, which instructions */
  readonly message: string;
  /** the instructions involved: for a race, the later access first */
  readonly insns: readonly InsnRef[];
  /** how many times the same pair (or instruction) was found in the run */
  readonly occurrences: number;
}

/** The report as lines: one per finding (with its repeat count), then totals per kind. */
export function formatFindings(findings: readonly Finding[], counts: Readonly<Record<FindingKind, number>>): string[] {
  const lines = findings.map((f) => `${f.kind}: ${f.message}${f.occurrences > 1 ? ` (${f.occurrences} times)` : ''}`);
  const totals = FINDING_KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  const kept = findings.reduce((s, f) => s + f.occurrences, 0);
  const all = FINDING_KINDS.reduce((s, k) => s + counts[k], 0);
  if (totals.length > 0) lines.push(`found ${totals.join(', ')}${all > kept ? ` (${all - kept} beyond the ${findings.length} listed)` : ''}`);
  return lines;
}
