/** Seeded PRNGs for tests: the project's mulberry32 (scripts/lib/rng.ts), same numbers on any machine. */
import { randomInt, seededRandom } from '../../scripts/lib/rng.js';

/** Floats in [0, 1). */
export const rng = seededRandom;

/** Integer in [lo, hi]. */
export const randInt = randomInt;

/** The same stream as uint32s (the float is the uint32 / 2^32, so this is exact). */
export function uint32Random(seed: number): () => number {
  const r = seededRandom(seed);
  return () => Math.floor(r() * 4294967296) >>> 0;
}
