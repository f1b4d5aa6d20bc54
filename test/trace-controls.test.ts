/**
 * Trace controls of --out: --trace-cores and --trace-window keep only the chosen instructions in
 * trace.json and insns.csv (the trace says so) while summary.csv still covers the whole run;
 * --no-trace keeps none; --trace-limit stops a trace that would grow past it with what to do
 * (exit 1, nothing published); the controls without --out are a usage error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-trace-controls-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const MM = ['run', 'matmul', '--m', '256', '--k', '256', '--n', '256', '--cores', '4', '--timing-only'];

interface TraceEvent {
  readonly ph: string;
  readonly pid: number;
  readonly args?: { readonly startCycle?: number; readonly endCycle?: number };
}
const trace = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'trace.json'), 'utf8')) as { otherData: { instructionsKept?: string }; traceEvents: TraceEvent[] };
const slices = (dir: string) => trace(dir).traceEvents.filter((e) => e.ph === 'X');
const csvLines = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8').trimEnd().split('\n');

async function run(name: string, ...flags: string[]): Promise<string> {
  const dir = path.join(root, name);
  const r = await runCli(...MM, '--out', dir, ...flags);
  expect([r.code, r.stderr], name).toEqual([0, '']);
  return dir;
}

describe('trace controls', () => {
  it('--trace-cores and --trace-window keep the chosen instructions; the summary covers the whole run', async () => {
    const all = await run('all');
    const some = await run('some', '--trace-cores', '0,2-3', '--trace-window', '200:900');
    const kept = slices(some);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(slices(all).length);
    for (const e of kept) {
      expect([0, 2, 3]).toContain(e.pid);
      expect(e.args!.endCycle! > 200 || e.args!.startCycle! >= 200).toBe(true);
      expect(e.args!.startCycle!).toBeLessThan(900);
    }
    // every kept slice is one of the full trace's
    const key = (e: TraceEvent) => `${e.pid}:${e.args!.startCycle}:${e.args!.endCycle}`;
    const full = new Set(slices(all).map(key));
    expect(kept.every((e) => full.has(key(e)))).toBe(true);
    expect(trace(some).otherData.instructionsKept).toBe('only cores 0, 2, 3; instructions overlapping cycles [200, 900)');
    expect(trace(all).otherData.instructionsKept).toBeUndefined();
    expect(csvLines(some, 'insns.csv').length - 1).toBe(kept.length);
    expect(fs.readFileSync(path.join(some, 'summary.csv'), 'utf8')).toBe(fs.readFileSync(path.join(all, 'summary.csv'), 'utf8'));
  });

  it('--no-trace writes valid files that hold no instructions', async () => {
    const none = await run('none', '--no-trace');
    expect(slices(none)).toEqual([]);
    expect(trace(none).otherData.instructionsKept).toMatch(/^no instructions \(--no-trace\)/);
    expect(csvLines(none, 'insns.csv')).toHaveLength(1);
    expect(csvLines(none, 'summary.csv').length).toBeGreaterThan(1);
  });

  it('--trace-limit stops a bigger trace with what to do, and publishes nothing', async () => {
    const dir = path.join(root, 'limited');
    const r = await runCli(...MM, '--out', dir, '--trace-limit', '20000');
    expect(r.code).toBe(1);
    expect(r.stderrLines).toEqual([expect.stringMatching(/^aicore-sim: (trace\.json|insns\.csv) would pass 20000 bytes, the trace size limit .*--trace-cores.*--trace-window.*--no-trace.*raise --trace-limit$/)]);
    expect(fs.existsSync(path.join(dir, 'trace.json'))).toBe(false);
  });

  it('the controls need --out, and bad values are usage errors', async () => {
    for (const flags of [['--no-trace'], ['--trace-cores', '1']]) expect((await runCli(...MM, ...flags)).code, flags.join(' ')).toBe(2);
    for (const flags of [['--trace-window', '9:3'], ['--trace-window', 'x'], ['--trace-cores', '3-1'], ['--trace-cores', 'a'], ['--trace-limit', '-5']]) {
      const r = await runCli(...MM, '--out', path.join(root, 'bad'), ...flags);
      expect([r.code, r.stderrLines.length], flags.join(' ')).toEqual([2, 1]);
    }
  });
});
