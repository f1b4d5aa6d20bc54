/**
 * Flags shared by several commands, and the coercions that turn flag text into checked values.
 * Ranges are left to the library (one source of truth); the CLI only checks that a number is one.
 */
import type { Options } from 'yargs';
import { readOverrides } from '../../hw/config/load.js';
import type { SanitizerReport } from '../../hw/sanitizer/sanitizer.js';
import { UsageError } from '../lib/errors.js';
import { foundAnything, SANITIZER_EXIT, sanitizerLines } from '../lib/sanitizer-report.js';
import type { CliIo } from './context.js';
import { TRACE_OPTIONS } from './trace-flags.js';

/** A decimal or 0x hex integer with an optional minus sign, or NaN. */
const parseInteger = (text: string): number => {
  const m = /^(-?)(\d+|0x[0-9a-f]+)$/i.exec(text);
  return m ? (m[1] ? -1 : 1) * Number(m[2]) : NaN;
};

/** Coerces a flag to a safe integer; flags given twice are an error. */
export const integer =
  (flag: string) =>
  (v: unknown): number => {
    if (Array.isArray(v)) throw new UsageError(`--${flag} is given ${v.length} times; give it once`);
    const n = typeof v === 'number' ? v : parseInteger(String(v).trim());
    if (!Number.isSafeInteger(n)) throw new UsageError(`--${flag} must be an integer, got '${String(v)}'`);
    return n;
  };

/** Coerces a string flag, rejecting one given twice. */
export const single =
  (flag: string) =>
  (v: unknown): string => {
    if (Array.isArray(v)) throw new UsageError(`--${flag} is given ${v.length} times; give it once`);
    return String(v);
  };

/** A string flag that takes one value. */
export const textOption = (flag: string, describe: string) => ({ type: 'string', describe, requiresArg: true, coerce: single(flag) }) as const;

/** An integer flag; the type is left to the coercion so messages can quote what was typed. */
export const intOption = (flag: string, describe: string) => ({ describe, requiresArg: true, coerce: integer(flag) }) as const;

/** --sanitize: the run under the sanitizer, exit status 3 when it finds something. */
export const SANITIZE_OPTION = {
  type: 'boolean',
  describe: 'check synchronisation: report races between pipes and cores, reads of never-written bytes and unconsumed flags (exit 3 if any)',
} as const satisfies Options;

/** Prints a run's sanitizer findings on stderr; the exit status: 3 if it found anything, else 0. */
export function reportSanitizer(io: CliIo, report: SanitizerReport | undefined, label?: string): number {
  if (!report || !foundAnything(report)) return 0;
  for (const line of sanitizerLines([{ report, ...(label ? { label } : {}) }])) io.err(line);
  return SANITIZER_EXIT;
}

/** Flags for choosing and adjusting the hardware. */
export const HW_OPTIONS = {
  config: textOption('config', 'JSON file overriding any preset field (see: aicore-sim presets --json)'),
  cores: {
    describe: "blocks to launch: cores, or AIC groups on separated presets, or 'all' (run: default 1; all: every core the kernel can use)",
    requiresArg: true,
    coerce: (v: unknown): number | 'all' => {
      if (!Array.isArray(v) && String(v).trim() === 'all') return 'all';
      if (!Array.isArray(v) && !Number.isSafeInteger(typeof v === 'number' ? v : parseInteger(String(v).trim())))
        throw new UsageError(`--cores must be an integer or 'all', got '${String(v)}'`);
      return integer('cores')(v);
    },
  },
  l2: {
    choices: ['flushed', 'warm'] as const,
    default: 'flushed' as const,
    describe: 'the L2 at the start: flushed (empty), or warm: the same launch runs once first and the reported run finds the L2 as it left it (as profilers measure repeated runs)',
  },
  'max-cycles': intOption('max-cycles', 'stop with an error past this many cycles'),
  'max-instructions': intOption('max-instructions', 'stop with an error past this many instructions, all cores (default 10000000)'),
  sanitize: SANITIZE_OPTION,
} as const satisfies Record<string, Options>;

/** Flags for what a run prints and writes. */
export const OUTPUT_OPTIONS = {
  out: textOption('out', 'folder for trace.json, insns.csv, ops.csv, summary.csv, stats.csv'),
  json: { type: 'boolean', describe: 'print one JSON object instead of the text summary' },
  ...TRACE_OPTIONS,
} as const satisfies Record<string, Options>;

/** The overrides of `--config FILE`, if given. */
export const overridesOf = (file: string | undefined): unknown => (file === undefined ? undefined : readOverrides(file));

/** Prints `value` as one JSON object. */
export const jsonText = (value: unknown): string => JSON.stringify(value, null, 2);

/** Copies the fields of `o` that are not undefined (for optional library options). */
export const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
