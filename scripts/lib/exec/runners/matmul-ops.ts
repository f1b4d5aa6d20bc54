/**
 * QLinearMatMul and MatMulInteger runners: ONNX matmul semantics (batched, one side may be 2-D and
 * is then shared) on the cube GEMM.
 */
import { OpError } from '../../../../ops-nn/kernel.js';
import { runCubeOp, type CubeOp } from '../cube-op.js';
import type { HostTensor, NodeRunner } from '../types.js';
import { bytesOf, checkZeroPointType, intTensor, multiplier, perChannel, scalar } from './operands.js';

interface MatmulDims {
  batchDims: number[];
  batch: number;
  m: number;
  k: number;
  n: number;
  aPerBatch: boolean;
  bCount: number;
}

const prod = (d: readonly number[]) => d.reduce((x, y) => x * y, 1);

/** Batch dims: equal on both sides, or one side 2-D (then shared). */
function matmulDims(a: HostTensor, b: HostTensor): MatmulDims {
  if (a.dims.length < 2 || b.dims.length < 2) throw new OpError(`matmul inputs must be at least 2-D (1-D operands are not supported), got [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
  const [m, k] = a.dims.slice(-2) as [number, number];
  const [k2, n] = b.dims.slice(-2) as [number, number];
  if (k !== k2) throw new OpError(`matmul inner dimensions differ: a has K = ${k}, b has K = ${k2}`);
  const ab = a.dims.slice(0, -2);
  const bb = b.dims.slice(0, -2);
  const same = ab.length === bb.length && ab.every((d, i) => d === bb[i]);
  if (!same && ab.length > 0 && bb.length > 0) throw new OpError(`matmul batch dims [${ab.join(', ')}] and [${bb.join(', ')}] must be equal, or one input 2-D (general broadcasting is not supported)`);
  const batchDims = ab.length >= bb.length ? ab : bb;
  const batch = prod(batchDims);
  return { batchDims, batch, m, k, n, aPerBatch: ab.length > 0, bCount: bb.length > 0 ? batch : 1 };
}

function cubeOp(d: MatmulDims, a: HostTensor, b: HostTensor, aZp: number, bZp: readonly number[]): Omit<CubeOp, 'out'> {
  const ab = bytesOf(a, 'a');
  bytesOf(b, 'b');
  const bd = b.data;
  return {
    batch: d.batch,
    m: d.m,
    k: d.k,
    n: d.n,
    groups: 1,
    bCount: d.bCount,
    aPerBatch: d.aPerBatch,
    a: ab.bytes,
    aType: ab.type,
    aZeroPoint: aZp,
    weight: (c, kk, nn) => bd[(c * d.k + kk) * d.n + nn]! - bZp[nn]!,
    bias: null,
  };
}

export const qlinearMatMul: NodeRunner = (inp, _attrs, cfg, opts) => {
  const a = inp.a!;
  const b = inp.b!;
  checkZeroPointType(inp.a_zero_point, a, 'a_zero_point');
  checkZeroPointType(inp.b_zero_point, b, 'b_zero_point');
  const d = matmulDims(a, b);
  const yZpT = inp.y_zero_point;
  const outType = yZpT?.dtype === 'int8' ? 's8' : 'u8';
  const aScale = scalar(inp.a_scale, 'a_scale');
  const yScale = scalar(inp.y_scale, 'y_scale');
  const bScale = perChannel(inp.b_scale, 'b_scale', d.n, 1);
  const bZp = perChannel(inp.b_zero_point, 'b_zero_point', d.n, 0);
  const r = runCubeOp(
    cfg,
    { ...cubeOp(d, a, b, scalar(inp.a_zero_point, 'a_zero_point', 0), bZp), out: { kind: 'requant', multipliers: bScale.map((s) => multiplier(aScale, s, yScale)), zeroPoint: scalar(yZpT, 'y_zero_point', 0), outType } },
    opts,
  );
  const y = intTensor(outType === 's8' ? 'int8' : 'uint8', [...d.batchDims, d.m, d.n], r.y);
  return { outputs: { y }, cycles: r.kernels.reduce((s, k) => s + k.cycles, 0), kernels: r.kernels };
};

export const matMulInteger: NodeRunner = (inp, _attrs, cfg, opts) => {
  const a = inp.A!;
  const b = inp.B!;
  checkZeroPointType(inp.a_zero_point, a, 'a_zero_point');
  checkZeroPointType(inp.b_zero_point, b, 'b_zero_point');
  const d = matmulDims(a, b);
  const bZp = perChannel(inp.b_zero_point, 'b_zero_point', d.n, 0);
  const r = runCubeOp(cfg, { ...cubeOp(d, a, b, scalar(inp.a_zero_point, 'a_zero_point (per-row zero points are not supported)', 0), bZp), out: { kind: 'int32' } }, opts);
  const Y = intTensor('int32', [...d.batchDims, d.m, d.n], r.y);
  return { outputs: { Y }, cycles: r.kernels.reduce((s, k) => s + k.cycles, 0), kernels: r.kernels };
};
