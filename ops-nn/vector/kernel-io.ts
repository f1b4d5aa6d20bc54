/**
 * Host side of the vector kernels: a Kernel that also carries the parameter tables the host writes
 * into GM, building the GM image from named input bytes, and reading an output back.
 */
import { OpError, type Kernel } from '../kernel.js';
import type { ParamBlob } from './elementwise.js';

/** A kernel plus the GM bytes the host prepares besides its inputs (parameter tables). */
export interface VectorKernel extends Kernel {
  readonly blobs: readonly ParamBlob[];
}

/** The GM image for a launch: `inputs` by tensor name (raw little-endian bytes) and the kernel's tables. */
export function vectorGmImage(k: VectorKernel, inputs: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const img = new Uint8Array(k.gmBytes);
  for (const t of k.tensors.filter((d) => d.role === 'input')) {
    const bytes = inputs[t.name];
    if (!bytes) throw new OpError(`${k.name}: no data for input ${t.name}`);
    if (bytes.length !== t.bytes) throw new OpError(`${k.name}: input ${t.name} needs ${t.bytes} bytes, got ${bytes.length}`);
    img.set(bytes, t.offset);
  }
  for (const b of k.blobs) img.set(b.bytes, b.offset);
  return img;
}

/** The bytes of tensor `name` in a GM image after the run. */
export function readTensor(k: Kernel, gm: Uint8Array, name: string): Uint8Array {
  const t = k.tensors.find((d) => d.name === name);
  if (!t) throw new Error(`internal: ${k.name} has no tensor ${name}`);
  return gm.slice(t.offset, t.offset + t.bytes);
}
