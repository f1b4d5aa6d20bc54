/**
 * How runs report the sanitizer (hw/sanitizer): one stderr line per finding, then the totals, and the
 * exit status SANITIZER_EXIT whenever it found anything (README "Exit status").
 */
import { formatFindings } from '../../hw/sanitizer/findings.js';
import type { SanitizerReport } from '../../hw/sanitizer/sanitizer.js';

/** Exit status of a run whose sanitizer found something. */
export const SANITIZER_EXIT = 3;

/** Findings of every report, in order, as lines; `label` names the kernel or case in each line. */
export function sanitizerLines(reports: readonly { report: SanitizerReport; label?: string }[]): string[] {
  return reports.flatMap(({ report, label }) => formatFindings(report.findings, report.counts).map((l) => `aicore-sim: sanitizer: ${label ? `${label}: ` : ''}${l}`));
}

/** Did a report find anything? */
export const foundAnything = (r: SanitizerReport | undefined): boolean => r !== undefined && Object.values(r.counts).some((n) => n > 0);

/** The report as JSON: counts per kind and each finding's line. */
export const sanitizerJson = (r: SanitizerReport) => ({ counts: r.counts, findings: r.findings.map((f) => ({ kind: f.kind, message: f.message, occurrences: f.occurrences })) });
