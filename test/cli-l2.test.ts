/**
 * The L2 from the command line: `--l2 flushed|warm` on run and asm, `--l2` between an operator's
 * launches in exec, and the bytes by level in --json and the text summary.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../scripts/lib/errors.js';
import { runCli } from './support/cli.js';
import { loadFixture } from './support/fixtures.js';

const json = (s: string) => JSON.parse(s) as Record<string, unknown> & { cycles: number; l2Start: string; memory: { l2Hit: number; l2Miss: number; hbmRead: number; hbmWrite: number } };

describe('run matmul --l2', () => {
  const args = ['run', 'matmul', '--m', '256', '--k', '512', '--n', '256', '--timing-only', '--json'];

  it('flushed by default; warm runs an identical launch first and hits what it left', async () => {
    const flushed = json((await runCli(...args)).stdout);
    const warm = json((await runCli(...args, '--l2', 'warm')).stdout);
    expect([flushed.l2Start, warm.l2Start]).toEqual(['flushed', 'warm']);
    expect(flushed.memory.hbmRead).toBeGreaterThanOrEqual(2 * 256 * 512);
    expect(warm.memory.hbmRead).toBe(0);
    // every line the first launch touched is resident: the warm one hits all of its GM bytes
    expect(warm.memory.l2Miss).toBe(0);
    expect(warm.memory.l2Hit).toBe(flushed.memory.l2Hit + flushed.memory.l2Miss);
    expect(warm.cycles).toBeLessThanOrEqual(flushed.cycles);
  });

  it('the text summary gives the bytes by level and how the L2 started', async () => {
    const r = await runCli('run', 'matmul', '--m', '64', '--k', '64', '--n', '64', '--timing-only', '--l2', 'warm');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/GM bytes by level \(L2 warm at the start; [\d,]+ dirty bytes left in the L2/);
    expect(r.stdout).toMatch(/GM path +L2 hit +L2 miss +HBM read +HBM write/);
  });

  it('an unknown policy is a usage error', async () => {
    const r = await runCli(...args, '--l2', 'hot');
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--l2|l2/);
  });
});

describe('exec --l2', () => {
  it('warm by default between an operator\'s launches: the gm variant\'s requant hits the GEMM output', async () => {
    const c = loadFixture('QLinearMatMul').cases[0]!;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-l2-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify(c.raw));
    const kernels = async (...more: string[]) => {
      const r = await runCli('exec', '--case', file, '--out', '-', '--fusion', 'gm', ...more);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as { kernels: { name: string; l2Start: string; memory: { l2Hit: number; l2Miss: number } }[] }).kernels;
    };
    const warm = await kernels();
    const flushed = await kernels('--l2', 'flushed');
    expect(warm.map((k) => k.l2Start)).toEqual(['flushed', ...warm.slice(1).map(() => 'warm')]);
    expect(flushed.every((k) => k.l2Start === 'flushed')).toBe(true);
    // the requant kernels read rows of the GEMM's int32 output: resident when warm, misses when flushed
    const requant = (ks: typeof warm) => ks.filter((k) => k.name === 'requant');
    expect(requant(warm).length).toBeGreaterThan(0);
    requant(warm).forEach((k, i) => expect(k.memory.l2Miss).toBeLessThan(requant(flushed)[i]!.memory.l2Miss));
  });
});
