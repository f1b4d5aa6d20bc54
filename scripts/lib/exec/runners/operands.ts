/**
 * Reading ONNX operands for the runners: scalars, per-axis vectors, quantised tensors as bytes.
 */
import { OpError } from '../../../../ops-nn/kernel.js';
import type { HostTensor } from '../types.js';

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

/** A zero point must have its tensor's type (ONNX). */
export function checkZeroPointType(zp: HostTensor | undefined, of: HostTensor, name: string): void {
  if (zp && zp.dtype !== of.dtype) throw new OpError(`input ${name} must have the type of its tensor (${of.dtype}), got ${zp.dtype}`);
}

/** ORT's requant multiplier: fp32(fp32(x_scale * w_scale) / y_scale). */
export const multiplier = (xScale: number, wScale: number, yScale: number): number => Math.fround(Math.fround(xScale * wScale) / yScale);

/** Output tensor from bytes of the given ONNX integer type. */
export function intTensor(dtype: 'int8' | 'uint8' | 'int32', dims: readonly number[], bytes: Uint8Array): HostTensor {
  const copy = bytes.slice();
  const data = dtype === 'int8' ? new Int8Array(copy.buffer) : dtype === 'uint8' ? copy : new Int32Array(copy.buffer);
  return { dtype, dims, data };
}
