/**
 * Reading ONNX operands for the operators: scalars, per-channel and per-axis parameters, quantised
 * tensors as bytes, integer attributes with their defaults.
 */
import { OpError } from '../kernel.js';
import type { NodeAttrs } from './contract.js';
import type { HostTensor } from './tensor.js';

/** A scalar (dims [] or [1]); `fallback` when the optional input is absent. */
export function scalar(t: HostTensor | undefined, name: string, fallback?: number): number {
  if (!t) {
    if (fallback === undefined) throw new OpError(`input ${name} is required`);
    return fallback;
  }
  if (t.data.length !== 1) throw new OpError(`input ${name} must be a scalar, got dims [${t.dims.join(', ')}]`);
  return t.data[0]!;
}

/** A per-tensor scalar or a vector of `n` values, expanded to `n` values. */
export function perChannel(t: HostTensor | undefined, name: string, n: number, fallback: number): number[] {
  if (!t) return new Array<number>(n).fill(fallback);
  if (t.data.length === 1) return new Array<number>(n).fill(t.data[0]!);
  if (t.data.length !== n) throw new OpError(`input ${name} must be a scalar or hold ${n} values (one per output channel), got ${t.data.length}`);
  return Array.from(t.data);
}

/** The raw bytes of an int8/uint8 tensor, and its device type name. */
export function bytesOf(t: HostTensor, name: string): { bytes: Uint8Array; type: 's8' | 'u8' } {
  if (t.dtype !== 'int8' && t.dtype !== 'uint8') throw new OpError(`input ${name} must be int8 or uint8, got ${t.dtype}`);
  return { bytes: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), type: t.dtype === 'int8' ? 's8' : 'u8' };
}

/** ORT's requant multiplier: fp32(fp32(x_scale * w_scale) / y_scale). */
export const multiplier = (xScale: number, wScale: number, yScale: number): number => Math.fround(Math.fround(xScale * wScale) / yScale);

/** An integer attribute (its type already checked against the contract), or its default. */
export const intAttr = (attrs: NodeAttrs, name: string, fallback: number): number => (attrs[name] === undefined ? fallback : (attrs[name] as number));

/** The quantisation parameters of a (De)QuantizeLinear node, by their ONNX input names. */
export interface AxisParams {
  readonly op: string;
  readonly x: HostTensor;
  readonly axis: number;
  readonly scale: HostTensor;
  readonly scaleName: string;
  readonly zeroPoint: HostTensor | undefined;
  readonly zeroPointName: string;
}

/**
 * Scale and zero point of a (De)QuantizeLinear: per tensor (one value each) or per axis (one per
 * channel of `axis`); a missing zero point is 0. Checks the zero point's length against the scale's.
 */
export function perAxisValues(p: AxisParams): { scales: number[]; zeroPoints: number[] } {
  const { op, x, axis, scale, zeroPoint } = p;
  const n = scale.data.length;
  if (n === 0) throw new OpError(`${op}: ${p.scaleName} is empty`);
  if (n > 1) {
    const rank = Math.max(x.dims.length, 1);
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= x.dims.length) throw new OpError(`${op}: axis ${axis} is out of range for x of rank ${x.dims.length}`);
    if (scale.dims.length !== 1 || n !== x.dims[a]) throw new OpError(`${op}: per-axis ${p.scaleName} must be 1-D with ${x.dims[a]} values (dim ${a} of x), got dims [${scale.dims.join(', ')}]`);
  }
  if (zeroPoint && zeroPoint.data.length !== n) throw new OpError(`${op}: ${p.zeroPointName} has ${zeroPoint.data.length} values but ${p.scaleName} has ${n}`);
  return { scales: Array.from(scale.data), zeroPoints: zeroPoint ? Array.from(zeroPoint.data) : [] };
}
