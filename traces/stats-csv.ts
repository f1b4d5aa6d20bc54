/**
 * The statistics registry as CSV: name, value, unit, description, in the registry's stable order.
 */
import type { Stat } from '../hw/stats.js';
import { writeCsv } from './csv-writer.js';
import { col, type Schema } from './schema.js';

/** Columns of the statistics CSV. */
export const STATS_COLUMNS: Schema<Stat> = [
  col('name', '', 'dotted statistic name (core0.pipe.V.busyCycles)', (s) => s.name),
  col('value', '', 'value, in the unit of the next column', (s) => s.value),
  col('unit', '', 'cycles, instructions, bytes, MACs or ratio', (s) => s.unit),
  col('description', '', 'what the statistic measures', (s) => s.desc),
];

/** Writes the statistics CSV (atomically). */
export function writeStatsCsv(path: string, stats: readonly Stat[]): void {
  writeCsv(path, STATS_COLUMNS, stats);
}
