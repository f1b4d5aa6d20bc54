/**
 * What an ops-nn generator returns: the programs to launch, how many blocks, and where each tensor
 * lives in GM (with its layout), plus notes on what the kernel does that a user should know
 * (host-side layout conversions, corrections it applies, choices made by the tiler).
 */
import type { Program } from '../isa/program.js';
import type { Dtype } from '../isa/types.js';
import type { CoreKind } from '../hw/config/types.js';

export type Layout = 'ND' | 'NZ' | 'NC1HWC0' | 'FRACTAL_Z' | 'VECTOR';

export interface TensorDesc {
  readonly name: string;
  readonly role: 'input' | 'output' | 'param';
  readonly dtype: Dtype;
  /** logical dims of the tensor (before any layout padding) */
  readonly dims: readonly number[];
  readonly layout: Layout;
  readonly offset: number;
  readonly bytes: number;
}

export interface Kernel {
  readonly name: string;
  readonly programs: Partial<Record<CoreKind, Program>>;
  readonly blockDim: number;
  readonly gmBytes: number;
  readonly tensors: readonly TensorDesc[];
  readonly notes: readonly string[];
  /** the tiling actually used, serialisable */
  readonly tiling: Readonly<Record<string, number | boolean | string>>;
  /**
   * the operator's real multiply-accumulates: what the cube must do for it, without the padding
   * (K padded to C0, whole 16-row fractals) or the zero-point pieces it issues on top (cube kernels)
   */
  readonly usefulMacs?: number;
}

/** A user-facing problem with an operator's shapes, types or tiling. */
export class OpError extends Error {
  override readonly name = 'OpError';
}

/** Bump allocator for GM: every tensor 512 B aligned so DMA and cache lines behave. */
export class GmAllocator {
  private next = 0;
  readonly tensors: TensorDesc[] = [];

  alloc(t: Omit<TensorDesc, 'offset'>): TensorDesc {
    const d = { ...t, offset: this.next };
    this.next += Math.ceil(Math.max(t.bytes, 1) / 512) * 512;
    this.tensors.push(d);
    return d;
  }

  get size(): number {
    return this.next;
  }
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);
export const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;
