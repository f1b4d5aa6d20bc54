/**
 * Crash-safe, streaming output files. Text goes to a partial file next to the target in chunks of
 * about 64 KiB and is renamed into place only when complete, so a reader never finds a half-written
 * trace under the final name, and a large trace never sits in memory as one string.
 *
 * Only regular files are ever replaced. A target that is a device, a FIFO or a socket (/dev/stdout,
 * /dev/full, a pipe to another program) is written in place, streaming, and never renamed over or
 * removed; a symlink is followed to what it points at (the link stays). The partial file gets a name
 * of its own (`<name>.<pid>.<n>.partial`, created exclusively), so no file of the user's, and no
 * other run's partial file, is ever truncated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Text is buffered up to this many characters before one write system call. */
export const CHUNK_CHARS = 64 * 1024;
/**
 * Largest output file, in bytes: a trace of a runaway kernel stops here with an error instead of
 * filling the disk (the instruction limit usually stops it first).
 */
export const MAX_OUTPUT_BYTES = 8 * 2 ** 30;

/** An output that would pass its size limit: the run stops (exit status 1), the message says what to do. */
export class OutputLimitError extends Error {
  override readonly name = 'OutputLimitError';
}

type State = 'open' | 'committed' | 'aborted';

let partials = 0;

/** Is process `pid` alive (EPERM: alive, but another user's)? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<name>.<pid>.<n>.partial` files next to `target` left by processes that died. */
function removeStalePartials(target: string): void {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^(\d+)\.\d+\.partial$/.exec(n.startsWith(prefix) ? n.slice(prefix.length) : '');
    if (m && !processAlive(Number(m[1]))) fs.rmSync(path.join(dir, n), { force: true });
  }
}

/** Where a target path really is, and whether it is something to stream into rather than replace. */
function resolveTarget(target: string): { path: string; inPlace: boolean } {
  let real = target;
  try {
    real = fs.realpathSync(target);
  } catch {
    // missing (or a dangling link): a new regular file at the given path
    return { path: target, inPlace: false };
  }
  const st = fs.statSync(real);
  if (st.isDirectory()) throw new Error(`${target} is a folder (give a file name)`);
  return { path: real, inPlace: !st.isFile() };
}

/** An output file written to a partial file and renamed to `path` by `commit()` (see the file comment). */
export class AtomicFile {
  /** where the text goes until the file is complete (the target itself when it is written in place) */
  readonly partialPath: string;
  private readonly finalPath: string;
  private readonly inPlace: boolean;
  private fd: number;
  private chunks: string[] = [];
  private pending = 0;
  private written = 0;
  private state: State = 'open';

  /** Opens the partial file (or the device / FIFO itself); the folder must exist. */
  constructor(
    readonly path: string,
    private readonly maxBytes = MAX_OUTPUT_BYTES,
    /** what the size-limit error says to do (default: the general output limit's advice) */
    private readonly limitHint = 'output size limit: trace a shorter run (fewer blocks, a smaller problem) or run without --out',
  ) {
    const t = resolveTarget(path);
    this.finalPath = t.path;
    this.inPlace = t.inPlace;
    if (!t.inPlace) removeStalePartials(t.path);
    this.partialPath = t.inPlace ? t.path : `${t.path}.${process.pid}.${partials++}.partial`;
    this.fd = fs.openSync(this.partialPath, t.inPlace ? 'w' : 'wx');
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
      if (!this.inPlace) fs.renameSync(this.partialPath, this.finalPath);
    });
    this.state = 'committed';
  }

  /**
   * Drops the output: closes and deletes the partial file. Idempotent and never throws, so it is safe
   * in error paths; after a commit it does nothing (the file is complete). A file already at `path`
   * from an earlier run, and a device or FIFO written in place, are left as they are.
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
    if (!this.inPlace) fs.rmSync(this.partialPath, { force: true });
  }

  private flush(): void {
    if (this.pending === 0) return;
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    this.written += buf.length;
    if (this.written > this.maxBytes)
      // the file's name, not its path: a staged output's path is the run's staging folder
      throw new OutputLimitError(`${path.basename(this.finalPath)} would pass ${this.maxBytes} bytes, the ${this.limitHint}`);
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

/** The folder a target file ends up in (symlinks followed), for callers that stage next to it. */
export const targetFolder = (target: string): string => path.dirname(resolveTarget(target).path);
