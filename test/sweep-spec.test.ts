/**
 * Sweep specs and points, in-process on one thread: each spec mistake is an exit-4 error naming the
 * place and the fix; the grid's order, constraints, seeded random samples and shards; illegal points
 * as rows with the library's reason; the library API.
 */
import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { jobs } from '../index.js';
import { runCli } from './support/cli.js';
import { SMALL, tempDir } from './support/sweep.js';

const tmp = tempDir('aicore-sweep-spec-');
afterAll(() => tmp.remove());

const MM = { kernel: 'matmul', params: { m: 64, k: 64, n: 64 } };

describe('spec errors: exit 4, one line, where and how to fix', () => {
  it.each([
    ['not JSON', '{"kernel": ', /is not valid JSON/],
    ['not an object', [1], /\(top level\): must be a JSON object, got \[1\]/],
    ['no target', { axes: { baseM: [16] } }, /name a target: "kernel" \(matmul, .*\), "network" \(bert-base, mobilenetv2, resnet50 or a topology CSV\) or "model"/],
    ['two targets', { ...MM, network: 'resnet50', axes: { baseM: [16] } }, /give one target, not kernel and network/],
    ['unknown kernel', { kernel: 'matmull', axes: { m: [1] } }, /kernel: "matmull" is not a kernel of the table \(known: matmul, /],
    ['unknown field', { ...MM, axis: {} }, /axis: is not a known field \(known: kernel, /],
    ['unknown axis', { ...MM, axes: { baseQ: [16] } }, /axes\.baseQ: is not something this target can vary: give "preset", a param \(m, k, n, .*\), a tiling field \(baseM, .*\) or a config field's dotted path/],
    ['unknown config path', { ...MM, axes: { 'l2.byte': [1] } }, /axes\.l2\.byte: is not something this target can vary/],
    ['empty axis', { ...MM, axes: { baseM: [] } }, /axes\.baseM: has no values \(give at least one\)/],
    ['repeated value', { ...MM, axes: { baseM: [16, 16] } }, /axes\.baseM: lists 16 twice/],
    ['object value', { ...MM, axes: { baseM: [{}] } }, /axes\.baseM: value #1 must be a number, a string or true\/false/],
    ['bad range', { ...MM, axes: { baseM: { from: 16, to: 8, step: 1 } } }, /axes\.baseM: "to" 8 is below "from" 16/],
    ['range without step', { ...MM, axes: { baseM: { from: 16, to: 64 } } }, /exactly one of "step" \(added\) or "times" \(multiplied\)/],
    ['axis fixed twice', { ...MM, axes: { m: [16] } }, /axes\.m: is also fixed in "params": give it in one place/],
    ['missing param', { kernel: 'matmul', params: { m: 64, k: 64 }, axes: { baseM: [16] } }, /params: n is missing: give it in "params" or as an axis \(an integer in 1\.\.65535\)/],
    ['bad fixed param', { kernel: 'matmul', params: { m: 0, k: 64, n: 64 }, axes: { baseM: [16] } }, /params\.m: must be an integer in 1\.\.65535, got 0/],
    ['bad preset', { ...MM, preset: 'ascend911', axes: { baseM: [16] } }, /preset: must be a preset name \(known: ascend910b, /],
    ['bad preset axis', { ...MM, axes: { preset: ['tiny', 'nope'] } }, /axes\.preset: "nope" is not a preset/],
    ['bad base config', { ...MM, config: { l2: { bytes: 3 } }, axes: { baseM: [16] } }, /config: config field l2\.bytes must be a multiple of .* \(on ascend910b\)/],
    ['constraint syntax', { ...MM, axes: { baseM: [16] }, constraints: ['baseM <= '] }, /constraints\[0\]: "baseM <= ": expected a number, a name, a string or \(, found the end at column 10 \(numbers, names/],
    ['constraint name', { ...MM, axes: { baseM: [16] }, constraints: ['baseM <= q'] }, /constraints\[0\]: "baseM <= q": unknown name q \(known: the axes and the fixed params and tiling fields: baseM, m, k, n, preset\)/],
    ['constraint not a string', { ...MM, axes: { baseM: [16] }, constraints: [1] }, /constraints\[0\]: must be a string such as "baseK <= k"/],
    ['constraint type', { ...MM, axes: { baseM: [16] }, constraints: ['preset + 1'] }, /constraints\[0\]: "preset \+ 1": \+ needs numbers, got the string "ascend910b" at \{"baseM":16\}/],
    ['no point left', { ...MM, axes: { baseM: [16] }, constraints: ['baseM > 16'] }, /constraints: no point of the grid satisfies them/],
    ['random too many', { ...MM, axes: { baseM: [16, 32] }, sample: { kind: 'random', points: 3, seed: 1 } }, /sample\.points: asks for 3 distinct points, and only 2 .* among 2 grid points/],
    ['random without seed', { ...MM, axes: { baseM: [16, 32] }, sample: { kind: 'random', points: 1 } }, /sample\.seed: must be an integer in 0\.\.4294967295/],
    ['missing model', { model: 'x.onnx', mode: 'functional', axes: { preset: ['tiny'] } }, /model: .*x\.onnx.*no such file/],
    ['network l2', { network: 'resnet50', l2: 'flushed', axes: { batch: [1] } }, /l2: applies to kernel targets only/],
    ['kernel functional', { ...MM, mode: 'functional', axes: { baseM: [16] } }, /mode: a kernel sweep is timing-only .*: drop "mode"/],
    ['unknown network', { network: 'resnet51', axes: { batch: [1] } }, /network: "resnet51" is neither a built-in network \(bert-base, mobilenetv2, resnet50\) nor a topology CSV file/],
    ['result column as axis', { network: 'resnet50', axes: { cycles: [1] } }, /axes\.cycles: is not something this target can vary/],
    ['prototype kernel', { kernel: 'constructor', axes: { m: [1] } }, /kernel: "constructor" is not a kernel of the table/],
    ['prototype axis', JSON.parse('{"kernel": "matmul", "params": {"m": 1, "k": 1, "n": 1}, "axes": {"__proto__": [1]}}'), /axes\.__proto__: is not something this target can vary/],
    ['prototype param', { kernel: 'matmul', params: { toString: 1 }, axes: { m: [1] } }, /params\.toString: is not a field of this target/],
    ['prototype config path', { ...MM, axes: { 'constructor.prototype': [1] } }, /axes\.constructor\.prototype: is not something this target can vary/],
    ['grid too big', { ...MM, axes: { baseM: { from: 1, to: 5000, step: 1 }, baseN: { from: 1, to: 5000, step: 1 } } }, /axes: the grid has 25000000 points, more than 20000000: use fewer values or "sample"/],
    ['control characters', { ...MM, axes: { 'base\u001b[2J': [1] } }, /axes\.base\\x1b\[2J: is not something/],
  ])('%s', async (_what, spec, want) => {
    const file = tmp.spec('bad.json', spec);
    if (typeof spec === 'string') fs.writeFileSync(file, spec);
    const r = await runCli('sweep', '--spec', file, '--jobs', '1');
    expect(r.code).toBe(4);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderr).toMatch(/^aicore-sim: (sweep spec|cannot read sweep spec)/);
    expect(r.stderr).toMatch(want);
    expect(r.stdout).toBe('');
  });

  it('a model sweep needs "mode": "functional", and says why', async () => {
    const r = await runCli('sweep', '--spec', tmp.spec('m.json', { model: '../fixtures/none.onnx', axes: { preset: ['tiny'] } }), '--jobs', '1');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/mode: a model runs functionally only \(there is no timing-only path for ONNX models.*\): add "mode": "functional"/);
  });

  it.each([
    ['--shard 0/2', ['--shard', '0/2'], /--shard must be I\/N with 1 <= I <= N/],
    ['--shard 3/2', ['--shard', '3/2'], /--shard must be I\/N/],
    ['--shard x', ['--shard', 'x'], /--shard must be I\/N/],
    ['--jobs 0', ['--jobs', '0'], /--jobs must be 1\.\.1024, got 0/],
  ])('%s is bad usage (exit 2)', async (_what, flags, want) => {
    const r = await runCli('sweep', '--spec', tmp.spec('ok.json', SMALL), ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(want);
  });
});

describe('points', () => {
  const spec = jobs.parseSweepSpec({ ...MM, axes: { baseM: [16, 32], baseN: [32, 64, 128], dbL0: [true, false] }, constraints: ['baseM * baseN <= 2048'] });

  it('walk the grid with the last axis fastest, thinned by the constraints', () => {
    const points = jobs.sweepPoints(spec);
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(points.map((p) => Object.values(p.values).join(' '))).toEqual(['16 32 true', '16 32 false', '16 64 true', '16 64 false', '16 128 true', '16 128 false', '32 32 true', '32 32 false', '32 64 true', '32 64 false']);
    expect(points.every((p) => (p.values.baseM as number) * (p.values.baseN as number) <= 2048)).toBe(true);
  });

  it('random samples are distinct, in grid order, and the same for the same seed', () => {
    const big = { ...MM, axes: { baseM: { from: 16, to: 4080, step: 16 }, baseN: { from: 16, to: 4080, step: 16 }, baseK: { from: 32, to: 4064, step: 32 } } };
    const draw = (seed: number) => jobs.sweepPoints({ ...big, sample: { kind: 'random', points: 50, seed } }).map((p) => JSON.stringify(p.values));
    const a = draw(7);
    expect(a).toHaveLength(50);
    expect(new Set(a).size).toBe(50);
    expect(draw(7)).toEqual(a);
    expect(draw(8)).not.toEqual(a);
  });

  it('shards partition the points by index % N', () => {
    const all = jobs.sweepPoints(spec).map((p) => p.index);
    const shards = [1, 2, 3].map((index) => jobs.sweepPoints(spec, { index, count: 3 }).map((p) => p.index));
    expect(shards[0]).toEqual([0, 3, 6, 9]);
    expect(shards.flat().sort((x, y) => x - y)).toEqual(all);
  });
});

describe('rows', () => {
  it('illegal points are rows with the reason; the sweep succeeds', async () => {
    const r = await runCli('sweep', '--spec', tmp.spec('small.json', SMALL), '--jobs', '1', '--quiet');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('point,baseK,l2.bytes,cycles,timeUs,launches,chipCubeUtilization,bound,l2Hit,l2Miss,hbmRead,hbmWrite,status,reason');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^0,32,4194304,\d+,[\d.]+,1,[\d.]+,\w+,\d+,\d+,\d+,\d+,ok,$/);
    expect(lines[2]).toMatch(/^1,32,3,,,,,,,,,,illegal,"config field l2\.bytes must be a multiple of l2\.lineBytes x l2\.ways = \d+, got 3"$/);
    expect(lines[5]).toMatch(/^4,2048,4194304,,,,,,,,,,illegal,"?tiling .*baseK.*2048/);
  });

  it('a network point whose layer the library refuses is illegal, not a faster network', async () => {
    const topology = 'name,op,inputs,c,h,w,oc,kh,kw,stride,pad,g,m,k,n,fused,run\nconv1,conv,,16,14,14,32,3,3,1,1,,,,,,\nfc,fc,,,,,,,,,,,,6272,10,,\n';
    fs.writeFileSync(`${tmp.dir}/two.csv`, topology);
    const r = await runCli('sweep', '--spec', tmp.spec('net.json', { network: 'two.csv', preset: 'ascend310p', axes: { fusion: ['ub', 'fixpipe'], batch: [1, 2] } }), '--jobs', '1', '--quiet');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('point,fusion,batch,cycles,timeUs,launches,chipCubeUtilization,bound,l2Hit,l2Miss,hbmRead,hbmWrite,latencyMs,imagesPerSecond,status,reason');
    expect(lines[1]).toMatch(/^0,ub,1,\d+,[\d.]+,\d+,[\d.]+,\w+,\d+,\d+,\d+,\d+,[\d.]+,[\d.]+,ok,$/);
    expect(lines[3]).toMatch(/^2,fixpipe,1,,,,,,,,,,,,illegal,"layer conv1 \(conv\) cannot run on the device: ascend310p has no fixpipe: use fusion ""ub"" or ""gm"""$/);
  });

  it('a model runs functionally, a point per fusion; a node the fusion cannot take makes the point illegal', async () => {
    const model = new URL('./fixtures/models/small-cnn-qdq-s8/model.onnx', import.meta.url).pathname;
    const r = await runCli('sweep', '--spec', tmp.spec('model.json', { model, mode: 'functional', axes: { fusion: ['gm', 'fixpipe'] } }), '--jobs', '1', '--quiet');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('point,fusion,cycles,timeUs,launches,l2Hit,l2Miss,hbmRead,hbmWrite,status,reason');
    expect(lines[1]).toMatch(/^0,gm,\d+,[\d.]+,\d+,\d+,\d+,\d+,\d+,ok,$/);
    expect(lines[2]).toMatch(/^1,fixpipe,,,,,,,,illegal,"?node \w+ \(QLinearConv\): .*fixpipe/);
  });

  it('the library yields the same rows, in point order', async () => {
    const rows = [];
    for await (const row of jobs.sweep(SMALL, { jobs: 1 })) rows.push(row);
    expect(rows.map((r) => [r.point, r.status])).toEqual([[0, 'ok'], [1, 'illegal'], [2, 'ok'], [3, 'illegal'], [4, 'illegal'], [5, 'illegal']]);
    expect(rows[0]!.figures.cycles).toBeGreaterThan(0);
    expect(rows[0]!.values).toEqual({ baseK: 32, 'l2.bytes': 4194304 });
    // on two worker threads (started from the sources here): the same rows, still in point order
    const threaded = [];
    for await (const row of jobs.sweep(SMALL, { jobs: 2 })) threaded.push(row);
    expect(threaded).toEqual(rows);
  });
});
