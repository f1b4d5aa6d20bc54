/**
 * Output schemas: every report and trace declares its columns once, as a table of name, unit,
 * description and how to read the value from a row. Writers (CSV, the trace's args) only walk
 * these tables, so a column cannot appear in one output and be forgotten in its documentation.
 */

/** One value of an output row; null is written as an empty CSV cell, or omitted from JSON args. */
export type Cell = string | number | null;

/** A column of an output: its name as written, its unit, what it means, and how to read it. */
export interface Column<R> {
  readonly name: string;
  /** unit of the value ('' for names and labels) */
  readonly unit: string;
  readonly desc: string;
  readonly value: (row: R) => Cell;
}

/** The ordered columns of one output. */
export type Schema<R> = readonly Column<R>[];

/** Shorthand for declaring a column table row. */
export const col = <R>(name: string, unit: string, desc: string, value: (row: R) => Cell): Column<R> => ({ name, unit, desc, value });

/** Reads a row through a schema, in column order. */
export const cellsOf = <R>(schema: Schema<R>, row: R): Cell[] => schema.map((c) => c.value(row));
