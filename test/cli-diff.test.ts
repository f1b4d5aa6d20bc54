/**
 * `aicore-sim diff`: two runs of one kernel that differ in tiling or preset report their changes
 * largest first, with A, B and delta equal to what each run printed; identical runs (JSON against
 * JSON, and a folder against the JSON of the same run) exit 0; networks compare per layer; bad or
 * mixed operands are one stderr line and exit status 4.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-diff-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const at = (name: string) => path.join(root, name);

/** Runs a command with --json, saves its output to `name` and returns it parsed. */
async function saved(name: string, ...argv: string[]): Promise<Record<string, unknown>> {
  const r = await runCli(...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  fs.writeFileSync(at(name), r.stdout);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

interface Row { name: string; a: number | string | null; b: number | string | null; delta: number | null; relative: number | null; moved: boolean }
interface Section { id: string; rows: Row[]; unchanged: number }
interface DiffJson { command: string; kind: string; changed: boolean; moved: number; setup: { name: string; a: unknown; b: unknown }[]; sections: Section[]; notCompared: string[] }

async function diffJson(...argv: string[]): Promise<{ code: number; d: DiffJson }> {
  const r = await runCli('diff', ...argv, '--json');
  expect(r.stderr).toBe('');
  return { code: r.code, d: JSON.parse(r.stdout) as DiffJson };
}

const section = (d: DiffJson, id: string) => d.sections.find((s) => s.id === id)!;
const magnitude = (r: Row) => (r.relative === null ? Infinity : Math.abs(r.relative));

const MM = ['run', 'matmul', '--m', '64', '--k', '128', '--n', '64', '--preset', 'tiny'];

describe('diff of kernel runs', () => {
  it('identical runs exit 0, JSON against JSON and a folder against its own JSON', async () => {
    await saved('a.json', ...MM, '--out', at('a'));
    await saved('a2.json', ...MM);
    for (const [x, y] of [['a.json', 'a2.json'], ['a', 'a.json'], ['a', 'a']]) {
      const { code, d } = await diffJson(at(x!), at(y!));
      expect(code, `${x} vs ${y}`).toBe(0);
      expect(d.changed).toBe(false);
      expect(d.sections.every((s) => s.rows.length === 0 && s.unchanged > 0)).toBe(true);
    }
    // the opcodes are in the folder only: said, not compared
    const { d } = await diffJson(at('a'), at('a.json'));
    expect(d.notCompared.join()).toMatch(/opcode/);
    const text = await runCli('diff', at('a.json'), at('a2.json'));
    expect(text.stdout).toMatch(/nothing moved beyond 0%/);
  });

  it('a tiling change: exit 1, rows sorted by relative change, figures as each run printed them', async () => {
    const a = await saved('k64.json', ...MM, '--base-k', '64');
    const b = await saved('k32.json', ...MM, '--base-k', '32');
    const { code, d } = await diffJson(at('k64.json'), at('k32.json'));
    expect(code).toBe(1);
    expect(d.setup).toContainEqual({ name: 'tiling.baseK', a: 64, b: 32 });
    const cycles = section(d, 'total').rows.find((r) => r.name === 'cycles');
    expect(cycles).toMatchObject({ a: a['cycles'], b: b['cycles'], delta: (b['cycles'] as number) - (a['cycles'] as number) });
    const pipes = a['pipes'] as Record<string, { busyCycles: number }>;
    const pipesB = b['pipes'] as Record<string, { busyCycles: number }>;
    for (const r of section(d, 'pipes').rows) expect([r.a, r.b]).toEqual([pipes[r.name]?.busyCycles ?? null, pipesB[r.name]?.busyCycles ?? null]);
    for (const s of d.sections) for (let i = 1; i < s.rows.length; i++) expect(magnitude(s.rows[i - 1]!)).toBeGreaterThanOrEqual(magnitude(s.rows[i]!));
    // half the mmad depth: twice the mmads, and the M pipe is the largest change of the pipes
    await saved('k32f.json', ...MM, '--base-k', '32', '--out', at('k32'));
    await saved('k64f.json', ...MM, '--base-k', '64', '--out', at('k64'));
    const folders = (await diffJson(at('k64'), at('k32'))).d;
    const mmad = section(folders, 'opcodes').rows.find((r) => r.name === 'mmad');
    expect(mmad?.b).toBeGreaterThan(mmad?.a as number);
  });

  it('a preset change: the largest row first, and --threshold decides the exit status', async () => {
    const a = await saved('tiny.json', ...MM);
    const b = await saved('tiny-big-gm.json', ...MM, '--config', writeConfig());
    const { code, d } = await diffJson(at('tiny.json'), at('tiny-big-gm.json'));
    expect(code).toBe(1);
    const all = d.sections.flatMap((s) => s.rows);
    const top = section(d, 'total').rows[0]!;
    expect(top.name).toBe('cycles');
    expect(top.relative).toBeCloseTo(((b['cycles'] as number) - (a['cycles'] as number)) / (a['cycles'] as number), 12);
    const largest = Math.max(...all.filter((r) => r.relative !== null).map((r) => Math.abs(r.relative!) * 100));
    expect((await runCli('diff', at('tiny.json'), at('tiny-big-gm.json'), '--threshold', String(Math.ceil(largest) + 1))).code).toBe(all.some((r) => r.relative === null) ? 1 : 0);
  });
});

/** A config with four times the GM bandwidth of tiny: fewer MTE2 cycles, same bytes. */
function writeConfig(): string {
  const file = at('fast-gm.json');
  fs.writeFileSync(file, JSON.stringify({ gm: { chipBytesPerCycle: 384, coreBytesPerCycle: 384 } }));
  return file;
}

describe('diff of network runs', () => {
  // the last layer differs: the layers before it run the same (same L2 too)
  const topology = (n: number) => {
    const file = at(`net-${n}.csv`);
    fs.writeFileSync(file, ['name,op,inputs,c,h,w,oc,kh,kw,stride,pad,g,m,k,n,fused,run', 'conv1,conv,-,32,28,28,64,3,3,1,1,,,,,,', 'pool,maxpool,-,64,28,28,,2,2,2,0,,,,,,', `fc,fc,-,,,,,,,,,,,1024,${n},,`].join('\n'));
    return file;
  };

  it('compares per layer: the changed layer alone, the others unchanged', async () => {
    const a = await saved('n64.json', 'network', topology(64), '--preset', 'tiny');
    const b = await saved('n128.json', 'network', topology(512), '--preset', 'tiny');
    const { code, d } = await diffJson(at('n64.json'), at('n128.json'));
    expect(code).toBe(1);
    expect(d.kind).toBe('network');
    const layers = section(d, 'layerCycles');
    const fc = (j: Record<string, unknown>) => (j['layers'] as { name: string; cycles: number }[]).find((l) => l.name === 'fc')!.cycles;
    expect(layers.rows.map((r) => [r.name, r.a, r.b])).toEqual([['fc', fc(a), fc(b)]]);
    expect(layers.unchanged).toBe(2);
    expect(section(d, 'layerBytes').rows.length).toBeGreaterThan(0);
    expect((await diffJson(at('n64.json'), at('n64.json'))).code).toBe(0);
  });
});

describe('diff of unusable operands', () => {
  it('refuses mixed kinds, missing files, other JSON and folders without outputs, with exit 4 and one line', async () => {
    fs.writeFileSync(at('other.json'), '{"outputs": {}}');
    fs.writeFileSync(at('broken.json'), '{"cycles": ');
    fs.mkdirSync(at('empty'), { recursive: true });
        const cases: [string, string, RegExp][] = [
      ['a.json', 'n64.json', /cannot compare .*kernel run.* with .*network run/],
      ['a.json', 'missing.json', /does not exist/],
      ['a.json', 'other.json', /neither a kernel run .* nor a network run/],
      ['broken.json', 'a.json', /not valid JSON/],
      ['empty', 'a.json', /holds no summary\.csv/],
    ];
    for (const [x, y, want] of cases) {
      const r = await runCli('diff', at(x), at(y));
      expect(r.code, `${x} ${y}: ${r.stderr}`).toBe(4);
      expect(r.stderrLines).toHaveLength(1);
      expect(r.stderr).toMatch(want);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await runCli('diff', at('a.json'), at('a.json'), '--threshold', 'x')).code).toBe(2);
  });
});
