/**
 * The trace controls every command with `--out` takes: which instructions trace.json and insns.csv
 * keep (`--trace-cores`, `--trace-window`, `--no-trace`) and how big they may grow (`--trace-limit`).
 * The summary, op and stats files and the report always cover the whole run.
 */
import type { Options } from 'yargs';
import type { TraceSelection } from '../../traces/selection.js';
import { DEFAULT_TRACE_LIMIT_BYTES } from '../../traces/selection.js';
import type { TraceOptions } from '../lib/outputs.js';
import { UsageError } from '../lib/errors.js';

export const TRACE_OPTIONS = {
  'trace-cores': { type: 'string', requiresArg: true, describe: 'trace.json and insns.csv keep only these cores (launch core ids, e.g. 0,1,4-7)' },
  'trace-window': { type: 'string', requiresArg: true, describe: 'trace.json and insns.csv keep only instructions overlapping cycles FROM:TO' },
  trace: { type: 'boolean', describe: '--no-trace: trace.json and insns.csv hold no instructions (the summary, ops, stats and report still cover the run)' },
  'trace-limit': { type: 'string', requiresArg: true, describe: `size limit of trace.json and of insns.csv in bytes (default ${DEFAULT_TRACE_LIMIT_BYTES}); past it the run stops and says how to trace less` },
} as const satisfies Record<string, Options>;

export interface TraceFlags {
  readonly traceCores?: string | undefined;
  readonly traceWindow?: string | undefined;
  readonly trace?: boolean | undefined;
  readonly traceLimit?: string | undefined;
}

const once = (flag: string, v: unknown): string => {
  if (Array.isArray(v)) throw new UsageError(`--${flag} is given ${v.length} times; give it once`);
  return String(v).trim();
};
const count = (flag: string, text: string, what: string): number => {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--${flag}: '${text}' is not ${what}`);
  return Number(text);
};

/** `0,1,4-7` as core ids. */
function coresOf(v: unknown): number[] {
  const text = once('trace-cores', v);
  const cores = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`--trace-cores: '${part}' is not a core id or a range like 4-7 (give e.g. --trace-cores 0,1,4-7)`);
    const [lo, hi] = [count('trace-cores', m[1]!, 'a core id'), count('trace-cores', m[2] ?? m[1]!, 'a core id')];
    if (hi < lo) throw new UsageError(`--trace-cores: the range ${part} runs backwards`);
    if (hi - lo > 100_000) throw new UsageError(`--trace-cores: the range ${part} is too wide`);
    for (let c = lo; c <= hi; c++) cores.add(c);
  }
  return [...cores].sort((a, b) => a - b);
}

/** `FROM:TO` in cycles. */
function windowOf(v: unknown): { from: number; to: number } {
  const text = once('trace-window', v);
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m) throw new UsageError(`--trace-window must be FROM:TO in cycles (e.g. 0:50000), got '${text}'`);
  const [from, to] = [count('trace-window', m[1]!, 'a cycle'), count('trace-window', m[2]!, 'a cycle')];
  if (to <= from) throw new UsageError(`--trace-window ${text}: TO must be past FROM`);
  return { from, to };
}

/** The trace options of `--out DIR` with the controls; the controls without --out are a usage error. */
export function traceOf(out: string | undefined, a: TraceFlags): TraceOptions | undefined {
  const given = a.traceCores !== undefined || a.traceWindow !== undefined || a.trace === false || a.traceLimit !== undefined;
  if (out === undefined) {
    if (given) throw new UsageError('--trace-cores, --trace-window, --no-trace and --trace-limit shape the files of --out: give --out DIR');
    return undefined;
  }
  const select: TraceSelection = {
    ...(a.traceCores !== undefined ? { cores: coresOf(a.traceCores) } : {}),
    ...(a.traceWindow !== undefined ? { window: windowOf(a.traceWindow) } : {}),
    ...(a.trace === false ? { none: true } : {}),
  };
  const maxBytes = a.traceLimit !== undefined ? count('trace-limit', once('trace-limit', a.traceLimit), 'a byte count') : undefined;
  return { dir: out, ...(Object.keys(select).length > 0 ? { select } : {}), ...(maxBytes !== undefined ? { maxBytes } : {}) };
}
