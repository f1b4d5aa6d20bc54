/**
 * Shared pieces of what the commands print: the JSON form of an op summary and the text blocks
 * for tilings, notes and written files.
 */
import type { OpSummary } from '../../traces/index.js';
import { byProfilerName } from '../../traces/vocabulary.js';

/** The chip-level figures of a summary as plain JSON data (per-pipe busy cycles and ratios included). */
export function summaryJson(s: OpSummary) {
  return {
    cycles: s.cycles,
    aicoreTimeUs: s.aicoreTimeUs,
    clockMHz: s.clockMHz,
    cores: s.cores,
    cubeUtilization: s.cubeUtilization,
    chipCubeUtilization: s.chipCubeUtilization,
    // the profiler's pipe names (SCALAR, CUBE, VECTOR, ...), as in the trace and the text summary
    pipes: byProfilerName(s.pipes),
    ratios: s.ratios,
    bytes: s.bytes,
    memory: s.memory,
    l1BankOverlapCycles: s.l1BankOverlapCycles,
    l2Start: s.l2Start,
    l2DirtyBytes: s.l2DirtyBytes,
    macs: s.macs,
    usefulMacs: s.usefulMacs,
    achievedTops: s.achievedTops,
    memoryBound: s.memoryBound,
    stalls: { scalar: s.stalls.scalar, pipes: byProfilerName(s.stalls.pipes) },
  };
}

/** `name=value` pairs on one line. */
export const keyValues = (o: Readonly<Record<string, unknown>>): string =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

/** A titled list, one item per indented line. */
export const listBlock = (title: string, items: readonly string[]): string => [title, ...items.map((i) => `  ${i}`)].join('\n');
