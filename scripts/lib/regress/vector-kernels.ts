/**
 * Vector kernels of the regression table: ONNX QuantizeLinear and DequantizeLinear (per tensor or
 * per axis) and the standalone requantisation (the second kernel of the unfused-through-GM cube
 * operators). Tensors are [1, channels, elements / channels]; per-axis parameters run along axis 1.
 */
import { OpError } from '../../../ops-nn/kernel.js';
import { generateDequantizeLinear, generateQuantizeLinear, generateRequant } from '../../../ops-nn/quant/index.js';
import { bool, int, oneOf, withDefault } from './fields.js';
import { defineKernel, dim, VECTOR_TILING } from './kernel-def.js';

const TENSOR = {
  elements: int(1, 2 ** 28),
  /** > 1: per-axis parameters, one per channel; 1: per tensor */
  channels: withDefault(dim(), 1),
} as const;

function dimsOf(op: string, elements: number, channels: number): number[] {
  if (elements % channels) throw new OpError(`${op}: elements ${elements} is not a multiple of channels ${channels}`);
  return [1, channels, elements / channels];
}

/** Scales 2^-4, 2^-5, 2^-6 repeating per channel (values do not change timing; counts do). */
const scales = (channels: number): number[] => Array.from({ length: channels }, (_, i) => 2 ** -(4 + (i % 3)));

export const quantize = defineKernel({
  describe: 'QuantizeLinear float -> int8/uint8: fp32 division, round half to even, + zero point',
  params: {
    ...TENSOR,
    xType: withDefault(oneOf(['f32', 'f16']), 'f32'),
    outType: withDefault(oneOf(['s8', 'u8']), 's8'),
    zeroPoint: withDefault(int(-128, 255), 0),
  },
  tiling: VECTOR_TILING,
  run: (p, cfg, tiling) => {
    const dims = dimsOf('quantize', p.elements, p.channels);
    return [{ kernel: generateQuantizeLinear({ dims, xType: p.xType, scale: scales(p.channels), zeroPoint: [p.zeroPoint], outType: p.outType }, cfg, tiling) }];
  },
});

export const dequantize = defineKernel({
  describe: 'DequantizeLinear int8/uint8/int32 -> float: (q - zero point) * scale',
  params: {
    ...TENSOR,
    qType: withDefault(oneOf(['s8', 'u8', 's32']), 's8'),
    outType: withDefault(oneOf(['f32', 'f16']), 'f32'),
    zeroPoint: withDefault(int(-128, 255), 0),
  },
  tiling: VECTOR_TILING,
  run: (p, cfg, tiling) => {
    const dims = dimsOf('dequantize', p.elements, p.channels);
    return [{ kernel: generateDequantizeLinear({ dims, qType: p.qType, scale: scales(p.channels), zeroPoint: [p.zeroPoint], outType: p.outType }, cfg, tiling) }];
  },
});

export const requant = defineKernel({
  describe: 'requantisation int32 rows x cols -> int8/uint8 with per-column multipliers (ONNX Runtime QLinear)',
  params: {
    rows: dim(),
    cols: dim(),
    perChannel: withDefault(bool(), true),
    outType: withDefault(oneOf(['s8', 'u8']), 's8'),
    zeroPoint: withDefault(int(-128, 255), 0),
  },
  tiling: VECTOR_TILING,
  run: (p, cfg, tiling) => {
    const multipliers = Array.from({ length: p.perChannel ? p.cols : 1 }, (_, i) => 2 ** -(10 + (i % 3)));
    return [{ kernel: generateRequant({ rows: p.rows, cols: p.cols, multipliers, zeroPoints: [p.zeroPoint], outType: p.outType }, cfg, tiling) }];
  },
});
