/**
 * The `exec` case contract (scripts/lib/exec): validation errors of case files (each message checked),
 * running cases through the registry (one or many, in order, names echoed, outputs under the ONNX
 * output names, "no kernel yet"), and the round trip of a result through JSON.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { ONNX_REFERENCES } from '../ops-nn/onnx-ref/index.js';
import { OpError } from '../ops-nn/kernel.js';
import { execCases, resultFromJson, resultToJson } from '../scripts/lib/exec/exec-file.js';
import { parseCase, parseCases } from '../scripts/lib/exec/parse.js';
import { OPERATORS } from '../ops-nn/onnx/index.js';
import type { NodeResult, NodeRunner } from '../scripts/lib/exec/types.js';

const cfg = loadConfig('tiny');

const s8 = (dims: number[], data: number[]) => ({ dtype: 'int8', dims, data });
const u8 = (dims: number[], data: number[]) => ({ dtype: 'uint8', dims, data });
const f32 = (v: number) => ({ dtype: 'float32', dims: [], data: [v] });

/** A valid 2x3 @ 3x2 QLinearMatMul case (s8 x s8 -> s8). */
function matmulCase(): Record<string, unknown> & { inputs: Record<string, unknown> } {
  return {
    op: 'QLinearMatMul',
    inputs: {
      a: s8([2, 3], [1, -2, 3, 4, 5, -6]),
      a_scale: f32(0.5),
      a_zero_point: s8([], [0]),
      b: s8([3, 2], [1, 2, 3, 4, 5, 6]),
      b_scale: f32(0.25),
      b_zero_point: s8([], [0]),
      y_scale: f32(0.125),
      y_zero_point: s8([], [1]),
    },
  };
}

/** parseCase's error message for `c` (fails the test if it parses). */
function errorOf(c: unknown, index = 0): string {
  try {
    parseCase(c, index);
  } catch (e) {
    expect(e).toBeInstanceOf(OpError);
    return (e as Error).message;
  }
  throw new Error('expected a parse error');
}

/** A copy of the matmul case with `edit` applied to its inputs. */
function withInputs(edit: (inputs: Record<string, unknown>) => void): unknown {
  const c = matmulCase();
  edit(c.inputs);
  return c;
}

describe('parseCase errors', () => {
  it('accepts a valid case and types its tensors', () => {
    const p = parseCase(matmulCase());
    expect(p.op).toBe('QLinearMatMul');
    expect(p.label).toBe('0');
    expect(p.inputs['a']!.data).toBeInstanceOf(Int8Array);
    expect(p.inputs['a_scale']!.data).toBeInstanceOf(Float32Array);
    expect(p.attrs).toEqual({});
  });

  it('unknown op: lists the supported ones', () => {
    expect(errorOf({ op: 'Gemm', inputs: {} })).toBe(
      'case 0: unknown op "Gemm" (supported: ConvInteger, DequantizeLinear, MatMulInteger, MaxPool, QGemm, QLinearAdd, QLinearAveragePool, QLinearConv, QLinearGlobalAveragePool, QLinearLeakyRelu, QLinearMatMul, QuantizeLinear)',
    );
    expect(errorOf({ op: 'toString', inputs: {} })).toMatch(/^case 0: unknown op "toString"/);
  });

  it('missing required input: names it and the op', () => {
    expect(errorOf(withInputs((i) => delete i['b_scale']))).toBe('case 0: missing required input b_scale of QLinearMatMul');
  });

  it('unknown input name', () => {
    expect(errorOf(withInputs((i) => (i['bias'] = s8([1], [0]))))).toBe(
      'case 0: unknown input "bias" for QLinearMatMul (inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point)',
    );
  });

  it('dtype not in ONNX_DTYPES', () => {
    expect(errorOf(withInputs((i) => (i['a'] = { dtype: 'float64', dims: [1], data: [1] })))).toBe(
      'case 0: input a: dtype "float64" is not one of int8, uint8, int32, float32, float16',
    );
  });

  it('dims that disagree with the data length', () => {
    expect(errorOf(withInputs((i) => (i['a'] = s8([2, 3], [1, 2, 3, 4, 5]))))).toBe('case 0: input a: dims [2,3] need 6 values, got 5');
    expect(errorOf(withInputs((i) => (i['a'] = s8([2, -3], []))))).toBe('case 0: input a: dims must be an array of non-negative integers, got [2,-3]');
  });

  it('values out of range or not integers for int types', () => {
    expect(errorOf(withInputs((i) => (i['a'] = s8([2], [1, 128]))))).toBe('case 0: input a: value 128 at [1] is out of range for int8 [-128, 127]');
    expect(errorOf(withInputs((i) => (i['a'] = u8([1], [-1]))))).toBe('case 0: input a: value -1 at [0] is out of range for uint8 [0, 255]');
    expect(errorOf(withInputs((i) => (i['a'] = s8([2], [1, 2.5]))))).toBe('case 0: input a: value 2.5 at [1] is not an integer (int8)');
    expect(errorOf(withInputs((i) => (i['a'] = s8([1], ['3' as unknown as number]))))).toBe('case 0: input a: value "3" at [0] is not a finite number');
  });

  it('float16 values that are not exactly representable, float32 overflow', () => {
    const dq = (scale: unknown) => ({ op: 'DequantizeLinear', inputs: { x: s8([1], [3]), x_scale: scale } });
    expect(parseCase(dq({ dtype: 'float16', dims: [], data: [0.0999755859375] })).inputs['x_scale']!.dtype).toBe('float16');
    expect(errorOf(dq({ dtype: 'float16', dims: [], data: [0.1] }))).toBe('case 0: input x_scale: value 0.1 at [0] is not exactly representable in float16');
    expect(errorOf(dq({ dtype: 'float16', dims: [], data: [70000] }))).toBe('case 0: input x_scale: value 70000 at [0] overflows float16');
    expect(errorOf(dq({ dtype: 'float32', dims: [], data: [1e39] }))).toBe('case 0: input x_scale: value 1e+39 at [0] overflows float32');
  });

  it('dtype combinations the op does not support', () => {
    expect(errorOf(withInputs((i) => ((i['b'] = u8([3, 2], [1, 2, 3, 4, 5, 6])), (i['b_zero_point'] = u8([], [0])))))).toBe(
      'case 0: QLinearMatMul does not support a=int8, b=uint8, y_zero_point=int8 (supported a/b/y_zero_point: int8/int8/int8, uint8/int8/uint8, uint8/uint8/uint8)',
    );
    expect(errorOf(withInputs((i) => (i['b_zero_point'] = u8([], [0]))))).toBe('case 0: QLinearMatMul: b_zero_point must have the dtype of b (int8), got uint8');
    expect(errorOf(withInputs((i) => (i['a_scale'] = s8([], [1]))))).toBe('case 0: input a_scale of QLinearMatMul: dtype int8 is not accepted (float32)');
  });

  it('malformed cases', () => {
    expect(errorOf(42)).toBe('case 0: must be an object {op, attrs?, inputs, name?}');
    expect(errorOf({ inputs: {} })).toBe('case 0: op must be a string (the ONNX operator name)');
    expect(errorOf({ op: 'QLinearAdd', inputs: [] })).toBe('case 0: inputs must be an object keyed by ONNX input names');
    expect(errorOf({ op: 'QLinearAdd', attrs: 3, inputs: {} })).toBe('case 0: attrs must be an object of ONNX attributes');
    expect(errorOf(withInputs((i) => (i['a'] = [1, 2])))).toBe('case 0: input a: must be an object {dtype, dims, data}');
  });

  it('names the case by its name, else by its index in the file', () => {
    expect(errorOf({ ...matmulCase(), name: 'mm-1', op: 'Nope' })).toMatch(/^case mm-1: unknown op "Nope"/);
    const bad = withInputs((i) => delete i['a']);
    expect(() => parseCases([matmulCase(), bad])).toThrow('case 1: missing required input a of QLinearMatMul');
  });

  it('attributes: unknown names and wrong types, before anything runs', () => {
    const mm = matmulCase();
    expect(errorOf({ ...mm, attrs: { transA: 1 } })).toBe('case 0: unknown attribute "transA" for QLinearMatMul (it has no attributes)');
    const q = { op: 'QuantizeLinear', attrs: { axis: '1' }, inputs: { x: { dtype: 'float32', dims: [1], data: [1] }, y_scale: f32(1) } };
    expect(errorOf(q)).toBe('case 0: attribute axis of QuantizeLinear must be an integer, got "1"');
  });
});

/** Runners that compute with the ONNX references (no simulation: cycles are the call order). */
function referenceRunners(log: string[] = []): Partial<Record<string, NodeRunner>> {
  const runners: Partial<Record<string, NodeRunner>> = {};
  for (const [op, ref] of Object.entries(ONNX_REFERENCES))
    runners[op] = (inputs, attrs) => {
      log.push(op);
      return { outputs: { [OPERATORS[op]!.output]: ref(inputs, attrs) }, cycles: log.length, kernels: [{ name: `ref-${op}`, cycles: log.length, gmBytes: 0, notes: ['reference'] }] };
    };
  return runners;
}

describe('execCases', () => {
  it('runs one case into one result with the ONNX output name', () => {
    const r = execCases(matmulCase(), cfg, {}, referenceRunners()) as { outputs: Record<string, unknown>; cycles: number; kernels: unknown[] };
    // a @ b = [[1*1-2*3+3*5, 1*2-2*4+3*6], [4+15-30, 8+20-36]] = [[10, 12], [-11, -8]]; M = 1; y = acc + 1
    expect(r.outputs).toEqual({ y: { dtype: 'int8', dims: [2, 2], data: [11, 13, -10, -7] } });
    expect(r.cycles).toBe(1);
    expect(r.kernels).toEqual([{ name: 'ref-QLinearMatMul', cycles: 1, gmBytes: 0, notes: ['reference'] }]);
    expect(r).not.toHaveProperty('name');
  });

  it('runs an array of cases into an array in the same order, echoing names', () => {
    const add = {
      op: 'QLinearAdd',
      name: 'add',
      inputs: { A: u8([2], [10, 20]), A_scale: f32(1), A_zero_point: u8([], [0]), B: u8([2], [1, 2]), B_scale: f32(1), B_zero_point: u8([], [0]), C_scale: f32(1) },
    };
    const q = { op: 'QuantizeLinear', inputs: { x: { dtype: 'float32', dims: [3], data: [0.5, 1.5, -3] }, y_scale: f32(1) } };
    const log: string[] = [];
    const r = execCases([add, q], cfg, {}, referenceRunners(log)) as { name?: string; outputs: Record<string, { data: number[] }> }[];
    expect(log).toEqual(['QLinearAdd', 'QuantizeLinear']);
    expect(r.map((x) => x.name)).toEqual(['add', undefined]);
    expect(r[0]!.outputs['C']!.data).toEqual([11, 22]);
    expect(r[1]!.outputs['y']).toEqual({ dtype: 'uint8', dims: [3], data: [0, 2, 0] });
  });

  it('validates every case before running any', () => {
    const log: string[] = [];
    expect(() => execCases([matmulCase(), { op: 'QLinearMatMul', inputs: {} }], cfg, {}, referenceRunners(log))).toThrow('case 1: missing required input a of QLinearMatMul');
    expect(log).toEqual([]);
  });

  it('reports ops without a kernel, and runner errors with the case label', () => {
    expect(() => execCases({ ...matmulCase(), name: 'mm' }, cfg, {}, {})).toThrow(new OpError('case mm: no kernel for QLinearMatMul yet'));
    const failing: NodeRunner = () => {
      throw new OpError('tiling does not fit');
    };
    expect(() => execCases(matmulCase(), cfg, {}, { QLinearMatMul: failing })).toThrow('case 0: tiling does not fit');
    const wrongName: NodeRunner = (inputs) => ({ outputs: { Y: inputs['a']! }, cycles: 0, kernels: [] });
    expect(() => execCases(matmulCase(), cfg, {}, { QLinearMatMul: wrongName })).toThrow('case 0: the QLinearMatMul runner returned no output y');
  });
});

describe('results through JSON', () => {
  it('round-trips outputs bit for bit, cycles, kernels and the name', () => {
    const r: NodeResult = {
      outputs: {
        y: { dtype: 'float32', dims: [2, 2], data: Float32Array.from([0.1, -3.4028234663852886e38, 1.401298464324817e-45, 7]) },
        h: { dtype: 'float16', dims: [2], data: Float32Array.from([0.0999755859375, -65504]) },
        q: { dtype: 'uint8', dims: [3], data: Uint8Array.from([0, 128, 255]) },
        i: { dtype: 'int32', dims: [], data: Int32Array.from([-2147483648]) },
      },
      cycles: 1234,
      kernels: [{ name: 'k', cycles: 1234, gmBytes: 64, notes: ['x_zp folded into bias'] }],
    };
    const json = resultToJson(r, 'case-7');
    const back = resultFromJson(JSON.parse(JSON.stringify(json)));
    expect(back.name).toBe('case-7');
    expect(back.cycles).toBe(1234);
    expect(back.kernels).toEqual(r.kernels);
    for (const [k, t] of Object.entries(r.outputs)) {
      const b = back.outputs[k]!;
      expect(b.dtype).toBe(t.dtype);
      expect(b.dims).toEqual(t.dims);
      expect(b.data.constructor).toBe(t.data.constructor);
      expect(new Uint8Array(b.data.buffer)).toEqual(new Uint8Array(t.data.buffer));
    }
    expect(resultToJson(back, back.name)).toEqual(json);
  });

  it('rejects malformed results', () => {
    expect(() => resultFromJson({ outputs: {}, cycles: 1.5, kernels: [] })).toThrow('result: cycles must be an integer');
    expect(() => resultFromJson({ outputs: { y: { dtype: 'int8', dims: [2], data: [1] } }, cycles: 1, kernels: [] })).toThrow('output y: dims [2] need 2 values, got 1');
  });
});
