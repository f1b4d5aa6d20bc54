/**
 * Size limits of the ONNX operators (ops-nn/onnx/tensor.ts MAX_TENSOR_ELEMENTS): a node whose
 * input, broadcast result, output or host-side layout would hold more than 2^28 elements is an
 * OpError naming the tensor and the limit, thrown before the host program allocates it or yields a
 * launch. Sizes just inside the limit are not refused.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { OpError } from '../ops-nn/kernel.js';
import { MAX_TENSOR_ELEMENTS, checkElementCount, operatorFor, tensorFromJson, type HostTensor, type NodeAttrs } from '../ops-nn/onnx/index.js';

const cfg = loadConfig('ascend910b');
const s8 = (dims: number[]): HostTensor => ({ dtype: 'int8', dims, data: new Int8Array(dims.reduce((p, d) => p * d, 1)) });
const f32 = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
const zp = s8([]);

/** The error of the first step of `op`'s host program: where it would allocate and yield a launch. */
function firstStepError(op: string, inputs: Record<string, HostTensor>, attrs: NodeAttrs = {}): Error {
  try {
    operatorFor(op).run(inputs, attrs, cfg, {}).next();
  } catch (e) {
    expect(e).toBeInstanceOf(OpError);
    return e as Error;
  }
  throw new Error(`${op}: expected an OpError`);
}

const matmul = (a: number[], b: number[]) => ({ a: s8(a), a_scale: f32(1), a_zero_point: zp, b: s8(b), b_scale: f32(1), b_zero_point: zp, y_scale: f32(1), y_zero_point: zp });
const conv = (x: number[], w: number[]) => ({ x: s8(x), x_scale: f32(1), x_zero_point: zp, w: s8(w), w_scale: f32(1), w_zero_point: zp, y_scale: f32(1), y_zero_point: zp });

describe('tensor size limits', () => {
  it('the limit is 2^28 elements and an empty tensor is never too large', () => {
    expect(MAX_TENSOR_ELEMENTS).toBe(2 ** 28);
    expect(() => checkElementCount([2 ** 14, 2 ** 14], 'x')).not.toThrow();
    expect(() => checkElementCount([0, 2 ** 50, 2 ** 50], 'x')).not.toThrow();
    expect(() => checkElementCount([2 ** 14, 2 ** 14, 2], 'x')).toThrow('x: dims [16384, 16384, 2] hold 536870912 elements, more than the limit of 268435456 (2^28); split the node into smaller ones');
  });

  it('a case tensor whose dims are too large is refused before its data is read', () => {
    const json = { dtype: 'int8', dims: [2 ** 15, 2 ** 15], data: [] };
    expect(() => tensorFromJson(json, 'input a')).toThrow(/^input a: dims \[32768, 32768\] hold 1073741824 elements, more than the limit of 268435456 \(2\^28\)/);
    // dims are non-negative safe integers, and the data has exactly their product of values
    expect(() => tensorFromJson({ dtype: 'int8', dims: [2, 1.5], data: [1, 2, 3] }, 'input a')).toThrow('input a: dims must be an array of non-negative integers, got [2,1.5]');
    expect(() => tensorFromJson({ dtype: 'int8', dims: [2 ** 53], data: [] }, 'input a')).toThrow(/dims must be an array of non-negative integers/);
    expect(() => tensorFromJson({ dtype: 'int8', dims: [2, 2], data: [1, 2, 3, 4, 5] }, 'input a')).toThrow('input a: dims [2,2] need 4 values, got 5');
    expect(tensorFromJson({ dtype: 'int8', dims: [0, 2 ** 40], data: [] }, 'input a').data.length).toBe(0);
  });

  it('a matmul output over the limit is refused before A is replicated or anything is launched', () => {
    expect(firstStepError('QLinearMatMul', matmul([2, 2 ** 14, 1], [1, 2 ** 14])).message).toMatch(/^matmul output: dims \[2, 16384, 16384\] hold 536870912 elements, more than the limit/);
  });

  it('matmul batch dims that broadcast past the limit are refused, even with empty operands', () => {
    expect(firstStepError('MatMulInteger', { A: s8([2 ** 15, 1, 1, 0]), B: s8([2 ** 14, 0, 1]) }).message).toMatch(
      /^matmul batch dims \[32768, 1\] and \[16384\] broadcast: dims \[32768, 16384\] hold 536870912 elements/,
    );
  });

  it('a conv whose output channels make the output too large is refused', () => {
    const e = firstStepError('QLinearConv', conv([1, 1, 128, 128], [2 ** 15, 1, 1, 1]));
    expect(e.message).toMatch(/^conv output: dims \[1, 32768, 128, 128\] hold 536870912 elements, more than the limit/);
  });

  it('a conv whose channel padding to C0 makes the host copy of x too large is refused', () => {
    // 2^24 elements of x with 1 channel: NC1HWC0 pads every position to 32 channels
    const e = firstStepError('ConvInteger', { x: s8([1, 1, 2 ** 12, 2 ** 12]), w: s8([1, 1, 1, 1]) });
    expect(e.message).toMatch(/^conv input x padded to NC1HWC0: dims \[1, 1, 32, 4096, 4096\] hold 536870912 elements/);
  });

  it('a pooling window whose pads make the output too large is refused', () => {
    const e = firstStepError('MaxPool', { X: s8([1, 32768, 1, 1]) }, { kernel_shape: [100, 100], pads: [99, 99, 99, 99] });
    expect(e.message).toMatch(/^MaxPool output: dims \[1, 32768, 100, 100\] hold 327680000 elements, more than the limit/);
  });

  it('normal sizes are not refused', () => {
    const r = operatorFor('QLinearMatMul').run(matmul([2, 64, 32], [32, 48]), {}, cfg, {}).next();
    expect(r.done).toBe(false);
  });
});
