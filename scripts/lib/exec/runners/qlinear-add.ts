/**
 * QLinearAdd (com.microsoft) runner: inputs A, A_scale, A_zero_point, B, B_scale, B_zero_point,
 * C_scale, C_zero_point. A and B must have the same shape, or one of them a single element (a
 * broadcast scalar; when both are, A is the scalar, as in ORT); general broadcasting is not
 * supported. A single-element input is passed to the kernel by value, which broadcasts it with a
 * vdup on the device. Scales and zero points are scalars.
 */
import { OpError } from '../../../../ops-nn/kernel.js';
import { generateQLinearAdd, type QLinearAddSpec } from '../../../../ops-nn/eltwise/index.js';
import { readTensor, vectorGmImage } from '../../../../ops-nn/vector/index.js';
import { launch } from '../launch.js';
import type { HostTensor, NodeRunner } from '../types.js';
import { checkZeroPointType, scalar } from './operands.js';
import { emptyResult, hostBytes } from './quantize.js';

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** ONNX broadcast of two shapes where one is the other or has a single element (all dims 1). */
function broadcastDims(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const at = (d: readonly number[], i: number) => d[i - (rank - d.length)] ?? 1;
  return Array.from({ length: rank }, (_, i) => Math.max(at(a, i), at(b, i)));
}

/** com.microsoft QLinearAdd on the simulated vector cores. */
export const qlinearAdd: NodeRunner = (inp, _attrs, cfg, opts) => {
  const a = inp.A!;
  const b = inp.B!;
  if (a.dtype !== 'int8' && a.dtype !== 'uint8') throw new OpError(`QLinearAdd: A must be int8 or uint8, got ${a.dtype}`);
  if (b.dtype !== a.dtype) throw new OpError(`QLinearAdd: B must have the type of A (${a.dtype}), got ${b.dtype}`);
  checkZeroPointType(inp.A_zero_point, a, 'A_zero_point');
  checkZeroPointType(inp.B_zero_point, b, 'B_zero_point');
  checkZeroPointType(inp.C_zero_point, a, 'C_zero_point');
  // ORT checks for a scalar A first (then hands it to MLAS as the scalar operand), then a scalar B
  const aScalar = a.data.length === 1;
  const bScalar = !aScalar && b.data.length === 1;
  if (!aScalar && !bScalar && !sameDims(a.dims, b.dims))
    throw new OpError(`QLinearAdd: A [${a.dims.join(', ')}] and B [${b.dims.join(', ')}] must have the same shape, or one be a single element (general broadcasting is not supported)`);
  const dims = broadcastDims(a.dims, b.dims);
  if (dims.includes(0)) return emptyResult('C', a.dtype, dims);
  const type = a.dtype === 'int8' ? 's8' : 'u8';
  const spec: QLinearAddSpec = {
    dims: dims.length === 0 ? [1] : dims,
    type,
    aScale: scalar(inp.A_scale, 'A_scale'),
    aZeroPoint: scalar(inp.A_zero_point, 'A_zero_point', 0),
    bScale: scalar(inp.B_scale, 'B_scale'),
    bZeroPoint: scalar(inp.B_zero_point, 'B_zero_point', 0),
    cScale: scalar(inp.C_scale, 'C_scale'),
    cZeroPoint: scalar(inp.C_zero_point, 'C_zero_point', 0),
    ...(aScalar ? { scalarA: a.data[0]! } : {}),
    ...(bScalar ? { scalarB: b.data[0]! } : {}),
  };
  const k = generateQLinearAdd(spec, cfg);
  const inputs: Record<string, Uint8Array> = {};
  if (!aScalar) inputs['a'] = hostBytes(a);
  if (!bScalar) inputs['b'] = hostBytes(b);
  const g = launch(cfg, k, vectorGmImage(k, inputs), opts);
  const bytes = readTensor(k, g.gm, 'c');
  const C: HostTensor = { dtype: a.dtype, dims: [...dims], data: a.dtype === 'int8' ? new Int8Array(bytes.buffer) : bytes };
  return { outputs: { C }, cycles: g.run.cycles, kernels: [g.run] };
};
