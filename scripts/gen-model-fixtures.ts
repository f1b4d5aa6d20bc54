/**
 * Writes the whole-model ONNX Runtime fixtures test/fixtures/models/<name>/ in the ONNX test-data
 * layout: model.onnx (from scripts/model/test-models), test_data_set_0/input_0.pb (seeded input) and
 * output_0.pb (what onnxruntime-node 1.30 CPU outputs with its default graph optimisations), plus
 * meta.json (the model's sha256, the share of saturated outputs and, where the model has float nodes
 * on the host, how far each is from ORT's before quantisation: scripts/onnx/host-float-accuracy.ts). ORT is installed on demand into
 * .cache/ort, never a dependency. int8-activation QDQ models are run with ORT's session option
 * session.qdq_is_int8_allowed = 1: on x86 ORT otherwise keeps their Conv / MatMul in float, where an
 * NPU (and ORT on ARM) runs them quantised.
 *
 *   npm run build && node dist/scripts/gen-model-fixtures.js [name ...] [--ort-dir DIR]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../hw/config/load.js';
import { hostFloatAccuracy } from './onnx/host-float-accuracy.js';
import { loadOrt, ORT_VERSION } from './onnx/ort.js';
import type { GraphTensor } from './model/graph.js';
import { encodeOnnxModel } from './model/onnx-write.js';
import { encodeTensorPb } from './model/tensor-files.js';
import { TEST_MODELS, testInput } from './model/test-models/networks.js';
import { repoRoot } from './lib/repo-root.js';

const INPUT_SEED = 7;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'ort-dir': { type: 'string' } } });
  const root = repoRoot();
  const ort = loadOrt(resolve(values['ort-dir'] ?? join(root, '.cache', 'ort')));
  const names = positionals.length > 0 ? positionals : Object.keys(TEST_MODELS);
  for (const name of names) {
    const build = TEST_MODELS[name];
    if (!build) throw new Error(`unknown model ${name} (known: ${Object.keys(TEST_MODELS).join(', ')})`);
    const g = build();
    const bytes = encodeOnnxModel(g);
    const input = g.inputs[0]!;
    const dims = input.dims as number[];
    const x: GraphTensor = { name: input.name, dtype: 'float32', dims, data: testInput(dims, INPUT_SEED) };
    const int8Qdq = name.includes('-qdq-s8');
    const options = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 4, ...(int8Qdq ? { extra: { session: { qdq_is_int8_allowed: '1' } } } : {}) };
    const session = await ort.InferenceSession.create(bytes, options);
    const out = await session.run({ [input.name]: new ort.Tensor('float32', x.data as Float32Array, dims) });
    await session.release?.();
    const o = g.outputs[0]!;
    const y = out[o.name]!;
    const yData = Float32Array.from(y.data as ArrayLike<number>);
    const yt: GraphTensor = { name: o.name, dtype: 'float32', dims: [...y.dims], data: yData };
    const distinct = new Set(yData).size;
    const extremes = [Math.min(...yData), Math.max(...yData)];
    const atExtreme = yData.filter((v) => v === extremes[0] || v === extremes[1]).length;
    const hostFloat = await hostFloatAccuracy(g, x, ort, options, loadConfig('ascend910b'));
    const meta = {
      generator: 'scripts/gen-model-fixtures.ts',
      model: name,
      ort: ORT_VERSION,
      ortSessionOptions: int8Qdq ? { 'session.qdq_is_int8_allowed': '1' } : {},
      inputSeed: INPUT_SEED,
      modelSha256: createHash('sha256').update(bytes).digest('hex'),
      nodes: g.nodes.length,
      outputs: yData.length,
      distinctOutputValues: distinct,
      outputsAtMinOrMax: atExtreme,
      ...(hostFloat.length > 0 ? { hostFloatOpsAgainstOrt: hostFloat } : {}),
    };
    const dir = join(root, 'test', 'fixtures', 'models', name);
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, 'test_data_set_0'), { recursive: true });
    writeFileSync(join(tmp, 'model.onnx'), bytes);
    writeFileSync(join(tmp, 'test_data_set_0', 'input_0.pb'), encodeTensorPb(x));
    writeFileSync(join(tmp, 'test_data_set_0', 'output_0.pb'), encodeTensorPb(yt));
    writeFileSync(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    console.log(`${name}: ${g.nodes.length} nodes, ${(bytes.length / 1024).toFixed(1)} KB, ${distinct} distinct outputs of ${yData.length}, ${atExtreme} at min/max`);
  }
}

main().catch((e: unknown) => {
  console.error(`gen-model-fixtures: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
