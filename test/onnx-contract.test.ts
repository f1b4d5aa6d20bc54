/**
 * The ONNX operators' contracts (ops-nn/onnx/contract.ts), held as ONNX Runtime holds a node: each
 * operator lists its inputs once and names its output; unknown or misspelled attributes and attributes
 * of the wrong type are errors that name the attribute, the operator and what it accepts; so are
 * unknown inputs, missing required inputs, wrong dtypes and unsupported combinations. The checks run
 * whichever way an operator is called (through exec or directly).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { OpError } from '../ops-nn/kernel.js';
import { checkAttributes, checkNode, OPERATORS, operatorFor, supportedOps, type HostTensor } from '../ops-nn/onnx/index.js';
import { runOnnx } from './support/launch.js';

const s8 = (dims: number[], data: number[]): HostTensor => ({ dtype: 'int8', dims, data: Int8Array.from(data) });
const u8 = (dims: number[], data: number[]): HostTensor => ({ dtype: 'uint8', dims, data: Uint8Array.from(data) });
const f32 = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });

/** A valid 1 x 1 x 4 x 4 QLinearConv with a 1 x 1 x 3 x 3 kernel. */
const conv = () => ({
  x: s8([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i - 8)),
  x_scale: f32(0.5),
  x_zero_point: s8([], [0]),
  w: s8([1, 1, 3, 3], [1, 0, -1, 2, 0, -2, 1, 0, -1]),
  w_scale: f32(0.25),
  w_zero_point: s8([], [0]),
  y_scale: f32(0.125),
  y_zero_point: s8([], [0]),
});

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OpError);
    return (e as Error).message;
  }
  throw new Error('expected an OpError');
};

describe('operator contracts', () => {
  it('every operator lists its inputs once, names its output and is found by its op type', () => {
    for (const [op, o] of Object.entries(OPERATORS)) {
      expect(o.op, op).toBe(op);
      expect(new Set(o.inputs.map((i) => i.name)).size, op).toBe(o.inputs.length);
      expect(o.output, op).toMatch(/^[A-Za-z]+$/);
      expect(operatorFor(op)).toBe(o);
    }
    expect(supportedOps()).toEqual(Object.keys(OPERATORS).sort());
    expect(messageOf(() => operatorFor('Conv'))).toBe(`unknown op "Conv" (supported: ${supportedOps().join(', ')})`);
  });

  it('unknown or misspelled attributes are errors that list the known ones', () => {
    const c = OPERATORS['QLinearConv']!;
    expect(messageOf(() => checkAttributes(c, { grup: 1 }))).toBe('unknown attribute "grup" for QLinearConv (attributes: auto_pad, dilations, group, kernel_shape, pads, strides)');
    expect(messageOf(() => checkAttributes(OPERATORS['QLinearAdd']!, { alpha: 1 }))).toBe('unknown attribute "alpha" for QLinearAdd (it has no attributes)');
    // an inherited property name is not an attribute either
    expect(messageOf(() => checkAttributes(c, { toString: 1 }))).toMatch(/^unknown attribute "toString"/);
  });

  it('attributes of the wrong type are errors, as in ONNX Runtime', () => {
    const c = OPERATORS['QLinearConv']!;
    expect(messageOf(() => checkAttributes(c, { group: '1' }))).toBe('attribute group of QLinearConv must be an integer, got "1"');
    expect(messageOf(() => checkAttributes(c, { group: 1.5 }))).toBe('attribute group of QLinearConv must be an integer, got 1.5');
    expect(messageOf(() => checkAttributes(c, { pads: [1, '1', 1, 1] }))).toBe('attribute pads of QLinearConv must be a list of integers, got [1,"1",1,1]');
    expect(messageOf(() => checkAttributes(c, { auto_pad: 0 }))).toBe('attribute auto_pad of QLinearConv must be a string, got 0');
    expect(() => checkAttributes(c, { group: 1, pads: [0, 0, 0, 0], auto_pad: 'NOTSET' })).not.toThrow();
  });

  it('inputs: unknown names, missing required ones, dtypes and combinations', () => {
    const c = OPERATORS['QLinearConv']!;
    expect(messageOf(() => checkNode(c, { ...conv(), bias: s8([1], [0]) }, {}))).toMatch(/^unknown input "bias" for QLinearConv \(inputs: x, x_scale/);
    const { w_scale: _drop, ...noScale } = conv();
    expect(messageOf(() => checkNode(c, noScale, {}))).toBe('missing required input w_scale of QLinearConv');
    expect(messageOf(() => checkNode(c, { ...conv(), x_scale: s8([], [1]) }, {}))).toBe('input x_scale of QLinearConv: dtype int8 is not accepted (float32)');
    expect(messageOf(() => checkNode(c, { ...conv(), x_zero_point: u8([], [0]) }, {}))).toBe('QLinearConv: x_zero_point must have the dtype of x (int8), got uint8');
    expect(messageOf(() => checkNode(c, { ...conv(), w: u8([1, 1, 3, 3], [1, 0, 1, 2, 0, 2, 1, 0, 1]), w_zero_point: u8([], [0]) }, {}))).toBe(
      'QLinearConv does not support x=int8, w=uint8, y_zero_point=int8 (supported x/w/y_zero_point: int8/int8/int8, uint8/int8/uint8, uint8/uint8/uint8)',
    );
  });

  it('an operator called directly checks its node before it launches anything', () => {
    const cfg = loadConfig('tiny-sep');
    expect(() => runOnnx('QLinearConv', conv(), { group: '1' }, cfg)).toThrow('attribute group of QLinearConv must be an integer, got "1"');
    expect(() => runOnnx('QLinearConv', conv(), { grup: 1 }, cfg)).toThrow(/^unknown attribute "grup" for QLinearConv/);
    // and a valid node runs
    expect(runOnnx('QLinearConv', conv(), { group: 1 }, cfg).y.dims).toEqual([1, 1, 2, 2]);
  });
});

describe('docs/exec.md', () => {
  it('lists every operator with its contract: inputs (optional ones marked), attributes, output', () => {
    const text = readFileSync(new URL('../docs/exec.md', import.meta.url), 'utf8');
    const rows = new Map<string, string>();
    for (const line of text.split('\n')) {
      const m = /^\| (\w+)(?: \([\w.]+\))? \| (.+) \| (.+) \| (\w+) \|$/.exec(line);
      if (m && m[1] !== 'op') rows.set(m[1]!, `${m[2]} | ${m[3]} | ${m[4]}`);
    }
    const want = (op: string) => {
      const o = OPERATORS[op]!;
      const attrs = Object.keys(o.attributes).sort().join(', ') || '-';
      return `${o.inputs.map((i) => (i.required ? i.name : `${i.name}?`)).join(', ')} | ${attrs} | ${o.output}`;
    };
    expect([...rows.keys()].sort()).toEqual(supportedOps());
    for (const op of supportedOps()) expect(rows.get(op), `docs/exec.md row of ${op}`).toBe(want(op));
  });
});
