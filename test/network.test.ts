/**
 * The network runner and `aicore-sim network`: topology parse errors name file, line and column;
 * the ResNet-50 topology's conv and fc rows are the ResNet-50 table's layers; a CLI run gives
 * images/s and one layer per row, the same JSON twice, a CSV, per-layer fusion that changes only
 * that layer, and exit 2 for an unknown network. Small shapes on the tiny preset keep most of it
 * fast; the ResNet-50 checks run on ascend310p at batch 1 (about a second).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../scripts/cli.js';
import { builtinFile, builtinNames } from '../scripts/lib/network/builtin.js';
import { tableLayer } from '../scripts/lib/network/launches.js';
import { parseTopology, readTopology } from '../scripts/lib/network/parse.js';
import { resolveDims } from '../scripts/lib/network/run.js';
import { resnet50Layers } from '../scripts/lib/resnet50.js';
import { tempDirs } from './support/temp-dirs.js';

const tmp = tempDirs('aicore-net-');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const HEADER = 'name,op,inputs,c,h,w,oc,kh,kw,stride,pad,k,n';
/** A small network for the tiny preset: conv, pool, conv, add of the two, gap, fc. */
const SMALL = [
  HEADER,
  'c1,conv,-,16,16,16,32,3,3,1,1,,',
  'pool,maxpool,,32,16,16,,3,3,2,1,,',
  'c2,conv,,32,8,8,32,1,1,1,0,,',
  'c3,conv,,32,8,8,32,1,1,1,0,,',
  'sum,add,c2;c3,32,8,8,,,,,,,',
  'gap,gap,,32,8,8,,,,,,,',
  'fc,fc,,,,,,,,,,32,16',
].join('\n');

function smallFile(): string {
  const f = path.join(tmp(), 'small.csv');
  fs.writeFileSync(f, `${SMALL}\n`);
  return f;
}

describe('topology CSV', () => {
  const bad = (text: string) => () => parseTopology(text, 'net.csv');
  it.each([
    [`${HEADER}\nc1,convv,-,16,16,16,32,3,3,1,1,,`, /^net\.csv:2: column op: unknown op 'convv' \(ops: conv, dwconv/],
    [`${HEADER}\nc1,conv,-,16,16,,32,3,3,1,1,,`, /^net\.csv:2: column w: missing w \(op conv needs/],
    [`${HEADER}\nc1,conv,-,16,16,1.5,32,3,3,1,1,,`, /^net\.csv:2: column w: '1\.5' is not an integer in 1\.\.65535/],
    [`${HEADER}\n# a comment\nc1,conv,-,16,16,16,32,3,3,1,1,7,`, /^net\.csv:3: column k: op conv does not use k/],
    [`${HEADER}\nc1,conv,x9,16,16,16,32,3,3,1,1,,`, /^net\.csv:2: column inputs: input 'x9' is not an earlier layer/],
    ['name,op,colour\n', /^net\.csv:1: column 3: unknown column 'colour'/],
    [`${HEADER}\nc1,conv,-,16`, /^net\.csv:2: not a valid CSV file/],
    [`${HEADER}\n,conv,-,16,16,16,32,3,3,1,1,,`, /^net\.csv:2: column name: missing layer name/],
  ])('%s is refused with file, line and column', (text, message) => {
    expect(bad(text)).toThrow(message);
  });

  it('an empty inputs cell is the row above; the first row reads the network input', () => {
    const t = parseTopology(SMALL, 'small.csv');
    expect(t.layers.map((l) => l.inputs.join(';'))).toEqual(['-', 'c1', 'pool', 'c2', 'c2;c3', 'sum', 'gap']);
  });

  it('every built-in topology parses', () => {
    expect(builtinNames()).toEqual(['bert-base', 'mobilenetv2', 'resnet50']);
    for (const n of builtinNames()) expect(readTopology(builtinFile(n)!).layers.length).toBeGreaterThan(10);
  });

  it("the ResNet-50 topology's conv and fc rows are the ResNet-50 table's layers, in order", () => {
    const t = readTopology(builtinFile('resnet50')!);
    const cube = t.layers.filter((l) => l.op === 'conv' || l.op === 'fc').map((l) => tableLayer(l.name, l.op, resolveDims(l, 128)));
    expect(cube).toEqual(resnet50Layers());
    const count = (op: string) => t.layers.filter((l) => l.op === op).length;
    expect([count('maxpool'), count('add'), count('gap')]).toEqual([1, 16, 1]);
  });

  it('MobileNetV2 has 35 convs, 17 depthwise convs, 10 adds; BERT lists its float parts as host rows', () => {
    const m = readTopology(builtinFile('mobilenetv2')!);
    const count = (op: string) => m.layers.filter((l) => l.op === op).length;
    expect([count('conv'), count('dwconv'), count('add'), count('gap'), count('fc')]).toEqual([35, 17, 10, 1, 1]);
    const b = readTopology(builtinFile('bert-base')!);
    expect(b.layers.filter((l) => l.host).map((l) => l.op)).toEqual(['softmax', 'add', 'layernorm', 'gelu', 'add', 'layernorm']);
  });
});

interface NetJson {
  imagesPerSecond: number;
  latencyMs: number;
  cycles: number;
  layers: { name: string; op: string; cycles: number; fusion: string | null; run: string; launches: number }[];
  byOp: Record<string, { timeUs: number }>;
}

describe('aicore-sim network', () => {
  it('resnet50 on ascend310p: images/s and one layer per conv, fc, pool and add', async () => {
    const r = await cli('network', 'resnet50', '--preset', 'ascend310p', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as NetJson;
    expect(j.imagesPerSecond).toBeGreaterThan(0);
    expect(j.imagesPerSecond).toBeCloseTo(1000 / j.latencyMs, 3);
    expect(j.layers).toHaveLength(53 + 1 + 1 + 16 + 1);
    expect(j.layers.every((l) => l.run === 'device' && l.cycles > 0)).toBe(true);
    expect(j.cycles).toBe(j.layers.reduce((s, l) => s + l.cycles, 0));
    expect(Object.keys(j.byOp)).toEqual(['conv', 'maxpool', 'add', 'gap', 'fc']);
  });

  it('gives the same JSON twice', async () => {
    const f = smallFile();
    const a = await cli('network', f, '--preset', 'tiny', '--json');
    const b = await cli('network', f, '--preset', 'tiny', '--json');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('writes a CSV row per layer', async () => {
    const f = smallFile();
    const csv = path.join(tmp(), 'layers.csv');
    const r = await cli('network', f, '--preset', 'tiny', '--csv', csv);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^layer,op,preset,batch,shape,run,fusion,cycles,time_us,launches,bound,/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['c1', 'pool', 'c2', 'c3', 'sum', 'gap', 'fc']);
  });

  it('a per-layer fusion changes that layer only', async () => {
    const f = smallFile();
    const base = JSON.parse((await cli('network', f, '--preset', 'tiny', '--json')).stdout) as NetJson;
    const gm = JSON.parse((await cli('network', f, '--preset', 'tiny', '--fusion', 'ub,c3=gm', '--json')).stdout) as NetJson;
    const changed = base.layers.map((l, i) => l.cycles !== gm.layers[i]!.cycles || l.fusion !== gm.layers[i]!.fusion).map((c, i) => (c ? base.layers[i]!.name : '')).filter(Boolean);
    // c3 runs a second (requant) launch; the layers after it see another L2, so only its own row differs in fusion and launches
    expect(changed).toContain('c3');
    expect(gm.layers.filter((l) => l.fusion === 'gm').map((l) => l.name)).toEqual(['c3']);
    expect(gm.layers.find((l) => l.name === 'c3')!.launches).toBe(2);
    expect(gm.layers.filter((l, i) => l.launches !== base.layers[i]!.launches).map((l) => l.name)).toEqual(['c3']);
    expect(gm.layers.slice(0, 3)).toEqual(base.layers.slice(0, 3));
  });

  it('traces the chosen layers into --out', async () => {
    const f = smallFile();
    const out = tmp();
    const r = await cli('network', f, '--preset', 'tiny', '--out', out, '--trace-layers', 'c2,sum');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['c2.trace.json', 'c2.insns.csv', 'c2.ops.csv', 'c2.summary.csv', 'c2.stats.csv', 'sum.trace.json', 'sum.insns.csv', 'sum.ops.csv', 'sum.summary.csv', 'sum.stats.csv', 'report-data.json', 'report.html'].sort());
  });

  it.each([
    [['network', 'alexnet'], 2, /unknown network 'alexnet': give a built-in one \(bert-base, mobilenetv2, resnet50\)/],
    [['network', 'resnet50', '--fusion', 'maxpool=gm'], 2, /only conv, fc, gemm and matmul layers/],
    [['network', 'resnet50', '--fusion', 'fast'], 2, /'fast' is not one of fixpipe, ub, gm/],
    [['network', 'resnet50', '--trace-layers', 'conv1'], 2, /--trace-layers needs --out/],
    [['network', 'missing-file.csv'], 4, /cannot read topology missing-file\.csv/],
  ])('%j exits %i', async (argv, code, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });
});
