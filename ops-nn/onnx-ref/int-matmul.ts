/**
 * The exact integer core of MatMulInteger and QLinearMatMul: numpy-style matmul (1-D operands promoted,
 * batch dimensions broadcast) of zero-point-shifted int8/uint8 operands, accumulated exactly.
 */
import { RefError, sizeOf, type RefTensor } from './tensor.js';

/** Accumulators (row-major over `dims`), M, N and, per output matrix, the batch index of b it used. */
export interface IntProduct {
  readonly acc: Float64Array;
  readonly dims: readonly number[];
  readonly m: number;
  readonly n: number;
  readonly bBatch: Int32Array;
}

/** A value of b's quantisation parameters by b batch index and column. */
export type BParam = (bBatch: number, col: number) => number;

/**
 * A quantisation parameter of b as ORT accepts it: scalar or one element (per tensor), [N] when b is
 * 2-D (per column), or b's dims with the second-to-last one 1 (per batch and column). Absent: 0.
 */
export function bParam(t: RefTensor | undefined, b: RefTensor, what: string): BParam {
  if (!t) return () => 0;
  if (t.data.length === 1) {
    const v = t.data[0]!;
    return () => v;
  }
  const r = b.dims.length;
  const n = b.dims[r - 1]!;
  if (t.dims.length === 1 && r === 2 && t.dims[0] === n) return (_, j) => t.data[j]!;
  const batchCols = t.dims.length === r && r > 2 && t.dims.every((d, i) => (i === r - 2 ? d === 1 : d === b.dims[i]));
  if (!batchCols) throw new RefError(`${what}: dims [${t.dims.join(',')}] must be a scalar, [N] with a 2-D b, or b's dims with 1 second to last`);
  return (bb, j) => t.data[bb * n + j]!;
}

/** Row-major strides of `dims`, 0 where a dimension of 1 is broadcast against `to`. */
function broadcastStrides(dims: readonly number[], to: readonly number[]): number[] {
  const padded = [...Array<number>(to.length - dims.length).fill(1), ...dims];
  const strides = Array<number>(to.length).fill(0);
  for (let i = to.length - 1, s = 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : s;
    s *= padded[i]!;
  }
  return strides;
}

/** The broadcast of two batch shapes, or a RefError. */
function broadcastShape(a: readonly number[], b: readonly number[], op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new RefError(`${op}: batch dims [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * sum_k (a[.., i, k] - aZp(i)) * (b[.., k, j] - bZp(bBatch, j)) for every batch, row i and column j.
 */
export function intMatmul(a: RefTensor, b: RefTensor, aZp: (row: number) => number, bZp: BParam, op: string): IntProduct {
  if (a.dims.length === 0 || b.dims.length === 0) throw new RefError(`${op}: operands must have rank >= 1`);
  const ad = a.dims.length === 1 ? [1, a.dims[0]!] : [...a.dims];
  const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : [...b.dims];
  const m = ad[ad.length - 2]!;
  const k = ad[ad.length - 1]!;
  const n = bd[bd.length - 1]!;
  if (bd[bd.length - 2] !== k) throw new RefError(`${op}: inner dims differ: a [${a.dims.join(',')}], b [${b.dims.join(',')}]`);
  const batch = broadcastShape(ad.slice(0, -2), bd.slice(0, -2), op);
  const aStr = broadcastStrides(ad.slice(0, -2), batch);
  const bStr = broadcastStrides(bd.slice(0, -2), batch);
  const batches = sizeOf(batch);
  const acc = new Float64Array(batches * m * n);
  const bBatch = new Int32Array(batches);
  for (let bi = 0; bi < batches; bi++) {
    let aOff = 0;
    let bOff = 0;
    for (let d = batch.length - 1, rest = bi; d >= 0; d--) {
      const idx = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      aOff += idx * aStr[d]!;
      bOff += idx * bStr[d]!;
    }
    bBatch[bi] = bOff;
    aOff *= m * k;
    bOff *= k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += (a.data[aOff + i * k + p]! - aZp(i)) * (b.data[bOff + p * n + j]! - bZp(bBatch[bi]!, j));
        acc[(bi * m + i) * n + j] = s;
      }
  }
  const dims = [...batch, ...(a.dims.length === 1 ? [] : [m]), ...(b.dims.length === 1 ? [] : [n])];
  return { acc, dims, m, n, bBatch };
}
