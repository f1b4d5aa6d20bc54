/**
 * How the command line reports failures: the library's own error classes (bad config, illegal
 * program, bad operator arguments, bad usage) become one line `aicore-sim: <message>`; anything else
 * is a bug and says how to get its stack.
 */
import { OutputLimitError } from '../../traces/atomic-file.js';
import { ConfigError } from '../../hw/config/derive.js';
import { SimError } from '../../hw/engine/errors.js';
import { IsaError } from '../../isa/validate.js';
import { OpError } from '../../ops-nn/kernel.js';
import { JobError } from './job-error.js';
import { foundAnything, SANITIZER_EXIT, sanitizerLines } from './sanitizer-report.js';

/** A problem with the command line itself: flags, their values, commands (exit status 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Exit statuses, one per kind of failure (README "Exit status"). Regressions and outputs that differ
 * from the reference are `run` failures too; the commands return those themselves.
 */
export const EXIT = { ok: 0, run: 1, usage: 2, sanitizer: SANITIZER_EXIT, input: 4, internal: 5 } as const;

/** Error classes whose message is the whole story: no stack unless asked for. */
const EXPECTED: readonly (abstract new (...args: never[]) => Error)[] = [ConfigError, SimError, IsaError, OpError, JobError, UsageError, OutputLimitError];

/** Input the user gave (files and their contents, configs, programs, operator nodes) that cannot be used. */
const INPUT_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [JobError, ConfigError, IsaError, OpError];

/** True for errors a user can fix from the message alone. */
export const isExpected = (e: unknown): boolean => EXPECTED.some((cls) => e instanceof cls);

/** Exit status of a failure (EXIT). */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof SimError) return foundAnything(e.sanitizer) ? EXIT.sanitizer : EXIT.run;
  if (e instanceof OutputLimitError) return EXIT.run;
  if (INPUT_ERRORS.some((cls) => e instanceof cls)) return EXIT.input;
  return EXIT.internal;
}

/**
 * Terminal control characters (escape sequences, bells, NULs from a binary input file) shown as
 * \xNN, so a message quoting user input cannot rewrite the user's terminal.
 */
// eslint-disable-next-line no-control-regex
export const escapeControls = (s: string): string => s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Joins a message's lines (trimmed, blank ones dropped) so the report stays on one line. */
export const oneLine = (s: string, sep = '; '): string =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(sep);

/**
 * The text to print on stderr for `e`: one line, or the message and the stack with `verbose`.
 */
export function formatError(e: unknown, verbose: boolean): string {
  const err = e instanceof Error ? e : new Error(String(e));
  // a sanitized run that stopped (deadlock, illegal access) also says what the sanitizer saw before
  const findings = err instanceof SimError && err.sanitizer ? sanitizerLines([{ report: err.sanitizer }]) : [];
  if (verbose) return [`aicore-sim: ${err.message}`, ...findings, err.stack ?? ''].join('\n');
  const msg = escapeControls(oneLine(err.message)) || err.name;
  return [isExpected(err) ? `aicore-sim: ${msg}` : `aicore-sim: ${msg} (run with --verbose for the stack)`, ...findings].join('\n');
}
