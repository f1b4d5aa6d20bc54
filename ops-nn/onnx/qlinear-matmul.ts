/**
 * ONNX QLinearMatMul on the cube GEMM: numpy batch broadcasting, per-column (and per-batch) b scales
 * and zero points, requantisation with ORT's multiplier in the epilogue the fusion variant chooses.
 */
import { F32, INT8S, QLINEAR_COMBOS, required } from './contract.js';
import { runCubeOp } from './cube-op.js';
import { columnParam } from './broadcast.js';
import { matmulCubeOp, matmulDims, perEntry } from './matmul-operands.js';
import { multiplier, scalar } from './operands.js';
import { intTensor } from './tensor.js';
import { defineOperator } from './types.js';

export const QLinearMatMul = defineOperator(
  {
    op: 'QLinearMatMul',
    domain: '',
    inputs: [
      required('a', INT8S), required('a_scale', F32), required('a_zero_point', INT8S),
      required('b', INT8S), required('b_scale', F32), required('b_zero_point', INT8S),
      required('y_scale', F32), required('y_zero_point', INT8S),
    ],
    sameDtype: [['a', 'a_zero_point'], ['b', 'b_zero_point']],
    combos: { of: ['a', 'b', 'y_zero_point'], allowed: QLINEAR_COMBOS },
    attributes: {},
    output: 'y',
    outputDtype: (d) => d['y_zero_point'] ?? 'int8',
  },
  function* (inp, _attrs, cfg, opts) {
    const a = inp['a']!;
    const b = inp['b']!;
    const d = matmulDims(a, b);
    const outType = inp['y_zero_point']?.dtype === 'int8' ? 's8' : 'u8';
    const aScale = scalar(inp['a_scale'], 'a_scale');
    const yScale = scalar(inp['y_scale'], 'y_scale');
    const bScale = columnParam(inp['b_scale'], 'b_scale', d.bBatch, d.n, 1);
    const bZp = columnParam(inp['b_zero_point'], 'b_zero_point', d.bBatch, d.n, 0);
    const op = matmulCubeOp(d, a, b, scalar(inp['a_zero_point'], 'a_zero_point (per-row zero points are not supported)', 0), bZp);
    const multipliers = perEntry(op, d, (bb, col) => multiplier(aScale, bScale(bb, col), yScale));
    const r = yield* runCubeOp(cfg, { ...op, out: { kind: 'requant', multipliers, zeroPoint: scalar(inp['y_zero_point'], 'y_zero_point', 0), outType } }, opts);
    return intTensor(outType === 's8' ? 'int8' : 'uint8', [...d.bc.dims, d.m, d.n], r.y);
  },
);
