/**
 * The operands of the ONNX matmul operators (QLinearMatMul, MatMulInteger) as a cube operator: numpy
 * broadcasting of the batch dimensions, per-column (and per-batch) parameters of B. Broadcast A
 * operands are replicated per output batch entry on the host.
 */
import { OpError } from '../kernel.js';
import { broadcastBatch, type Broadcast } from './broadcast.js';
import type { CubeOp } from './cube-op.js';
import { bytesOf } from './operands.js';
import { checkElementCount, type HostTensor } from './tensor.js';

export interface MatmulDims {
  readonly bc: Broadcast;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly aBatch: readonly number[];
  readonly bBatch: readonly number[];
}

/** The dims of A @ B: at least 2-D operands, equal K, broadcast batch dims. */
export function matmulDims(a: HostTensor, b: HostTensor): MatmulDims {
  if (a.dims.length < 2 || b.dims.length < 2) throw new OpError(`matmul inputs must be at least 2-D (1-D operands are not supported), got [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
  const [m, k] = a.dims.slice(-2) as [number, number];
  const [k2, n] = b.dims.slice(-2) as [number, number];
  if (k !== k2) throw new OpError(`matmul inner dimensions differ: a has K = ${k}, b has K = ${k2}`);
  const aBatch = a.dims.slice(0, -2);
  const bBatch = b.dims.slice(0, -2);
  const bc = broadcastBatch(aBatch, bBatch);
  // the output, and A when it is replicated per output batch entry (matmulCubeOp), before allocating
  checkElementCount([...bc.dims, m, n], 'matmul output');
  if (aBatch.length > 0) checkElementCount([...bc.dims, m, k], 'matmul input a broadcast to the output batch');
  return { bc, m, k, n, aBatch, bBatch };
}

/** The cube op of A @ B without its output: A replicated per output entry when it has batch dims. */
export function matmulCubeOp(d: MatmulDims, a: HostTensor, b: HostTensor, aZp: number, bZp: (bb: number, col: number) => number): Omit<CubeOp, 'out'> {
  const ab = bytesOf(a, 'a');
  bytesOf(b, 'b');
  const { bc, m, k, n } = d;
  const aPerBatch = d.aBatch.length > 0;
  const perA = m * k;
  const aBytes = aPerBatch ? new Uint8Array(bc.count * perA) : ab.bytes;
  if (aPerBatch) for (let e = 0; e < bc.count; e++) aBytes.set(ab.bytes.subarray(bc.aIndex(e) * perA, (bc.aIndex(e) + 1) * perA), e * perA);
  const bPerBatch = d.bBatch.length > 0;
  const bd = b.data;
  return {
    batch: bc.count,
    m,
    k,
    n,
    groups: 1,
    bCount: bPerBatch ? bc.count : 1,
    aPerBatch,
    a: aBytes,
    aType: ab.type,
    aZeroPoint: aZp,
    weight: (c, kk, nn) => {
      const bi = bPerBatch ? bc.bIndex(c) : 0;
      return bd[(bi * k + kk) * n + nn]! - bZp(bi, nn);
    },
    bias: null,
  };
}

/** Per table entry (B matrix c, column j) values of a per-column function. */
export const perEntry = (op: Omit<CubeOp, 'out'>, d: MatmulDims, f: (bb: number, col: number) => number): number[] =>
  Array.from({ length: op.bCount * op.n }, (_, i) => f(op.bCount > 1 ? d.bc.bIndex(Math.floor(i / op.n)) : 0, i % op.n));
