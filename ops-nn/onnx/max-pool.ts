/**
 * ONNX MaxPool (opset 12+) on int8 / uint8 NCHW tensors (1-D or 2-D) on the vector cores: the max of
 * each window's elements inside the input (padding never wins), as ORT's integer MaxPool. Only the
 * Y output is produced; storage_order only orders the Indices output, so it has no effect here.
 */
import { OpError } from '../kernel.js';
import { INT8S, required } from './contract.js';
import { intAttr } from './operands.js';
import { POOL_ATTRIBUTES, poolProblem, poolSpec, runPool } from './pool-operands.js';
import { defineOperator } from './types.js';

export const MaxPool = defineOperator(
  {
    op: 'MaxPool',
    domain: '',
    inputs: [required('X', INT8S)],
    sameDtype: [],
    attributes: { ...POOL_ATTRIBUTES, dilations: 'ints', storage_order: 'int' },
    output: 'Y',
    outputDtype: (d) => d['X'] ?? 'int8',
  },
  function* (inp, attrs, cfg) {
    const x = inp['X']!;
    const order = intAttr(attrs, 'storage_order', 0);
    if (order !== 0 && order !== 1) throw new OpError(`MaxPool: storage_order must be 0 (row major) or 1 (column major), got ${order}`);
    const p = poolProblem('MaxPool', x.dims, attrs);
    const type = x.dtype as 'int8' | 'uint8';
    return yield* runPool(poolSpec(p, 'max', type), x, p.outDims, cfg);
  },
);
