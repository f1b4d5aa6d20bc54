/**
 * Headless Chromium for the report's test and screenshots (Debian's `chromium` package; nothing is
 * downloaded). Each call gets a profile folder of its own, so runs in parallel do not share one.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The chromium binary on PATH, or null. */
export function chromiumPath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  return null;
}

export interface ChromiumRun {
  readonly status: number | null;
  readonly stdout: string;
  /** the page's console messages (`CONSOLE` log lines: errors, uncaught exceptions, logs) */
  readonly console: readonly string[];
}

/** Opens `html` headless with `extra` flags (e.g. --dump-dom, --screenshot=FILE); throws without chromium. */
export function runChromium(html: string, extra: readonly string[], timeoutMs = 90_000): ChromiumRun {
  const bin = chromiumPath();
  if (!bin) throw new Error('chromium is not installed (Debian: apt-get install -y chromium)');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-chromium-'));
  try {
    const r = spawnSync(
      bin,
      ['--headless', '--disable-gpu', '--no-sandbox', '--hide-scrollbars', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', ...extra, pathToFileURL(path.resolve(html)).href],
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 2 ** 20 },
    );
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, console: r.stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
