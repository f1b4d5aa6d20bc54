/**
 * Writes a study's files (its CSV and its SVG) into a folder, each through a partial file beside it
 * that is renamed into place when complete (traces/atomic-file.ts), so a reader never finds half a
 * file under the final name and a failed run leaves the previous files as they were.
 *
 * Only the study's own outputs are replaced: a target that exists must be a regular file (the
 * previous run's). A symlink, FIFO, device or folder at a target name is refused before anything is
 * written, since replacing it would clobber something the study did not create (AtomicFile alone
 * would follow the link or stream into the device).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { AtomicFile } from '../../traces/atomic-file.js';
import { cellsOf, type Schema } from '../../traces/schema.js';
import { repoRoot } from '../lib/repo-root.js';

export interface StudyFile {
  /** file name inside the folder, no directories */
  readonly name: string;
  readonly text: string;
}

/** The CSV text of `rows` under `schema`'s column names (csv-stringify, as every CSV of the project). */
export const csvText = <R>(schema: Schema<R>, rows: readonly R[]): string => stringify([schema.map((c) => c.name), ...rows.map((r) => cellsOf(schema, r))]);

/** Why `target` may not be replaced, or null when it is missing or a regular file. */
function refusal(target: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (st.isFile()) return null;
  const what = st.isSymbolicLink() ? 'a symlink' : st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a folder' : 'a device or socket';
  return `${target} is ${what}, not a file an earlier study run wrote: move it away and run again`;
}

/** Writes `files` into `dir` (created if missing); returns the paths written. */
export function writeStudyFiles(dir: string, files: readonly StudyFile[]): string[] {
  for (const f of files) if (f.name !== path.basename(f.name)) throw new Error(`internal: study file name ${f.name} has a folder in it`);
  fs.mkdirSync(dir, { recursive: true });
  const targets = files.map((f) => path.join(dir, f.name));
  // every target is checked before the first is written, so a refusal leaves the folder untouched
  const refused = targets.map(refusal).filter((r) => r !== null);
  if (refused.length > 0) throw new Error(refused.join('; '));
  files.forEach((f, i) => {
    const out = new AtomicFile(targets[i]!);
    try {
      out.write(f.text);
      out.commit();
    } catch (e) {
      out.abort();
      throw e;
    }
  });
  return targets;
}

/** Where the studies' files are committed. */
export const studiesDir = (): string => path.join(repoRoot(), 'docs', 'studies');

/**
 * The body of a study script: makes its files and writes them into the folder named by the first
 * argument (default docs/studies), printing each path. Returns the exit code.
 */
export function runStudy(make: () => readonly StudyFile[], argv: readonly string[]): number {
  const dir = argv[0] ?? studiesDir();
  for (const file of writeStudyFiles(dir, make())) process.stdout.write(`wrote ${file}\n`);
  return 0;
}
