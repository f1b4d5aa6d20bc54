/**
 * Seeded random data for a matmul job: the requantisation parameters (part of the spec, so they are
 * drawn in both modes) and the A, B and bias tensors (functional mode only). Scales are about
 * 1 / (sqrt(K) * 64), so typical outputs use the int8 range without saturating everywhere.
 */
import type { MatmulQuant } from '../../ops-nn/matmul/index.js';
import { randomInt } from './rng.js';

/** The shape and epilogue choices the data depends on. */
export interface MatmulDataShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly bias: boolean;
  readonly perChannel: boolean;
  readonly outType: 's8' | 'u8';
}

/** Input tensors in the reference's layout: A is M x K, B is K x N, both row-major. */
export interface MatmulInputs {
  readonly a: Int8Array;
  readonly b: Int8Array;
  readonly bias: Int32Array | null;
}

/** Output offset that centres the output type's range: 0 for s8, 128 for u8. */
const OFFSET_OF = { s8: 0, u8: 128 } as const;

/** Scale and offset, one per column when `perChannel` (scales 0.5x..1.5x of the base, offsets +-4). */
export function randomQuant(s: MatmulDataShape, r: () => number): MatmulQuant {
  const base = 1 / (Math.sqrt(s.k) * 64);
  const offset = OFFSET_OF[s.outType];
  if (!s.perChannel) return { scale: Math.fround(base), offset };
  const scale = Array.from({ length: s.n }, () => Math.fround(base * (0.5 + r())));
  const offsets = Array.from({ length: s.n }, () => offset + randomInt(r, -4, 4));
  return { scale, offset: offsets };
}

/** Uniform int8 A and B; bias (if any) of about the size of a typical accumulator. */
export function randomInputs(s: MatmulDataShape, r: () => number): MatmulInputs {
  const a = Int8Array.from({ length: s.m * s.k }, () => randomInt(r, -128, 127));
  const b = Int8Array.from({ length: s.k * s.n }, () => randomInt(r, -128, 127));
  const range = Math.round(Math.sqrt(s.k) * 4096);
  const bias = s.bias ? Int32Array.from({ length: s.n }, () => randomInt(r, -range, range)) : null;
  return { a, b, bias };
}
