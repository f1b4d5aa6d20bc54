/**
 * ONNX QuantizeLinear (opset 21) on the vector cores: float32 or float16 in, int8 / uint8 out, per
 * tensor or per axis; a true fp32 division, round half to even, + zero point, saturate.
 */
import { OpError } from '../kernel.js';
import { generateQuantizeLinear } from '../quant/index.js';
import { readTensor, vectorGmImage } from '../vector/index.js';
import { FLOATS, INT8S, optional, required } from './contract.js';
import { intAttr, perAxisValues } from './operands.js';
import { emptyTensor, hostBytes, intTensor } from './tensor.js';
import { defineOperator } from './types.js';

/** ONNX TensorProto codes of output_dtype for the 8-bit types. */
const OUTPUT_DTYPES: Readonly<Record<number, 'int8' | 'uint8'>> = { 2: 'uint8', 3: 'int8' };

export const QuantizeLinear = defineOperator(
  {
    op: 'QuantizeLinear',
    domain: '',
    inputs: [required('x', FLOATS), required('y_scale', FLOATS), optional('y_zero_point', INT8S)],
    sameDtype: [['x', 'y_scale']],
    // saturate only changes float8 outputs, so it is accepted and has no effect here
    attributes: { axis: 'int', block_size: 'int', output_dtype: 'int', saturate: 'int' },
    output: 'y',
    outputDtype: (d) => d['y_zero_point'] ?? 'uint8',
  },
  function* (inp, attrs, cfg) {
    const x = inp['x']!;
    const scale = inp['y_scale']!;
    const zpT = inp['y_zero_point'];
    if (intAttr(attrs, 'block_size', 0) !== 0) throw new OpError('QuantizeLinear: blocked quantisation (block_size > 0) is not supported');
    const code = intAttr(attrs, 'output_dtype', 0);
    const outDtype = (zpT?.dtype as 'int8' | 'uint8' | undefined) ?? (code === 0 ? 'uint8' : OUTPUT_DTYPES[code]);
    if (!outDtype) throw new OpError(`QuantizeLinear: output_dtype ${code} is not int8 (3) or uint8 (2)`);
    if (zpT && code !== 0 && OUTPUT_DTYPES[code] !== zpT.dtype) throw new OpError(`QuantizeLinear: output_dtype ${code} disagrees with y_zero_point's type ${zpT.dtype}`);
    const axis = intAttr(attrs, 'axis', 1);
    const { scales, zeroPoints } = perAxisValues({ op: 'QuantizeLinear', x, axis, scale, scaleName: 'y_scale', zeroPoint: zpT, zeroPointName: 'y_zero_point' });
    if (x.data.length === 0) return emptyTensor(outDtype, x.dims);
    const dims = x.dims.length === 0 ? [1] : x.dims;
    const k = generateQuantizeLinear({ dims, xType: x.dtype === 'float32' ? 'f32' : 'f16', scale: scales, zeroPoint: zeroPoints, outType: outDtype === 'int8' ? 's8' : 'u8', axis }, cfg);
    const hostNotes = x.dtype === 'float16' ? ['host: float16 values encoded as binary16 for GM'] : [];
    const gm = yield { kernel: k, gm: vectorGmImage(k, { x: hostBytes(x) }), hostNotes };
    return intTensor(outDtype, [...x.dims], readTensor(k, gm, 'y'));
  },
);
