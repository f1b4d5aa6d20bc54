/**
 * A run's set of output files, staged and published as one: every file is written into a staging
 * folder of this run's own inside the output folder (`.aicore-sim-run-<pid>-XXXXXX`), and only after
 * the run succeeded are they renamed into place, under a lock file so that two runs publishing into
 * one folder never interleave (the last one's set wins whole). A failed run removes its staging
 * folder and touches nothing else; a run killed before publishing leaves only its staging folder,
 * which the next run into that folder removes. Only regular files are replaced: an output name that
 * is a symlink, a FIFO, a device or a folder is refused before the run starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processAlive } from '../../traces/atomic-file.js';
import { JobError } from './job-error.js';

const STAGING_PREFIX = '.aicore-sim-run-';
const LOCK_NAME = '.aicore-sim.lock';
/** How long a run waits for another run's publishing before it gives up. */
const LOCK_WAIT_MS = 10_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** What is at `p`: missing, a regular file, or something else (named for the message). */
function kindAt(p: string): 'missing' | 'file' | string {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return 'missing';
  }
  if (st.isFile()) return 'file';
  return st.isSymbolicLink() ? 'a symlink' : st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device';
}

/** Removes staging folders of runs that are no longer alive. */
function removeStale(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = new RegExp(`^${STAGING_PREFIX.replace(/\./g, '\\.')}(\\d+)-`).exec(name);
    if (m && !processAlive(Number(m[1]))) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

export class StagedOutputs {
  /** where this run writes its files until they are published */
  readonly staging: string;
  private done = false;

  private readonly outputs: string[] = [];

  /** Checks the final names (regular files or missing) and creates the staging folder in `dir`. */
  constructor(
    readonly dir: string,
    names: readonly string[],
  ) {
    this.add(names);
    try {
      removeStale(dir);
      this.staging = fs.mkdtempSync(path.join(dir, `${STAGING_PREFIX}${process.pid}-`));
    } catch (e) {
      throw new JobError(`cannot write outputs to ${dir}: ${(e as Error).message}`);
    }
  }

  /** The outputs of the set, in the order they are published. */
  get names(): readonly string[] {
    return this.outputs;
  }

  /**
   * Adds outputs to the set (a run that learns its launches as it goes: exec), each checked like
   * the constructor's: a regular file or missing.
   */
  add(names: readonly string[]): void {
    for (const n of names) {
      const k = kindAt(path.join(this.dir, n));
      if (k !== 'missing' && k !== 'file')
        throw new JobError(`output ${path.join(this.dir, n)} is ${k}: a run only replaces regular files (remove it, or choose another --out folder)`);
    }
    this.outputs.push(...names);
  }

  /** Path of output `name` while it is being written. */
  at(name: string): string {
    return path.join(this.staging, name);
  }

  /** Moves every staged file into place, under the folder's lock; returns the final paths. */
  publish(): string[] {
    const lock = path.join(this.dir, LOCK_NAME);
    this.acquire(lock);
    try {
      const out: string[] = [];
      for (const n of this.names) {
        const final = path.join(this.dir, n);
        const k = kindAt(final);
        if (k !== 'missing' && k !== 'file') throw new JobError(`output ${final} became ${k} during the run: a run only replaces regular files`);
        fs.renameSync(this.at(n), final);
        out.push(final);
      }
      return out;
    } finally {
      fs.rmSync(lock, { force: true });
      this.discard();
    }
  }

  /** Drops whatever the run staged (idempotent, never throws). */
  discard(): void {
    if (this.done) return;
    this.done = true;
    try {
      fs.rmSync(this.staging, { recursive: true, force: true });
    } catch {
      // nothing more can be done; the next run into this folder removes it
    }
  }

  private acquire(lock: string): void {
    const until = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new JobError(`cannot lock ${this.dir} to publish the outputs: ${(e as Error).message}`);
      }
      let text: string;
      try {
        text = fs.readFileSync(lock, 'utf8');
      } catch (e) {
        // the holder released it between our attempt and this read: try again at once
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new JobError(`cannot read the lock ${lock}: ${(e as Error).message}`);
      }
      const holder = Number(text);
      // an empty lock is one being written by its new holder: wait for it like any other
      if (text !== '' && (!Number.isSafeInteger(holder) || holder <= 0 || !processAlive(holder))) fs.rmSync(lock, { force: true });
      else if (Date.now() > until)
        throw new JobError(
          text === ''
            ? `${lock} has stayed empty for ${LOCK_WAIT_MS / 1000} s (a run died while taking it): remove it`
            : `${lock} is held by process ${holder} for more than ${LOCK_WAIT_MS / 1000} s (remove it if that process is gone)`,
        );
      else sleep(10);
    }
  }
}
