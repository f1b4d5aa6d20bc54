/**
 * Outputs that lose nothing: devices, FIFOs and symlinks at an output path are written through, never
 * replaced; a write error on a device is reported and the device stays; a failed run leaves the
 * user's files as they were; an output folder whose file names are taken by non-regular files is
 * refused before the run. Device files and FIFOs are made inside a temporary folder.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as cli } from './support/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-outputs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));


const MM = ['run', 'matmul', '--m', '16', '--k', '32', '--n', '16', '--preset', 'tiny', '--timing-only'];

/** A character device like /dev/full (major 1, minor 7), made here; null where mknod is not allowed. */
function makeFull(p: string): string | null {
  try {
    execFileSync('mknod', [p, 'c', '1', '7'], { stdio: 'ignore' });
    return p;
  } catch {
    return null;
  }
}

describe('single-file outputs', () => {
  const full = makeFull(path.join(dir, 'full'));

  it.skipIf(full === null)('--emit-asm onto a full device reports the write error and leaves the device', async () => {
    const r = await cli(...MM, '--emit-asm', full!);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^aicore-sim: cannot write .*full: ENOSPC/);
    expect(fs.lstatSync(full!).isCharacterDevice()).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('--emit-asm onto a symlink writes the file it points at; the link stays a link', async () => {
    const target = path.join(dir, 'real.s');
    fs.writeFileSync(target, 'old\n');
    const link = path.join(dir, 'link.s');
    fs.symlinkSync(target, link);
    expect((await cli(...MM, '--emit-asm', link)).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toMatch(/^# aicore-sim: preset=tiny/);
  });

  it('--emit-asm onto a FIFO streams into it; the FIFO stays', async () => {
    const fifo = path.join(dir, 'pipe.s');
    execFileSync('mkfifo', [fifo]);
    const got = path.join(dir, 'from-pipe.s');
    const reader = spawn('sh', ['-c', `cat "${fifo}" > "${got}"`]);
    const done = new Promise((resolve) => reader.on('exit', resolve));
    expect((await cli(...MM, '--emit-asm', fifo)).code).toBe(0);
    await done;
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    expect(fs.readFileSync(got, 'utf8')).toMatch(/^# aicore-sim: preset=tiny/);
  });
});

describe('output folders', () => {
  it('a run whose outputs are taken by a symlink or a FIFO is refused before it starts, and they stay', async () => {
    const out = path.join(dir, 'taken');
    fs.mkdirSync(out);
    const mine = path.join(dir, 'mine.json');
    fs.writeFileSync(mine, '{}');
    fs.symlinkSync(mine, path.join(out, 'trace.json'));
    execFileSync('mkfifo', [path.join(out, 'stats.csv')]);
    const r = await cli(...MM, '--out', out);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/output .*trace\.json is a symlink: a run only replaces regular files/);
    expect(fs.lstatSync(path.join(out, 'trace.json')).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(out, 'stats.csv')).isFIFO()).toBe(true);
    expect(fs.readFileSync(mine, 'utf8')).toBe('{}');
    expect(fs.readdirSync(out).sort()).toEqual(['stats.csv', 'trace.json']);
  });

  it('a failed run leaves the files already in the folder untouched, and no staging folder', async () => {
    const out = path.join(dir, 'kept');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'summary.csv'), 'my notes\n');
    fs.writeFileSync(path.join(out, 'other.txt'), 'x');
    const r = await cli(...MM, '--out', out, '--max-cycles', '20');
    expect(r.code).toBe(1);
    expect(fs.readdirSync(out).sort()).toEqual(['other.txt', 'summary.csv']);
    expect(fs.readFileSync(path.join(out, 'summary.csv'), 'utf8')).toBe('my notes\n');
  });

  it('a staging folder left by a run that died is removed by the next run into the folder', async () => {
    const out = path.join(dir, 'stale');
    fs.mkdirSync(out);
    // a pid that cannot be alive: above the kernel's pid limit
    fs.mkdirSync(path.join(out, '.aicore-sim-run-99999999-abc123'));
    expect((await cli(...MM, '--out', out)).code).toBe(0);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(fs.readdirSync(out)).toContain('trace.json');
  });
});

describe('- is standard output', () => {
  it('exec --out - prints the results as JSON, the summary on stderr', async () => {
    const c = path.join(dir, 'c.json');
    fs.writeFileSync(c, JSON.stringify({ op: 'QuantizeLinear', inputs: { x: { dtype: 'float32', dims: [2], data: [1, 2] }, y_scale: { dtype: 'float32', dims: [], data: [1] } } }));
    const r = await cli('exec', '--case', c, '--out', '-');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outputs.y.data).toEqual([1, 2]);
    expect(r.stderr).toMatch(/^1 case\(s\) on ascend910b, \d+ cycles in all -> standard output$/);
    expect(fs.existsSync('-')).toBe(false);
  });

  it('--emit-asm - prints the assembly, the report on stderr', async () => {
    const r = await cli(...MM, '--emit-asm', '-');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# aicore-sim: preset=tiny/);
    expect(r.stdout).not.toMatch(/bit-exact|cycles/);
    expect(r.stderr).toMatch(/cycles/);
  });

  it('regress --baseline - --update prints the baseline', async () => {
    const m = path.join(dir, 'm.json');
    fs.writeFileSync(m, JSON.stringify({ entries: [{ id: 'e', kernel: 'matmul', preset: 'tiny', params: { m: 16, k: 16, n: 16 } }] }));
    const r = await cli('regress', '--manifest', m, '--baseline', '-', '--update');
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).entries)).toEqual(['e']);
  });
});

describe('partial files', () => {
  it("a dead run's partial file next to an output is removed by the next write; a live one's is kept", async () => {
    const out = path.join(dir, 'p.s');
    const dead = `${out}.99999999.0.partial`;
    const live = `${out}.${process.pid}.999.partial`;
    fs.writeFileSync(dead, 'half');
    fs.writeFileSync(live, 'mine');
    expect((await cli(...MM, '--emit-asm', out)).code).toBe(0);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.readFileSync(live, 'utf8')).toBe('mine');
    fs.rmSync(live);
  });
});

describe('concurrent runs into one --out folder', () => {
  const cli = fileURLToPath(new URL('../dist/scripts/cli.js', import.meta.url));
  const built = fs.existsSync(cli);

  /** One CLI process; resolves to its exit status. */
  const runProcess = (m: number, out: string) =>
    new Promise<number>((resolve) => {
      const p = spawn(process.execPath, [cli, 'run', 'matmul', '--m', String(m), '--k', '32', '--n', '16', '--preset', 'tiny', '--timing-only', '--out', out], { stdio: 'ignore' });
      p.on('exit', (code) => resolve(code ?? -1));
    });

  /** The files of one run: trace label, summary MACs, instruction rows and report all from the same run. */
  function consistentSet(out: string): number {
    const trace = fs.readFileSync(path.join(out, 'trace.json'), 'utf8');
    const m = Number(/"label":"matmul (\d+)x32x16"/.exec(trace)![1]);
    const total = fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n').at(-1)!.split(',');
    const header = fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(Number(total[header.indexOf('macs')])).toBe(m * 32 * 16);
    const rows = fs.readFileSync(path.join(out, 'insns.csv'), 'utf8').trim().split('\n').length - 1;
    expect(rows).toBe((trace.match(/"ph":"X"/g) ?? []).length);
    // the report too is that run's
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toContain(`<title>matmul ${m}x32x16 on tiny</title>`);
    return m;
  }

  it.skipIf(!built)('each set is complete and from one run, never a mix (run after npm run build)', async () => {
    const out = path.join(dir, 'shared');
    for (let round = 0; round < 3; round++) {
      const codes = await Promise.all([runProcess(16, out), runProcess(48, out)]);
      expect(codes).toEqual([0, 0]);
      expect([16, 48]).toContain(consistentSet(out));
      expect(fs.readdirSync(out).sort()).toEqual(['insns.csv', 'ops.csv', 'report-data.json', 'report.html', 'stats.csv', 'summary.csv', 'trace.json']);
    }
  });
});
