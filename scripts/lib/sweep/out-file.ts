/**
 * The --out CSV of a sweep: created with its header or, when it exists, checked (header, and each
 * row against the point it claims to be) and resumed; rows are appended as they finish, each in one
 * write, so a killed sweep keeps every finished row. When the rows are out of point order at the end
 * (several workers, a resume) the file is rewritten in order, atomically (a new file renamed over
 * it: the same rows, never fewer), so the final bytes are those of a fresh single-job run.
 *
 * Only a regular file (or a symlink to one) is used: a FIFO, a device, a socket or a folder is
 * refused before anything is written, and a file whose header is not this sweep's is left as it is.
 * A lock file beside it (`<out>.lock`) keeps two sweeps from appending to one file.
 */
import * as fs from 'node:fs';
import { processAlive } from '../../../traces/atomic-file.js';
import { JobError } from '../job-error.js';
import { valueText } from './axis-values.js';
import { csvText } from './columns.js';
import { checkHeader, parseSweepCsv, type CsvRow } from './csv-rows.js';
import type { SweepPoint } from './points.js';
import type { SweepSpec } from './spec.js';

/** Largest CSV resumed (a million rows of a wide sweep fit). */
const MAX_CSV_BYTES = 2 * 2 ** 30;

/** What is at `p` when it is not a regular file, for the message; undefined for a file or nothing. */
function oddKind(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  return st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device';
}

/** The real path of `out`: itself, or the regular file a symlink leads to. */
function realTarget(out: string): string {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(out);
  } catch {
    return out;
  }
  const real = st.isSymbolicLink() ? safeRealpath(out) : out;
  const kind = oddKind(fs.statSync(real));
  if (kind) throw new JobError(`--out ${out} is ${st.isSymbolicLink() ? `a symlink to ${kind}` : kind}: a sweep appends to a regular file (give a file name)`);
  return real;
}

function safeRealpath(out: string): string {
  try {
    return fs.realpathSync(out);
  } catch {
    throw new JobError(`--out ${out} is a symlink that leads nowhere: give a real file name`);
  }
}

function takeLock(lock: string, out: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new JobError(`cannot lock ${out} (${lock}): ${(e as Error).message}`);
    }
    const holder = Number(fs.readFileSync(lock, 'utf8'));
    if (Number.isSafeInteger(holder) && holder > 0 && processAlive(holder)) throw new JobError(`another sweep (process ${holder}) is writing ${out}: wait for it, or give another --out`);
    fs.rmSync(lock, { force: true });
  }
  throw new JobError(`cannot lock ${out}: ${lock} keeps coming back`);
}

export class SweepOutFile {
  /** points already in the file, by index */
  readonly done: ReadonlySet<number>;
  private readonly lines = new Map<number, string>();
  private readonly fd: number | undefined;
  private readonly path: string;
  private readonly lock: string;
  private last = -1;
  private ordered = true;
  private closed = false;

  /**
   * Opens (or creates) `out` for the points `points` of `spec` with header `header`. Rows already in
   * it must be points of this run with the same axis values.
   */
  constructor(
    readonly out: string,
    private readonly header: readonly string[],
    spec: SweepSpec,
    points: readonly SweepPoint[],
  ) {
    const path = realTarget(out);
    this.path = path;
    this.lock = `${path}.lock`;
    takeLock(this.lock, out);
    try {
      // O_NONBLOCK: should a FIFO appear here after the check, opening it fails instead of waiting for a reader
      const { O_RDWR, O_APPEND, O_CREAT, O_NONBLOCK } = fs.constants;
      try {
        this.fd = fs.openSync(path, O_RDWR | O_APPEND | O_CREAT | O_NONBLOCK, 0o644);
      } catch (e) {
        throw new JobError(`cannot open --out ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const st = fs.fstatSync(this.fd);
      const kind = oddKind(st);
      if (kind) throw new JobError(`--out ${out} is ${kind}: a sweep appends to a regular file`);
      if (st.size > MAX_CSV_BYTES) throw new JobError(`--out ${out} has ${st.size} bytes, more than the ${MAX_CSV_BYTES} a sweep resumes`);
      this.done = this.resume(fs.readFileSync(path, 'utf8'), spec, points);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private resume(text: string, spec: SweepSpec, points: readonly SweepPoint[]): Set<number> {
    if (text === '') {
      this.write(csvText([this.header]));
      return new Set();
    }
    // a row cut short (the machine went down mid-write) is dropped, and the file rewritten at the end
    const cut = text.endsWith('\n') ? text.length : text.lastIndexOf('\n') + 1;
    if (cut < text.length) this.ordered = false;
    const csv = parseSweepCsv(text.slice(0, cut), this.out);
    checkHeader(csv.header, this.header, this.out, 'it is left as it is; give another --out, or remove the file to start over');
    const byIndex = new Map(points.map((p) => [p.index, p]));
    const done = new Set<number>();
    for (const r of csv.rows) {
      this.checkRow(r, byIndex.get(r.point), spec);
      if (done.has(r.point)) throw new JobError(`${this.out} line ${r.lineNo}: point ${r.point} is there twice`);
      done.add(r.point);
      this.keep(r.point, r.line);
    }
    if (cut === 0) this.write(csvText([this.header]));
    return done;
  }

  private checkRow(r: CsvRow, p: SweepPoint | undefined, spec: SweepSpec): void {
    if (!p) throw new JobError(`${this.out} line ${r.lineNo}: point ${r.point} is not a point of this sweep${spec.sample.kind === 'grid' ? '' : ' sample'} (or of this shard): the CSV is from another spec or shard; give another --out`);
    spec.axes.forEach((a, i) => {
      const want = valueText(p.values[a.name]!);
      if (r.cells[i + 1] !== want) throw new JobError(`${this.out} line ${r.lineNo}: point ${r.point} has ${a.name}=${r.cells[i + 1]}, and this spec's point ${r.point} has ${a.name}=${want}: the CSV is from another spec; give another --out`);
    });
  }

  private keep(point: number, line: string): void {
    if (point < this.last) this.ordered = false;
    this.last = Math.max(this.last, point);
    this.lines.set(point, line);
  }

  private write(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    for (let off = 0; off < buf.length; ) off += fs.writeSync(this.fd!, buf, off, buf.length - off);
  }

  /** Appends one finished row (its cells) at once. */
  append(point: number, cells: readonly string[]): void {
    const line = csvText([cells]);
    this.write(line);
    this.keep(point, line);
  }

  /** Puts the rows in point order if they are not (atomically), and closes the file. */
  finish(): void {
    if (!this.ordered) {
      const part = `${this.path}.${process.pid}.sweep.partial`;
      const text = csvText([this.header]) + [...this.lines].sort((a, b) => a[0] - b[0]).map(([, l]) => l).join('');
      const fd = fs.openSync(part, 'wx');
      try {
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(part, this.path);
    }
    this.close();
  }

  /** Closes the file as it is (rows kept: a rerun resumes), and releases the lock. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.fd !== undefined) fs.closeSync(this.fd);
    } catch {
      // closing can only fail on a bad descriptor: nothing to keep
    }
    fs.rmSync(this.lock, { force: true });
  }
}
