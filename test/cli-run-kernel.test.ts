/**
 * `aicore-sim run <kernel>` for the regression table's kernels: every kernel (but matmul, which has
 * its own command) runs functionally bit-exact against its reference, in the cycles of its
 * timing-only run and of the regress measurement with the same params; the CLI writes the five
 * files (a set per launch for several launches), prints the JSON of `run matmul`, and refuses bad
 * flags with one line. `exec --trace-dir` writes each launch's traces only when every case succeeded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { defineKernel, encode, firstMismatch, int, KERNELS, timeLaunches, vectorCheck, type RegressKernel } from '../scripts/lib/regress/index.js';
import { generateRequant, requantReference } from '../ops-nn/quant/index.js';
import { runKernel } from '../scripts/lib/run-kernel.js';
import { OUTPUT_FILES } from '../scripts/lib/outputs.js';
import { REPORT_FILES } from '../scripts/lib/report-html/data.js';
import { runCli } from './support/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-run-kernel-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** One small case per table kernel, on presets that exercise its variants. */
const CASES: readonly { kernel: string; preset: string; params: Record<string, unknown> }[] = [
  { kernel: 'qlinear-matmul', preset: 'ascend910b', params: { m: 64, k: 128, n: 64, fusion: 'fixpipe' } },
  { kernel: 'qlinear-matmul', preset: 'tiny-sep', params: { m: 48, k: 96, n: 64, fusion: 'gm', zeroPoint: 3 } },
  { kernel: 'qlinear-matmul', preset: 'tiny', params: { m: 32, k: 64, n: 64, fusion: 'ub', perChannel: false } },
  { kernel: 'qlinear-conv', preset: 'tiny-sep', params: { c: 16, h: 8, w: 8, oc: 32, kh: 3, kw: 3, pad: 1, fusion: 'fixpipe' } },
  { kernel: 'qlinear-conv', preset: 'tiny', params: { c: 8, h: 6, w: 6, oc: 16, kh: 3, kw: 3, stride: 2, group: 2, fusion: 'ub' } },
  { kernel: 'conv-f16', preset: 'tiny', params: { c: 16, h: 8, w: 8, oc: 32, kh: 3, kw: 3, pad: 1 } },
  { kernel: 'qlinear-conv-dw', preset: 'ascend910b', params: { c: 32, h: 8, w: 8, xType: 'u8', zeroPoint: 128 } },
  { kernel: 'conv-f16-dw', preset: 'tiny', params: { c: 40, h: 7, w: 7, stride: 2 } },
  { kernel: 'quantize', preset: 'tiny', params: { elements: 4096, channels: 4, xType: 'f16' } },
  { kernel: 'quantize', preset: 'ascend910b', params: { elements: 3000, outType: 'u8', zeroPoint: 128 } },
  { kernel: 'dequantize', preset: 'tiny', params: { elements: 4096, qType: 's32', outType: 'f16', channels: 8 } },
  { kernel: 'requant', preset: 'tiny-sep', params: { rows: 64, cols: 96 } },
  { kernel: 'add', preset: 'tiny', params: { elements: 5000, type: 'u8', zeroPoint: 100 } },
  { kernel: 'activation', preset: 'tiny', params: { kind: 'relu6', elements: 3000, type: 'u8', zeroPoint: 10 } },
  { kernel: 'activation', preset: 'ascend910b', params: { kind: 'leaky-relu', elements: 3000 } },
  { kernel: 'pool', preset: 'tiny', params: { kind: 'max', c: 32, h: 16, w: 16, stride: 2, pad: 1 } },
  { kernel: 'pool', preset: 'tiny-sep', params: { kind: 'avg', c: 40, h: 9, w: 9, kh: 2, kw: 2 } },
];

describe('run <kernel>: every table kernel', () => {
  it('has a case here (a new table row comes with its check)', () => {
    const covered = new Set(CASES.map((c) => c.kernel));
    expect(Object.keys(KERNELS).filter((k) => !covered.has(k))).toEqual(['matmul', 'matmul-f16']);
  });

  it.each(CASES.map((c) => [`${c.kernel} ${JSON.stringify(c.params)} on ${c.preset}`, c] as const))('%s: bit-exact, in the cycles of timing-only and of regress', (_, c) => {
    const opts = { kernel: c.kernel, params: c.params, preset: c.preset };
    const functional = runKernel(opts);
    expect(functional.verified, JSON.stringify(functional.mismatch)).toBe(true);
    const timing = runKernel({ ...opts, mode: 'timing' });
    expect(timing.verified).toBeUndefined();
    expect(functional.result.cycles).toBe(timing.result.cycles);
    const cfg = loadConfig(c.preset);
    const regress = timeLaunches(cfg, KERNELS[c.kernel]!.bind(c.params, undefined)(cfg), 'warm');
    expect(timing.result.cycles).toBe(regress.reduce((s, r) => s + r.cycles, 0));
  });

  it('compares floats by their bits: -0 is not 0', () => {
    expect(firstMismatch('f16', encode('f16', [1, -0, 2]), encode('f16', [1, 0, 2]))).toEqual({ element: 1, got: -0, want: 0 });
    expect(firstMismatch('s8', encode('s8', [1, -3]), encode('s8', [1, -3]))).toBeUndefined();
  });
});

describe('run <kernel> on the command line', () => {
  it('writes the five files and the report, and prints the JSON of run matmul', async () => {
    const out = path.join(root, 'add');
    const r = await runCli('run', 'add', '--elements', '5000', '--preset', 'tiny', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ command: 'run add', kernel: 'add', preset: 'tiny', mode: 'functional', verified: true, mismatch: null, params: { elements: 5000, type: 's8', zeroPoint: 0 } });
    for (const k of ['cycles', 'pipes', 'memory', 'stalls', 'tiling', 'notes']) expect(j).toHaveProperty(k);
    expect(fs.readdirSync(out).sort()).toEqual([...Object.values(OUTPUT_FILES), ...Object.values(REPORT_FILES)].sort());
    const timing = await runCli('run', 'add', '--elements', '5000', '--preset', 'tiny', '--timing-only', '--json');
    expect(JSON.parse(timing.stdout)).toMatchObject({ cycles: j['cycles'], verified: null, mode: 'timing' });
    const text = await runCli('run', 'add', '--elements', '5000', '--preset', 'tiny');
    expect(text.stdout).toMatch(/bit-exact vs reference: yes/);
  });

  it('several launches: a set of files per launch, the launches listed, --emit-asm refused', async () => {
    const out = path.join(root, 'gm');
    const argv = ['run', 'qlinear-matmul', '--m', '48', '--k', '64', '--n', '32', '--fusion', 'gm', '--preset', 'tiny-sep'];
    const r = await runCli(...argv, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { launches: { name: string; cycles: number }[]; cycles: number };
    expect(j.launches.map((l) => l.name)).toEqual(['matmul', 'requant']);
    expect(j.launches.reduce((s, l) => s + l.cycles, 0)).toBe(j.cycles);
    expect(fs.readdirSync(out).sort()).toEqual([...['1-matmul', '2-requant'].flatMap((p) => Object.values(OUTPUT_FILES).map((f) => `${p}.${f}`)), ...Object.values(REPORT_FILES)].sort());
    // the folder reads as the sequence the JSON reports: diff finds nothing
    fs.writeFileSync(path.join(root, 'gm.json'), r.stdout);
    expect((await runCli('diff', out, path.join(root, 'gm.json'))).code).toBe(0);
    const asm = await runCli(...argv, '--emit-asm', path.join(root, 'gm.s'));
    expect(asm.code).toBe(4);
    expect(asm.stderr).toMatch(/--emit-asm writes one program/);
    expect(fs.existsSync(path.join(root, 'gm.s'))).toBe(false);
  });

  it('conv --dtype chooses the INT8 or the FP16 row, refusing the other row\'s flags', async () => {
    const shape = ['-c', '16', '--height', '8', '--width', '8', '--oc', '16', '--kh', '3', '--kw', '3', '--preset', 'tiny', '--timing-only', '--json'];
    for (const [family, row, extra] of [['conv', 'qlinear-conv', ['--fusion', 'ub']], ['conv', 'conv-f16', ['--dtype', 'f16']]] as const) {
      const viaFamily = await runCli('run', family, ...shape, ...extra);
      const direct = await runCli('run', row, ...shape, ...extra.filter((x) => x !== '--dtype' && x !== 'f16'));
      expect(viaFamily.code, viaFamily.stderr).toBe(0);
      expect(JSON.parse(viaFamily.stdout)).toMatchObject({ command: `run ${row}`, cycles: (JSON.parse(direct.stdout) as { cycles: number }).cycles });
    }
    const wrong = await runCli('run', 'conv', ...shape, '--dtype', 'f16', '--fusion', 'ub');
    expect([wrong.code, wrong.stderr]).toEqual([2, 'aicore-sim: --fusion does not apply to --dtype f16 (conv-f16)']);
    const missing = await runCli('run', 'conv', ...shape);
    expect([missing.code, missing.stderr]).toEqual([2, 'aicore-sim: --fusion is required with --dtype int8 (qlinear-conv)']);
  });

  it('refuses bad flags in one line: missing (2), out of range and unsupported (4)', async () => {
    const cases: [string[], number, RegExp][] = [
      [['run', 'pool', '--kind', 'max', '-c', '32', '--height', '8'], 2, /Missing required argument: width/],
      [['run', 'requant', '--rows', '0', '--cols', '8'], 4, /--rows must be an integer in 1\.\.65535, got 0/],
      [['run', 'qlinear-matmul', '--m', '16', '--k', '32', '--n', '32', '--fusion', 'fixpipe', '--preset', 'tiny'], 4, /tiny has no fixpipe/],
      [['run', 'softmax'], 2, /Unknown command: softmax/],
    ];
    for (const [argv, code, want] of cases) {
      const r = await runCli(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderrLines).toHaveLength(1);
      expect(r.stderr).toMatch(want);
    }
  });
});

describe('a kernel whose output differs from its reference', () => {
  it('exits 1 with one line naming the first differing element', async () => {
    // a table row that checks the requant kernel against a reference with element 5 changed
    const table = KERNELS as Record<string, RegressKernel>;
    table['broken'] = defineKernel({
      describe: 'requant with a wrong reference (test only)',
      params: { rows: int(1, 64), cols: int(1, 64) },
      tiling: {},
      run: (p, cfg) => [{ kernel: generateRequant({ rows: p.rows, cols: p.cols, multipliers: [2 ** -10], zeroPoints: [0], outType: 's8' }, cfg) }],
      functional: (p, _cfg, _tiling, planned) => {
        const acc = Array.from({ length: p.rows * p.cols }, (_, i) => i * 1024);
        const want = requantReference({ rows: p.rows, cols: p.cols, multipliers: [2 ** -10], zeroPoints: [0], outType: 's8' }, Int32Array.from(acc));
        want[5] = want[5]! + 1;
        return vectorCheck(planned[0]!.kernel, { acc: encode('s32', acc) }, 'y', 's8', encode('s8', want));
      },
    });
    try {
      const r = await runCli('run', 'broken', '--rows', '4', '--cols', '8', '--preset', 'tiny', '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ verified: false, mismatch: { element: 5, got: 5, want: 6 } });
      expect(r.stderrLines).toEqual(['aicore-sim: broken output differs from the reference: first difference at output element 5: got 5, want 6']);
    } finally {
      delete table['broken'];
    }
  });
});

describe('exec --trace-dir', () => {
  const fixture = (JSON.parse(fs.readFileSync(new URL('./fixtures/onnx/QLinearMatMul.json', import.meta.url), 'utf8')) as { cases: { name: string; op: string; attrs?: object; inputs: object }[] }).cases;
  const caseFile = (name: string, cases: readonly unknown[]) => {
    const f = path.join(root, name);
    fs.writeFileSync(f, JSON.stringify(cases));
    return f;
  };
  const cases = fixture.slice(0, 2).map(({ name, op, attrs, inputs }, i) => ({ name: `case${i}`, op, attrs, inputs, _: name }));

  it('writes a set of files per launch and the report, the result unchanged', async () => {
    const file = caseFile('cases.json', cases.map(({ _, ...c }) => c));
    const dir = path.join(root, 'exec-traces');
    const traced = await runCli('exec', '--case', file, '--out', path.join(root, 'traced.json'), '--fusion', 'gm', '--trace-dir', dir);
    expect(traced.code, traced.stderr).toBe(0);
    const plain = await runCli('exec', '--case', file, '--out', path.join(root, 'plain.json'), '--fusion', 'gm');
    expect(plain.code).toBe(0);
    expect(fs.readFileSync(path.join(root, 'traced.json'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'plain.json'), 'utf8'));
    const results = JSON.parse(fs.readFileSync(path.join(root, 'plain.json'), 'utf8')) as { kernels: { name: string }[] }[];
    const want = results.flatMap((r, i) => r.kernels.map((k, n) => `case${i}-${n + 1}-${k.name}`));
    const report: readonly string[] = Object.values(REPORT_FILES);
    const launchFiles = fs.readdirSync(dir).filter((f) => !report.includes(f));
    const sets = [...new Set(launchFiles.map((f) => f.replace(/\.(trace\.json|insns\.csv|ops\.csv|summary\.csv|stats\.csv)$/, '')))].sort();
    expect(sets).toEqual(want.sort());
    expect(launchFiles).toHaveLength(want.length * Object.keys(OUTPUT_FILES).length);
    // and the folder's report, drawing its longest launch
    for (const f of report) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(fs.readFileSync(path.join(dir, REPORT_FILES.data), 'utf8')).toMatch(/the longest launch of the run \(files case\d-\d-\w+\.\*\)/);
    // the folder reads as one kernel profile: diff against itself moves nothing
    expect((await runCli('diff', dir, dir)).code).toBe(0);
  });

  it('a run that fails midway leaves the folder without traces (nor staging)', async () => {
    const file = caseFile('cases2.json', cases.map(({ _, ...c }) => c));
    const dir = path.join(root, 'exec-failed');
    const r = await runCli('exec', '--case', file, '--out', path.join(root, 'failed.json'), '--fusion', 'gm', '--trace-dir', dir, '--max-instructions', '40');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/instruction/);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.existsSync(path.join(root, 'failed.json'))).toBe(false);
  });
});

describe('the text summary fits the kernel', () => {
  it('a kernel without cube work reports the vector unit and its GM traffic, not TOPS', async () => {
    const vec = await runCli('run', 'quantize', '--elements', '65536', '--timing-only');
    expect(vec.code).toBe(0);
    expect(vec.stdout).toMatch(/vec_ratio +\d+\.\d %  GM traffic +\d+\.\d\d GB\/s \(\d[\d,]* bytes read and written over aicore_time; no cube work\)/);
    expect(vec.stdout).not.toMatch(/TOPS|cube_utilization/);
    const cube = await runCli('run', 'matmul', '--m', '64', '--k', '64', '--n', '64', '--timing-only');
    expect(cube.stdout).toMatch(/cube_utilization .* TOPS/);
  });
});
