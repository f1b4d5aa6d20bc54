/**
 * Numpy broadcasting of matmul batch dimensions and of per-column parameters, for the matmul
 * runners: which A and which B each output batch entry uses, and which parameter element belongs
 * to (B batch entry, column).
 */
import { OpError } from '../kernel.js';
import { checkElementCount, type HostTensor } from './tensor.js';

const prod = (d: readonly number[]) => d.reduce((x, y) => x * y, 1);

/** Row-major strides of `dims` with broadcast (size-1) dimensions given stride 0. */
function strides(dims: readonly number[], out: readonly number[]): number[] {
  const s = new Array<number>(out.length).fill(0);
  let step = 1;
  for (let i = dims.length - 1, o = out.length - 1; i >= 0; i--, o--) {
    s[o] = dims[i] === 1 ? 0 : step;
    step *= dims[i]!;
  }
  return s;
}

export interface Broadcast {
  /** output batch dims */
  readonly dims: readonly number[];
  readonly count: number;
  /** flat batch index of A / B used by output entry e */
  aIndex(e: number): number;
  bIndex(e: number): number;
}

/** Broadcasts the batch dims of A and B (numpy rules), naming the dims that disagree. */
export function broadcastBatch(a: readonly number[], b: readonly number[]): Broadcast {
  const n = Math.max(a.length, b.length);
  const dims: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new OpError(`matmul batch dims [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (${x} vs ${y})`);
    dims.push(Math.max(x, y));
  }
  checkElementCount(dims, `matmul batch dims [${a.join(', ')}] and [${b.join(', ')}] broadcast`);
  const sa = strides(a, dims);
  const sb = strides(b, dims);
  const index = (s: number[]) => (e: number) => {
    let flat = 0;
    for (let i = dims.length - 1; i >= 0; i--) {
      flat += (e % dims[i]!) * s[i]!;
      e = Math.floor(e / dims[i]!);
    }
    return flat;
  };
  return { dims, count: prod(dims), aIndex: index(sa), bIndex: index(sb) };
}

/**
 * A per-column parameter of B (scale or zero point): a scalar, a vector of n, or B's batch dims
 * followed by [1, n]. Returns value(bBatchIndex, column).
 */
export function columnParam(t: HostTensor | undefined, name: string, bBatch: readonly number[], n: number, fallback: number): (b: number, col: number) => number {
  if (!t) return () => fallback;
  const d = t.data;
  if (d.length === 1) return () => d[0]!;
  if (t.dims.length === 1 && d.length === n) return (_b, col) => d[col]!;
  const expected = [...bBatch, 1, n];
  if (t.dims.length === expected.length && t.dims.every((x, i) => x === expected[i])) return (b, col) => d[b * n + col]!;
  throw new OpError(`input ${name} must be a scalar, [${n}], or [${expected.join(', ')}], got [${t.dims.join(', ')}]`);
}
