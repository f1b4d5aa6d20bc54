/**
 * README "Writing your own kernel" shows examples/custom-kernel.mjs as it is, and the example runs:
 * eight AIV blocks of an AIV-only launch on ascend910b compute y = 2x + 1 and write their report.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const EXAMPLE = path.join('examples', 'custom-kernel.mjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-kernel-example-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the custom kernel example', () => {
  it('is in README verbatim', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### Writing your own kernel'));
    const block = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBe(fs.readFileSync(EXAMPLE, 'utf8'));
  });

  it('runs: every element right, the report written', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    const argv = process.argv;
    process.argv = [argv[0]!, EXAMPLE, dir];
    try {
      await import(/* @vite-ignore */ path.resolve(EXAMPLE));
    } finally {
      process.argv = argv;
      log.mockRestore();
    }
    expect(lines[0]).toMatch(/^8 AIV blocks, \d+ cycles, y = 2x \+ 1 everywhere$/);
    // the line README quotes is the one it prints
    expect(fs.readFileSync('README.md', 'utf8')).toContain(`It prints \`${lines[0]}\``);
    for (const f of ['trace.json', 'insns.csv', 'ops.csv', 'summary.csv', 'stats.csv']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
  });
});
