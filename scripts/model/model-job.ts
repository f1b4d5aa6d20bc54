/**
 * The `aicore-sim model` job as a library call: read an ONNX model, fold its QDQ groups, check every
 * node, and (unless only checking) run it functionally on the simulated chip with given, test-data or
 * seeded random inputs, comparing against expected outputs when the test-data layout provides them.
 */
import type { HwConfig } from '../../hw/config/types.js';
import type { RunOptions } from '../lib/exec/types.js';
import { JobError } from '../lib/job-error.js';
import { foldQdq } from './fold-qdq.js';
import type { Graph, GraphTensor } from './graph.js';
import { feedsOf, randomInputs, readInputFlags, readTestData } from './inputs.js';
import { readOnnxModel } from './onnx-read.js';
import { checkModel, runModel, type ModelProblem, type ModelRun } from './run-model.js';
import { firstDifference } from './tensors.js';

export interface ModelJobOptions extends RunOptions {
  readonly file: string;
  readonly cfg: HwConfig;
  /** only read, fold and check the graph */
  readonly check?: boolean;
  /** `name=FILE` values of --input */
  readonly inputs?: readonly string[];
  readonly seed?: number;
  /** a folder in the ONNX test-data layout */
  readonly testData?: string;
}

/** One run of the model: its inputs' origin, what it did, and the comparison with expected outputs. */
export interface ModelRunResult {
  readonly label: string;
  readonly run: ModelRun;
  /** per graph output: null when equal bit for bit, else where it differs (absent without expected outputs) */
  readonly comparison?: Readonly<Record<string, string | null>>;
}

export interface ModelJobResult {
  readonly graph: Graph;
  readonly problems: readonly ModelProblem[];
  readonly runs: readonly ModelRunResult[];
  readonly notes: readonly string[];
}

function compare(g: Graph, run: ModelRun, expected: readonly GraphTensor[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  g.outputs.forEach((o, i) => {
    const want = expected.find((t) => t.name === o.name) ?? expected[i];
    out[o.name] = want ? firstDifference(run.outputs.get(o.name)!, want) : 'no expected output file';
  });
  return out;
}

export function runModelJob(o: ModelJobOptions): ModelJobResult {
  const graph = foldQdq(readOnnxModel(o.file));
  const problems = checkModel(graph);
  const notes: string[] = [];
  if (o.check || problems.length > 0) return { graph, problems, runs: [], notes };
  if (o.testData && o.inputs && o.inputs.length > 0) throw new JobError('--test-data brings its own inputs: drop --input');
  if (o.testData) {
    const runs = readTestData(o.testData).map((set) => {
      const run = runModel(graph, feedsOf(graph, set), o.cfg, o);
      return { label: set.dir, run, comparison: compare(graph, run, set.outputs) };
    });
    return { graph, problems, runs, notes };
  }
  const feeds = randomInputs(graph, readInputFlags(graph, o.inputs ?? []), o.seed ?? 1, notes);
  const given = new Set((o.inputs ?? []).map((f) => f.slice(0, f.indexOf('='))));
  const random = graph.inputs.filter((i) => !given.has(i.name)).map((i) => i.name);
  if (random.length > 0) notes.push(`seeded random data (seed ${o.seed ?? 1}) for ${random.join(', ')}`);
  return { graph, problems, runs: [{ label: 'run', run: runModel(graph, feeds, o.cfg, o) }], notes };
}
