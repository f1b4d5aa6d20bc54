/**
 * The one CSV writer: a header from the schema's column names, then rows read through the schema,
 * serialised by csv-stringify's sync API one chunk of rows at a time and streamed to an AtomicFile.
 */
import { stringify } from 'csv-stringify/sync';
import { AtomicFile } from './atomic-file.js';
import { cellsOf, type Cell, type Schema } from './schema.js';

/** Rows are serialised in groups of this many (one stringify call each). */
const ROWS_PER_CHUNK = 512;

/** Streams rows of one schema to a CSV file; `finish()` puts it in place, `abort()` removes it. */
export class CsvWriter<R> {
  private readonly file: AtomicFile;
  private rows: Cell[][] = [];

  constructor(
    path: string,
    private readonly schema: Schema<R>,
    limit?: { readonly maxBytes: number; readonly hint: string },
  ) {
    this.file = limit ? new AtomicFile(path, limit.maxBytes, limit.hint) : new AtomicFile(path);
    this.file.write(stringify([schema.map((c) => c.name)]));
  }

  /** Adds one row. */
  row(r: R): void {
    this.rows.push(cellsOf(this.schema, r));
    if (this.rows.length >= ROWS_PER_CHUNK) this.flushRows();
  }

  /** Writes the remaining rows and renames the file into place. */
  finish(): void {
    this.flushRows();
    this.file.commit();
  }

  /** Removes the partial file (safe to call in any state). */
  abort(): void {
    this.rows = [];
    this.file.abort();
  }

  private flushRows(): void {
    if (this.rows.length === 0) return;
    const chunk = this.rows;
    this.rows = [];
    try {
      this.file.write(stringify(chunk));
    } catch (e) {
      this.abort();
      throw e;
    }
  }
}

/** Writes a whole (small) table in one go; on any error nothing is left under `path`. */
export function writeCsv<R>(path: string, schema: Schema<R>, rows: Iterable<R>): void {
  const w = new CsvWriter(path, schema);
  try {
    for (const r of rows) w.row(r);
    w.finish();
  } catch (e) {
    w.abort();
    throw e;
  }
}
