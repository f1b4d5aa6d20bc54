/**
 * QuantizeLinear runner (ONNX inputs x, y_scale, y_zero_point; attributes axis, output_dtype,
 * block_size) on the ops-nn vector kernel. Also registers the vector kernels the cube operators
 * compose with: the u8 -> s8 shift and the standalone requant ("unfused through GM"), and the operand
 * helpers the vector-kernel runners share (dequantize.ts, qlinear-add.ts).
 */
import type { HwConfig } from '../../../../hw/config/types.js';
import { OpError } from '../../../../ops-nn/kernel.js';
import { generateQuantizeLinear } from '../../../../ops-nn/quant/index.js';
import { readTensor, vectorGmImage } from '../../../../ops-nn/vector/index.js';
import { launch } from '../launch.js';
import { numberToF16Bits } from '../../../../isa/numeric/float16.js';
import type { HostTensor, NodeResult, NodeRunner, OnnxDtype, RunOptions } from '../types.js';

/** GM bytes of a host tensor (float16 values encoded as binary16). */
export function hostBytes(t: HostTensor): Uint8Array {
  const d = t.dtype === 'float16' ? Uint16Array.from(t.data, (v) => numberToF16Bits(v)) : t.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** An integer attribute, or its default. */
export function intAttr(attrs: Readonly<Record<string, unknown>>, name: string, fallback: number): number {
  const v = attrs[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new OpError(`attribute ${name} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Scale and zero point of a (De)QuantizeLinear: per tensor (one value each) or per axis (one per
 * channel of `axis`); a missing zero point is 0. Checks the zero point's length against the scale's.
 */
export function perAxisValues(x: HostTensor, scale: HostTensor, zp: HostTensor | undefined, axis: number, op: string, scaleName: string, zpName: string): { scales: number[]; zeroPoints: number[] } {
  const n = scale.data.length;
  if (n === 0) throw new OpError(`${op}: ${scaleName} is empty`);
  if (n > 1) {
    const rank = Math.max(x.dims.length, 1);
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= x.dims.length) throw new OpError(`${op}: axis ${axis} is out of range for x of rank ${x.dims.length}`);
    if (scale.dims.length !== 1 || n !== x.dims[a]) throw new OpError(`${op}: per-axis ${scaleName} must be 1-D with ${x.dims[a]} values (dim ${a} of x), got dims [${scale.dims.join(', ')}]`);
  }
  if (zp && zp.data.length !== n) throw new OpError(`${op}: ${zpName} has ${zp.data.length} values but ${scaleName} has ${n}`);
  return { scales: Array.from(scale.data), zeroPoints: zp ? Array.from(zp.data) : [] };
}

/** The result of a node whose output has no elements: nothing is launched. */
export function emptyResult(name: string, dtype: OnnxDtype, dims: readonly number[]): NodeResult {
  const data = dtype === 'int8' ? new Int8Array(0) : dtype === 'uint8' ? new Uint8Array(0) : dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
  return { outputs: { [name]: { dtype, dims: [...dims], data } }, cycles: 0, kernels: [] };
}

/** ONNX TensorProto codes of output_dtype for the 8-bit types. */
const OUTPUT_DTYPES: Readonly<Record<number, 'int8' | 'uint8'>> = { 2: 'uint8', 3: 'int8' };

/** ONNX QuantizeLinear on the simulated vector cores. */
export const quantizeLinear: NodeRunner = (inp, attrs, cfg, opts) => {
  const x = inp.x!;
  const scale = inp.y_scale!;
  const zpT = inp.y_zero_point;
  if (x.dtype !== 'float32' && x.dtype !== 'float16') throw new OpError(`QuantizeLinear: x must be float32 or float16, got ${x.dtype}`);
  if (zpT && zpT.dtype !== 'int8' && zpT.dtype !== 'uint8') throw new OpError(`QuantizeLinear: y_zero_point must be int8 or uint8, got ${zpT.dtype}`);
  if (intAttr(attrs, 'block_size', 0) !== 0) throw new OpError('QuantizeLinear: blocked quantisation (block_size > 0) is not supported');
  const code = intAttr(attrs, 'output_dtype', 0);
  const outDtype = zpT?.dtype ?? (code === 0 ? 'uint8' : OUTPUT_DTYPES[code]);
  if (!outDtype) throw new OpError(`QuantizeLinear: output_dtype ${code} is not int8 (3) or uint8 (2)`);
  if (zpT && code !== 0 && OUTPUT_DTYPES[code] !== zpT.dtype) throw new OpError(`QuantizeLinear: output_dtype ${code} disagrees with y_zero_point's type ${zpT.dtype}`);
  const axis = intAttr(attrs, 'axis', 1);
  const { scales, zeroPoints } = perAxisValues(x, scale, zpT, axis, 'QuantizeLinear', 'y_scale', 'y_zero_point');
  const dims = x.dims.length === 0 ? [1] : x.dims;
  if (x.data.length === 0) return emptyResult('y', outDtype, x.dims);
  const outType = outDtype === 'int8' ? 's8' : 'u8';
  const k = generateQuantizeLinear({ dims, xType: x.dtype === 'float32' ? 'f32' : 'f16', scale: scales, zeroPoint: zeroPoints, outType, axis }, cfg);
  const g = launch(cfg, k, vectorGmImage(k, { x: hostBytes(x) }), opts);
  const notes = x.dtype === 'float16' ? [...g.run.notes, 'host: float16 values encoded as binary16 for GM'] : g.run.notes;
  const bytes = readTensor(k, g.gm, 'y');
  const y: HostTensor = { dtype: outDtype, dims: [...x.dims], data: outDtype === 'int8' ? new Int8Array(bytes.buffer) : bytes };
  return { outputs: { y }, cycles: g.run.cycles, kernels: [{ ...g.run, notes }] };
};
