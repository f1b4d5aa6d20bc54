/**
 * DequantizeLinear runner (ONNX inputs x, x_scale, x_zero_point; attribute axis) on the ops-nn
 * vector kernel. The output type is x_scale's (float32, or float16 rounded once from the float32
 * product); for an int32 x, q - zp is computed in int32 (wrapping), as ORT does.
 */
import { OpError } from '../../../../ops-nn/kernel.js';
import { generateDequantizeLinear } from '../../../../ops-nn/quant/index.js';
import { readTensor, vectorGmImage } from '../../../../ops-nn/vector/index.js';
import { f16BitsToNumber } from '../../../../isa/numeric/float16.js';
import { launch } from '../launch.js';
import type { HostTensor, NodeRunner } from '../types.js';
import { checkZeroPointType } from './operands.js';
import { emptyResult, hostBytes, intAttr, perAxisValues } from './quantize.js';

const Q_TYPES = { int8: 's8', uint8: 'u8', int32: 's32' } as const;

/** ONNX DequantizeLinear on the simulated vector cores. */
export const dequantizeLinear: NodeRunner = (inp, attrs, cfg, opts) => {
  const x = inp.x!;
  const scale = inp.x_scale!;
  const zpT = inp.x_zero_point;
  const qType = Object.hasOwn(Q_TYPES, x.dtype) ? Q_TYPES[x.dtype as keyof typeof Q_TYPES] : undefined;
  if (!qType) throw new OpError(`DequantizeLinear: x must be int8, uint8 or int32, got ${x.dtype}`);
  if (scale.dtype !== 'float32' && scale.dtype !== 'float16') throw new OpError(`DequantizeLinear: x_scale must be float32 or float16, got ${scale.dtype}`);
  checkZeroPointType(zpT, x, 'x_zero_point');
  const axis = intAttr(attrs, 'axis', 1);
  const { scales, zeroPoints } = perAxisValues(x, scale, zpT, axis, 'DequantizeLinear', 'x_scale', 'x_zero_point');
  if (x.data.length === 0) return emptyResult('y', scale.dtype, x.dims);
  const outType = scale.dtype === 'float32' ? 'f32' : 'f16';
  const k = generateDequantizeLinear({ dims: x.dims.length === 0 ? [1] : x.dims, qType, scale: scales, zeroPoint: zeroPoints, outType, axis }, cfg);
  const g = launch(cfg, k, vectorGmImage(k, { x: hostBytes(x) }), opts);
  const bytes = readTensor(k, g.gm, 'y');
  const data = outType === 'f32' ? new Float32Array(bytes.buffer) : Float32Array.from(new Uint16Array(bytes.buffer), f16BitsToNumber);
  const y: HostTensor = { dtype: scale.dtype, dims: [...x.dims], data };
  const notes = outType === 'f16' ? [...g.run.notes, 'host: binary16 results read back as their values'] : g.run.notes;
  return { outputs: { y }, cycles: g.run.cycles, kernels: [{ ...g.run, notes }] };
};
