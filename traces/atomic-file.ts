/**
 * Crash-safe, streaming output files. Text goes to `<path>.partial` in chunks of about 64 KB and the
 * file is renamed into place only when complete, so a reader never finds a half-written trace under
 * the final name, and a large trace never sits in memory as one string.
 */
import * as fs from 'node:fs';

/** Text is buffered up to this many characters before one write system call. */
export const CHUNK_CHARS = 64 * 1024;

type State = 'open' | 'committed' | 'aborted';

/** An output file written to `<path>.partial` and renamed to `path` by `commit()`. */
export class AtomicFile {
  /** where the text goes until the file is complete */
  readonly partialPath: string;
  private fd: number;
  private chunks: string[] = [];
  private pending = 0;
  private state: State = 'open';

  /** Opens (truncates) `<path>.partial`; the folder must exist. */
  constructor(readonly path: string) {
    this.partialPath = `${path}.partial`;
    this.fd = fs.openSync(this.partialPath, 'w');
  }

  /** Appends text; flushes when the buffer passes CHUNK_CHARS. A failed write removes the partial file. */
  write(text: string): void {
    if (this.state !== 'open') throw new Error(`${this.path}: write after the file was ${this.state}`);
    this.chunks.push(text);
    this.pending += text.length;
    if (this.pending >= CHUNK_CHARS) this.guard(() => this.flush());
  }

  /** Flushes, closes and renames the file into place. A failure removes the partial file and rethrows. */
  commit(): void {
    if (this.state !== 'open') throw new Error(`${this.path}: commit after the file was ${this.state}`);
    this.guard(() => {
      this.flush();
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.renameSync(this.partialPath, this.path);
    });
    this.state = 'committed';
  }

  /**
   * Drops the output: closes and deletes the partial file. Idempotent and never throws, so it is safe
   * in error paths; after a commit it does nothing (the file is complete). A file already at `path`
   * from an earlier run is left as it was.
   */
  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.chunks = [];
    try {
      if (this.fd >= 0) fs.closeSync(this.fd);
    } catch {
      // already failing: the unlink below is what matters
    }
    this.fd = -1;
    fs.rmSync(this.partialPath, { force: true });
  }

  private flush(): void {
    if (this.pending === 0) return;
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    // writeSync may write less than asked (full disk, pipes): loop until the chunk is out.
    for (let off = 0; off < buf.length; ) off += fs.writeSync(this.fd, buf, off, buf.length - off);
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.abort();
      throw e;
    }
  }
}
