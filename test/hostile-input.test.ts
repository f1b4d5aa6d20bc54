/**
 * Hostile input to every entry point, as a new user (or a fuzzer) would give it: each case must end
 * with a documented non-zero exit status (README "Exit status": 1 for a run that cannot go on, 2 for
 * bad usage, 4 for unusable input; never 5, an internal error), one line on stderr that is the project's own message (no
 * stack, no "run with --verbose", no raw terminal control characters), in bounded time. README's
 * hostile-input table lists these categories with their case counts; a test keeps it current.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as cli } from './support/cli.js';
import { rng, randInt } from './support/rng.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicore-hostile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A file in the test folder holding `content`. */
function file(content: string | Buffer, ext = 'txt'): string {
  const p = path.join(dir, `f${n++}.${ext}`);
  fs.writeFileSync(p, content);
  return p;
}
const json = (v: unknown) => file(typeof v === 'string' ? v : JSON.stringify(v), 'json');

/** One hostile case: the command line (built when it runs, so its files exist), and the statuses it may end with. */
interface Case {
  readonly name: string;
  readonly argv: () => string[];
  readonly exit?: readonly number[];
  /** valid input after all: it must run cleanly, exit 0 and print no error */
  readonly accepted?: boolean;
}

const r = rng(8);
const garbage = (bytes: number) => Buffer.from(Array.from({ length: bytes }, () => randInt(r, 0, 255)));
const q = (x: number[]) => ({ dtype: 'float32', dims: [x.length], data: x });
const goodCase = { op: 'QuantizeLinear', inputs: { x: q([0, 1, 2]), y_scale: { dtype: 'float32', dims: [], data: [0.5] } } };
const exec = (c: unknown): string[] => ['exec', '--case', json(c), '--out', path.join(dir, `r${n++}.json`)];
const asm = (text: string | Buffer): string[] => ['asm', file(text, 's')];
const withConfig = (c: unknown): string[] => ['run', 'matmul', '--m', '16', '--k', '16', '--n', '16', '--preset', 'tiny', '--timing-only', '--config', json(c)];
const entry = { id: 'e', kernel: 'matmul', preset: 'tiny', params: { m: 16, k: 16, n: 16 } };
const regress = (manifest: unknown, baseline?: unknown): string[] => [
  'regress',
  '--manifest',
  json(manifest),
  '--baseline',
  baseline === undefined ? path.join(dir, `b${n++}.json`) : json(baseline),
  ...(baseline === undefined ? ['--update'] : []),
];
const mm = (...flags: string[]): string[] => ['run', 'matmul', '--m', '16', '--k', '16', '--n', '16', '--preset', 'tiny', '--timing-only', ...flags];

/** A 300 MiB file that takes no disk (sparse): bigger than any input may be. */
function huge(ext: string): string {
  const p = path.join(dir, `huge${n++}.${ext}`);
  fs.writeFileSync(p, '');
  fs.truncateSync(p, 300 * 2 ** 20);
  return p;
}

/** A FIFO and a device made in the test folder (a writer-less FIFO would block a naive reader forever). */
function special(kind: 'fifo' | 'zero'): string {
  const p = path.join(dir, `${kind}${n++}`);
  if (kind === 'fifo') execFileSync('mkfifo', [p]);
  else execFileSync('mknod', [p, 'c', '1', '5']);
  return p;
}

export const CATEGORIES: Readonly<Record<string, readonly Case[]>> = {
  'assembly text': [
    ...[16, 300, 4096].map((b) => ({ name: `${b} bytes of binary garbage`, argv: () => asm(garbage(b)) })),
    { name: 'NUL bytes', argv: () => asm('  nop\0\0\n  end\n') },
    { name: 'CR-only line endings', argv: () => asm('  li x1, 1\r  jmp nowhere\r  end\r') },
    { name: 'empty file', argv: () => asm('') },
    { name: 'comments only', argv: () => asm('# nothing\n// here\n') },
    { name: 'unknown mnemonic with terminal escapes', argv: () => asm('  \x1b[31mvadd\x1b[0m x1\n  end\n') },
    { name: 'operand out of range', argv: () => asm('  li x99, 1\n  end\n') },
    { name: 'wrong operand count', argv: () => asm('  vadd f32, UB[0]\n  end\n') },
    { name: 'huge immediate', argv: () => asm('  li x1, 99999999999999999999999\n  end\n') },
    { name: 'duplicate label', argv: () => asm('a:\na:\n  end\n') },
    { name: 'label to nowhere', argv: () => asm('  jmp b\n  end\n') },
    { name: 'no end: runs past the last instruction', argv: () => asm('  nop\n') },
    { name: 'UB access past the buffer', argv: () => asm('  vdup f32, UB[99999999], 1, 1, 1, 8\n  end\n') },
    { name: 'misaligned UB address', argv: () => asm('  vdup f32, UB[3], 1, 1, 1, 8\n  end\n') },
    { name: 'wait that never comes', argv: () => asm('  wait_flag MTE2, V, 0\n  end\n') },
    { name: 'a loop that never ends', argv: () => asm('loop:\n  jmp loop\n  end\n') },
    { name: 'bad directive', argv: () => asm('# aicore-sim: preset=nowhere\n  end\n') },
    { name: 'directive with __proto__', argv: () => asm('# aicore-sim: __proto__=1\n  end\n') },
    { name: 'a folder as the file', argv: () => ['asm', dir] },
    { name: 'a FIFO as the file', argv: () => ['asm', special('fifo')] },
    { name: 'a device that never ends (/dev/zero)', argv: () => ['asm', special('zero')] },
    { name: 'a missing file', argv: () => ['asm', path.join(dir, 'missing.s')] },
    { name: 'a 300 MiB file', argv: () => ['asm', huge('s')] },
  ],
  'case JSON': [
    { name: 'truncated', argv: () => ['exec', '--case', json('{"op": "QuantizeLinear", "inp'), '--out', path.join(dir, 'x.json')] },
    { name: 'not an object', argv: () => exec(42) },
    { name: 'null', argv: () => exec(null) },
    { name: 'empty array', argv: () => exec([]) },
    { name: 'unknown op', argv: () => exec({ ...goodCase, op: 'Softmax' }) },
    { name: 'op named constructor', argv: () => exec({ ...goodCase, op: 'constructor' }) },
    { name: 'op named __proto__', argv: () => exec({ ...goodCase, op: '__proto__' }) },
    { name: 'input named __proto__', argv: () => exec({ op: 'QuantizeLinear', inputs: JSON.parse('{"__proto__": {"dtype": "float32", "dims": [1], "data": [1]}}') }) },
    { name: 'input named toString', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, toString: q([1]) } }) },
    { name: 'inputs as an array', argv: () => exec({ ...goodCase, inputs: [1, 2] }) },
    { name: 'dims as a string', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, x: { dtype: 'float32', dims: '3', data: [1, 2, 3] } } }) },
    { name: 'dims that disagree with data', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, x: { dtype: 'float32', dims: [4], data: [1, 2, 3] } } }) },
    { name: 'negative dim', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, x: { dtype: 'float32', dims: [-3], data: [] } } }) },
    { name: 'fractional dim', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, x: { dtype: 'float32', dims: [1.5], data: [1] } } }) },
    { name: 'dims of 10^12 elements', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, x: { dtype: 'float32', dims: [1000000, 1000000], data: [] } } }) },
    { name: 'unknown dtype', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, x: { dtype: 'float128', dims: [1], data: [1] } } }) },
    { name: 'string data', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, x: { dtype: 'float32', dims: [1], data: ['a'] } } }) },
    { name: 'int8 value out of range', argv: () => exec({ op: 'DequantizeLinear', inputs: { x: { dtype: 'int8', dims: [1], data: [300] }, x_scale: { dtype: 'float32', dims: [], data: [1] } } }) },
    { name: 'zero scale', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, y_scale: { dtype: 'float32', dims: [], data: [0] } } }), accepted: true },
    { name: 'NaN scale (as a string)', argv: () => exec({ ...goodCase, inputs: { ...goodCase.inputs, y_scale: { dtype: 'float32', dims: [], data: ['NaN'] } } }) },
    { name: 'infinite scale (1e999)', argv: () => ['exec', '--case', json('{"op":"QuantizeLinear","inputs":{"x":{"dtype":"float32","dims":[1],"data":[1]},"y_scale":{"dtype":"float32","dims":[],"data":[1e999]}}}'), '--out', path.join(dir, 'y.json')] },
    { name: 'missing required input', argv: () => exec({ op: 'QuantizeLinear', inputs: { x: q([1]) } }) },
    { name: 'attribute of the wrong type', argv: () => exec({ op: 'QLinearConv', attrs: { group: '1' }, inputs: {} }) },
    { name: 'unknown attribute', argv: () => exec({ ...goodCase, attrs: { axsi: 1 } }) },
    { name: 'deeply nested JSON', argv: () => ['exec', '--case', json('['.repeat(100000) + ']'.repeat(100000)), '--out', path.join(dir, 'z.json')] },
    { name: 'a FIFO as the case file', argv: () => ['exec', '--case', special('fifo'), '--out', path.join(dir, 'w.json')] },
    { name: 'a 300 MiB case file', argv: () => ['exec', '--case', huge('json'), '--out', path.join(dir, 'v.json')] },
  ],
  'config JSON': [
    { name: 'truncated', argv: () => mm('--config', json('{"cores": ')) },
    { name: 'not an object', argv: () => withConfig([1, 2]) },
    { name: 'unknown field', argv: () => withConfig({ coers: 2 }) },
    { name: 'field named __proto__', argv: () => withConfig(JSON.parse('{"__proto__": {"cores": 1}}')) },
    { name: 'field named constructor', argv: () => withConfig({ constructor: 1 }) },
    { name: 'wrong type', argv: () => withConfig({ cores: '2' }) },
    { name: 'negative number', argv: () => withConfig({ cores: -1 }) },
    { name: 'zero event ids', argv: () => withConfig({ eventIds: 0 }) },
    { name: 'zero-cycle scalar unit', argv: () => withConfig({ scalar: { aluCycles: 0 } }) },
    { name: 'a million cores', argv: () => withConfig({ cores: 1000000 }) },
    { name: 'a device as the config', argv: () => mm('--config', special('zero')) },
  ],
  'regress manifests and baselines': [
    { name: 'kernel named constructor', argv: () => regress({ entries: [{ ...entry, kernel: 'constructor' }] }) },
    { name: 'kernel named toString', argv: () => regress({ entries: [{ ...entry, kernel: 'toString' }] }) },
    { name: 'kernel named __proto__', argv: () => regress({ entries: [{ ...entry, kernel: '__proto__' }] }) },
    { name: 'parameter named constructor', argv: () => regress({ entries: [{ ...entry, params: { ...entry.params, constructor: 1 } }] }) },
    { name: 'parameter named __proto__', argv: () => regress(JSON.parse(JSON.stringify({ entries: [entry] }).replace('"m":16', '"__proto__":{"m":1},"m":16'))) },
    { name: 'preset named toString', argv: () => regress({ entries: [{ ...entry, preset: 'toString' }] }) },
    { name: 'id named __proto__', argv: () => regress({ entries: [{ ...entry, id: '__proto__' }] }) },
    { name: 'entries not an array', argv: () => regress({ entries: { a: 1 } }) },
    { name: 'baseline not JSON', argv: () => regress({ entries: [entry] }, 'nope') },
    { name: 'baseline of the wrong format', argv: () => regress({ entries: [entry] }, { format: 'x' }) },
    { name: 'baseline entry named __proto__', argv: () => regress({ entries: [entry] }, JSON.parse('{"format": "aicore-sim-regress-baseline/1", "entries": {"__proto__": {"cycles": 1}}}')) },
    { name: 'baseline that is a folder', argv: () => ['regress', '--manifest', json({ entries: [entry] }), '--baseline', dir] },
  ],
  'diff operands': [
    { name: 'binary garbage', argv: () => ['diff', file(garbage(4096), 'json'), file(garbage(64), 'json')] },
    { name: 'truncated JSON', argv: () => ['diff', json('{"cycles": 1, "pipes": {'), json('{}')] },
    { name: 'a JSON array', argv: () => ['diff', json([1, 2]), json([1, 2])] },
    { name: 'null', argv: () => ['diff', json('null'), json('null')] },
    { name: 'cycles without pipes', argv: () => ['diff', json({ cycles: 1 }), json({ cycles: 2 })] },
    { name: 'a network with garbage layers', argv: () => ['diff', json({ command: 'network', cycles: 1, layers: [1, 'x'] }), json({ command: 'network', cycles: 1, layers: [] })] },
    { name: 'prototype keys', argv: () => ['diff', json('{"__proto__": {"cycles": 1, "pipes": {}, "memory": {}}}'), json('{"constructor": 1}')] },
    { name: 'a folder without outputs', argv: () => ['diff', dir, dir] },
    { name: 'a summary.csv of garbage', argv: () => {
      const d = fs.mkdtempSync(path.join(dir, 'out-'));
      fs.writeFileSync(path.join(d, 'summary.csv'), garbage(2048));
      return ['diff', d, d];
    } },
    { name: 'a device', argv: () => ['diff', '/dev/zero', '/dev/zero'] },
    { name: 'a 300 MiB file', argv: () => ['diff', huge('json'), huge('json')] },
  ],
  'command-line flags': [
    { name: 'empty number', argv: () => ['run', 'matmul', '--m', '', '--k', '16', '--n', '16'] },
    { name: 'fractional size', argv: () => ['run', 'matmul', '--m', '1.5', '--k', '16', '--n', '16'] },
    { name: 'huge size', argv: () => ['run', 'matmul', '--m', '1e12', '--k', '16', '--n', '16'] },
    { name: 'size 2^53', argv: () => ['run', 'matmul', '--m', '9007199254740993', '--k', '16', '--n', '16'] },
    { name: 'negative size', argv: () => ['run', 'matmul', '--m', '-16', '--k', '16', '--n', '16'] },
    { name: 'zero size', argv: () => ['run', 'matmul', '--m', '0', '--k', '16', '--n', '16'] },
    { name: 'flag given twice', argv: () => ['run', 'matmul', '--m', '16', '--m', '32', '--k', '16', '--n', '16'] },
    { name: 'unknown flag', argv: () => ['run', 'matmul', '--mm', '16'] },
    { name: 'unknown preset', argv: () => mm('--preset', 'ascend999') },
    { name: 'preset named __proto__', argv: () => mm('--preset', '__proto__') },
    { name: 'zero cores', argv: () => mm('--cores', '0') },
    { name: 'huge --max-cycles', argv: () => mm('--max-cycles', '1e400') },
    { name: 'negative tolerance', argv: () => ['regress', '--manifest', json({ entries: [entry] }), '--baseline', json({}), '--tolerance', '-1'] },
    { name: 'unknown command', argv: () => ['runn'] },
    { name: 'terminal escapes in a flag', argv: () => mm('--preset', '\x1b[2J\x07') },
  ],
};

describe.each(Object.entries(CATEGORIES))('hostile %s', (_category, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { code, stderr } = await cli(...c.argv());
    if (c.accepted) {
      expect([code, stderr]).toEqual([0, '']);
      return;
    }
    expect(c.exit ?? [1, 2, 4]).toContain(code);
    const lines = stderr.split('\n');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^aicore-sim: \S/);
    expect(lines[0]).not.toMatch(/run with --verbose|\n {4}at /);
    // eslint-disable-next-line no-control-regex
    expect(lines[0]).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(lines[0]!.length).toBeLessThan(2000);
  });
});

it('README lists every hostile-input category with its case count', () => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const [category, cases] of Object.entries(CATEGORIES)) expect(readme).toContain(`| ${category} | ${cases.length} |`);
});
