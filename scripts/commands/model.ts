/**
 * `aicore-sim model FILE.onnx`: runs a quantised ONNX model (QOperator or QDQ) node by node on the
 * simulated chip, functionally: quantised nodes as the library's kernels, shape and float nodes on the
 * host (not timed). --check lists the nodes that cannot run without running; --test-data compares
 * with the ONNX test-data layout's expected outputs bit for bit (exit 1 when they differ).
 */
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { loadConfig } from '../../hw/config/load.js';
import { FUSIONS, type Fusion } from '../../ops-nn/onnx/index.js';
import { VECTOR_REQUANTS, type VectorRequant } from '../../ops-nn/gemm/index.js';
import { textTable } from '../lib/text-table.js';
import { runModelJob, type ModelJobResult } from '../model/model-job.js';
import type { CliContext, CliIo } from './context.js';
import { defined, intOption, jsonText, overridesOf, textOption } from './options.js';

const OPTIONS = {
  preset: { ...textOption('preset', 'hardware preset (see: aicore-sim presets)'), default: 'ascend910b' },
  config: textOption('config', 'JSON file overriding any preset field'),
  check: { type: 'boolean', describe: 'read, fold and check every node; list what cannot run; run nothing' },
  input: { type: 'string', array: true, requiresArg: true, describe: 'NAME=FILE.npy or NAME=FILE.pb (a serialized TensorProto) for a graph input; repeatable; inputs not given get seeded random data' },
  seed: { ...intOption('seed', 'seed of the random inputs'), default: 1 },
  'test-data': textOption('test-data', 'folder in the ONNX test-data layout (test_data_set_N/input_K.pb, output_K.pb): run each set and compare the outputs bit for bit'),
  fusion: { choices: FUSIONS, describe: 'epilogue placement of conv/matmul: fixpipe, ub or gm (default: the fastest exact one)' },
  'vector-requant': { choices: VECTOR_REQUANTS, describe: 'arithmetic of a requant on the vector unit: exact (default) or deq-f16 (faster, up to 1 LSB off)' },
  json: { type: 'boolean', describe: 'print one JSON object' },
} as const satisfies Record<string, Options>;

type Args = ArgumentsCamelCase<InferredOptionTypes<typeof OPTIONS>>;

function nodesTable(r: ModelJobResult, clockMHz: number): string[] {
  const run = r.runs[0]!.run;
  const rows = run.nodes.map((n) => [n.name, n.opType, n.where === 'chip' ? 'chip' : 'host (not timed)', n.outputDims.map((d) => `[${d.join('x')}]`).join(' '), String(n.cycles), (n.cycles / clockMHz).toFixed(2), n.fused.length ? n.fused.join(' ') : '-']);
  return textTable([['node', 'op', 'runs on', 'output', 'cycles', 'us', 'folded into it'], ...rows], 'lllrrrl');
}

function report(r: ModelJobResult, file: string, a: Args, clockMHz: number): string {
  const lines: string[] = [`model ${file}: ${r.graph.nodes.length} nodes after folding QDQ (producer ${r.graph.producer || 'unknown'}, opsets ${Object.entries(r.graph.opsets).map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', ')})`];
  if (r.problems.length > 0) {
    lines.push(`${r.problems.length} node(s) cannot run:`, ...r.problems.map((p) => `  ${p.node} (${p.opType}): ${p.why}`));
    return lines.join('\n');
  }
  if (a.check) return [...lines, 'every node can run'].join('\n');
  lines.push(...nodesTable(r, clockMHz));
  for (const run of r.runs) {
    const chip = run.run.nodes.filter((n) => n.where === 'chip').length;
    lines.push(`${run.label}: ${run.run.cycles} cycles (${(run.run.cycles / clockMHz).toFixed(1)} us at ${clockMHz} MHz) over ${chip} chip nodes; host nodes not timed`);
    for (const [name, diff] of Object.entries(run.comparison ?? {})) lines.push(`  output ${name}: ${diff === null ? 'bit-exact with the expected output' : `DIFFERS: ${diff}`}`);
  }
  lines.push(...r.notes.map((n) => `note: ${n}`));
  return lines.join('\n');
}

function json(r: ModelJobResult) {
  return {
    command: 'model',
    nodes: r.graph.nodes.length,
    problems: r.problems,
    runs: r.runs.map((x) => ({
      label: x.label,
      cycles: x.run.cycles,
      nodes: x.run.nodes.map((n) => ({ name: n.name, op: n.opType, where: n.where, cycles: n.cycles, outputDims: n.outputDims, fused: n.fused, kernels: n.kernels.map((k) => ({ name: k.name, cycles: k.cycles })) })),
      outputs: Object.fromEntries([...x.run.outputs].map(([k, t]) => [k, { dtype: t.dtype, dims: t.dims }])),
      ...(x.comparison ? { comparison: x.comparison } : {}),
    })),
    notes: r.notes,
  };
}

function modelCli(file: string, a: Args, io: CliIo): number {
  const cfg = loadConfig(a.preset, overridesOf(a.config));
  const r = runModelJob({
    file,
    cfg,
    ...defined({ check: a.check, inputs: a.input, seed: a.seed, testData: a.testData, fusion: a.fusion as Fusion | undefined, vectorRequant: a.vectorRequant as VectorRequant | undefined }),
  });
  io.out(a.json ? jsonText(json(r)) : report(r, file, a, cfg.clockMHz));
  if (r.problems.length > 0) {
    const p = r.problems[0]!;
    io.err(`aicore-sim: ${r.problems.length} node(s) of ${file} cannot run, the first ${p.node} (${p.opType}): ${p.why}`);
    return 4;
  }
  return r.runs.some((x) => Object.values(x.comparison ?? {}).some((d) => d !== null)) ? 1 : 0;
}

export const modelCommand = (ctx: CliContext): CommandModule<object, Args & { file: string }> => ({
  command: 'model <file>',
  describe: 'run a quantised ONNX model (QOperator or QDQ) node by node on the simulated chip, bit-exact; --check lists what cannot run',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'the .onnx file (external data files beside it)' })
      .options(OPTIONS)
      .example('$0 model net.onnx --check', 'list the nodes that cannot run')
      .example('$0 model net.onnx --test-data dir --preset ascend310p', 'run test_data_set_N and compare the outputs bit for bit') as never,
  handler: (a) => ctx.run(() => modelCli(a.file, a, ctx.io)),
});
