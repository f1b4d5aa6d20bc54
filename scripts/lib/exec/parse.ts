/**
 * Validation of `exec` case files (one case or an array of cases, types.ts OnnxCase) into typed host
 * tensors: known op, known and present inputs, dtypes each input and the op accept, dims that match the
 * data, values inside their dtype. Every problem is an OpError that starts with `case <name or index>:`.
 */
import { roundF16 } from '../../../isa/numeric/float16.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { opSpec, type OpSpec } from './registry.js';
import { ONNX_DTYPES, type HostTensor, type OnnxDtype } from './types.js';

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

/** How each dtype's values are stored and checked. */
interface DtypeRule {
  readonly make: (n: number) => HostTensor['data'];
  /** the error for an unacceptable value, or null */
  readonly check: (v: number) => string | null;
}

const F32_MAX = 3.4028234663852886e38;
const F16_MAX = 65504;

const intRule = (make: (n: number) => HostTensor['data'], min: number, max: number, dtype: string): DtypeRule => ({
  make,
  check: (v) => (!Number.isInteger(v) ? `is not an integer (${dtype})` : v < min || v > max ? `is out of range for ${dtype} [${min}, ${max}]` : null),
});

const DTYPE_RULES: Readonly<Record<OnnxDtype, DtypeRule>> = {
  int8: intRule((n) => new Int8Array(n), -128, 127, 'int8'),
  uint8: intRule((n) => new Uint8Array(n), 0, 255, 'uint8'),
  int32: intRule((n) => new Int32Array(n), -2147483648, 2147483647, 'int32'),
  // float32 values are rounded to the nearest float32 (JSON writers print the shortest decimal)
  float32: { make: (n) => new Float32Array(n), check: (v) => (Math.abs(Math.fround(v)) > F32_MAX ? 'overflows float32' : null) },
  float16: {
    make: (n) => new Float32Array(n),
    check: (v) => (Math.abs(v) > F16_MAX ? 'overflows float16' : roundF16(v) !== v ? 'is not exactly representable in float16' : null),
  },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDtype = (v: unknown): v is OnnxDtype => typeof v === 'string' && (ONNX_DTYPES as readonly string[]).includes(v);
const fmtDims = (dims: readonly number[]) => `[${dims.join(',')}]`;

/**
 * A tensor as written in case and result files, validated. Errors are OpErrors prefixed by `what`
 * (e.g. "input x").
 */
export function parseTensor(json: unknown, what: string): HostTensor {
  const fail = (msg: string): never => {
    throw new OpError(`${what}: ${msg}`);
  };
  if (!isRecord(json)) return fail('must be an object {dtype, dims, data}');
  const { dtype, dims, data } = json;
  if (!isDtype(dtype)) return fail(`dtype ${JSON.stringify(dtype)} is not one of ${ONNX_DTYPES.join(', ')}`);
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    return fail(`dims must be an array of non-negative integers, got ${JSON.stringify(dims)}`);
  if (!Array.isArray(data)) return fail('data must be an array of numbers');
  const shape = dims as number[];
  const count = shape.reduce((p, d) => p * d, 1);
  if (count !== data.length) return fail(`dims ${fmtDims(shape)} need ${count} values, got ${data.length}`);
  const rule = DTYPE_RULES[dtype];
  const out = rule.make(count);
  for (let i = 0; i < count; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`value ${JSON.stringify(v)} at [${i}] is not a finite number`);
    const problem = rule.check(v);
    if (problem) return fail(`value ${v} at [${i}] ${problem}`);
    out[i] = v;
  }
  return { dtype, dims: [...shape], data: out };
}

function checkDtypes(spec: OpSpec, op: string, inputs: Readonly<Record<string, HostTensor>>): string | null {
  const dt = (n: string) => inputs[n]?.dtype;
  for (const i of spec.inputs) {
    const d = dt(i.name);
    if (d && !i.dtypes.includes(d)) return `input ${i.name} of ${op}: dtype ${d} is not accepted (${i.dtypes.join(' or ')})`;
  }
  for (const group of spec.sameDtype) {
    const present = group.filter((n) => inputs[n]);
    const first = present[0];
    const other = present.find((n) => dt(n) !== dt(first ?? ''));
    if (first && other) return `${op}: ${other} must have the dtype of ${first} (${dt(first)}), got ${dt(other)}`;
  }
  const c = spec.combos;
  if (c && c.of.every((n) => inputs[n])) {
    const have = c.of.map((n) => dt(n));
    if (!c.allowed.some((row) => row.every((d, k) => d === have[k]))) {
      const list = c.allowed.map((row) => row.join('/')).join(', ');
      return `${op} does not support ${c.of.map((n, k) => `${n}=${have[k]}`).join(', ')} (supported ${c.of.join('/')}: ${list})`;
    }
  }
  return null;
}

/** One case, validated; `index` is its position in the file (used in errors when it has no name). */
export function parseCase(json: unknown, index = 0): ParsedCase {
  const name = isRecord(json) && typeof json['name'] === 'string' ? json['name'] : undefined;
  const label = name ?? String(index);
  const fail = (msg: string): never => {
    throw new OpError(`case ${label}: ${msg}`);
  };
  if (!isRecord(json)) return fail('must be an object {op, attrs?, inputs, name?}');
  const { op, attrs = {}, inputs } = json;
  if (typeof op !== 'string') return fail('op must be a string (the ONNX operator name)');
  let spec: OpSpec;
  try {
    spec = opSpec(op);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (!isRecord(attrs)) return fail('attrs must be an object of ONNX attributes');
  if (!isRecord(inputs)) return fail('inputs must be an object keyed by ONNX input names');
  const known = spec.inputs.map((i) => i.name);
  const unknown = Object.keys(inputs).find((k) => !known.includes(k));
  if (unknown !== undefined) return fail(`unknown input "${unknown}" for ${op} (inputs: ${known.join(', ')})`);
  const missing = spec.inputs.find((i) => i.required && inputs[i.name] === undefined);
  if (missing) return fail(`missing required input ${missing.name} of ${op}`);

  const tensors: Record<string, HostTensor> = {};
  for (const i of spec.inputs) {
    const t = inputs[i.name];
    if (t === undefined) continue;
    try {
      tensors[i.name] = parseTensor(t, `input ${i.name}`);
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  const bad = checkDtypes(spec, op, tensors);
  if (bad) return fail(bad);
  return { index, label, ...(name === undefined ? {} : { name }), op, attrs, inputs: tensors };
}

/** One case or an array of cases, each validated (the first error stops). */
export function parseCases(json: unknown): ParsedCase[] {
  return Array.isArray(json) ? json.map((c, i) => parseCase(c, i)) : [parseCase(json, 0)];
}
