/**
 * Which instructions the per-instruction outputs (trace.json, insns.csv) keep: every one (the
 * default), those of some cores, those overlapping a window of cycles, or none (--no-trace). The
 * summary, op and stats files always describe the whole run; a selection only keeps the two big files
 * small. The trace says what it kept, so a partial trace is never taken for a whole one.
 */
import type { InsnRecord } from '../hw/engine/records.js';

export interface TraceSelection {
  /** keep only these cores (launch core ids) */
  readonly cores?: readonly number[];
  /** keep only instructions overlapping [from, to) in cycles */
  readonly window?: { readonly from: number; readonly to: number };
  /** keep none: the files hold their header and this note only */
  readonly none?: boolean;
}

/** Default ceiling of trace.json and of insns.csv, each: past it the run stops with what to do. */
export const DEFAULT_TRACE_LIMIT_BYTES = 2 * 2 ** 30;

/** The message of a trace past its limit: what to do about it. */
export const traceLimitHint = (limit: number): string =>
  `trace size limit (${limit} bytes, --trace-limit): keep fewer cores (--trace-cores 0,1), a window of cycles (--trace-window FROM:TO), no per-instruction files (--no-trace), or raise --trace-limit`;

/** A predicate over records for `s` (null: keep every record). */
export function recordFilter(s: TraceSelection | undefined): ((r: InsnRecord) => boolean) | null {
  if (!s || (!s.none && s.cores === undefined && s.window === undefined)) return null;
  if (s.none) return () => false;
  const cores = s.cores ? new Set(s.cores) : null;
  const w = s.window;
  return (r) => (cores === null || cores.has(r.core)) && (w === undefined || (r.end > w.from && r.start < w.to) || (r.start === r.end && r.start >= w.from && r.start < w.to));
}

/** What a selection kept, in words (written into the trace's otherData), or null for everything. */
export function selectionText(s: TraceSelection | undefined): string | null {
  if (!s) return null;
  if (s.none) return 'no instructions (--no-trace): see summary.csv, ops.csv and stats.csv for the run';
  const parts = [
    ...(s.cores !== undefined ? [`cores ${s.cores.join(', ')}`] : []),
    ...(s.window !== undefined ? [`instructions overlapping cycles [${s.window.from}, ${s.window.to})`] : []),
  ];
  return parts.length > 0 ? `only ${parts.join('; ')}` : null;
}
