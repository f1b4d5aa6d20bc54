/**
 * The ONNX Runtime golden fixtures (test/fixtures/onnx/<Op>.json, written by scripts/gen-fixtures.ts):
 * each case's inputs as host tensors (validated like any node's), its attributes, and what ORT output.
 */
import { readFileSync } from 'node:fs';
import { tensorFromJson, type HostTensor, type TensorJson } from '../../ops-nn/onnx/index.js';

/** One fixture case, ready to run. */
export interface FixtureCase {
  readonly name: string;
  readonly op: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, HostTensor>>;
  /** ORT's output, under its ONNX name */
  readonly outputName: string;
  readonly expected: TensorJson;
  /** the case exactly as the file holds it (an exec case plus its outputs) */
  readonly raw: { readonly name: string; readonly op: string; readonly attrs: Readonly<Record<string, unknown>>; readonly inputs: Readonly<Record<string, TensorJson>>; readonly outputs: Readonly<Record<string, TensorJson>> };
}

export interface Fixture {
  readonly ort: string;
  readonly seed: number;
  readonly cases: readonly FixtureCase[];
}

/** The fixture file of `op`. */
export function loadFixture(op: string): Fixture {
  const f = JSON.parse(readFileSync(new URL(`../fixtures/onnx/${op}.json`, import.meta.url), 'utf8')) as { ort: string; seed: number; cases: FixtureCase['raw'][] };
  const cases = f.cases.map((raw): FixtureCase => {
    const inputs = Object.fromEntries(Object.entries(raw.inputs).map(([k, t]) => [k, tensorFromJson(t, `${raw.name}: input ${k}`)]));
    const [outputName, expected] = Object.entries(raw.outputs)[0]!;
    return { name: raw.name, op: raw.op, attrs: raw.attrs ?? {}, inputs, outputName, expected, raw };
  });
  return { ort: f.ort, seed: f.seed, cases };
}

/** Float outputs compare by their float32 bits (NaN, -0 and every ulp count); integers exactly. */
export const comparable = (dtype: string, data: ArrayLike<number>): number[] =>
  dtype.startsWith('float') ? Array.from(new Uint32Array(Float32Array.from(data as number[]).buffer)) : Array.from(data);
