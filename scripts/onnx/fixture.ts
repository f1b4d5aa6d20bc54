/**
 * The golden fixture files of test/fixtures/onnx: ONNX Runtime's outputs for generated cases, in the
 * exec case format (scripts/lib/exec/types.ts OnnxCase) plus the outputs, and the combinations ORT rejected.
 * Written one case per line so diffs stay readable.
 */
import type { TensorJson } from '../../ops-nn/onnx/index.js';
import type { OnnxCase } from '../lib/exec/types.js';

/** A case with the outputs ONNX Runtime produced for it. */
export interface FixtureCase extends OnnxCase {
  readonly name: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, TensorJson>>;
}

/** A combination ORT refused, with its error. */
export interface Unsupported {
  readonly combo: string;
  readonly example: string;
  readonly error: string;
}

/** One fixture file. */
export interface FixtureFile {
  readonly generator: string;
  readonly ort: string;
  readonly seed: number;
  readonly cases: readonly FixtureCase[];
  readonly unsupported: readonly Unsupported[];
}

/** Checks that every number survives JSON (finite, no -0): JSON cannot hold the others. */
function checkJsonSafe(c: FixtureCase): void {
  for (const [k, t] of [...Object.entries(c.inputs), ...Object.entries(c.outputs)])
    for (const v of t.data) if (!Number.isFinite(v) || Object.is(v, -0)) throw new Error(`${c.name}: ${k} holds ${v}, which JSON cannot keep`);
}

/** The text of a fixture file. */
export function fixtureText(f: FixtureFile): string {
  f.cases.forEach(checkJsonSafe);
  const list = (xs: readonly unknown[]) => (xs.length === 0 ? '[]' : `[\n${xs.map((x) => JSON.stringify(x)).join(',\n')}\n]`);
  const fields = [
    `"generator": ${JSON.stringify(f.generator)}`,
    `"ort": ${JSON.stringify(f.ort)}`,
    `"seed": ${f.seed}`,
    `"cases": ${list(f.cases)}`,
    `"unsupported": ${list(f.unsupported)}`,
  ];
  return `{\n${fields.join(',\n')}\n}\n`;
}
