/**
 * The bytes an operand touches, as sorted [start, end) runs: a Layout (isa/shapes.ts) expanded from
 * its address, with touching runs merged (a contiguous vector operand is one run, not 8 x repeat).
 */
import type { Layout } from '../../isa/shapes.js';

/** Appends the runs of `l` at `base` to `out` (flat [start, end, start, end, ...]), merging touching ones. */
function expand(l: Layout, base: number, out: number[]): void {
  if (typeof l === 'number') {
    if (l <= 0) return;
    const n = out.length;
    if (n > 0 && out[n - 1] === base) out[n - 1] = base + l;
    else out.push(base, base + l);
    return;
  }
  for (let i = 0; i < l.count; i++) expand(l.each, base + i * l.stride, out);
}

/** Sorted, disjoint [start, end) runs of `l` from `base`. */
export function runsOf(l: Layout, base: number): number[] {
  const raw: number[] = [];
  expand(l, base, raw);
  // strides may step backwards or overlap (a repeat stride of 0 re-reads one block): sort and merge
  return mergeRuns(raw);
}

/** Flat [start, end) pairs sorted, with empty ones dropped and overlapping or touching ones merged. */
export function mergeRuns(flat: readonly number[]): number[] {
  // the common case, already sorted and disjoint (layouts with positive strides), needs no sort
  let sorted = true;
  for (let i = 2; i < flat.length && sorted; i += 2) if (flat[i]! < flat[i - 1]! || flat[i + 1]! <= flat[i]!) sorted = false;
  if (sorted && (flat.length === 0 || flat[1]! > flat[0]!)) return flat as number[];
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) if (flat[i + 1]! > flat[i]!) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, e] of pairs) {
    const n = out.length;
    if (n > 0 && s <= out[n - 1]!) out[n - 1] = Math.max(out[n - 1]!, e);
    else out.push(s, e);
  }
  return out;
}

/** The runs of `l` at `base` in layout order (not sorted): flat [start, end, ...], touching runs merged. */
export function orderedRunsOf(l: Layout, base: number): number[] {
  const out: number[] = [];
  expand(l, base, out);
  return out;
}

/**
 * Maps byte offsets of one operand, counted along its layout order, to addresses: each [from, to)
 * of `offsets` (sorted, within the operand's bytes) becomes address runs of `runs` (orderedRunsOf).
 */
export function addressesAt(runs: readonly number[], offsets: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let passed = 0; // bytes of runs before run i
  for (let k = 0; k < offsets.length; k += 2) {
    let from = offsets[k]!;
    const to = offsets[k + 1]!;
    while (from < to && i < runs.length) {
      const len = runs[i + 1]! - runs[i]!;
      if (from >= passed + len) {
        passed += len;
        i += 2;
        continue;
      }
      const a = runs[i]! + (from - passed);
      const b = runs[i]! + Math.min(to, passed + len) - passed;
      out.push(a, b);
      from = passed + (b - runs[i]!);
    }
  }
  return out;
}
