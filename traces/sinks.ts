/**
 * Sinks that own output files, how to combine several into one, and the run wrapper that finishes
 * them on success and removes their partial files on failure.
 */
import type { TraceSelection } from './selection.js';
import type { CoreInfo, InsnRecord, TraceSink } from '../hw/engine/records.js';
import { simulate, type Launch, type SimResult } from '../hw/simulate.js';
import type { AsmLookup } from './asm-lookup.js';

/** A trace sink writing a file: `finish()` completes it, `abort()` removes what was written. */
export interface FileSink extends TraceSink {
  /** Completes the output and renames it into place. */
  finish(): void;
  /** Drops the output (idempotent, never throws). */
  abort(): void;
}

/** One sink that forwards every record to each of `sinks`, in order. */
export function teeSinks(...sinks: readonly (TraceSink & Partial<FileSink>)[]): FileSink {
  const abortAll = () => {
    for (const s of sinks) s.abort?.();
  };
  return {
    begin(cores: readonly CoreInfo[]) {
      for (const s of sinks) s.begin?.(cores);
    },
    insn(rec: InsnRecord) {
      for (const s of sinks) s.insn(rec);
    },
    finish() {
      try {
        for (const s of sinks) s.finish?.();
      } catch (e) {
        // One output failed: drop the ones not finished yet rather than leave them half-written.
        abortAll();
        throw e;
      }
    },
    abort: abortAll,
  };
}

/**
 * Runs a launch with `sink` attached; finishes the sink when the run succeeds, aborts it (removing
 * its partial files) when the run or the finish throws, and rethrows.
 */
export function simulateTraced(launch: Omit<Launch, 'sink'>, sink: FileSink): SimResult {
  try {
    const result = simulate({ ...launch, sink });
    sink.finish();
    return result;
  } catch (e) {
    sink.abort();
    throw e;
  }
}

/** Options shared by the streaming sinks. */
export interface SinkOptions {
  /** assembly text per (core, pc); without it the asm fields are left empty */
  readonly asm?: AsmLookup;
  /** kernel or run name, written into the Chrome trace's otherData */
  readonly label?: string;
  /** which instructions the per-instruction files keep (traces/selection.ts); default all */
  readonly select?: TraceSelection;
  /** size ceiling of each per-instruction file (default DEFAULT_TRACE_LIMIT_BYTES) */
  readonly maxBytes?: number;
}

/** Assembly text of a record: '' when there is no lookup or `begin()` did not describe its core. */
export const asmOfRecord = (asm: AsmLookup | undefined, core: CoreInfo | undefined, pc: number): string =>
  asm && core ? asm(core, pc) : '';
