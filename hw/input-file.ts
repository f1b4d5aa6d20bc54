/**
 * Reading a user's input file (assembly, case files, configs, manifests, baselines) safely: only a
 * regular file is read (a FIFO with no writer would block forever, /dev/zero never ends, a folder is
 * not text), and only up to a size cap, checked before reading, so memory stays bounded. Callers
 * turn the one-line reason into their own error type.
 */
import * as fs from 'node:fs';

/** Largest input file read, in bytes (a case file with large tensors fits; a runaway does not). */
export const MAX_INPUT_BYTES = 256 * 2 ** 20;

/** Standard input, read to its end but never past `maxBytes`. */
function readStdin(maxBytes: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let got: number;
    try {
      got = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw new Error(`cannot read standard input: ${code ?? (e as Error).message}`);
    }
    if (got === 0) break;
    total += got;
    if (total > maxBytes) throw new Error(`standard input has more than the ${maxBytes} bytes an input may have`);
    chunks.push(Buffer.from(buf.subarray(0, got)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The text of `file` (`-`: standard input), or throws an Error whose message says why it cannot be
 * read and what to do.
 */
export function readInputText(file: string, maxBytes = MAX_INPUT_BYTES): string {
  if (file === '-') return readStdin(maxBytes);
  return readInputBytes(file, maxBytes).toString('utf8');
}

/**
 * The bytes of the regular file `file`, at most `maxBytes` of them, or throws an Error whose message
 * says why it cannot be read and what to do.
 */
export function readInputBytes(file: string, maxBytes = MAX_INPUT_BYTES): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no such file (check the path)' : `cannot read it: ${code ?? (e as Error).message}`);
  }
  if (st.isDirectory()) throw new Error('it is a folder, not a file');
  if (!st.isFile()) throw new Error(`it is ${st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device'}, not a regular file (copy the input to a file first)`);
  if (st.size > maxBytes) throw new Error(`it has ${st.size} bytes, more than the ${maxBytes} an input may have`);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // the file may have grown between the check and the read
  if (buf.length > maxBytes) throw new Error(`it has more than the ${maxBytes} bytes an input may have`);
  return buf;
}

/**
 * The parsed JSON of input file `file`; `noun` names it in messages ("config file", "manifest") and
 * `error` makes the caller's error class from them.
 */
export function readInputJson(file: string, noun: string, error: (message: string) => Error): unknown {
  let text: string;
  try {
    text = readInputText(file);
  } catch (e) {
    throw error(`cannot read ${noun} ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw error(`${noun} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}
