/**
 * The contract of an ONNX operator, as ONNX Runtime enforces it: its inputs in ONNX order with the
 * dtypes each accepts, the inputs that share one ONNX type variable, the dtype combinations ORT
 * implements, its attributes and their types, and its output. `checkNode` holds a node to it before
 * anything runs: unknown or missing inputs, wrong dtypes, unknown or misspelled attributes and
 * attributes of the wrong type are OpErrors that say what is wrong and what is accepted.
 */
import { OpError } from '../kernel.js';
import type { HostTensor, OnnxDtype } from './tensor.js';

/** One ONNX input of an operator. */
export interface InputSpec {
  readonly name: string;
  readonly required: boolean;
  /** dtypes this input accepts on its own */
  readonly dtypes: readonly OnnxDtype[];
}

/** The dtype combinations an op supports over some of its inputs (each row one combination). */
export interface DtypeCombos {
  readonly of: readonly string[];
  readonly allowed: readonly (readonly OnnxDtype[])[];
}

/** ONNX attribute types: INT, INTS, FLOAT, STRING. */
export type AttrType = 'int' | 'ints' | 'float' | 'string';

/** What ORT checks of one operator before it runs. */
export interface OperatorContract {
  /** the ONNX op type */
  readonly op: string;
  /** '' for the default ONNX domain */
  readonly domain: string;
  /** in ONNX order */
  readonly inputs: readonly InputSpec[];
  /** inputs that must share one dtype (ONNX type variables); absent optional inputs are skipped */
  readonly sameDtype: readonly (readonly string[])[];
  readonly combos?: DtypeCombos;
  /** every attribute the operator has, with its type (an attribute not listed is an error) */
  readonly attributes: Readonly<Record<string, AttrType>>;
  /** the ONNX name of the (single) output */
  readonly output: string;
  /** the output's dtype from the inputs' dtypes (absent optional inputs are missing from the record) */
  readonly outputDtype: (dtypes: Readonly<Partial<Record<string, OnnxDtype>>>) => OnnxDtype;
}

/** Inputs by ONNX name; absent optional inputs are missing. */
export type NodeInputs = Readonly<Record<string, HostTensor | undefined>>;
/** Attributes by ONNX name: numbers, strings, lists of numbers. */
export type NodeAttrs = Readonly<Record<string, unknown>>;

export const INT8S: readonly OnnxDtype[] = ['int8', 'uint8'];
export const F32: readonly OnnxDtype[] = ['float32'];
export const FLOATS: readonly OnnxDtype[] = ['float32', 'float16'];

export const required = (name: string, dtypes: readonly OnnxDtype[]): InputSpec => ({ name, required: true, dtypes });
export const optional = (name: string, dtypes: readonly OnnxDtype[]): InputSpec => ({ name, required: false, dtypes });

/** ONNX Runtime's quantised matmul/conv combinations (x, w, y): s8xs8->s8, u8xs8->u8, u8xu8->u8. */
export const QLINEAR_COMBOS: readonly (readonly OnnxDtype[])[] = [
  ['int8', 'int8', 'int8'],
  ['uint8', 'int8', 'uint8'],
  ['uint8', 'uint8', 'uint8'],
];

/** ONNX Runtime's MatMulInteger / ConvInteger combinations (x, w): all four. */
export const INTEGER_COMBOS: readonly (readonly OnnxDtype[])[] = [
  ['int8', 'int8'],
  ['int8', 'uint8'],
  ['uint8', 'int8'],
  ['uint8', 'uint8'],
];

/** The attributes of ONNX Conv that QLinearConv and ConvInteger share. */
export const CONV_ATTRIBUTES: Readonly<Record<string, AttrType>> = {
  auto_pad: 'string',
  dilations: 'ints',
  group: 'int',
  kernel_shape: 'ints',
  pads: 'ints',
  strides: 'ints',
};

const ATTR_CHECKS: Readonly<Record<AttrType, { readonly ok: (v: unknown) => boolean; readonly what: string }>> = {
  int: { ok: (v) => Number.isSafeInteger(v), what: 'an integer' },
  ints: { ok: (v) => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x)), what: 'a list of integers' },
  float: { ok: (v) => typeof v === 'number' && Number.isFinite(v), what: 'a finite number' },
  string: { ok: (v) => typeof v === 'string', what: 'a string' },
};

/** Checks attribute names and types against the contract (ORT rejects unknown attributes). */
export function checkAttributes(c: OperatorContract, attrs: NodeAttrs): void {
  for (const [name, v] of Object.entries(attrs)) {
    const type = Object.hasOwn(c.attributes, name) ? c.attributes[name] : undefined;
    if (!type) {
      const known = Object.keys(c.attributes).sort();
      throw new OpError(`unknown attribute "${name}" for ${c.op} (${known.length > 0 ? `attributes: ${known.join(', ')}` : 'it has no attributes'})`);
    }
    if (!ATTR_CHECKS[type].ok(v)) throw new OpError(`attribute ${name} of ${c.op} must be ${ATTR_CHECKS[type].what}, got ${JSON.stringify(v)}`);
  }
}

/** Checks which inputs are given: no unknown name, every required one present. */
export function checkInputNames(c: OperatorContract, names: readonly string[]): void {
  const known = c.inputs.map((i) => i.name);
  const unknown = names.find((k) => !known.includes(k));
  if (unknown !== undefined) throw new OpError(`unknown input "${unknown}" for ${c.op} (inputs: ${known.join(', ')})`);
  const missing = c.inputs.find((i) => i.required && !names.includes(i.name));
  if (missing) throw new OpError(`missing required input ${missing.name} of ${c.op}`);
}

/** Checks the inputs' dtypes: each accepted on its own, type variables shared, a supported combination. */
export function checkDtypes(c: OperatorContract, inputs: NodeInputs): void {
  const dt = (n: string) => inputs[n]?.dtype;
  for (const i of c.inputs) {
    const d = dt(i.name);
    if (d && !i.dtypes.includes(d)) throw new OpError(`input ${i.name} of ${c.op}: dtype ${d} is not accepted (${i.dtypes.join(' or ')})`);
  }
  for (const group of c.sameDtype) {
    const present = group.filter((n) => inputs[n]);
    const first = present[0];
    const other = present.find((n) => dt(n) !== dt(first ?? ''));
    if (first && other) throw new OpError(`${c.op}: ${other} must have the dtype of ${first} (${dt(first)}), got ${dt(other)}`);
  }
  const combos = c.combos;
  if (combos && combos.of.every((n) => inputs[n])) {
    const have = combos.of.map((n) => dt(n));
    if (!combos.allowed.some((row) => row.every((d, k) => d === have[k]))) {
      const list = combos.allowed.map((row) => row.join('/')).join(', ');
      throw new OpError(`${c.op} does not support ${combos.of.map((n, k) => `${n}=${have[k]}`).join(', ')} (supported ${combos.of.join('/')}: ${list})`);
    }
  }
}

/** Everything `checkNode` checks: input names, dtypes, attributes. */
export function checkNode(c: OperatorContract, inputs: NodeInputs, attrs: NodeAttrs): void {
  checkInputNames(c, Object.keys(inputs).filter((k) => inputs[k] !== undefined));
  checkDtypes(c, inputs);
  checkAttributes(c, attrs);
}

/** The output dtype of a node with these inputs. */
export function outputDtypeOf(c: OperatorContract, inputs: NodeInputs): OnnxDtype {
  const dtypes: Partial<Record<string, OnnxDtype>> = {};
  for (const [k, t] of Object.entries(inputs)) if (t) dtypes[k] = t.dtype;
  return c.outputDtype(dtypes);
}
