/**
 * Sweeps as separate processes, started from the TypeScript sources (scripts/source-loader.mjs, so
 * they test the sources and not dist/): a 640-point sweep on two worker threads gives the bytes of a
 * single-thread run; two shards (run by GNU parallel when it is installed, as plain child processes
 * otherwise) merge into those bytes; a sweep killed mid-run resumes to the bytes of a fresh run; the
 * progress bar shows on a terminal and never in a pipe.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { MATMUL_640, SOURCE_CLI, tempDir } from './support/sweep.js';

const tmp = tempDir('aicore-sweep-cli-');
afterAll(() => tmp.remove());
const at = (name: string) => path.join(tmp.dir, name);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI in a child process. */
const cli = (...args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    const p = spawn(process.execPath, [...SOURCE_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

const SPEC = tmp.spec('mm640.json', MATMUL_640);
let single = '';

beforeAll(async () => {
  // the reference: one thread, in this process
  const r = await runCli('sweep', '--spec', SPEC, '--out', at('single.csv'), '--jobs', '1', '--quiet');
  expect(r.code).toBe(0);
  single = fs.readFileSync(at('single.csv'), 'utf8');
}, 60_000);

describe('sweep on worker threads', () => {
  it('640 points from one command on 2 threads: the bytes of the single-thread run', async () => {
    const r = await cli('sweep', '--spec', SPEC, '--out', at('two.csv'), '--jobs', '2', '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ points: 640, ran: 640, threads: 2, alreadyDone: 0, failed: 0 });
    expect(summary.ok).toBeGreaterThan(400);
    expect(summary.illegal).toBeGreaterThan(0);
    expect(single.split('\n')).toHaveLength(642);
    expect(fs.readFileSync(at('two.csv'), 'utf8')).toBe(single);
    // stderr is a pipe here: no progress bar
    expect(r.stderr).toBe('');
  });

  it('without --out the CSV goes to standard output, in point order, and the summary to standard error', async () => {
    const r = await cli('sweep', '--spec', SPEC, '--jobs', '2', '--shard', '2/2');
    expect(r.code).toBe(0);
    const [header, ...rows] = single.split(/(?<=\n)/);
    expect(r.stdout).toBe(header + rows.filter((_, i) => i % 2 === 1).join(''));
    expect(r.stderr).toMatch(/^sweep .*mm640\.json: 640 points, 320 in shard 2\/2; 320 run on 2 thread\(s\) in [\d.]+ s \([\d.]+ points\/s\): \d+ ok, \d+ illegal, 0 failed\n$/);
    expect(r.stderr).not.toMatch(/\r|ETA/);
  });

  it('two shards, merged, are the unsharded CSV byte for byte', async () => {
    const shardArgs = (i: number) => ['sweep', '--spec', SPEC, '--out', at(`shard${i}.csv`), '--shard', `${i}/2`, '--jobs', '1', '--quiet'];
    const parallel = spawnSync('sh', ['-c', 'command -v parallel'], { encoding: 'utf8' }).status === 0;
    if (parallel) {
      // as a user would: one command line per shard, {} the shard number
      const args = shardArgs(0).map((a) => a.replace('shard0', 'shard{}').replace('0/2', '{}/2'));
      execFileSync('parallel', ['--will-cite', '--halt', 'now,fail=1', '-j', '2', process.execPath, ...SOURCE_CLI, ...args, ':::', '1', '2'], { stdio: 'ignore' });
    } else {
      const codes = await Promise.all([cli(...shardArgs(1)), cli(...shardArgs(2))]);
      expect(codes.map((c) => c.code)).toEqual([0, 0]);
    }
    const r = await runCli('merge', at('merged.csv'), at('shard2.csv'), at('shard1.csv'), '--spec', SPEC);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(at('merged.csv'), 'utf8')).toBe(single);
    expect(fs.readFileSync(at('shard1.csv'), 'utf8').split('\n')).toHaveLength(322);
  });
});

describe('a killed sweep', () => {
  // slower points (a few ms each) so the kill lands mid-run
  const slow = { ...MATMUL_640, params: { m: 128, k: 512, n: 128 }, axes: { ...MATMUL_640.axes, dbL0: [true], dbL1: [true] } };
  const SLOW = tmp.spec('slow.json', slow);

  it('loses only points in flight, and a rerun ends with the bytes of a fresh run', async () => {
    const out = at('killed.csv');
    const p = spawn(process.execPath, [...SOURCE_CLI, 'sweep', '--spec', SLOW, '--out', out, '--jobs', '2', '--quiet'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => p.on('exit', resolve));
    const rowsIn = () => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').length - 2 : -1);
    while (rowsIn() < 10) await new Promise((r) => setTimeout(r, 5));
    p.kill('SIGKILL');
    await exited;
    const partial = fs.readFileSync(out, 'utf8');
    const kept = partial.split('\n').length - 2;
    expect(kept).toBeGreaterThanOrEqual(10);
    expect(kept).toBeLessThan(208);
    const resumed = await cli('sweep', '--spec', SLOW, '--out', out, '--jobs', '2', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ points: 208, alreadyDone: kept, ran: 208 - kept });
    const r = await runCli('sweep', '--spec', SLOW, '--out', at('slow-fresh.csv'), '--jobs', '1', '--quiet');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(at('slow-fresh.csv'), 'utf8'));
  });
});

describe('progress', () => {
  const script = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;

  it.skipIf(!script)('a terminal on standard error gets the bar with the rate and ETA; --quiet turns it off', () => {
    const spec = tmp.spec('few.json', { ...MATMUL_640, axes: { baseM: [16, 32] }, constraints: [] });
    const command = (...flags: string[]) => [process.execPath, ...SOURCE_CLI, 'sweep', '--spec', spec, '--jobs', '1', '--out', at(`tty${flags.length}.csv`), ...flags].map((a) => `'${a}'`).join(' ');
    const tty = execFileSync('script', ['-qec', command(), '/dev/null'], { encoding: 'utf8' });
    expect(tty).toMatch(/sweep \[#+-*\] \d+\/2 [\d.]+% [\d.]+ points\/s ETA/);
    const quiet = execFileSync('script', ['-qec', command('--quiet'), '/dev/null'], { encoding: 'utf8' });
    expect(quiet).not.toMatch(/ETA/);
  });
});
