/**
 * ONNX MatMulInteger on the cube GEMM: exact int32 results of (A - a_zp)(B - b_zp), numpy batch
 * broadcasting, per-column (and per-batch) b zero points.
 */
import { INT8S, INTEGER_COMBOS, optional, required } from './contract.js';
import { runCubeOp } from './cube-op.js';
import { columnParam } from './broadcast.js';
import { matmulCubeOp, matmulDims } from './matmul-operands.js';
import { scalar } from './operands.js';
import { intTensor } from './tensor.js';
import { defineOperator } from './types.js';

export const MatMulInteger = defineOperator(
  {
    op: 'MatMulInteger',
    domain: '',
    inputs: [required('A', INT8S), required('B', INT8S), optional('a_zero_point', INT8S), optional('b_zero_point', INT8S)],
    sameDtype: [['A', 'a_zero_point'], ['B', 'b_zero_point']],
    combos: { of: ['A', 'B'], allowed: INTEGER_COMBOS },
    attributes: {},
    output: 'Y',
    outputDtype: () => 'int32',
  },
  function* (inp, _attrs, cfg, opts) {
    const a = inp['A']!;
    const b = inp['B']!;
    const d = matmulDims(a, b);
    const bZp = columnParam(inp['b_zero_point'], 'b_zero_point', d.bBatch, d.n, 0);
    const op = matmulCubeOp(d, a, b, scalar(inp['a_zero_point'], 'a_zero_point (per-row zero points are not supported)', 0), bZp);
    const r = yield* runCubeOp(cfg, { ...op, out: { kind: 'int32' } }, opts);
    return intTensor('int32', [...d.bc.dims, d.m, d.n], r.y);
  },
);
