/**
 * The --out CSV of a sweep, in-process on one thread: a rerun of a finished sweep runs nothing; a
 * partial, torn or shuffled CSV resumes to the bytes of a fresh run; a FIFO, a folder or a symlink
 * to a device is refused before anything is written; a CSV of another spec is an error and stays as
 * it was; merge refuses duplicates, gaps, mixed headers and an existing output.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { SMALL, tempDir } from './support/sweep.js';

const tmp = tempDir('aicore-sweep-out-');
afterAll(() => tmp.remove());

const SPEC = tmp.spec('small.json', { ...SMALL, axes: { ...SMALL.axes, dbL0: [true, false] } });
const at = (name: string) => path.join(tmp.dir, name);
const sweep = (out: string, ...flags: string[]) => runCli('sweep', '--spec', SPEC, '--out', out, '--jobs', '1', ...flags);

/** The CSV of a fresh single-thread run (12 rows). */
async function fresh(): Promise<string> {
  const out = at('fresh.csv');
  fs.rmSync(out, { force: true });
  expect((await sweep(out)).code).toBe(0);
  return fs.readFileSync(out, 'utf8');
}

describe('resuming', () => {
  it('a finished sweep, run again, runs no point and leaves the file as it was', async () => {
    const want = await fresh();
    const r = await sweep(at('fresh.csv'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ points: 12, alreadyDone: 12, ran: 0, threads: 0 });
    expect((await sweep(at('fresh.csv'))).stdout).toMatch(/0 points to run: all 12 are in .*fresh\.csv/);
    expect(fs.readFileSync(at('fresh.csv'), 'utf8')).toBe(want);
  });

  it.each([
    ['a header only', (lines: string[]) => lines.slice(0, 1).join('')],
    ['the first rows', (lines: string[]) => lines.slice(0, 6).join('')],
    ['rows out of order', (lines: string[]) => [lines[0], lines[9], lines[3], lines[4]].join('')],
    ['a row cut short', (lines: string[]) => lines.slice(0, 5).join('') + lines[5]!.slice(0, 7)],
    ['an empty file', () => ''],
  ])('from %s, a rerun ends with the bytes of a fresh run', async (_what, cut) => {
    const want = await fresh();
    const lines = want.split(/(?<=\n)/);
    const out = at('partial.csv');
    fs.writeFileSync(out, cut(lines));
    const r = await sweep(out, '--json');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(want);
    expect(fs.readdirSync(tmp.dir).filter((f) => f.includes('partial.csv.'))).toEqual([]);
  });
});

describe('what --out may be', () => {
  it('a FIFO is refused before anything is opened for writing (no hang)', async () => {
    const fifo = at('fifo.csv');
    execFileSync('mkfifo', [fifo]);
    const r = await sweep(fifo);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^aicore-sim: --out .*fifo\.csv is a FIFO: a sweep appends to a regular file/);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a folder, and a symlink to a FIFO, are refused', async () => {
    fs.mkdirSync(at('folder.csv'));
    expect((await sweep(at('folder.csv'))).stderr).toMatch(/--out .*folder\.csv is a folder/);
    execFileSync('mkfifo', [at('fifo2')]);
    fs.symlinkSync(at('fifo2'), at('link.csv'));
    const r = await sweep(at('link.csv'));
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/--out .*link\.csv is a symlink to a FIFO/);
  });

  it('a symlink to a regular file writes that file; the link stays', async () => {
    const want = await fresh();
    fs.writeFileSync(at('target.csv'), '');
    fs.symlinkSync(at('target.csv'), at('tolink.csv'));
    expect((await sweep(at('tolink.csv'))).code).toBe(0);
    expect(fs.lstatSync(at('tolink.csv')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(at('target.csv'), 'utf8')).toBe(want);
  });

  it('a CSV with another header, or with rows of another spec, is an error and stays as it was', async () => {
    const other = 'a,b,c\n1,2,3\n';
    fs.writeFileSync(at('other.csv'), other);
    const r = await sweep(at('other.csv'));
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/other\.csv is not a CSV a sweep wrote: its header is "a,b,c"/);
    expect(fs.readFileSync(at('other.csv'), 'utf8')).toBe(other);

    const want = await fresh();
    const changed = want.replace('\n1,32,', '\n1,64,');
    fs.writeFileSync(at('changed.csv'), changed);
    const r2 = await sweep(at('changed.csv'));
    expect(r2.code).toBe(4);
    expect(r2.stderr).toMatch(/changed\.csv line 3: point 1 has baseK=64, and this spec's point 1 has baseK=32: the CSV is from another spec/);
    expect(fs.readFileSync(at('changed.csv'), 'utf8')).toBe(changed);

    const header = want.split('\n')[0]!.replace(',dbL0,', ',dbL1,');
    fs.writeFileSync(at('header.csv'), `${header}\n`);
    const r3 = await sweep(at('header.csv'));
    expect(r3.stderr).toMatch(/header\.csv has the columns point,baseK,l2\.bytes,dbL1,.* and this sweep writes point,baseK,l2\.bytes,dbL0,.*: it is left as it is/);
  });

  it('a lock held by a live sweep is refused; a dead one is taken over', async () => {
    const out = at('locked.csv');
    fs.writeFileSync(`${out}.lock`, String(process.pid));
    expect((await sweep(out)).stderr).toMatch(new RegExp(`another sweep \\(process ${process.pid}\\) is writing`));
    fs.writeFileSync(`${out}.lock`, '99999999');
    expect((await sweep(out)).code).toBe(0);
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
  });
});

describe('merge errors', () => {
  it('duplicates, gaps, mixed headers and an existing output are refused', async () => {
    const want = await fresh();
    const [header, ...rows] = want.split(/(?<=\n)/);
    fs.writeFileSync(at('s1.csv'), header + rows.slice(0, 6).join(''));
    fs.writeFileSync(at('s2.csv'), header + rows.slice(5).join(''));
    fs.writeFileSync(at('s3.csv'), header + rows.slice(7).join(''));
    fs.writeFileSync(at('s4.csv'), header!.replace('dbL0', 'dbL1') + rows.slice(6).join(''));
    const dup = await runCli('merge', at('m.csv'), at('s1.csv'), at('s2.csv'));
    expect(dup.code).toBe(4);
    expect(dup.stderr).toMatch(/point 5 is in .*s1\.csv \(line 7\) and in .*s2\.csv \(line 2\): give each shard once/);
    const gap = await runCli('merge', at('m.csv'), at('s1.csv'), at('s3.csv'));
    expect(gap.stderr).toMatch(/points 6 are in no shard \(1 missing of 0\.\.11\)/);
    const tail = await runCli('merge', at('m.csv'), at('s1.csv'), '--spec', SPEC);
    expect(tail.stderr).toMatch(/points 6, 7, 8, 9, 10, \.\.\. of .*small\.json are in no shard \(6 of 12 missing\)/);
    const mixed = await runCli('merge', at('m.csv'), at('s1.csv'), at('s4.csv'));
    expect(mixed.stderr).toMatch(/s4\.csv has the columns .*dbL1.*: the shards must come from one spec/);
    expect(fs.existsSync(at('m.csv'))).toBe(false);
    fs.writeFileSync(at('s5.csv'), header + rows.slice(6).join(''));
    const ok = await runCli('merge', at('m.csv'), at('s5.csv'), at('s1.csv'), '--spec', SPEC);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/merged 2 shard\(s\) into .*m\.csv: 12 points, every point of the spec/);
    expect(fs.readFileSync(at('m.csv'), 'utf8')).toBe(want);
    const again = await runCli('merge', at('m.csv'), at('s5.csv'), at('s1.csv'));
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/m\.csv exists: merge writes a new file and never replaces one/);
  });
});
