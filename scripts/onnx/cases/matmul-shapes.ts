/**
 * Operand shapes of the matmul cases: 2-D, batched 3-D, 3-D x 2-D, 2-D x 3-D and broadcast 4-D x 3-D,
 * with M, K, N often the odd sizes 1, 3, 17, 33, and small enough that fixture files stay small.
 */
import { count, Gen } from './random.js';

/** Shapes of a and b, and M, K, N. */
export interface MatmulShape {
  readonly kind: string;
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** a dims, b dims and the number of output matrices, by kind. */
const KINDS: Readonly<Record<string, (batch: number, m: number, k: number, n: number) => readonly [number[], number[], number]>> = {
  '2d': (_, m, k, n) => [[m, k], [k, n], 1],
  '3d': (bt, m, k, n) => [[bt, m, k], [bt, k, n], bt],
  '3d-2d': (bt, m, k, n) => [[bt, m, k], [k, n], bt],
  '2d-3d': (bt, m, k, n) => [[m, k], [bt, k, n], bt],
  '4d-bcast': (bt, m, k, n) => [[2, 1, m, k], [bt, k, n], 2 * bt],
};

/** Weights of the shape kinds, by the rank b must have. */
const KIND_POOLS: Readonly<Record<BRank, readonly string[]>> = {
  any: ['2d', '2d', '2d', '2d', '3d', '3d', '3d-2d', '2d-3d', '4d-bcast'],
  b2d: ['2d', '2d', '3d-2d'],
  b3d: ['3d', '3d', '2d-3d', '4d-bcast'],
};

/** What b's rank must be: anything, 2-D (per-column parameters) or 3-D (per batch and column). */
export type BRank = 'any' | 'b2d' | 'b3d';

/** Total elements of a, b and y allowed per case. */
const MAX_ELEMENTS = 640;

/** A random matmul shape with b of rank `bRank`. */
export function matmulShape(g: Gen, bRank: BRank = 'any'): MatmulShape {
  for (;;) {
    const dim = () => (g.chance(0.5) ? g.pick([1, 3, 17, 33]) : g.int(1, 12));
    const [m, k, n] = [dim(), dim(), dim()];
    const kind = g.pick(KIND_POOLS[bRank]);
    const batch = g.int(2, 3);
    const [a, b, outputs] = KINDS[kind]!(batch, m, k, n);
    if (count(a) + count(b) + outputs * m * n <= MAX_ELEMENTS) return { kind, a, b, m, k, n };
  }
}
