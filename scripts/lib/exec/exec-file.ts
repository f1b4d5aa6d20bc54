/**
 * `aicore-sim exec` on parsed JSON: validates one case or an array of cases, runs each on the
 * simulated chip through the registry's runner, and returns the result JSON in the same shape (one
 * result or an array, in order). Results convert back to host tensors for round trips and comparisons.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { OPERATORS, operatorFor, tensorFromJson, tensorToJson, type HostTensor, type TensorJson } from '../../../ops-nn/onnx/index.js';
import { runOperator } from './driver.js';
import { parseCases, type ParsedCase } from './parse.js';
import type { KernelRun, NodeResult, NodeRunner, RunOptions } from './types.js';

/** A result as written to RESULT.json. */
export interface ResultJson {
  readonly name?: string;
  readonly outputs: Readonly<Record<string, TensorJson>>;
  readonly cycles: number;
  readonly kernels: readonly KernelRun[];
}

/** The JSON form of a node result, with the case's name if it has one. */
export function resultToJson(r: NodeResult, name?: string): ResultJson {
  const outputs: Record<string, TensorJson> = {};
  for (const [k, t] of Object.entries(r.outputs)) outputs[k] = tensorToJson(t);
  const kernels = r.kernels.map((k) => ({
    name: k.name,
    cycles: k.cycles,
    gmBytes: k.gmBytes,
    notes: [...k.notes],
    ...(k.usefulMacs === undefined ? {} : { macs: k.macs, usefulMacs: k.usefulMacs }),
    ...(k.sanitizer ? { sanitizer: k.sanitizer } : {}),
    ...(k.l2Start ? { l2Start: k.l2Start } : {}),
    ...(k.memory ? { memory: k.memory } : {}),
  }));
  return { ...(name === undefined ? {} : { name }), outputs, cycles: r.cycles, kernels };
}

/** A result read back from JSON, validated (outputs as host tensors). */
export function resultFromJson(json: unknown): NodeResult & { readonly name?: string } {
  const r = json as Partial<ResultJson> | null;
  if (typeof r !== 'object' || r === null || typeof r.outputs !== 'object' || r.outputs === null)
    throw new OpError('result: must be an object {outputs, cycles, kernels}');
  if (!Number.isSafeInteger(r.cycles)) throw new OpError('result: cycles must be an integer');
  if (!Array.isArray(r.kernels)) throw new OpError('result: kernels must be an array');
  const outputs: Record<string, HostTensor> = {};
  for (const [k, t] of Object.entries(r.outputs)) outputs[k] = tensorFromJson(t, `output ${k}`);
  return { ...(r.name === undefined ? {} : { name: r.name }), outputs, cycles: r.cycles as number, kernels: r.kernels };
}

/** The simulated operators as exec runners, by op type. */
export const RUNNERS: Readonly<Record<string, NodeRunner>> = Object.fromEntries(
  Object.values(OPERATORS).map((o): [string, NodeRunner] => [o.op, (inputs, attrs, cfg, opts) => runOperator(o, inputs, attrs, cfg, opts)]),
);

function runOne(c: ParsedCase, cfg: HwConfig, opts: RunOptions, runners: Partial<Record<string, NodeRunner>>): ResultJson {
  const spec = operatorFor(c.op);
  try {
    const run = Object.hasOwn(runners, c.op) ? runners[c.op] : undefined;
    if (!run) throw new OpError(`no kernel for ${c.op} yet`);
    const res = run(c.inputs, c.attrs, cfg, opts.traceCase ? { ...opts, traceLaunch: opts.traceCase(c.label) } : opts);
    const out = res.outputs[spec.output];
    if (!out) throw new OpError(`the ${c.op} runner returned no output ${spec.output}`);
    return resultToJson({ ...res, outputs: { [spec.output]: out } }, c.name);
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`case ${c.label}: ${e.message}`);
    throw e;
  }
}

/**
 * Runs one case (an object) or many (an array) and returns one result or an array in the same order.
 * Every case is validated before any runs. `runners` defaults to the simulator's RUNNERS.
 */
export function execCases(json: unknown, cfg: HwConfig, opts: RunOptions, runners: Partial<Record<string, NodeRunner>> = RUNNERS): unknown {
  const cases = parseCases(json);
  const results = cases.map((c) => runOne(c, cfg, opts, runners));
  return Array.isArray(json) ? results : results[0];
}
