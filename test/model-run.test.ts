/**
 * Whole quantised ONNX models run functionally by `aicore-sim model`: every committed test model
 * (small CNN, ResNet-50-shaped and a transformer block, QDQ and QOperator, uint8 and int8 activations) is still what its
 * generator writes, and its run matches the ONNX Runtime output in its test-data folder bit for bit;
 * a changed expected output is caught; QDQ and QOperator forms of one network run the same kernels;
 * inputs from .npy give the same result as the .pb; a node that cannot run stops the job before
 * anything runs, naming the node, and --check lists every such node.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import type { Graph, GraphNode } from '../scripts/model/graph.js';
import { runModelJob } from '../scripts/model/model-job.js';
import { encodeOnnxModel } from '../scripts/model/onnx-write.js';
import { encodeNpy, encodeTensorPb, readTensorPb } from '../scripts/model/tensor-files.js';
import { firstDifference } from '../scripts/model/tensors.js';
import { TEST_MODELS } from '../scripts/model/test-models/networks.js';
import { runCli } from './support/cli.js';
import { tempDirs } from './support/temp-dirs.js';

const tmp = tempDirs('aicore-model-run-');

const FIXTURES = path.join('test', 'fixtures', 'models');
const modelFile = (name: string) => path.join(FIXTURES, name, 'model.onnx');

describe('committed test models', () => {
  for (const name of Object.keys(TEST_MODELS)) {
    it(`${name}: the generator writes the committed bytes, and the run is bit-exact with ONNX Runtime`, async () => {
      const meta = JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'meta.json'), 'utf8')) as { modelSha256: string };
      const bytes = encodeOnnxModel(TEST_MODELS[name]!());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(meta.modelSha256);
      expect(Buffer.from(bytes).equals(fs.readFileSync(modelFile(name)))).toBe(true);
      const r = await runCli('model', modelFile(name), '--test-data', path.join(FIXTURES, name));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/output (logits|output): bit-exact with the expected output/);
    }, 30_000);
  }

  it('the small CNN is bit-exact on the coupled presets too', async () => {
    for (const preset of ['ascend310p', 'ascend910']) {
      const r = await runCli('model', modelFile('small-cnn-qdq-u8'), '--test-data', path.join(FIXTURES, 'small-cnn-qdq-u8'), '--preset', preset);
      expect([r.code, r.stderr], preset).toEqual([0, '']);
      expect(r.stdout).toMatch(/bit-exact with the expected output/);
    }
  });

  it('the transformer block runs its eight MatMuls (two of them activation x activation) on the cube and its float steps on the host', () => {
    const name = 'transformer-block-qdq-u8';
    const r = runModelJob({ file: modelFile(name), cfg: loadConfig('ascend910b'), testData: path.join(FIXTURES, name) });
    const nodes = r.runs[0]!.run.nodes;
    expect(nodes.filter((n) => n.opType === 'QLinearMatMul' && n.where === 'chip').length).toBe(8);
    expect(nodes.filter((n) => n.where === 'host').map((n) => n.opType)).toEqual(expect.arrayContaining(['Softmax', 'LayerNormalization', 'Gelu', 'Transpose', 'Reshape']));
    expect(nodes.some((n) => n.opType === 'MatMul')).toBe(false);
  });

  it('a changed expected output is reported and exits 1', async () => {
    const dir = tmp();
    const set = path.join(dir, 'test_data_set_0');
    fs.cpSync(path.join(FIXTURES, 'small-cnn-qdq-u8', 'test_data_set_0'), set, { recursive: true });
    const expected = readTensorPb(path.join(set, 'output_0.pb'));
    const data = expected.data as Float32Array;
    new Uint32Array(data.buffer, data.byteOffset, data.length)[3]! ^= 1;
    fs.writeFileSync(path.join(set, 'output_0.pb'), encodeTensorPb(expected));
    const r = await runCli('model', modelFile('small-cnn-qdq-u8'), '--test-data', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/output logits: DIFFERS: .*3/);
  });

  it('QDQ and QOperator forms of one network fold to the same kernels and cycles', () => {
    const cfg = loadConfig('ascend910b');
    const [qdq, qop] = ['resnet50-shaped-qdq-u8', 'resnet50-shaped-qoperator-u8'].map((n) => runModelJob({ file: modelFile(n), cfg, testData: path.join(FIXTURES, n) }));
    const kernels = (r: typeof qdq) => r!.runs[0]!.run.nodes.flatMap((n) => n.kernels.map((k) => `${k.name}:${k.cycles}`));
    expect(kernels(qdq)).toEqual(kernels(qop));
    expect(qdq!.runs[0]!.run.nodes.filter((n) => n.where === 'chip').length).toBe(74);
    expect(firstDifference(qdq!.runs[0]!.run.outputs.get('logits')!, qop!.runs[0]!.run.outputs.get('logits')!)).toBeNull();
  });

  it('an input from a .npy file gives the ONNX Runtime output; unfed inputs get seeded random data, the same each run', () => {
    const cfg = loadConfig('ascend910b');
    const name = 'small-cnn-qoperator-u8';
    const input = readTensorPb(path.join(FIXTURES, name, 'test_data_set_0', 'input_0.pb'));
    const npy = path.join(tmp(), 'image.npy');
    fs.writeFileSync(npy, encodeNpy(input));
    const r = runModelJob({ file: modelFile(name), cfg, inputs: [`image=${npy}`] });
    const want = readTensorPb(path.join(FIXTURES, name, 'test_data_set_0', 'output_0.pb'));
    expect(firstDifference(r.runs[0]!.run.outputs.get('logits')!, want)).toBeNull();
    const [a, b] = [1, 2].map(() => runModelJob({ file: modelFile(name), cfg, seed: 5 }));
    expect(a!.notes).toEqual(['seeded random data (seed 5) for image']);
    expect(firstDifference(a!.runs[0]!.run.outputs.get('logits')!, b!.runs[0]!.run.outputs.get('logits')!)).toBeNull();
    expect(a!.runs[0]!.run.cycles).toBe(b!.runs[0]!.run.cycles);
  });
});

describe('nodes that cannot run', () => {
  /** The small CNN with an LSTM after its first conv and its second conv made float (no QDQ around it). */
  function brokenModel(): { file: string; lstm: string; conv: string } {
    const g = TEST_MODELS['small-cnn-qoperator-u8']!();
    const firstConv = g.nodes.find((n) => n.opType === 'QLinearConv')!;
    const lstm: GraphNode = { name: 'my_lstm', opType: 'LSTM', domain: '', inputs: [firstConv.outputs[0]!], outputs: ['lstm_out'], attrs: {} };
    const convIndex = g.nodes.findIndex((n, i) => n.opType === 'QLinearConv' && i > g.nodes.indexOf(firstConv));
    const second = g.nodes[convIndex]!;
    const floatConv: GraphNode = { name: 'float_conv', opType: 'Conv', domain: '', inputs: [second.inputs[0]!, second.inputs[3]!], outputs: second.outputs, attrs: second.attrs };
    const nodes = [...g.nodes];
    nodes[convIndex] = floatConv;
    nodes.splice(g.nodes.indexOf(firstConv) + 1, 0, lstm);
    const broken: Graph = { ...g, nodes };
    const file = path.join(tmp(), 'broken.onnx');
    fs.writeFileSync(file, encodeOnnxModel(broken));
    return { file, lstm: 'my_lstm', conv: 'float_conv' };
  }

  it('the run stops before anything runs, naming the first node, its op type and why (exit 4)', async () => {
    const { file } = brokenModel();
    const r = await runCli('model', file);
    expect(r.code).toBe(4);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^aicore-sim: 2 node\(s\) of .*broken\.onnx cannot run, the first my_lstm \(LSTM\): op type LSTM is not supported \(on the chip: .*QLinearConv.*; on the host: .*Reshape/);
    expect(r.stdout).not.toMatch(/cycles/);
  });

  it('--check lists every node that cannot run, and a float Conv says it was not folded from QDQ', async () => {
    const { file } = brokenModel();
    const r = await runCli('model', file, '--check', '--json');
    expect(r.code).toBe(4);
    const j = JSON.parse(r.stdout) as { problems: { node: string; opType: string; why: string }[]; runs: unknown[] };
    expect(j.runs).toEqual([]);
    expect(j.problems.map((p) => [p.node, p.opType])).toEqual([['my_lstm', 'LSTM'], ['float_conv', 'Conv']]);
    expect(j.problems[1]!.why).toMatch(/^a float Conv runs only quantised \(as QLinearConv\), and this one was not folded from QDQ: input 0 .* does not come from a DequantizeLinear/);
    const ok = await runCli('model', modelFile('resnet50-shaped-qdq-u8'), '--check');
    expect([ok.code, ok.stdout.split('\n').at(-1)]).toEqual([0, 'every node can run']);
  });
});
