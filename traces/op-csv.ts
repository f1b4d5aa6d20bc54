/**
 * Per-opcode statistics CSV in the vendor vocabulary (instr, pipe, call_count, cycles,
 * running_time(us)), one row per (core, opcode) from the run's core summaries.
 */
import { OPCODES, type OpSpec } from '../isa/opcodes.js';
import type { SimResult } from '../hw/simulate.js';
import { writeCsv } from './csv-writer.js';
import { round } from './format.js';
import { col, type Schema } from './schema.js';

/** One opcode's totals on one core. */
export interface OpRow {
  readonly core: number;
  readonly op: string;
  readonly count: number;
  readonly cycles: number;
  readonly clockMHz: number;
}

const specOf = (op: string): OpSpec | undefined => (OPCODES as Readonly<Record<string, OpSpec>>)[op];

/** Columns of the per-opcode CSV. */
export const OP_COLUMNS: Schema<OpRow> = [
  col('core', '', 'core id', (r) => r.core),
  col('instr', '', 'mnemonic', (r) => r.op),
  col('pipe', '', "the opcode table's pipe (sync ops such as set_flag run on the pipe they name; this column says S)", (r) => specOf(r.op)?.pipe ?? null),
  col('call_count', 'instructions', 'times it executed', (r) => r.count),
  col('cycles', 'cycles', 'summed start-to-completion cycles', (r) => r.cycles),
  col('running_time(us)', 'us', 'cycles at the preset clock', (r) => round(r.cycles / r.clockMHz, 6)),
  col('avg_cycles', 'cycles', 'cycles / call_count', (r) => (r.count > 0 ? round(r.cycles / r.count, 3) : 0)),
];

/** Rows of the per-opcode CSV, core by core, opcodes in the summary's (sorted) order. */
export function opRows(result: SimResult): OpRow[] {
  return result.cores.flatMap((c) =>
    Object.entries(c.ops).map(([op, s]) => ({ core: c.core, op, count: s.count, cycles: s.cycles, clockMHz: result.config.clockMHz })),
  );
}

/** Writes the per-opcode CSV (atomically). */
export function writeOpCsv(path: string, result: SimResult): void {
  writeCsv(path, OP_COLUMNS, opRows(result));
}
