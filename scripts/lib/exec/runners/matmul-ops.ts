/**
 * QLinearMatMul and MatMulInteger runners: ONNX matmul semantics (numpy broadcasting of batch
 * dimensions; per-column scales and zero points per B batch entry) on the cube GEMM. Broadcast
 * operands are replicated per output batch entry on the host (reported in the notes).
 */
import { OpError } from '../../../../ops-nn/kernel.js';
import { runCubeOp, type CubeOp } from '../cube-op.js';
import type { HostTensor, NodeResult, NodeRunner } from '../types.js';
import { broadcastBatch, columnParam, type Broadcast } from './broadcast.js';
import { bytesOf, checkZeroPointType, intTensor, multiplier, scalar } from './operands.js';

interface MatmulDims {
  readonly bc: Broadcast;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly aBatch: readonly number[];
  readonly bBatch: readonly number[];
}

function matmulDims(a: HostTensor, b: HostTensor): MatmulDims {
  if (a.dims.length < 2 || b.dims.length < 2) throw new OpError(`matmul inputs must be at least 2-D (1-D operands are not supported), got [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
  const [m, k] = a.dims.slice(-2) as [number, number];
  const [k2, n] = b.dims.slice(-2) as [number, number];
  if (k !== k2) throw new OpError(`matmul inner dimensions differ: a has K = ${k}, b has K = ${k2}`);
  const aBatch = a.dims.slice(0, -2);
  const bBatch = b.dims.slice(0, -2);
  return { bc: broadcastBatch(aBatch, bBatch), m, k, n, aBatch, bBatch };
}

/** The cube op without its output: A replicated per output entry when it has batch dims. */
function cubeOp(d: MatmulDims, a: HostTensor, b: HostTensor, aZp: number, bZp: (bb: number, col: number) => number): Omit<CubeOp, 'out'> {
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
const perEntry = (op: Omit<CubeOp, 'out'>, d: MatmulDims, f: (bb: number, col: number) => number): number[] =>
  Array.from({ length: op.bCount * op.n }, (_, i) => f(op.bCount > 1 ? d.bc.bIndex(Math.floor(i / op.n)) : 0, i % op.n));

const total = (r: { kernels: readonly { cycles: number }[] }) => r.kernels.reduce((s, k) => s + k.cycles, 0);

export const qlinearMatMul: NodeRunner = (inp, _attrs, cfg, opts): NodeResult => {
  const a = inp.a!;
  const b = inp.b!;
  checkZeroPointType(inp.a_zero_point, a, 'a_zero_point');
  checkZeroPointType(inp.b_zero_point, b, 'b_zero_point');
  const d = matmulDims(a, b);
  const outType = inp.y_zero_point?.dtype === 'int8' ? 's8' : 'u8';
  const aScale = scalar(inp.a_scale, 'a_scale');
  const yScale = scalar(inp.y_scale, 'y_scale');
  const bScale = columnParam(inp.b_scale, 'b_scale', d.bBatch, d.n, 1);
  const bZp = columnParam(inp.b_zero_point, 'b_zero_point', d.bBatch, d.n, 0);
  const op = cubeOp(d, a, b, scalar(inp.a_zero_point, 'a_zero_point (per-row zero points are not supported)', 0), bZp);
  const multipliers = perEntry(op, d, (bb, col) => multiplier(aScale, bScale(bb, col), yScale));
  const r = runCubeOp(cfg, { ...op, out: { kind: 'requant', multipliers, zeroPoint: scalar(inp.y_zero_point, 'y_zero_point', 0), outType } }, opts);
  return { outputs: { y: intTensor(outType === 's8' ? 'int8' : 'uint8', [...d.bc.dims, d.m, d.n], r.y) }, cycles: total(r), kernels: r.kernels };
};

export const matMulInteger: NodeRunner = (inp, _attrs, cfg, opts): NodeResult => {
  const a = inp.A!;
  const b = inp.B!;
  checkZeroPointType(inp.a_zero_point, a, 'a_zero_point');
  checkZeroPointType(inp.b_zero_point, b, 'b_zero_point');
  const d = matmulDims(a, b);
  const bZp = columnParam(inp.b_zero_point, 'b_zero_point', d.bBatch, d.n, 0);
  const op = cubeOp(d, a, b, scalar(inp.a_zero_point, 'a_zero_point (per-row zero points are not supported)', 0), bZp);
  const r = runCubeOp(cfg, { ...op, out: { kind: 'int32' } }, opts);
  return { outputs: { Y: intTensor('int32', [...d.bc.dims, d.m, d.n], r.y) }, cycles: total(r), kernels: r.kernels };
};
