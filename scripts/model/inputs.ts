/**
 * The inputs of a model run: `--input name=FILE` (.npy or a serialized TensorProto .pb), the ONNX
 * test-data layout (test_data_set_N/input_K.pb beside output_K.pb), or seeded random data for every
 * input not given (float uniform in [-1, 1), integers over their type), with declared shapes.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JobError } from '../lib/job-error.js';
import { seededRandom } from '../lib/rng.js';
import type { Graph, GraphDtype, GraphTensor, ValueInfo } from './graph.js';
import { makeData, sizeOf } from './host/op-types.js';
import { readNpy, readTensorPb } from './tensor-files.js';

/** Reads `--input` values `name=FILE` into tensors named after the graph inputs. */
export function readInputFlags(g: Graph, flags: readonly string[]): Map<string, GraphTensor> {
  const feeds = new Map<string, GraphTensor>();
  const known = g.inputs.map((i) => i.name);
  for (const f of flags) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new JobError(`--input ${f}: write --input NAME=FILE.npy or NAME=FILE.pb (inputs: ${known.join(', ')})`);
    const name = f.slice(0, eq);
    const file = f.slice(eq + 1);
    if (!known.includes(name)) throw new JobError(`--input ${f}: the model has no input ${name} (inputs: ${known.join(', ')})`);
    const t = file.endsWith('.npy') ? readNpy(file, name) : file.endsWith('.pb') ? { ...readTensorPb(file), name } : null;
    if (!t) throw new JobError(`--input ${f}: the file must end in .npy (NumPy) or .pb (a serialized TensorProto)`);
    feeds.set(name, t);
  }
  return feeds;
}

/** The dims of input `v`, symbolic or unknown dims as 1 (and a note saying so). */
function concreteDims(v: ValueInfo, notes: string[]): number[] {
  if (!v.dims) throw new JobError(`input ${v.name} has no declared shape: give it with --input ${v.name}=FILE.npy`);
  return v.dims.map((d, i) => {
    if (typeof d === 'number' && d >= 0) return d;
    notes.push(`input ${v.name} dim ${i} (${d ?? 'unknown'}) taken as 1`);
    return 1;
  });
}

const RANDOM: Partial<Record<GraphDtype, (r: () => number) => number | bigint>> = {
  float32: (r) => Math.fround(r() * 2 - 1),
  int8: (r) => Math.floor(r() * 256) - 128,
  uint8: (r) => Math.floor(r() * 256),
  int32: (r) => Math.floor(r() * 2001) - 1000,
  int64: (r) => BigInt(Math.floor(r() * 2001) - 1000),
  bool: (r) => (r() < 0.5 ? 0 : 1),
};

/** Seeded random tensors for the inputs `feeds` lacks; notes say what was assumed. */
export function randomInputs(g: Graph, feeds: ReadonlyMap<string, GraphTensor>, seed: number, notes: string[]): Map<string, GraphTensor> {
  const out = new Map(feeds);
  const r = seededRandom(seed);
  for (const v of g.inputs) {
    if (out.has(v.name)) continue;
    const make = v.dtype ? RANDOM[v.dtype] : undefined;
    if (!v.dtype || !make) throw new JobError(`input ${v.name} is ${v.dtype ?? 'of no declared type'}; random data is made for float32, int8, uint8, int32, int64 and bool only: give it with --input ${v.name}=FILE`);
    const dims = concreteDims(v, notes);
    const data = makeData(v.dtype, sizeOf(dims)) as { [i: number]: number | bigint; length: number };
    for (let i = 0; i < data.length; i++) data[i] = make(r);
    out.set(v.name, { name: v.name, dtype: v.dtype, dims, data } as unknown as GraphTensor);
  }
  return out;
}

/** One test_data_set_N folder: inputs and expected outputs, in file order. */
export interface TestDataSet {
  readonly dir: string;
  readonly inputs: readonly GraphTensor[];
  readonly outputs: readonly GraphTensor[];
}

const numbered = (dir: string, prefix: string): string[] =>
  readdirSync(dir)
    .filter((f) => new RegExp(`^${prefix}_\\d+\\.pb$`).test(f))
    .sort((a, b) => Number(a.slice(prefix.length + 1, -3)) - Number(b.slice(prefix.length + 1, -3)))
    .map((f) => join(dir, f));

/** The test data sets under `dir` (a model folder holding test_data_set_N, or one such set). */
export function readTestData(dir: string): TestDataSet[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new JobError(`--test-data ${dir}: not a folder (want the folder holding test_data_set_0/, or one test_data_set_N folder)`);
  const sets = readdirSync(dir).filter((d) => /^test_data_set_\d+$/.test(d) && statSync(join(dir, d)).isDirectory());
  const dirs = sets.length > 0 ? sets.sort((a, b) => Number(a.slice(14)) - Number(b.slice(14))).map((d) => join(dir, d)) : [dir];
  return dirs.map((d) => {
    const inputs = numbered(d, 'input').map(readTensorPb);
    const outputs = numbered(d, 'output').map(readTensorPb);
    if (inputs.length === 0 || outputs.length === 0) throw new JobError(`--test-data: ${d} holds no input_K.pb and output_K.pb files`);
    return { dir: d, inputs, outputs };
  });
}

/** A set's inputs as feeds: by name when the .pb names a graph input, else by position. */
export function feedsOf(g: Graph, set: TestDataSet): Map<string, GraphTensor> {
  const feeds = new Map<string, GraphTensor>();
  set.inputs.forEach((t, i) => {
    const byName = g.inputs.find((v) => v.name === t.name);
    const v = byName ?? g.inputs[i];
    if (!v) throw new JobError(`--test-data: ${set.dir} has input_${i}.pb but the model has ${g.inputs.length} inputs`);
    feeds.set(v.name, { ...t, name: v.name });
  });
  return feeds;
}
