/**
 * Seeded random building blocks of the fixture cases: integers and float32 values, quantisation
 * scales (random mantissas or powers of two, which put x / scale exactly on .5 ties), integer tensors
 * in a dtype's range, and the case record the generator runs through ONNX Runtime.
 */
import type { OnnxDtype, TensorJson } from '../../../ops-nn/onnx/index.js';
import type { OnnxCase } from '../../lib/exec/types.js';
import { seededRandom } from '../../lib/rng.js';

/** A case to run: the case itself, a label of its dtype/parameter combination, and what ORT may reject. */
export interface GenCase {
  readonly case: OnnxCase & { readonly name: string; readonly attrs: Readonly<Record<string, unknown>> };
  /** the dtype/parameter combination, as recorded under "unsupported" when ORT rejects it */
  readonly combo: string;
  /** inputs written as initializers (constant data), the way real models hold weights */
  readonly constants?: readonly string[];
  /** true when ORT may reject the combination (then it is recorded, not an error) */
  readonly probe?: boolean;
}

/** [min, max] of the integer dtypes used in cases. */
export const RANGE: Readonly<Record<'int8' | 'uint8' | 'int32', readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int32: [-2147483648, 2147483647],
};

/** Short dtype names for case names and combo labels. */
export const SHORT: Readonly<Record<OnnxDtype, string>> = { int8: 's8', uint8: 'u8', int32: 's32', float32: 'f32', float16: 'f16' };

/** A seeded source of case parameters. */
export class Gen {
  private readonly r: () => number;

  constructor(seed: number) {
    this.r = seededRandom(seed);
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.r() < p;
  }

  /** One element of xs. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  /** A float32 in [lo, hi). */
  float(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.r());
  }

  /** A float32 log-uniform in [lo, hi). */
  logFloat(lo: number, hi: number): number {
    return Math.fround(Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * this.r()));
  }

  /** A power of two 2^-k, k in [kLo, kHi]. */
  pow2(kLo: number, kHi: number): number {
    return 2 ** -this.int(kLo, kHi);
  }

  /** n integers of `dtype`, uniform in [lo, hi] clipped to the dtype's range. */
  ints(dtype: keyof typeof RANGE, n: number, lo = RANGE[dtype][0], hi = RANGE[dtype][1]): number[] {
    const [min, max] = RANGE[dtype];
    return Array.from({ length: n }, () => this.int(Math.max(lo, min), Math.min(hi, max)));
  }

  /** A zero point of `dtype`: 0 with probability `pZero`, else uniform (kept off the extremes). */
  zeroPoint(dtype: 'int8' | 'uint8', pZero: number): number {
    if (this.chance(pZero)) return 0;
    const [min, max] = RANGE[dtype];
    return this.int(min + 16, max - 16);
  }
}

/** A tensor record. */
export const tensor = (dtype: OnnxDtype, dims: readonly number[], data: readonly number[]): TensorJson => ({ dtype, dims, data });

/** A scalar tensor. */
export const scalar = (dtype: OnnxDtype, v: number): TensorJson => tensor(dtype, [], [v]);

/** Number of elements of dims. */
export const count = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/** "[2,3,4]" */
export const fmt = (dims: readonly number[]): string => `[${dims.join(',')}]`;

/** Zero-padded case index. */
export const idx = (i: number): string => String(i).padStart(3, '0');
