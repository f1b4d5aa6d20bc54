/**
 * Shared pieces of the L0C -> UB converting-copy tests: an f16 rounding model written apart from
 * isa/numeric (so the copies are checked against an independent reference), the random copy shapes,
 * and the place of every element the copy moves.
 */
import { randInt } from './rng.js';

/**
 * f16 of a double, half to even, by scaling to the ulp of its binade. Beyond the f16 range it
 * saturates to +-65504 or becomes +-Infinity, as the conversion being modelled does.
 */
export function f16Model(x: number, overflow: 'saturate' | 'infinity'): number {
  if (Number.isNaN(x) || x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  let e = Math.max(-14, Math.floor(Math.log2(a)));
  if (e > -14 && 2 ** e > a) e -= 1; // log2 rounded up just below a power of two
  if (2 ** (e + 1) <= a) e += 1;
  const ulp = 2 ** (e - 10);
  const q = a / ulp; // exact: a power-of-two scaling
  let n = Math.floor(q);
  const rest = q - n;
  if (rest > 0.5 || (rest === 0.5 && n % 2 === 1)) n += 1;
  const v = n * ulp > 65504 ? (overflow === 'saturate' ? 65504 : Infinity) : n * ulp;
  return x < 0 ? -v : v;
}

/** The operands of one converting copy: bursts of fractals, gaps, addresses and ReLU. */
export interface CopyCase {
  readonly blockCount: number;
  readonly blockLen: number;
  readonly srcGap: number;
  readonly dstGap: number;
  readonly src: number;
  readonly dst: number;
  readonly relu: number;
}

export function randomCopyCase(r: () => number): CopyCase {
  return { blockCount: randInt(r, 1, 3), blockLen: randInt(r, 1, 3), srcGap: randInt(r, 0, 2), dstGap: randInt(r, 0, 5), src: 1024 * randInt(r, 0, 20), dst: 32 * randInt(r, 0, 300), relu: randInt(r, 0, 1) };
}

/**
 * Every element of a copy in order: burst b, fractal f, element e of its 256, its L0C byte address
 * (32-bit elements, fractals of 1 KiB, srcGap fractals between bursts) and its UB byte address (16-bit
 * elements, 512 B fractals, dstGap 32 B blocks between bursts).
 */
export function forEachCopied(c: CopyCase, visit: (b: number, f: number, e: number, src: number, dst: number) => void): void {
  for (let b = 0; b < c.blockCount; b++)
    for (let f = 0; f < c.blockLen; f++)
      for (let e = 0; e < 256; e++) visit(b, f, e, c.src + (b * (c.blockLen + c.srcGap) + f) * 1024 + e * 4, c.dst + b * (c.blockLen * 512 + c.dstGap * 32) + f * 512 + e * 2);
}
