/**
 * `aicore-sim exec` through the CLI: an array of 50 ORT fixture cases in one call gives 50 results
 * equal to ONNX Runtime's, in order; bad cases give one clear stderr line, a non-zero exit, and no
 * result file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../scripts/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-exec-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n').split('\n').filter((l) => l) };
}

interface Case {
  name: string;
  op: string;
  attrs?: Record<string, unknown>;
  inputs: Record<string, { dtype: string; dims: number[]; data: number[] }>;
  outputs?: Record<string, { dtype: string; dims: number[]; data: number[] }>;
}
const fixture = (op: string): Case[] => (JSON.parse(fs.readFileSync(new URL(`./fixtures/onnx/${op}.json`, import.meta.url), 'utf8')) as { cases: Case[] }).cases;
const writeJson = (name: string, v: unknown) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, JSON.stringify(v));
  return f;
};

describe('exec', () => {
  it('runs an array of 50 cases in one call, in order, equal to ONNX Runtime', async () => {
    const cases = fixture('QLinearConv').slice(0, 25).concat(fixture('MatMulInteger').slice(0, 25));
    const input = writeJson('cases.json', cases.map(({ outputs: _o, ...c }) => c));
    const out = path.join(dir, 'result.json');
    const r = await cli('exec', '--case', input, '--out', out, '--preset', 'ascend310p');
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/50 case\(s\) on ascend310p, \d+ cycles in all/);
    const results = JSON.parse(fs.readFileSync(out, 'utf8')) as { outputs: Record<string, { data: number[] }>; cycles: number }[];
    expect(results).toHaveLength(50);
    results.forEach((res, i) => {
      expect(res.cycles).toBeGreaterThan(0);
      for (const [name, want] of Object.entries(cases[i]!.outputs!)) expect(res.outputs[name]!.data, cases[i]!.name).toEqual(want.data);
    });
  });

  it('runs a single case into a single result', async () => {
    const c = fixture('ConvInteger')[3]!;
    const out = path.join(dir, 'one.json');
    const r = await cli('exec', '--case', writeJson('one-case.json', c), '--out', out, '--preset', 'tiny-sep');
    expect(r.code).toBe(0);
    const res = JSON.parse(fs.readFileSync(out, 'utf8')) as { outputs: Record<string, { data: number[] }> };
    expect(res.outputs.y!.data).toEqual(c.outputs!.y!.data);
  });

  const good = fixture('QLinearMatMul')[0]!;
  const bad: [string, unknown, RegExp][] = [
    ['a missing input', { ...good, inputs: { ...good.inputs, y_scale: undefined } }, /missing required input y_scale/i],
    ['dims that disagree with the data', { ...good, inputs: { ...good.inputs, a: { ...good.inputs.a!, dims: [99, 99] } } }, /dims \[99, ?99\] need 9801 values/],
    ['an unsupported dtype combination', { ...good, inputs: { ...good.inputs, y_zero_point: { dtype: 'int8', dims: [], data: [0] }, a: { ...good.inputs.a!, dtype: 'uint8', data: good.inputs.a!.data.map((v) => v & 0xff) }, a_zero_point: { dtype: 'uint8', dims: [], data: [0] }, b: { ...good.inputs.b!, dtype: 'int8', data: good.inputs.b!.data.map((v) => ((v + 128) & 0xff) - 128) }, b_zero_point: { dtype: 'int8', dims: good.inputs.b_zero_point?.dims ?? [], data: (good.inputs.b_zero_point?.data ?? [0]).map(() => 0) } } }, /does not support a=uint8, b=int8, y_zero_point=int8 \(supported/],
    ['an unknown operator', { ...good, op: 'QLinearFrob' }, /unknown op/i],
    ['a tensor too large to hold', { ...good, inputs: { ...good.inputs, a: { ...good.inputs.a!, dims: [65536, 65536], data: [] } } }, /input a: dims \[65536, 65536\] hold 4294967296 elements, more than the limit of 268435456 \(2\^28\)/],
    // rows 1100 wide x 32 channels: even a slab of two input rows (70 KiB) exceeds tiny's 64 KiB L1
    ['a shape no tiling fits', { op: 'QLinearConv', inputs: { x: { dtype: 'int8', dims: [1, 32, 2, 1100], data: new Array(70400).fill(0) }, x_scale: { dtype: 'float32', dims: [], data: [1] }, x_zero_point: { dtype: 'int8', dims: [], data: [0] }, w: { dtype: 'int8', dims: [1, 32, 1, 1], data: new Array(32).fill(1) }, w_scale: { dtype: 'float32', dims: [], data: [1] }, w_zero_point: { dtype: 'int8', dims: [], data: [0] }, y_scale: { dtype: 'float32', dims: [], data: [1] }, y_zero_point: { dtype: 'int8', dims: [], data: [0] } } }, /no tiling fits tiny.*smallest slab of input rows/],
  ];
  it('stops a kernel past --max-instructions, naming the limit and the flag', async () => {
    const out = path.join(dir, 'limited.json');
    const r = await cli('exec', '--case', writeJson('limited-case.json', good), '--out', out, '--preset', 'tiny', '--max-instructions', '20');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/instruction limit exceeded: the run passed 20 instructions over all cores.*raise --max-instructions/);
    expect(fs.existsSync(out)).toBe(false);
  });

  for (const [what, c, message] of bad)
    it(`reports ${what} in one line, exits non-zero and writes no result`, async () => {
      const out = path.join(dir, `bad-${what.replace(/\W+/g, '-')}.json`);
      const r = await cli('exec', '--case', writeJson('bad.json', [good, c]), '--out', out, '--preset', 'tiny');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toHaveLength(1);
      expect(r.stderr[0]).toMatch(/^aicore-sim: /);
      expect(r.stderr[0]).toMatch(message);
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(path.dirname(out)).some((f) => f.endsWith('.partial'))).toBe(false);
    });
});
