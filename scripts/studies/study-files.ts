/**
 * Writes a study's outputs (a CSV and its SVG plots) into a folder without clobbering anything the
 * study did not create. Every target is checked before anything is written: it must be missing, or a
 * regular file whose first line is the one this study writes there (the header of its CSV, the
 * opening tag of its SVG): the study's own previous output. A symlink, FIFO, device or folder at a
 * target, or a regular file that starts differently, stops the run with nothing written. Only the first
 * line's first cell (a CSV's first column name, the `<svg` tag and its namespace) is compared, so a study
 * whose columns changed still replaces its own older output. Each file is
 * then written to a temporary file of its own in the same folder and renamed over the target, so a
 * reader never finds a half-written file under the final name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { cellsOf, type Schema } from '../../traces/schema.js';
import { repoRoot } from '../lib/repo-root.js';

export interface StudyFile {
  /** file name inside the output folder (no folder part) */
  readonly name: string;
  readonly text: string;
}

const firstLine = (text: string): string => text.slice(0, Math.max(0, text.indexOf('\n')));
/** What identifies a study's file: its first line up to the first comma or the second space. */
const signature = (line: string): string => line.split(',')[0]!.split(' ').slice(0, 2).join(' ');

/** The first line of an existing regular file (read up to 4 KiB: a header or an <svg> tag fits). */
function existingFirstLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    return text.includes('\n') ? firstLine(text) : text;
  } finally {
    fs.closeSync(fd);
  }
}

/** Why `file` may not be replaced by `text`, or null when it may. */
function refusal(file: string, text: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (st.isSymbolicLink()) return `${file} is a symlink; the study replaces only regular files it wrote`;
  if (!st.isFile()) return `${file} is not a regular file (a folder, FIFO, socket or device); the study writes only regular files`;
  if (signature(existingFirstLine(file)) !== signature(firstLine(text))) return `${file} exists and does not start as this study's output does (it is not the study's own); move it away or give another --out folder`;
  return null;
}

let temps = 0;

/** Writes every file into `dir` (created if missing), or none when any target is refused. Returns the paths. */
export function writeStudyFiles(dir: string, files: readonly StudyFile[]): string[] {
  for (const f of files) if (f.name !== path.basename(f.name) || !f.text.includes('\n')) throw new Error(`internal: study file ${f.name} needs a plain name and a first line`);
  fs.mkdirSync(dir, { recursive: true });
  const targets = files.map((f) => ({ ...f, file: path.join(dir, f.name) }));
  const refused = targets.map((t) => refusal(t.file, t.text)).filter((r) => r !== null);
  if (refused.length > 0) throw new Error(refused.join('; '));
  for (const t of targets) {
    const temp = `${t.file}.${process.pid}.${temps++}.partial`;
    try {
      fs.writeFileSync(temp, t.text, { flag: 'wx' });
      fs.renameSync(temp, t.file);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw e;
    }
  }
  return targets.map((t) => t.file);
}

/** A CSV as text: the schema's column names, then one line per row. */
export const csvText = <R>(schema: Schema<R>, rows: readonly R[]): string => stringify([schema.map((c) => c.name), ...rows.map((r) => cellsOf(schema, r))]);

/** Where the studies' files are committed. */
export const studiesDir = (): string => path.join(repoRoot(), 'docs', 'studies');

/** The folder a study writes into: `--out DIR`, or docs/studies of the repository. */
export function studyOutDir(argv: readonly string[]): string {
  const i = argv.indexOf('--out');
  if (i < 0) return studiesDir();
  const dir = argv[i + 1];
  if (dir === undefined || dir.startsWith('--')) throw new Error('--out needs a folder');
  return dir;
}

/**
 * The body of a study script: makes its files (`make` logs progress to stderr) and writes them into
 * `--out DIR` or docs/studies; an error is one line on stderr and exit status 1.
 */
export function studyMain(name: string, argv: readonly string[], make: (log: (s: string) => void) => readonly StudyFile[]): number {
  try {
    const dir = studyOutDir(argv);
    for (const f of writeStudyFiles(dir, make((s) => process.stderr.write(`${s}\n`)))) process.stdout.write(`wrote ${f}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message}\n`);
    return 1;
  }
}
