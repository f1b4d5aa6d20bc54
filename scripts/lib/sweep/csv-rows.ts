/**
 * Reading a sweep CSV back (to resume it, or to merge shards): the header, then each row as its
 * cells and its line as this sweep would write it, checked against the header. Errors are JobErrors
 * that name the file and the line.
 */
import { parse } from 'csv-parse/sync';
import { JobError } from '../job-error.js';
import { csvText, STATUSES } from './columns.js';

export interface CsvRow {
  readonly point: number;
  readonly cells: readonly string[];
  /** the row as written (csvText of its cells) */
  readonly line: string;
  /** line number in the file, from 1 (the header is line 1) */
  readonly lineNo: number;
}

export interface SweepCsv {
  readonly header: readonly string[];
  readonly rows: readonly CsvRow[];
}

const shownHeader = (h: readonly string[]) => h.join(',');

/** Parses a sweep CSV's text; `file` names it in messages. Empty text has no header and no rows. */
export function parseSweepCsv(text: string, file: string): SweepCsv {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (e) {
    throw new JobError(`${file} is not a CSV a sweep wrote: ${(e as Error).message}`);
  }
  const [header, ...body] = records;
  if (!header) return { header: [], rows: [] };
  const at = header.indexOf('point');
  if (header[0] !== 'point' || header.at(-1) !== 'reason' || header.at(-2) !== 'status' || at !== 0)
    throw new JobError(`${file} is not a CSV a sweep wrote: its header is "${shownHeader(header).slice(0, 120)}", a sweep's starts with point and ends with status,reason`);
  const rows = body.map((cells, i): CsvRow => {
    const lineNo = i + 2;
    if (cells.length !== header.length) throw new JobError(`${file} line ${lineNo}: ${cells.length} cells, and the header has ${header.length}`);
    const point = Number(cells[0]);
    if (!/^\d+$/.test(cells[0]!) || !Number.isSafeInteger(point)) throw new JobError(`${file} line ${lineNo}: point must be an index (0, 1, ...), got ${JSON.stringify(cells[0])}`);
    if (!(STATUSES as readonly string[]).includes(cells.at(-2)!)) throw new JobError(`${file} line ${lineNo}: status must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(cells.at(-2))}`);
    return { point, cells, line: csvText([cells]), lineNo };
  });
  return { header, rows };
}

/** A JobError unless `got` is the header `want`. */
export function checkHeader(got: readonly string[], want: readonly string[], file: string, fix: string): void {
  if (got.length === want.length && got.every((c, i) => c === want[i])) return;
  throw new JobError(`${file} has the columns ${shownHeader(got)}, and this sweep writes ${shownHeader(want)}: ${fix}`);
}
