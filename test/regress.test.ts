/**
 * `aicore-sim regress` through the CLI (in-process `main`): a fresh baseline then a second run exits
 * 0; halving the GM bandwidth through a config override fails the run and names the entry; faster
 * entries pass as improvements; bad manifests and a missing baseline give one stderr line and a
 * non-zero exit without touching the baseline. Also checks that the regression kernels time the
 * same kernels `exec` and `run matmul` run (same cycles), so a baseline means what users expect.
 */
import { timeLaunches } from '../scripts/lib/regress/measure.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { jobs } from '../index.js';
import { main } from '../scripts/cli.js';
import type { Fusion, HostTensor } from '../ops-nn/onnx/index.js';
import { runOperator } from '../scripts/lib/exec/driver.js';
import { KERNELS } from '../scripts/lib/regress/index.js';
import { runMatmul } from '../scripts/lib/run-matmul.js';
import { randInt, rng } from './support/rng.js';

// ---- helpers ------------------------------------------------------------------------------------

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-regress-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
const writeJson = (v: unknown): string => {
  const f = path.join(dir, `f${files++}.json`);
  fs.writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
  return f;
};
const freshPath = (): string => path.join(dir, `f${files++}.json`);

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n').split('\n').filter((l) => l) };
}

/** A small user manifest on the tiny presets; `config` is applied to every entry. */
const userManifest = (config?: unknown): { entries: Record<string, unknown>[] } => ({
  entries: [
    { id: 'conv-3x3/ub', kernel: 'qlinear-conv', preset: 'tiny', params: { c: 32, h: 14, w: 14, oc: 32, kh: 3, kw: 3, pad: 1, fusion: 'ub' } },
    { id: 'conv-3x3/fixpipe', kernel: 'qlinear-conv', preset: 'tiny-sep', params: { c: 32, h: 14, w: 14, oc: 32, kh: 3, kw: 3, pad: 1, fusion: 'fixpipe' } },
    { id: 'matmul-128', kernel: 'matmul', preset: 'tiny', params: { m: 128, k: 256, n: 128 }, tiling: { baseM: 32, baseN: 64 } },
    { id: 'quantize-8k', kernel: 'quantize', preset: 'tiny', params: { elements: 8192 } },
  ].map((e) => (config ? { ...e, config } : e)),
});

/** Half of tiny's GM bandwidth (chip and per-core port; both presets share these numbers). */
const halfGm = () => {
  const gm = loadConfig('tiny').gm;
  return { gm: { chipBytesPerCycle: gm.chipBytesPerCycle / 2, coreBytesPerCycle: gm.coreBytesPerCycle / 2 } };
};

// ---- the command --------------------------------------------------------------------------------

describe('regress', () => {
  const manifest = writeJson(userManifest());
  const baseline = freshPath();

  it('writes a fresh baseline with --update, then a second run exits 0', async () => {
    const up = await cli('regress', '--manifest', manifest, '--baseline', baseline, '--update');
    expect(up.stderr).toEqual([]);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`wrote 4 entries to ${baseline}`);
    expect(fs.readdirSync(path.dirname(baseline)).some((f) => f.endsWith('.partial'))).toBe(false);
    const again = await cli('regress', '--manifest', manifest, '--baseline', baseline);
    expect(again.stderr).toEqual([]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^entry +kernel +preset +baseline +current +delta +status$/m);
    expect(again.stdout).toMatch(/^conv-3x3\/ub +qlinear-conv +tiny +\d+ +\d+ +0\.00% +same$/m);
    expect(again.stdout).toContain('4 entries, tolerance 0%: 4 same');
  });

  it('fails and names the entry when a config override halves the GM bandwidth', async () => {
    const slow = writeJson(userManifest(halfGm()));
    const before = fs.readFileSync(baseline, 'utf8');
    const r = await cli('regress', '--manifest', slow, '--baseline', baseline);
    expect(r.code).toBe(1);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/^aicore-sim: \d of 4 entries regressed beyond the 0% tolerance: .*quantize-8k \+\d+\.\d\d%/);
    expect(r.stdout).toMatch(/^quantize-8k +quantize +tiny +\d+ +\d+ +\+\d+\.\d\d% +REGRESSION$/m);
    expect(r.stdout).toMatch(/quantize-8k \(quantize on tiny\): cycles \d+ -> \d+ .*\n +MTE2 busy cycles/);
    expect(fs.readFileSync(baseline, 'utf8')).toBe(before);
    // A tolerance wide enough turns the same run into a pass.
    const lenient = await cli('regress', '--manifest', slow, '--baseline', baseline, '--tolerance', '1000');
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('slower (within tolerance)');
  });

  it('reports faster entries as improvements and exits 0', async () => {
    const slowBaseline = freshPath();
    expect((await cli('regress', '--manifest', writeJson(userManifest(halfGm())), '--baseline', slowBaseline, '--update')).code).toBe(0);
    const r = await cli('regress', '--manifest', manifest, '--baseline', slowBaseline);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^quantize-8k +quantize +tiny +\d+ +\d+ +-\d+\.\d\d% +faster$/m);
  });

  it('prints one JSON object with --json', async () => {
    const r = await cli('regress', '--manifest', manifest, '--baseline', baseline, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; rows: { id: string; status: string }[]; entries: { id: string; cycles: number; pipes: Record<string, number> }[] };
    expect(j.ok).toBe(true);
    expect(j.rows.map((x) => x.status)).toEqual(['same', 'same', 'same', 'same']);
    expect(j.entries[3]!.pipes.MTE2).toBeGreaterThan(0);
  });

  it('fails when the manifest gains an entry the baseline lacks', async () => {
    const more = userManifest();
    more.entries.push({ id: 'requant', kernel: 'requant', preset: 'tiny', params: { rows: 64, cols: 64 } });
    const r = await cli('regress', '--manifest', writeJson(more), '--baseline', baseline);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual(['aicore-sim: the baseline does not match the manifest: requant has no baseline (run with --update to rewrite the baseline)']);
  });

  it('reads a baseline in the older format (pipes by the ISA names S, M, V, FIX) as the same figures', async () => {
    const current = fs.readFileSync(baseline, 'utf8');
    expect(current).toContain('"format": "aicore-sim-cycles/2"');
    const short: Record<string, string> = { SCALAR: 'S', CUBE: 'M', VECTOR: 'V', FIXP: 'FIX' };
    const old = current.replace('aicore-sim-cycles/2', 'aicore-sim-cycles/1').replace(/"(SCALAR|CUBE|VECTOR|FIXP)":/g, (_m, n: string) => `"${short[n]}":`);
    expect(old).not.toBe(current);
    const r = await cli('regress', '--manifest', manifest, '--baseline', writeJson(old));
    expect([r.code, r.stderr]).toEqual([0, []]);
    expect(r.stdout).toContain('4 entries, tolerance 0%: 4 same');
  });

  it('--update-missing records only the new entry, keeps the recorded ones byte for byte, and then has nothing to do', async () => {
    // a baseline recorded under half the GM bandwidth: re-recording an old entry would change it
    const slowBaseline = freshPath();
    expect((await cli('regress', '--manifest', writeJson(userManifest(halfGm())), '--baseline', slowBaseline, '--update')).code).toBe(0);
    const before = JSON.parse(fs.readFileSync(slowBaseline, 'utf8')) as { entries: Record<string, unknown> };
    const more = userManifest();
    more.entries.push({ id: 'requant', kernel: 'requant', preset: 'tiny', params: { rows: 64, cols: 64 } });
    const file = writeJson(more);
    const r = await cli('regress', '--manifest', file, '--baseline', slowBaseline, '--update-missing', '--json');
    expect([r.code, r.stderr]).toEqual([0, []]);
    expect((JSON.parse(r.stdout) as { added: string[] }).added).toEqual(['requant']);
    const after = JSON.parse(fs.readFileSync(slowBaseline, 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(after.entries).sort()).toEqual([...Object.keys(before.entries), 'requant'].sort());
    for (const [id, v] of Object.entries(before.entries)) expect(after.entries[id], id).toEqual(v);
    const again = await cli('regress', '--manifest', file, '--baseline', slowBaseline, '--update-missing');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('has every entry of the manifest: nothing to record');
    const fresh = freshPath();
    expect((await cli('regress', '--manifest', file, '--baseline', fresh, '--update-missing')).stdout).toContain('added 5 entries');
  });
});

describe('regress: bad input is one stderr line and a non-zero exit', () => {
  const entry = { id: 'e1', kernel: 'matmul', preset: 'tiny', params: { m: 64, k: 64, n: 64 } };
  const baseline = freshPath();

  it.each([
    ['not JSON', '{"entries": [', /manifest .* is not valid JSON/],
    ['no entries', { entries: [] }, /entries must be a non-empty array/],
    ['unknown top-level field', { entries: [entry], extra: 1 }, /field extra is not known/],
    ['unknown kernel', { entries: [{ ...entry, kernel: 'gemv' }] }, /entry #1 "e1": kernel "gemv" is not known \(known: matmul, /],
    ['bad parameter', { entries: [{ ...entry, params: { m: 'x', k: 64, n: 64 } }] }, /entry #1 "e1": params\.m must be an integer in 1\.\.65535, got "x"/],
    ['missing parameter', { entries: [{ ...entry, params: { m: 64, k: 64 } }] }, /entry #1 "e1": params\.n is missing/],
    ['unknown parameter', { entries: [{ ...entry, params: { m: 64, k: 64, n: 64, fusion: 'gm' } }] }, /params\.fusion is not a known field \(known: m, k, n, /],
    ['bad fusion', { entries: [{ ...entry, kernel: 'qlinear-matmul', params: { m: 64, k: 64, n: 64, fusion: 'l2' } }] }, /params\.fusion must be one of "fixpipe", "ub", "gm", got "l2"/],
    ['bad tiling field', { entries: [{ ...entry, tiling: { baseQ: 16 } }] }, /tiling\.baseQ is not a known field/],
    ['duplicate id', { entries: [entry, entry] }, /entry #2 "e1": id is used by an earlier entry/],
    ['bad id', { entries: [{ ...entry, id: 'has space' }] }, /entry #1: id must be a word/],
    ['unknown preset', { entries: [{ ...entry, preset: 'ascend999' }] }, /entry #1 "e1": config: unknown preset 'ascend999'/],
    ['unknown config field', { entries: [{ ...entry, config: { gm: { bandwidth: 1 } } }] }, /entry #1 "e1": config: config field gm\.bandwidth is not a known field/],
  ])('%s', async (_name, content, message) => {
    const r = await cli('regress', '--manifest', writeJson(content), '--baseline', baseline, '--update');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(message);
    expect(r.stderr[0]).not.toMatch(/\n|    at /);
    expect(fs.existsSync(baseline) || fs.readdirSync(path.dirname(baseline)).some((f) => f.endsWith('.partial'))).toBe(false);
  });

  it('a missing baseline says to run with --update', async () => {
    const r = await cli('regress', '--manifest', writeJson({ entries: [entry] }), '--baseline', baseline);
    expect(r.code).toBe(4);
    expect(r.stderr).toEqual([`aicore-sim: baseline ${baseline} does not exist: run with --update to create it`]);
  });

  it('a kernel that cannot run names the entry, and --update leaves no baseline', async () => {
    const r = await cli('regress', '--manifest', writeJson({ entries: [{ ...entry, tiling: { baseM: 4080 } }] }), '--baseline', baseline, '--update');
    expect(r.code).toBe(4);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/^aicore-sim: entry "e1" \(matmul on tiny\): tiling .* needs \d+ bytes/);
    expect(fs.existsSync(baseline) || fs.readdirSync(path.dirname(baseline)).some((f) => f.endsWith('.partial'))).toBe(false);
  });

  it('as a library call, a bad manifest is a jobs.JobError with the same message', () => {
    const manifest = writeJson({ entries: [] });
    const call = () => jobs.runRegress({ manifest, baseline, tolerancePct: 0, update: true });
    expect(call).toThrow(jobs.JobError);
    expect(call).toThrow(/entries must be a non-empty array/);
    expect(fs.existsSync(baseline)).toBe(false);
  });

  it('rejects a bad tolerance', async () => {
    const r = await cli('regress', '--manifest', writeJson({ entries: [entry] }), '--baseline', baseline, '--tolerance', '-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toContain('--tolerance must be a percentage >= 0');
  });
});

// ---- the kernels time what users run ------------------------------------------------------------

const f32 = Math.fround;
const int8 = (r: () => number, dims: number[]): HostTensor => ({ dtype: 'int8', dims, data: Int8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => randInt(r, -128, 127)) });
const scalarF = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
const scalarI8 = (v: number): HostTensor => ({ dtype: 'int8', dims: [], data: Int8Array.of(v) });
/** Per-channel w scales that make the requant multipliers 2^-10, 2^-11, 2^-12 (fixpipe-exact). */
const wScales = (n: number): HostTensor => ({ dtype: 'float32', dims: [n], data: Float32Array.from({ length: n }, (_, i) => f32(2 ** -(6 + (i % 3)))) });
/** Cycles of an entry's launches timed as regress times them: one warm sequence, as exec runs an operator. */
const timed = (kernel: string, preset: string, params: unknown): number => {
  const cfg = loadConfig(preset);
  return timeLaunches(cfg, KERNELS[kernel]!.bind(params, undefined)(cfg), 'warm').reduce((s, k) => s + k.cycles, 0);
};

describe('regress kernels time the kernels exec and run matmul run (same cycles)', () => {
  const variants = [
    ['tiny-sep', 'fixpipe'],
    ['tiny-sep', 'ub'],
    ['tiny-sep', 'gm'],
    ['tiny', 'ub'],
    ['tiny', 'gm'],
  ] as const;

  it.each(variants)('QLinearConv on %s, fusion %s', (preset, fusion) => {
    const r = rng(7);
    const [c, hw, oc] = [40, 7, 24];
    const inputs = {
      x: int8(r, [1, c, hw, hw]),
      x_scale: scalarF(2 ** -4),
      x_zero_point: scalarI8(3),
      w: int8(r, [oc, c, 3, 3]),
      w_scale: wScales(oc),
      w_zero_point: scalarI8(0),
      y_scale: scalarF(1),
      y_zero_point: scalarI8(0),
      B: { dtype: 'int32' as const, dims: [oc], data: Int32Array.from({ length: oc }, () => randInt(r, -1000, 1000)) },
    };
    const exec = runOperator('QLinearConv', inputs, { pads: [1, 1, 1, 1], strides: [2, 2] }, loadConfig(preset), { fusion: fusion as Fusion });
    expect(timed('qlinear-conv', preset, { c, h: hw, w: hw, oc, kh: 3, kw: 3, pad: 1, stride: 2, fusion })).toBe(exec.cycles);
  });

  it.each(variants)('QLinearMatMul on %s, fusion %s', (preset, fusion) => {
    const r = rng(8);
    const [m, k, n] = [40, 72, 48];
    const inputs = {
      a: int8(r, [m, k]),
      a_scale: scalarF(2 ** -4),
      a_zero_point: scalarI8(-2),
      b: int8(r, [k, n]),
      b_scale: wScales(n),
      b_zero_point: scalarI8(0),
      y_scale: scalarF(1),
      y_zero_point: scalarI8(0),
    };
    const exec = runOperator('QLinearMatMul', inputs, {}, loadConfig(preset), { fusion: fusion as Fusion });
    expect(timed('qlinear-matmul', preset, { m, k, n, fusion })).toBe(exec.cycles);
  });

  it.each(['ascend910b', 'tiny'])('matmul on %s equals run matmul --timing-only', (preset) => {
    const job = runMatmul({ m: 96, k: 160, n: 64, preset, mode: 'timing', perChannel: true });
    expect(timed('matmul', preset, { m: 96, k: 160, n: 64, perChannel: true })).toBe(job.result.cycles);
  });
});
