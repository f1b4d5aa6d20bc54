/**
 * ONNX ConvInteger: 2-D convolution as img2col GEMMs on the cube, exact int32 results of
 * (x - x_zp)(w - w_zp), per-channel w zero points; padding behaves as x_zp.
 */
import { convShape } from '../conv/index.js';
import { CONV_ATTRIBUTES, INT8S, INTEGER_COMBOS, optional, required } from './contract.js';
import { convCubeOp, convOutput } from './conv-operands.js';
import { runCubeOp } from './cube-op.js';
import { perChannel, scalar } from './operands.js';
import { defineOperator } from './types.js';

export const ConvInteger = defineOperator(
  {
    op: 'ConvInteger',
    domain: '',
    inputs: [required('x', INT8S), required('w', INT8S), optional('x_zero_point', INT8S), optional('w_zero_point', INT8S)],
    sameDtype: [['x', 'x_zero_point'], ['w', 'w_zero_point']],
    combos: { of: ['x', 'w'], allowed: INTEGER_COMBOS },
    attributes: CONV_ATTRIBUTES,
    output: 'y',
    outputDtype: () => 'int32',
  },
  function* (inp, attrs, cfg, opts) {
    const x = inp['x']!;
    const w = inp['w']!;
    const s = convShape(x.dims, w.dims, attrs);
    const wZp = perChannel(inp['w_zero_point'], 'w_zero_point', s.oc, 0);
    const op = convCubeOp(s, x, w, scalar(inp['x_zero_point'], 'x_zero_point', 0), wZp, null);
    const r = yield* runCubeOp(cfg, { ...op, out: { kind: 'int32' } }, opts);
    return convOutput(s, 'int32', r.y);
  },
);
