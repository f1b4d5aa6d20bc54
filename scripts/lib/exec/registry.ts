/**
 * What `aicore-sim exec` knows about each ONNX operator: its inputs in ONNX order (with the dtypes each
 * accepts), the inputs that share one ONNX type variable, the dtype combinations ONNX Runtime supports
 * (the fixtures record the rejected ones), its output name and dtype, and the runner that simulates it.
 */
import { OpError } from '../../../ops-nn/kernel.js';
import { RUNNERS } from './runners/index.js';
import type { NodeRunner, OnnxDtype } from './types.js';

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

/** The contract of one ONNX operator. */
export interface OpSpec {
  /** '' for the default ONNX domain */
  readonly domain: string;
  /** in ONNX order */
  readonly inputs: readonly InputSpec[];
  /** inputs that must share one dtype (ONNX type variables); absent optional inputs are skipped */
  readonly sameDtype: readonly (readonly string[])[];
  readonly combos?: DtypeCombos;
  /** the ONNX name of the (single) output */
  readonly output: string;
  /** the output's dtype from the inputs' dtypes (absent optional inputs are missing from the record) */
  readonly outputDtype: (dtypes: Readonly<Partial<Record<string, OnnxDtype>>>) => OnnxDtype;
}

const INT8S: readonly OnnxDtype[] = ['int8', 'uint8'];
const F32: readonly OnnxDtype[] = ['float32'];
const FLOATS: readonly OnnxDtype[] = ['float32', 'float16'];

const req = (name: string, dtypes: readonly OnnxDtype[]): InputSpec => ({ name, required: true, dtypes });
const opt = (name: string, dtypes: readonly OnnxDtype[]): InputSpec => ({ name, required: false, dtypes });

/** ONNX Runtime's quantised matmul/conv combinations (x, w, y): s8xs8->s8, u8xs8->u8, u8xu8->u8. */
const QLINEAR_COMBOS: readonly (readonly OnnxDtype[])[] = [
  ['int8', 'int8', 'int8'],
  ['uint8', 'int8', 'uint8'],
  ['uint8', 'uint8', 'uint8'],
];

/** ONNX Runtime's MatMulInteger / ConvInteger combinations (x, w): all four. */
const INTEGER_COMBOS: readonly (readonly OnnxDtype[])[] = [
  ['int8', 'int8'],
  ['int8', 'uint8'],
  ['uint8', 'int8'],
  ['uint8', 'uint8'],
];

/** The operators `exec` accepts, by ONNX op name. */
export const OP_SPECS: Readonly<Record<string, OpSpec>> = {
  QuantizeLinear: {
    domain: '',
    inputs: [req('x', FLOATS), req('y_scale', FLOATS), opt('y_zero_point', INT8S)],
    sameDtype: [['x', 'y_scale']],
    output: 'y',
    outputDtype: (d) => d['y_zero_point'] ?? 'uint8',
  },
  DequantizeLinear: {
    domain: '',
    inputs: [req('x', ['int8', 'uint8', 'int32']), req('x_scale', FLOATS), opt('x_zero_point', ['int8', 'uint8', 'int32'])],
    sameDtype: [['x', 'x_zero_point']],
    output: 'y',
    outputDtype: (d) => d['x_scale'] ?? 'float32',
  },
  QLinearMatMul: {
    domain: '',
    inputs: [
      req('a', INT8S), req('a_scale', F32), req('a_zero_point', INT8S),
      req('b', INT8S), req('b_scale', F32), req('b_zero_point', INT8S),
      req('y_scale', F32), req('y_zero_point', INT8S),
    ],
    sameDtype: [['a', 'a_zero_point'], ['b', 'b_zero_point']],
    combos: { of: ['a', 'b', 'y_zero_point'], allowed: QLINEAR_COMBOS },
    output: 'y',
    outputDtype: (d) => d['y_zero_point'] ?? 'int8',
  },
  MatMulInteger: {
    domain: '',
    inputs: [req('A', INT8S), req('B', INT8S), opt('a_zero_point', INT8S), opt('b_zero_point', INT8S)],
    sameDtype: [['A', 'a_zero_point'], ['B', 'b_zero_point']],
    combos: { of: ['A', 'B'], allowed: INTEGER_COMBOS },
    output: 'Y',
    outputDtype: () => 'int32',
  },
  QLinearConv: {
    domain: '',
    inputs: [
      req('x', INT8S), req('x_scale', F32), req('x_zero_point', INT8S),
      req('w', INT8S), req('w_scale', F32), req('w_zero_point', INT8S),
      req('y_scale', F32), req('y_zero_point', INT8S), opt('B', ['int32']),
    ],
    sameDtype: [['x', 'x_zero_point'], ['w', 'w_zero_point']],
    combos: { of: ['x', 'w', 'y_zero_point'], allowed: QLINEAR_COMBOS },
    output: 'y',
    outputDtype: (d) => d['y_zero_point'] ?? 'int8',
  },
  ConvInteger: {
    domain: '',
    inputs: [req('x', INT8S), req('w', INT8S), opt('x_zero_point', INT8S), opt('w_zero_point', INT8S)],
    sameDtype: [['x', 'x_zero_point'], ['w', 'w_zero_point']],
    combos: { of: ['x', 'w'], allowed: INTEGER_COMBOS },
    output: 'y',
    outputDtype: () => 'int32',
  },
  QLinearAdd: {
    domain: 'com.microsoft',
    inputs: [
      req('A', INT8S), req('A_scale', F32), opt('A_zero_point', INT8S),
      req('B', INT8S), req('B_scale', F32), opt('B_zero_point', INT8S),
      req('C_scale', F32), opt('C_zero_point', INT8S),
    ],
    sameDtype: [['A', 'A_zero_point', 'B', 'B_zero_point', 'C_zero_point']],
    output: 'C',
    outputDtype: (d) => d['A'] ?? 'int8',
  },
};

/** Names of the supported operators, sorted. */
export const supportedOps = (): string[] => Object.keys(OP_SPECS).sort();

/** The spec of `op`, or an OpError listing the supported operators. */
export function opSpec(op: string): OpSpec {
  const spec = Object.hasOwn(OP_SPECS, op) ? OP_SPECS[op] : undefined;
  if (!spec) throw new OpError(`unknown op "${op}" (supported: ${supportedOps().join(', ')})`);
  return spec;
}

/** The runner of `op` from `runners` (default: RUNNERS), or an OpError if it has no kernel yet. */
export function runnerFor(op: string, runners: Partial<Record<string, NodeRunner>> = RUNNERS): NodeRunner {
  opSpec(op);
  const run = Object.hasOwn(runners, op) ? runners[op] : undefined;
  if (!run) throw new OpError(`no kernel for ${op} yet`);
  return run;
}
