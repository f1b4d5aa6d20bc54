/**
 * ONNX QLinearConv: 2-D convolution as img2col GEMMs on the cube, per-channel w scale and zero point,
 * int32 bias, requantisation with ORT's multiplier in the epilogue the fusion variant chooses.
 * Depthwise nodes (group = C = OC) run on the vector unit instead (depthwise-op.ts), same bits.
 */
import { convShape, type DepthwiseTiling } from '../conv/index.js';
import { CONV_ATTRIBUTES, F32, INT8S, QLINEAR_COMBOS, optional, required } from './contract.js';
import { convCubeOp, convOutput } from './conv-operands.js';
import { runCubeOp } from './cube-op.js';
import { depthwiseOnVector, runDepthwiseQLinear } from './depthwise-op.js';
import { multiplier, perChannel, scalar } from './operands.js';
import { defineOperator } from './types.js';

export const QLinearConv = defineOperator(
  {
    op: 'QLinearConv',
    domain: '',
    inputs: [
      required('x', INT8S), required('x_scale', F32), required('x_zero_point', INT8S),
      required('w', INT8S), required('w_scale', F32), required('w_zero_point', INT8S),
      required('y_scale', F32), required('y_zero_point', INT8S), optional('B', ['int32']),
    ],
    sameDtype: [['x', 'x_zero_point'], ['w', 'w_zero_point']],
    combos: { of: ['x', 'w', 'y_zero_point'], allowed: QLINEAR_COMBOS },
    attributes: CONV_ATTRIBUTES,
    output: 'y',
    outputDtype: (d) => d['y_zero_point'] ?? 'int8',
  },
  function* (inp, attrs, cfg, opts) {
    const x = inp['x']!;
    const w = inp['w']!;
    const s = convShape(x.dims, w.dims, attrs);
    const wScale = perChannel(inp['w_scale'], 'w_scale', s.oc, 1);
    const wZp = perChannel(inp['w_zero_point'], 'w_zero_point', s.oc, 0);
    const xScale = scalar(inp['x_scale'], 'x_scale');
    const yScale = scalar(inp['y_scale'], 'y_scale');
    const yZpT = inp['y_zero_point'];
    const outType = yZpT?.dtype === 'int8' ? 's8' : 'u8';
    const bias = inp['B'] ? Int32Array.from(inp['B'].data) : null;
    const xZp = scalar(inp['x_zero_point'], 'x_zero_point', 0);
    const multipliers = wScale.map((ws) => multiplier(xScale, ws, yScale));
    const yZp = scalar(yZpT, 'y_zero_point', 0);
    if (depthwiseOnVector(s, x.dtype === 'int8' ? 's8' : 'u8', cfg, opts)) return yield* runDepthwiseQLinear(cfg, s, x, w, { xZp, wZp, bias, multipliers, yZp, outType }, opts.tiling as Partial<DepthwiseTiling> | undefined);
    const op = convCubeOp(s, x, w, xZp, wZp, bias);
    const r = yield* runCubeOp(cfg, { ...op, out: { kind: 'requant', multipliers, zeroPoint: yZp, outType } }, opts);
    return convOutput(s, outType === 's8' ? 'int8' : 'uint8', r.y);
  },
);
