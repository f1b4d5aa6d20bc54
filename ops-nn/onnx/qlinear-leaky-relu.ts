/**
 * com.microsoft QLinearLeakyRelu on the vector cores: ONNX Runtime's lookup table (dequantise,
 * leaky with alpha, QuantizeLinear), computed per element with the same float32 operations
 * (ops-nn/eltwise/qlinear-leaky-relu.ts). Any shape; scales and zero points are scalars.
 */
import { generateQLinearLeakyRelu } from '../eltwise/index.js';
import { readTensor, vectorGmImage } from '../vector/index.js';
import { F32, INT8S, optional, required } from './contract.js';
import { scalar } from './operands.js';
import { emptyTensor, hostBytes, intTensor } from './tensor.js';
import { defineOperator } from './types.js';

/** ORT's default slope. */
const DEFAULT_ALPHA = Math.fround(0.01);

export const QLinearLeakyRelu = defineOperator(
  {
    op: 'QLinearLeakyRelu',
    domain: 'com.microsoft',
    inputs: [required('X', INT8S), required('X_scale', F32), optional('X_zero_point', INT8S), required('Y_scale', F32), optional('Y_zero_point', INT8S)],
    sameDtype: [['X', 'X_zero_point', 'Y_zero_point']],
    attributes: { alpha: 'float' },
    output: 'Y',
    outputDtype: (d) => d['X'] ?? 'uint8',
  },
  function* (inp, attrs, cfg) {
    const x = inp['X']!;
    const type = x.dtype as 'int8' | 'uint8';
    if (x.data.length === 0) return emptyTensor(type, x.dims);
    const k = generateQLinearLeakyRelu(
      {
        dims: x.dims.length === 0 ? [1] : x.dims,
        type: type === 'int8' ? 's8' : 'u8',
        xScale: scalar(inp['X_scale'], 'X_scale'),
        xZeroPoint: scalar(inp['X_zero_point'], 'X_zero_point', 0),
        yScale: scalar(inp['Y_scale'], 'Y_scale'),
        yZeroPoint: scalar(inp['Y_zero_point'], 'Y_zero_point', 0),
        // the attribute is a float32 in the model
        alpha: attrs['alpha'] === undefined ? DEFAULT_ALPHA : Math.fround(attrs['alpha'] as number),
      },
      cfg,
    );
    const gm = yield { kernel: k, gm: vectorGmImage(k, { x: hostBytes(x) }) };
    return intTensor(type, [...x.dims], readTensor(k, gm, 'y'));
  },
);
