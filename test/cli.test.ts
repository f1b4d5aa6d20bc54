/**
 * The command line, run in-process through `main(argv, io)`: every command's happy path, the JSON
 * contract, `run --emit-asm` then `asm` giving the same cycles, the demo's trace, and bad inputs each
 * giving a non-zero exit code with exactly one stderr line and no stack trace. Small shapes on the
 * tiny presets keep it fast; one 1024^3 timing-only run checks the cube is kept busy on ascend910b.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, presetNames } from '../hw/config/load.js';
import { main } from '../scripts/cli.js';
import { formatError } from '../scripts/lib/errors.js';
import { RUN_FILES } from '../scripts/lib/outputs.js';
import { runMatmul } from '../scripts/lib/run-matmul.js';
import { tempDirs } from './support/temp-dirs.js';

// ---- helpers ------------------------------------------------------------------------------------

const tmp = tempDirs('aicore-cli-');

interface CliRun {
  code: number;
  stdout: string;
  stderrLines: string[];
}

async function cli(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join('\n'), stderrLines: err.join('\n').split('\n').filter((l) => l !== '') };
}

interface PipeJson {
  busyCycles: number;
  ratio: number;
}
interface RunJson {
  cycles: number;
  cubeUtilization: number;
  pipes: Record<string, PipeJson>;
  preset: string;
  mode: string;
  blockDim: number;
  tiling: Record<string, unknown>;
  dtype?: string;
  epilogue?: Record<string, unknown>;
  verified: boolean | null;
  notes: string[];
  bytes: Record<string, number>;
  achievedTops: number;
  memoryBound: number | null;
  files: string[];
}

async function cliJson(...argv: string[]): Promise<RunJson> {
  const r = await cli(...argv, '--json');
  expect(r.stderrLines).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as RunJson;
}

function expectRunJson(j: RunJson): void {
  expect(Number.isSafeInteger(j.cycles) && j.cycles > 0).toBe(true);
  expect(j.cubeUtilization).toBeGreaterThanOrEqual(0);
  expect(j.cubeUtilization).toBeLessThanOrEqual(1);
  expect(Object.keys(j.pipes)).toContain('CUBE');
  for (const p of Object.values(j.pipes)) {
    expect(Number.isSafeInteger(p.busyCycles)).toBe(true);
    expect(p.ratio).toBeGreaterThanOrEqual(0);
    expect(p.ratio).toBeLessThanOrEqual(1);
  }
}

const MM = ['run', 'matmul', '--m', '48', '--k', '96', '--n', '64'];
const write = (dir: string, name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

// ---- happy paths --------------------------------------------------------------------------------

describe('help and presets', () => {
  it('prints help with the commands', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'asm', 'presets', 'demo']) expect(r.stdout).toContain(`aicore-sim ${c}`);
  });

  it('lists every preset with its key numbers', async () => {
    const r = await cli('presets');
    expect(r.code).toBe(0);
    for (const n of presetNames()) expect(r.stdout).toContain(n);
    expect(r.stdout).toMatch(/ascend910b\s+2201\s+separated\s+24 AIC \+ 48 AIV\s+1800\s+8192/);
  });

  it('prints the full validated configs with --json', async () => {
    const r = await cli('presets', '--json');
    const configs = JSON.parse(r.stdout) as Record<string, { derived: { macsPerCycleInt8: number } }>;
    expect(Object.keys(configs)).toEqual(presetNames());
    expect(configs['ascend910b']?.derived.macsPerCycleInt8).toBe(loadConfig('ascend910b').derived.macsPerCycleInt8);
  });
});

describe('run matmul --dtype f16', () => {
  it.each(['ascend910b', 'ascend310p'])('is bit-exact on %s and times like the FP16 kernel timing-only', async (preset) => {
    const f = await cliJson('run', 'matmul', '--m', '77', '--k', '130', '--n', '50', '--dtype', 'f16', '--preset', preset);
    expect(f).toMatchObject({ verified: true, dtype: 'f16', epilogue: { bias: true, outType: 'f16' } });
    const t = await cliJson('run', 'matmul', '--m', '77', '--k', '130', '--n', '50', '--dtype', 'f16', '--preset', preset, '--timing-only');
    expect(t.cycles).toBe(f.cycles);
    const i = await cliJson('run', 'matmul', '--m', '77', '--k', '130', '--n', '50', '--preset', preset, '--timing-only');
    expect(i.dtype).toBe('int8');
    expect(f.cycles).not.toBe(i.cycles);
  });

  it('INT8 epilogue flags are usage errors with f16', async () => {
    for (const flag of [['--relu'], ['--per-channel'], ['--out-type', 'u8']]) {
      const r = await cli('run', 'matmul', '--m', '16', '--k', '16', '--n', '16', '--dtype', 'f16', ...flag);
      expect(r.code).toBe(2);
      expect(r.stderrLines[0]).toMatch(/is an INT8 epilogue option: it does not apply to --dtype f16/);
    }
  });
});

describe('--cores all', () => {
  it('run matmul: every core the kernel can use (one block per output tile, up to the preset)', async () => {
    // one 16 x 16 output tile: the tiler cannot split it over more than one core
    const small = await cliJson('run', 'matmul', '--m', '16', '--k', '256', '--n', '16', '--timing-only', '--cores', 'all');
    const big = await cliJson('run', 'matmul', '--m', '2048', '--k', '256', '--n', '2048', '--timing-only', '--cores', 'all');
    expect(big.blockDim).toBe(24);
    expect(small.blockDim).toBeLessThan(24);
    const explicit = await cliJson('run', 'matmul', '--m', '16', '--k', '256', '--n', '16', '--timing-only', '--cores', String(small.blockDim));
    expect(explicit.cycles).toBe(small.cycles);
  });

  it('run matmul --grid-n: one rectangle per core, bit-exact; a grid the chip cannot hold is exit 4 with the reason', async () => {
    const grid = await cli('run', 'matmul', '--m', '96', '--k', '64', '--n', '128', '--cores', '4', '--grid-n', '2', '--json');
    expect(grid.code).toBe(0);
    const j = JSON.parse(grid.stdout) as { tiling: Record<string, unknown>; blockDim: number; verified: boolean };
    expect(j.tiling.gridN).toBe(2);
    expect(j.blockDim).toBe(4);
    expect(j.verified).toBe(true);
    const bad = await cli('run', 'matmul', '--m', '64', '--k', '64', '--n', '64', '--timing-only', '--grid-n', '30');
    expect(bad.code).toBe(4);
    expect(bad.stderrLines.join('\n')).toMatch(/gridN 30 must be an integer in 0\.\.24/);
    expect(bad.stderrLines.join('\n')).not.toMatch(/    at /);
  });

  it('asm: every core of the preset', async () => {
    const file = write(tmp(), 'e.s', '  end\n');
    expect((await cliJson('asm', file, '--preset', 'ascend310p', '--cores', 'all')).blockDim).toBe(8);
  });

  it('anything else than an integer or all is a usage error', async () => {
    const r = await cli('run', 'matmul', '--m', '16', '--k', '16', '--n', '16', '--cores', 'most');
    expect(r.code).toBe(2);
    expect(r.stderrLines[0]).toMatch(/--cores must be an integer or 'all', got 'most'/);
  });
});

describe('run matmul', () => {
  it('runs functionally and reports the bit-exact check in text', async () => {
    const r = await cli(...MM, '--preset', 'tiny');
    expect(r.stderrLines).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('op summary: matmul 48x96x64');
    expect(r.stdout).toContain('tiling: baseM=');
    expect(r.stdout).toContain('kernel notes:');
    expect(r.stdout).toContain('bit-exact vs reference: yes');
  });

  it('prints one JSON object with cycles, utilisation and per-pipe busy cycles', async () => {
    const j = await cliJson(...MM, '--preset', 'tiny-sep', '--per-channel', '--relu', '--out-type', 'u8', '--seed', '7');
    expectRunJson(j);
    expect(j).toMatchObject({ preset: 'tiny-sep', mode: 'functional', verified: true });
    expect(j.blockDim).toBe(j.tiling['blockDim']);
    expect(j.notes.length).toBeGreaterThan(0);
    expect(j.bytes['GM_L1']).toBeGreaterThan(0);
    expect(j.files).toEqual([]);
  });

  it('gives the same cycles in timing-only mode', async () => {
    const f = await cliJson(...MM, '--preset', 'tiny', '--no-bias');
    const t = await cliJson(...MM, '--preset', 'tiny', '--no-bias', '--timing-only');
    expect(t).toMatchObject({ mode: 'timing', verified: null, cycles: f.cycles });
  });

  it('honours tiling and core flags', async () => {
    const j = await cliJson(...MM, '--preset', 'tiny-sep', '--base-m', '16', '--base-n', '32', '--base-k', '32', '--step-k', '1', '--cores', '1', '--no-db-l1');
    expect(j.tiling).toMatchObject({ baseM: 16, baseN: 32, baseK: 32, stepK: 1, dbL1: false, blockDim: 1 });
    expect(j.verified).toBe(true);
  });

  it('keeps the cube of one ascend910b core busy on 1024^3 (timing-only)', async () => {
    // issue 2's acceptance command as written: one AIC by default
    const j = await cliJson('run', 'matmul', '--m', '1024', '--k', '1024', '--n', '1024', '--preset', 'ascend910b', '--timing-only');
    expect(j.blockDim).toBe(1);
    expectRunJson(j);
    expect(j.cubeUtilization).toBeGreaterThanOrEqual(0.85);
    expect(j.cycles).toBeGreaterThanOrEqual(1024 ** 3 / loadConfig('ascend910b').derived.macsPerCycleInt8);
  });

  it('writes the five outputs and the report with --out, and none when the run fails', async () => {
    const dir = path.join(tmp(), 'out');
    const ok = await cliJson(...MM, '--preset', 'tiny', '--out', dir);
    expect(ok.files.map((f) => path.basename(f))).toEqual(RUN_FILES);
    expect(fs.readdirSync(dir).sort()).toEqual([...RUN_FILES].sort());
    const summary = fs.readFileSync(path.join(dir, 'summary.csv'), 'utf8');
    expect(summary).toMatch(/^core,kind,block,total_cycles,/);
    expect(summary).toContain(`total,,,${ok.cycles},`);

    // A run that fails (cycle limit) leaves nothing of its own, and the earlier run's complete set and
    // the user's file at the --emit-asm path exactly as they were.
    const before = RUN_FILES.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    const asm = write(path.dirname(dir), 'old.s', '  end\n');
    const bad = await cli(...MM, '--preset', 'tiny', '--out', dir, '--emit-asm', asm, '--max-cycles', '50');
    expect(bad.code).not.toBe(0);
    expect(bad.stderrLines).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual([...RUN_FILES].sort());
    expect(RUN_FILES.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))).toEqual(before);
    expect(fs.readdirSync(path.dirname(dir)).sort()).toEqual(['old.s', 'out']);
    expect(fs.readFileSync(asm, 'utf8')).toBe('  end\n');
  });
});

describe('asm', () => {
  for (const preset of ['tiny', 'tiny-sep']) {
    it(`runs a --emit-asm file to the run's cycles (${preset})`, async () => {
      const dir = tmp();
      const file = path.join(dir, 'mm.s');
      const run = await cliJson(...MM, '--preset', preset, '--timing-only', '--emit-asm', file);
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toMatch(new RegExp(`^# aicore-sim: preset=${preset} kind=\\w+ blockDim=${run.blockDim} gm=\\d+\\n`));
      const timing = await cliJson('asm', file);
      expect(timing).toMatchObject({ preset, mode: 'timing', blockDim: run.blockDim, cycles: run.cycles });
      const functional = await cliJson('asm', file, '--preset', preset, '--functional');
      expect(functional).toMatchObject({ mode: 'functional', cycles: run.cycles });
    });
  }

  it('lets flags override the directives, and carries --config into the file', async () => {
    const dir = tmp();
    const cfg = write(dir, 'slow-gm.json', JSON.stringify({ gm: { chipBytesPerCycle: 16 } }));
    const file = path.join(dir, 'mm.s');
    const run = await cliJson(...MM, '--preset', 'tiny', '--config', cfg, '--timing-only', '--emit-asm', file);
    expect(fs.readFileSync(file, 'utf8')).toContain('# aicore-sim-config: {"gm":{"chipBytesPerCycle":16}}');
    expect((await cliJson('asm', file)).cycles).toBe(run.cycles);
    const one = await cliJson('asm', file, '--cores', '1');
    expect(one.blockDim).toBe(1);
  });

  it('--cores past what the kernel can use is clamped, with a note saying why', async () => {
    const tiny = loadConfig('tiny');
    const over = await cliJson(...MM, '--preset', 'tiny', '--cores', String(tiny.cores + 1), '--timing-only');
    const all = await cliJson(...MM, '--preset', 'tiny', '--cores', 'all', '--timing-only');
    expect([over.blockDim, over.cycles]).toEqual([all.blockDim, all.cycles]);
    expect(over.notes).toContainEqual(`blockDim ${tiny.cores + 1} asked for, ${over.blockDim} used: tiny has ${tiny.cores} cores, so more blocks would have nothing to do`);
  });

  it('notes a block count other than the one the file was generated for, and only then', async () => {
    const file = path.join(tmp(), 'mm.s');
    const run = await cliJson(...MM, '--preset', 'tiny', '--cores', '2', '--timing-only', '--emit-asm', file);
    expect(run.blockDim).toBe(2);
    const other = await cli('asm', file, '--cores', '1');
    expect(other.code).toBe(0);
    expect(other.stderrLines).toEqual([expect.stringMatching(/^aicore-sim: note: .*mm\.s was generated for 2 blocks and runs on 1: .*regenerate it with --cores 1\)$/)]);
    for (const same of [await cli('asm', file), await cli('asm', file, '--cores', '2')]) expect(same.stderrLines).toEqual([]);
  });

  it('runs a hand-written program and writes outputs', async () => {
    const dir = tmp();
    const file = write(dir, 'loop.s', '  li x1, 10\nloop:\n  addi x1, x1, -1\n  bne x1, x0, loop\n  end\n');
    const r = await cli('asm', file, '--preset', 'tiny', '--out', path.join(dir, 'o'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('op summary: loop.s');
    expect(r.stdout).toContain('launch: preset=tiny kind=coupled blockDim=1');
    expect(fs.readdirSync(path.join(dir, 'o')).sort()).toEqual([...RUN_FILES].sort());
  });
});

describe('demo', () => {
  it('writes a Chrome trace with a named thread per pipe, and the CSVs', async () => {
    const dir = path.join(tmp(), 'demo');
    const r = await cli('demo', '--out', dir);
    expect(r.stderrLines).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('op summary: matmul 512x512x512');
    expect(r.stdout).toContain('bit-exact vs reference: yes');
    expect(r.stdout).toContain('ui.perfetto.dev');
    for (const f of RUN_FILES) expect(r.stdout).toContain(path.join(dir, f));
    const trace = JSON.parse(fs.readFileSync(path.join(dir, 'trace.json'), 'utf8')) as {
      traceEvents: { name: string; ph: string; pid: number; args?: { name?: string } }[];
    };
    const threads = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === 0).map((e) => e.args?.name);
    expect(threads).toEqual(expect.arrayContaining(['SCALAR', 'CUBE', 'MTE1', 'MTE2', 'FIXP']));
    expect(trace.traceEvents.some((e) => e.ph === 'X')).toBe(true);
  });
});

// ---- errors -------------------------------------------------------------------------------------

describe('bad inputs give one stderr line and a non-zero exit code', () => {
  const dir = tmp();
  const badAsm = write(dir, 'bad.s', '  li x1, 5\n  frob x1\n  end\n');
  const badDirective = write(dir, 'dir.s', '# aicore-sim: preset=tiny blocks=2\n  end\n');
  const badConfig = write(dir, 'bad.json', JSON.stringify({ cube: { mZero: 16 } }));
  const runaway = write(dir, 'loop.s', 'loop:\n  jmp loop\n');
  const cases: [string, string[], RegExp][] = [
    ['unknown preset', [...MM, '--preset', 'ascend999'], /unknown preset 'ascend999'/],
    ['--m 0', ['run', 'matmul', '--m', '0', '--k', '64', '--n', '64'], /matmul m = 0/],
    ['--m not a number', ['run', 'matmul', '--m', 'big', '--k', '64', '--n', '64'], /--m must be an integer, got 'big'/],
    ['missing --m', ['run', 'matmul', '--k', '64', '--n', '64'], /Missing required argument: m/],
    ['unknown command', ['simulate'], /Unknown command: simulate/],
    ['unknown kernel', ['run', 'conv9d'], /Unknown command: conv9d/],
    ['unknown flag', [...MM, '--colour'], /Unknown argument: colour/],
    ['malformed .s file', ['asm', badAsm], /bad\.s:2: unknown mnemonic 'frob'/],
    ['bad directive', ['asm', badDirective], /dir\.s:1: unknown aicore-sim directive 'blocks'/],
    ['missing .s file', ['asm', path.join(dir, 'none.s')], /cannot read .*none\.s/],
    ['config file with a wrong field', [...MM, '--config', badConfig], /config field cube\.mZero is not a known field/],
    ['tiling that overflows a buffer', [...MM, '--preset', 'tiny', '--base-m', '256', '--base-k', '256'], /L0A needs \d+ bytes but tiny has 8192/],
    ['cycle limit', [...MM, '--preset', 'tiny', '--max-cycles', '10'], /cycle limit/],
    ['instruction limit', [...MM, '--preset', 'tiny', '--max-instructions', '10'], /instruction limit exceeded: the run passed 10 instructions .*raise --max-instructions/],
    ['a loop that never exits', ['asm', runaway], /instruction limit exceeded: the run passed 10000000 instructions over all cores, the last at core 0 .* pc 0 \(jmp loop\): a loop that never exits\? \(raise --max-instructions/],
    ['--max-instructions 0', ['asm', runaway, '--max-instructions', '0'], /maxInstructions must be a positive integer, got 0/],
  ];
  for (const [what, argv, message] of cases)
    it(what, async () => {
      const r = await cli(...argv);
      expect(r.code).not.toBe(0);
      expect(r.stderrLines).toHaveLength(1);
      expect(r.stderrLines[0]).toMatch(/^aicore-sim: /);
      expect(r.stderrLines[0]).toMatch(message);
      expect(r.stderrLines[0]).not.toMatch(/\bat .*:\d+:\d+/);
    });

  it('prints the stack with --verbose', async () => {
    const r = await cli(...MM, '--preset', 'ascend999', '--verbose');
    expect(r.code).not.toBe(0);
    expect(r.stderrLines.length).toBeGreaterThan(1);
    expect(r.stderrLines.slice(1).join('\n')).toMatch(/\bat /);
  });

  it('says how to get the stack of an unexpected error', () => {
    expect(formatError(new TypeError('x is undefined'), false)).toBe('aicore-sim: x is undefined (run with --verbose for the stack)');
  });
});

// ---- library ------------------------------------------------------------------------------------

describe('runMatmul (library)', () => {
  it('verifies functional runs and lists the files it wrote', () => {
    const dir = path.join(tmp(), 'lib');
    const j = runMatmul({ m: 40, k: 64, n: 48, preset: 'tiny-sep', perChannel: true, seed: 3, trace: { dir } });
    expect(j.verified).toBe(true);
    expect(j.mismatch).toBeUndefined();
    expect(j.files).toEqual(RUN_FILES.map((f) => path.join(dir, f)));
    expect(j.summary.cycles).toBe(j.result.cycles);
  });

  it('leaves verification out in timing mode', () => {
    const j = runMatmul({ m: 40, k: 64, n: 48, preset: 'tiny', mode: 'timing' });
    expect(j.verified).toBeUndefined();
    expect(j.result.gm).toBeNull();
  });
});
