/**
 * `aicore-sim tune`: on the acceptance shapes (the 1024^3 INT8 matmul on every core of ascend910b,
 * ResNet-50 layer1.0.conv2) the search finds a tiling at least as fast as the default tiler's and
 * explains a rejected one in the validation's words; the best tiling's cycles are what the kernel
 * runs to when given that tiling; the output is deterministic; the exit statuses follow the CLI
 * contract. Small shapes and few cores keep the rest fast.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { checkGemmTiling } from '../ops-nn/gemm/index.js';
import { OpError } from '../ops-nn/kernel.js';
import { KERNELS } from '../scripts/lib/regress/kernels.js';
import { timeLaunches } from '../scripts/lib/regress/measure.js';
import { checkCandidate } from '../scripts/lib/tune/check.js';
import { tune } from '../scripts/lib/tune/search.js';
import { tuneSubject } from '../scripts/lib/tune/subject.js';
import { runCli } from './support/cli.js';

interface TuneJson {
  searched: number;
  simulated: number;
  pruning: string;
  best: { cycles: number; isDefault: boolean; tiling: Record<string, number | boolean>; bound: string; chipCubeUtilization: number }[];
  default: { cycles: number; tiling: Record<string, number | boolean> };
  rejected: { rule: string; reason: string; tiling: Record<string, number | boolean> }[];
  rejectedByRule: Record<string, number>;
}

const tuneJson = async (...argv: string[]): Promise<TuneJson> => {
  const r = await runCli('tune', ...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as TuneJson;
};

/** The `run matmul` flags of a tiling. */
const runFlags = (t: Record<string, number | boolean>): string[] => [
  ...['baseM', 'baseN', 'baseK', 'stepK', 'gridN', 'splitK'].flatMap((k) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(t[k])]),
  ...(['dbL1', 'dbL0', 'dbL0C'] as const).map((k) => `--${t[k] ? '' : 'no-'}db-${k.slice(2).toLowerCase()}`),
  t.aResident ? '--a-resident' : '--no-a-resident',
  '--cores',
  String(t.blockDim),
];

describe('tune: acceptance shapes', () => {
  it('1024^3 INT8 on every core of ascend910b: at least as fast as the default, rejections explained, the best reproducible with run matmul', async () => {
    const j = await tuneJson('matmul', '--m', '1024', '--k', '1024', '--n', '1024', '--simulate', '16');
    const best = j.best[0]!;
    expect(best.cycles).toBeLessThanOrEqual(j.default.cycles);
    expect(j.default.tiling.blockDim).toBe(24);
    expect(j.simulated).toBeGreaterThan(1);
    expect(j.searched).toBeGreaterThan(j.simulated);
    // a buffer overflow, with the buffer and the bytes, as the generator's check words it
    const overflow = j.rejected.find((r) => /overflow$/.test(r.rule))!;
    expect(overflow.reason).toMatch(/^L0[ABC] needs \d+ bytes but ascend910b has \d+ \(over by \d+\)/);
    // the same words as the check itself
    const s = tuneSubject({ kernel: 'matmul', params: { m: 1024, k: 1024, n: 1024 }, cfg: loadConfig('ascend910b') });
    expect(() => checkGemmTiling(s.problem, overflow.tiling as never, s.cfg)).toThrow(overflow.reason);
    const run = await runCli('run', 'matmul', '--m', '1024', '--k', '1024', '--n', '1024', '--timing-only', '--json', ...runFlags(best.tiling));
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { cycles: number }).cycles).toBe(best.cycles);
  });

  it('ResNet-50 layer1.0.conv2 (64x56x56 -> 64, 3x3/1): at least as fast as the default, the best reproducible as a regress entry', async () => {
    const j = await tuneJson('conv', '--c', '64', '--height', '56', '--width', '56', '--oc', '64', '--kernel', '3', '--pad', '1', '--simulate', '16');
    const best = j.best[0]!;
    expect(best.cycles).toBeLessThanOrEqual(j.default.cycles);
    expect(j.rejected.length).toBeGreaterThan(0);
    expect(j.rejected[0]!.reason.length).toBeGreaterThan(20);
    const cfg = loadConfig('ascend910b');
    const launches = KERNELS['qlinear-conv']!.bind({ c: 64, h: 56, w: 56, oc: 64, kh: 3, kw: 3, pad: 1, fusion: 'fixpipe' }, best.tiling)(cfg);
    expect(timeLaunches(cfg, launches, 'warm').reduce((n, r) => n + r.cycles, 0)).toBe(best.cycles);
  });
});

describe('tune: K splits', () => {
  it('a long-K matmul with few output tiles: K-split candidates are searched, and one reproduces with run matmul', async () => {
    const j = await tuneJson('matmul', '--m', '16', '--k', '8192', '--n', '64', '--simulate', '8', '--top', '40');
    const split = j.best.find((b) => Number(b.tiling.splitK) > 1)!;
    expect(split).toBeDefined();
    const run = await runCli('run', 'matmul', '--m', '16', '--k', '8192', '--n', '64', '--timing-only', '--json', ...runFlags(split.tiling));
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { cycles: number }).cycles).toBe(split.cycles);
  });
});

describe('tune: report', () => {
  it('the text report ranks the best, compares them with the default, explains rejections and states the pruning rule', async () => {
    const r = await runCli('tune', 'matmul', '--m', '128', '--k', '256', '--n', '128', '--preset', 'tiny', '--top', '3', '--simulate', '8');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^tune matmul m=128 k=256 n=128 .* on tiny, up to 2 of 2 cores/);
    expect(out).toMatch(/rank +cycles +vs default +chip cube +cube +bound +estimate +tiling/);
    expect(out.split('\n').filter((l) => /^ +[123] +[\d,]+ /.test(l))).toHaveLength(3);
    expect(out).toContain("default (the tiler's choice): ");
    expect(out).toMatch(/the best found is [\d.]+% faster than the default|the default tiler's choice is the fastest found/);
    // coupled presets: baseN must be a multiple of 32, in the check's words
    expect(out).toMatch(/alignment \([\d,]+\): .*baseN \d+ must be a multiple of 32 on coupled presets/);
    expect(out).toMatch(/(L0A|L0B|L0C|L1|UB) overflow \([\d,]+\): .*over by \d+/);
    expect(out).toContain('pruning: tile sides baseM, baseN in {16, 32');
  });

  it('is deterministic', async () => {
    const argv = ['tune', 'matmul', '--m', '100', '--k', '300', '--n', '200', '--preset', 'tiny-sep', '--simulate', '6', '--json'];
    const a = await runCli(...argv);
    const b = await runCli(...argv);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('ranks the simulated candidates by cycles, and the default is among them', () => {
    const s = tuneSubject({ kernel: 'qlinear-conv', params: { c: 32, h: 14, w: 14, oc: 32, kh: 3, kw: 3, pad: 1, fusion: 'gm' }, cfg: loadConfig('tiny') });
    const r = tune(s, { simulate: 6 });
    expect(r.ranked.map((x) => x.cycles)).toEqual([...r.ranked.map((x) => x.cycles)].sort((x, y) => x - y));
    expect(r.ranked).toContain(r.default);
    expect(r.simulated).toBe(r.ranked.length);
    expect(r.simulated).toBeLessThanOrEqual(7);
    expect(r.legal + r.rejected.length).toBe(r.searched);
    for (const x of r.rejected) expect(x.reason).not.toMatch(/^tiling \{/);
    // a legal candidate's tiling passes the generator's check; a rejected one fails it with its reason
    const rej = r.rejected.find((x) => x.rule !== 'simulation failed')!;
    expect(() => checkGemmTiling(s.problem, rej.tiling, s.cfg)).toThrow(OpError);
  });
});

describe('tune: rejection rules', () => {
  it('names the rule of every kind of message the tiling check gives', () => {
    const tiny = loadConfig('tiny');
    const mm = tuneSubject({ kernel: 'matmul', params: { m: 128, k: 256, n: 128 }, cfg: tiny });
    const f16 = tuneSubject({ kernel: 'matmul-f16', params: { m: 16, k: 4096, n: 32 }, cfg: tiny });
    const conv = tuneSubject({ kernel: 'qlinear-conv', params: { c: 32, h: 14, w: 14, oc: 32, kh: 3, kw: 3, pad: 1, fusion: 'ub' }, cfg: tiny });
    const ok = { baseM: 32, baseN: 32, baseK: 32, stepK: 2, dbL1: true, dbL0: true, dbL0C: true, aResident: false, blockDim: 2, gridN: 0, splitK: 1 };
    const cases: [ReturnType<typeof tuneSubject>, Partial<typeof ok>, string][] = [
      [mm, { baseM: 24 }, 'alignment'],
      [mm, { baseN: 48 }, 'alignment'],
      [mm, { baseM: 128, baseN: 128, blockDim: 1 }, 'L0C overflow'],
      [mm, { baseM: 4096 }, 'instruction limit'],
      [mm, { gridN: 3 }, 'core grid'],
      [mm, { blockDim: 0 }, 'block count'],
      [f16, { baseK: 16, splitK: 2 }, 'K split'],
      [conv, { aResident: true }, 'resident A'],
    ];
    expect(checkCandidate(mm, ok)).toBeUndefined();
    for (const [s, over, rule] of cases) expect(checkCandidate(s, { ...ok, ...over })?.rule, JSON.stringify(over)).toBe(rule);
  });
});

describe('tune: exit statuses', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['a flag that is not a number', ['matmul', '--m', 'x', '--k', '64', '--n', '64'], 2, /--m must be an integer/],
    ['an unknown flag', ['matmul', '--m', '64', '--k', '64', '--n', '64', '--tile', '4'], 2, /Unknown argument/],
    ['no subcommand', [], 2, /name what to tune: matmul, conv/],
    ['more cores than the chip has', ['matmul', '--m', '64', '--k', '64', '--n', '64', '--cores', '99'], 2, /--cores must be 1\.\.24 on ascend910b/],
    ['--top 0', ['matmul', '--m', '64', '--k', '64', '--n', '64', '--top', '0'], 2, /--top must be at least 1/],
    ['an INT8 flag with f16', ['matmul', '--m', '64', '--k', '64', '--n', '64', '--dtype', 'f16', '--relu'], 2, /--relu is an INT8 option/],
    ['no kernel size', ['conv', '--c', '8', '--height', '8', '--width', '8', '--oc', '8'], 2, /give the kernel size/],
    ['a kernel larger than the padded input', ['conv', '--c', '8', '--height', '4', '--width', '4', '--oc', '8', '--kernel', '7'], 4, /./],
    ['a shape the kernel refuses', ['matmul', '--m', '0', '--k', '64', '--n', '64'], 4, /m/],
    ['a fixpipe on a preset without one', ['conv', '--c', '8', '--height', '8', '--width', '8', '--oc', '8', '--kernel', '3', '--preset', 'tiny', '--fusion', 'fixpipe'], 4, /no fixpipe/],
  ];
  for (const [what, argv, code, message] of cases)
    it(`${what}: exit ${code}, one line`, async () => {
      const r = await runCli('tune', ...argv);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderrLines).toHaveLength(1);
      expect(r.stderrLines[0]).toMatch(/^aicore-sim: /);
      expect(r.stderrLines[0]).toMatch(message);
    });
});
