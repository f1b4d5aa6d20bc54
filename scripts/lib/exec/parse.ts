/**
 * Validation of `exec` case files (one case or an array of cases, types.ts OnnxCase) into typed host
 * tensors, held to the operator's contract (ops-nn/onnx/contract.ts): known op, known and present
 * inputs, known attributes of the right type, dtypes each input and the op accept, dims that match
 * the data, values inside their dtype. Every problem is an OpError that starts with `case <name or index>:`.
 */
import { OpError } from '../../../ops-nn/kernel.js';
import { checkAttributes, checkDtypes, checkInputNames, operatorFor, tensorFromJson, type HostTensor, type OnnxOperator } from '../../../ops-nn/onnx/index.js';

/** A validated case: inputs as typed host tensors, absent optional inputs left out. */
export interface ParsedCase {
  readonly index: number;
  /** how errors and results name the case: its name if it has one, else its index */
  readonly label: string;
  readonly name?: string;
  readonly op: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, HostTensor>>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One case, validated; `index` is its position in the file (used in errors when it has no name). */
export function parseCase(json: unknown, index = 0): ParsedCase {
  const name = isRecord(json) && typeof json['name'] === 'string' ? json['name'] : undefined;
  const label = name ?? String(index);
  const within = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof OpError) throw new OpError(`case ${label}: ${e.message}`);
      throw e;
    }
  };
  const fail = (msg: string): never => within(() => {
    throw new OpError(msg);
  });
  if (!isRecord(json)) return fail('must be an object {op, attrs?, inputs, name?}');
  const { op, attrs = {}, inputs } = json;
  if (typeof op !== 'string') return fail('op must be a string (the ONNX operator name)');
  const spec: OnnxOperator = within(() => operatorFor(op));
  if (!isRecord(attrs)) return fail('attrs must be an object of ONNX attributes');
  if (!isRecord(inputs)) return fail('inputs must be an object keyed by ONNX input names');
  within(() => checkInputNames(spec, Object.keys(inputs).filter((k) => inputs[k] !== undefined)));
  const tensors: Record<string, HostTensor> = {};
  for (const i of spec.inputs) {
    const t = inputs[i.name];
    if (t !== undefined) tensors[i.name] = within(() => tensorFromJson(t, `input ${i.name}`));
  }
  within(() => checkDtypes(spec, tensors));
  within(() => checkAttributes(spec, attrs));
  return { index, label, ...(name === undefined ? {} : { name }), op, attrs, inputs: tensors };
}

/** One case or an array of cases, each validated (the first error stops). */
export function parseCases(json: unknown): ParsedCase[] {
  if (Array.isArray(json) && json.length === 0) throw new OpError('the case file holds an empty array: give at least one case');
  return Array.isArray(json) ? json.map((c, i) => parseCase(c, i)) : [parseCase(json, 0)];
}
