/**
 * Generates the ONNX Runtime golden fixtures test/fixtures/onnx/<Op>.json: seeded random cases per
 * operator run through onnxruntime-node (installed on demand into .cache/ort, never a dependency of the
 * package), recording exactly what ORT outputs and which combinations it rejects.
 *
 *   npm run build && node dist/scripts/gen-fixtures.js [Op ...] [--seed N] [--out DIR] [--ort-dir DIR]
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCase } from './lib/exec/parse.js';
import { convIntegerCases } from './onnx/cases/conv-integer.js';
import { dequantizeLinearCases } from './onnx/cases/dequantize-linear.js';
import { matmulIntegerCases } from './onnx/cases/matmul-integer.js';
import { maxPoolCases } from './onnx/cases/max-pool.js';
import { qgemmCases } from './onnx/cases/qgemm.js';
import { qlinearAddCases } from './onnx/cases/qlinear-add.js';
import { qlinearAveragePoolCases } from './onnx/cases/qlinear-average-pool.js';
import { qlinearConvCases, qlinearConvDepthwiseCases } from './onnx/cases/qlinear-conv.js';
import { qlinearGlobalAveragePoolCases } from './onnx/cases/qlinear-global-average-pool.js';
import { qlinearLeakyReluCases } from './onnx/cases/qlinear-leaky-relu.js';
import { qlinearMatmulCases } from './onnx/cases/qlinear-matmul.js';
import { quantizeLinearCases } from './onnx/cases/quantize-linear.js';
import { Gen, type GenCase } from './onnx/cases/random.js';
import { fixtureText, type FixtureCase, type Unsupported } from './onnx/fixture.js';
import { loadOrt, ORT_VERSION, type OrtApi } from './onnx/ort.js';
import { runInOrt } from './onnx/run-case.js';
import { repoRoot } from './lib/repo-root.js';

/**
 * Case generators by fixture file (the op's name, or a second file of an op: QLinearConvDepthwise
 * holds QLinearConv cases), each with its seed offset (stable: adding one must not reseed the others).
 */
const GENERATORS: Readonly<Record<string, { readonly seed: number; readonly cases: (g: Gen) => GenCase[] }>> = {
  QuantizeLinear: { seed: 1, cases: quantizeLinearCases },
  DequantizeLinear: { seed: 2, cases: dequantizeLinearCases },
  QLinearMatMul: { seed: 3, cases: qlinearMatmulCases },
  MatMulInteger: { seed: 4, cases: matmulIntegerCases },
  QLinearConv: { seed: 5, cases: qlinearConvCases },
  ConvInteger: { seed: 6, cases: convIntegerCases },
  QLinearAdd: { seed: 7, cases: qlinearAddCases },
  MaxPool: { seed: 8, cases: maxPoolCases },
  QLinearAveragePool: { seed: 9, cases: qlinearAveragePoolCases },
  QLinearGlobalAveragePool: { seed: 10, cases: qlinearGlobalAveragePoolCases },
  QLinearLeakyRelu: { seed: 11, cases: qlinearLeakyReluCases },
  QLinearConvDepthwise: { seed: 12, cases: qlinearConvDepthwiseCases },
  QGemm: { seed: 13, cases: qgemmCases },
};

const DEFAULT_SEED = 20250601;
const MIN_CASES = 110;


/** ORT's error without source paths and C++ signatures. */
function ortReason(e: unknown): string {
  const first = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  const msg = first.includes('Status Message: ') ? first.slice(first.indexOf('Status Message: ') + 16) : first;
  return msg
    .replace(/^\S+\.cc:\d+ .*? const /, '')
    // kernel constructors: "Exception during initialization: <file>.h:<line> <C++ signature> [with ...] <reason>"
    .replace(/^(Exception during initialization: )\S+\.(?:h|cc):\d+ \S+\(.*?\)(?: \[with [^\]]*\])? /, '$1')
    .slice(0, 300);
}

async function generate(ort: OrtApi, op: string, seed: number): Promise<{ cases: FixtureCase[]; unsupported: Unsupported[] }> {
  const cases: FixtureCase[] = [];
  const unsupported: Unsupported[] = [];
  const accepted = new Set<string>();
  for (const gc of GENERATORS[op]!.cases(new Gen(seed))) {
    const c = gc.case;
    if (!gc.probe) parseCase(c);
    let outputs;
    try {
      outputs = await runInOrt(ort, c, gc.constants ?? []);
    } catch (e) {
      if (!gc.probe) throw new Error(`${c.name}: ORT rejected a case expected to work: ${ortReason(e)}`);
      if (!unsupported.some((u) => u.combo === gc.combo)) unsupported.push({ combo: gc.combo, example: c.name, error: ortReason(e) });
      continue;
    }
    if (gc.probe) {
      // ORT accepts it: the operator must accept it too (else widen its contract in ops-nn/onnx/<op>.ts)
      parseCase(c);
      accepted.add(gc.combo);
    }
    cases.push({ name: c.name, op: c.op, attrs: c.attrs, inputs: c.inputs, outputs });
  }
  for (const combo of accepted) console.log(`  ${op}: ORT accepts probed "${combo}"`);
  if (cases.length < MIN_CASES) throw new Error(`${op}: only ${cases.length} cases (want >= ${MIN_CASES})`);
  return { cases, unsupported };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { seed: { type: 'string' }, out: { type: 'string' }, 'ort-dir': { type: 'string' } },
  });
  const root = repoRoot();
  const base = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isSafeInteger(base)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const outDir = resolve(values.out ?? join(root, 'test', 'fixtures', 'onnx'));
  const ops = positionals.length > 0 ? positionals : Object.keys(GENERATORS);
  const unknown = ops.filter((op) => !Object.hasOwn(GENERATORS, op));
  if (unknown.length > 0) throw new Error(`unknown op ${unknown.join(', ')} (known: ${Object.keys(GENERATORS).join(', ')})`);
  const ort = loadOrt(resolve(values['ort-dir'] ?? join(root, '.cache', 'ort')));
  mkdirSync(outDir, { recursive: true });
  for (const op of ops) {
    const seed = base + GENERATORS[op]!.seed;
    const { cases, unsupported } = await generate(ort, op, seed);
    const file = join(outDir, `${op}.json`);
    const text = fixtureText({ generator: 'scripts/gen-fixtures.ts', ort: ORT_VERSION, seed, cases, unsupported });
    // write then rename: an interrupted run never leaves a half-written fixture
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    console.log(`${op}: ${cases.length} cases, ${unsupported.length} unsupported combos, ${(text.length / 1024).toFixed(1)} KB -> ${file}`);
    for (const u of unsupported) console.log(`  unsupported: ${u.combo}: ${u.error}`);
  }
}

main().catch((e: unknown) => {
  console.error(`gen-fixtures: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
