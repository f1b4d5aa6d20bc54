/**
 * `--sanitize` on the command line: the acceptance run (emit a library kernel's assembly, delete a
 * wait_flag, run it with `asm --sanitize`), the exit status 3 and the JSON report, on run, asm and exec.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as cli } from './support/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-sanitize-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));


describe('--sanitize', () => {
  const kernel = path.join(dir, 'k.s');

  it('run matmul --sanitize on a library kernel is clean (exit 0) and says so in JSON', async () => {
    const r = await cli('run', 'matmul', '--m', '64', '--k', '64', '--n', '64', '--sanitize', '--emit-asm', kernel, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).sanitizer.findings).toEqual([]);
    expect(r.stderrLines).toEqual([]);
  });

  it('asm --sanitize with the wait for the L1 chunk deleted: a race naming both instructions, exit 3', async () => {
    const lines = fs.readFileSync(kernel, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.trim() === 'wait_flag MTE2, MTE1, 0');
    expect(at).toBeGreaterThan(0);
    const broken = path.join(dir, 'broken.s');
    fs.writeFileSync(broken, lines.filter((_, i) => i !== at).join('\n'));
    const r = await cli('asm', broken, '--sanitize');
    expect(r.code).toBe(3);
    const race = r.stderrLines.find((l) => l.startsWith('aicore-sim: sanitizer: race: '));
    expect(race).toMatch(/MTE1 pc \d+ \(load2d .*\) reads it at cycle \d+; MTE2 pc \d+ \(copy_gm_l1_nd2nz .*\) wrote it at cycle \d+/);
    expect(r.stderrLines.at(-1)).toMatch(/^aicore-sim: sanitizer: found \d+ race/);
    // without --sanitize the same program runs and exits 0: the defect is silent
    expect((await cli('asm', broken)).code).toBe(0);
  });

  it('exec --sanitize reports per case and kernel', async () => {
    const c = { op: 'QuantizeLinear', name: 'q', inputs: { x: { dtype: 'float32', dims: [4], data: [0, 1, 2, 3] }, y_scale: { dtype: 'float32', dims: [], data: [0.5] } } };
    const file = path.join(dir, 'case.json');
    fs.writeFileSync(file, JSON.stringify(c));
    const r = await cli('exec', '--case', file, '--out', path.join(dir, 'r.json'), '--sanitize');
    expect(r.code).toBe(0);
    expect(r.stderrLines).toEqual([]);
  });
});
