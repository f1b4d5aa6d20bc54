/**
 * com.microsoft QLinearAdd on the vector cores, with ORT's FMA grouping. A and B have the same shape,
 * or one of them is a single element (a broadcast scalar; when both are, A is the scalar, as in ORT),
 * passed to the kernel by value and broadcast with a vdup on the device; general broadcasting is not
 * supported. Scales and zero points are scalars.
 */
import { OpError } from '../kernel.js';
import { generateQLinearAdd, type QLinearAddSpec } from '../eltwise/index.js';
import { readTensor, vectorGmImage } from '../vector/index.js';
import { F32, INT8S, optional, required } from './contract.js';
import { scalar } from './operands.js';
import { checkElementCount, emptyTensor, hostBytes, intTensor } from './tensor.js';
import { defineOperator } from './types.js';

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** ONNX broadcast of two shapes where one is the other or has a single element (all dims 1). */
function broadcastDims(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const at = (d: readonly number[], i: number) => d[i - (rank - d.length)] ?? 1;
  return Array.from({ length: rank }, (_, i) => Math.max(at(a, i), at(b, i)));
}

export const QLinearAdd = defineOperator(
  {
    op: 'QLinearAdd',
    domain: 'com.microsoft',
    inputs: [
      required('A', INT8S), required('A_scale', F32), optional('A_zero_point', INT8S),
      required('B', INT8S), required('B_scale', F32), optional('B_zero_point', INT8S),
      required('C_scale', F32), optional('C_zero_point', INT8S),
    ],
    sameDtype: [['A', 'A_zero_point', 'B', 'B_zero_point', 'C_zero_point']],
    attributes: {},
    output: 'C',
    outputDtype: (d) => d['A'] ?? 'int8',
  },
  function* (inp, _attrs, cfg) {
    const a = inp['A']!;
    const b = inp['B']!;
    // ORT checks for a scalar A first (then hands it to MLAS as the scalar operand), then a scalar B
    // the contract makes A, B and the zero points one 8-bit type
    const aScalar = a.data.length === 1;
    const bScalar = !aScalar && b.data.length === 1;
    if (!aScalar && !bScalar && !sameDims(a.dims, b.dims))
      throw new OpError(`QLinearAdd: A [${a.dims.join(', ')}] and B [${b.dims.join(', ')}] must have the same shape, or one be a single element (general broadcasting is not supported)`);
    const dims = broadcastDims(a.dims, b.dims);
    checkElementCount(dims, 'QLinearAdd output');
    if (dims.includes(0)) return emptyTensor(a.dtype, dims);
    const spec: QLinearAddSpec = {
      dims: dims.length === 0 ? [1] : dims,
      type: a.dtype === 'int8' ? 's8' : 'u8',
      aScale: scalar(inp['A_scale'], 'A_scale'),
      aZeroPoint: scalar(inp['A_zero_point'], 'A_zero_point', 0),
      bScale: scalar(inp['B_scale'], 'B_scale'),
      bZeroPoint: scalar(inp['B_zero_point'], 'B_zero_point', 0),
      cScale: scalar(inp['C_scale'], 'C_scale'),
      cZeroPoint: scalar(inp['C_zero_point'], 'C_zero_point', 0),
      ...(aScalar ? { scalarA: a.data[0]! } : {}),
      ...(bScalar ? { scalarB: b.data[0]! } : {}),
    };
    const k = generateQLinearAdd(spec, cfg);
    const inputs: Record<string, Uint8Array> = {};
    if (!aScalar) inputs['a'] = hostBytes(a);
    if (!bScalar) inputs['b'] = hostBytes(b);
    const gm = yield { kernel: k, gm: vectorGmImage(k, inputs) };
    return intTensor(a.dtype as 'int8' | 'uint8', [...dims], readTensor(k, gm, 'c'));
  },
);
