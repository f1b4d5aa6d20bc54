/**
 * ONNX DequantizeLinear (opset 21) on the vector cores: int8 / uint8 / int32 in, the type of x_scale
 * out (float32, or float16 rounded once from the float32 product), per tensor or per axis; for an
 * int32 x, q - zp is computed in int32 (wrapping), as ORT does.
 */
import { f16BitsToNumber } from '../../isa/numeric/float16.js';
import { OpError } from '../kernel.js';
import { generateDequantizeLinear } from '../quant/index.js';
import { readTensor, vectorGmImage } from '../vector/index.js';
import { FLOATS, optional, required } from './contract.js';
import { intAttr, perAxisValues } from './operands.js';
import { emptyTensor, hostBytes, type HostTensor } from './tensor.js';
import { defineOperator } from './types.js';

const Q_TYPES = { int8: 's8', uint8: 'u8', int32: 's32' } as const;

export const DequantizeLinear = defineOperator(
  {
    op: 'DequantizeLinear',
    domain: '',
    inputs: [required('x', ['int8', 'uint8', 'int32']), required('x_scale', FLOATS), optional('x_zero_point', ['int8', 'uint8', 'int32'])],
    sameDtype: [['x', 'x_zero_point']],
    attributes: { axis: 'int', block_size: 'int' },
    output: 'y',
    outputDtype: (d) => d['x_scale'] ?? 'float32',
  },
  function* (inp, attrs, cfg) {
    const x = inp['x']!;
    const scale = inp['x_scale']!;
    const zpT = inp['x_zero_point'];
    const qType = Q_TYPES[x.dtype as keyof typeof Q_TYPES];
    if (intAttr(attrs, 'block_size', 0) !== 0) throw new OpError('DequantizeLinear: blocked dequantisation (block_size > 0) is not supported');
    const axis = intAttr(attrs, 'axis', 1);
    const { scales, zeroPoints } = perAxisValues({ op: 'DequantizeLinear', x, axis, scale, scaleName: 'x_scale', zeroPoint: zpT, zeroPointName: 'x_zero_point' });
    if (x.data.length === 0) return emptyTensor(scale.dtype, x.dims);
    const outType = scale.dtype === 'float32' ? 'f32' : 'f16';
    const k = generateDequantizeLinear({ dims: x.dims.length === 0 ? [1] : x.dims, qType, scale: scales, zeroPoint: zeroPoints, outType, axis }, cfg);
    const hostNotes = outType === 'f16' ? ['host: binary16 results read back as their values'] : [];
    const gm = yield { kernel: k, gm: vectorGmImage(k, { x: hostBytes(x) }), hostNotes };
    const bytes = readTensor(k, gm, 'y');
    const data = outType === 'f32' ? new Float32Array(bytes.buffer) : Float32Array.from(new Uint16Array(bytes.buffer), f16BitsToNumber);
    const y: HostTensor = { dtype: scale.dtype, dims: [...x.dims], data };
    return y;
  },
);
