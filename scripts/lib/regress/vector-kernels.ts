/**
 * Vector kernels of the regression table: ONNX QuantizeLinear and DequantizeLinear (per tensor or
 * per axis) and the standalone requantisation (the second kernel of the unfused-through-GM cube
 * operators). Tensors are [1, channels, elements / channels]; per-axis parameters run along axis 1.
 */
import { OpError } from '../../../ops-nn/kernel.js';
import { dequantizeLinearReference, generateDequantizeLinear, generateQuantizeLinear, generateRequant, quantizeLinearReference, requantReference, type DequantizeLinearSpec, type QuantizeLinearSpec, type RequantSpec } from '../../../ops-nn/quant/index.js';
import { encode, randomValues, vectorCheck } from './check.js';
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
  run: (p, cfg, tiling) => [{ kernel: generateQuantizeLinear(quantizeSpec(p), cfg, tiling) }],
  functional: (p, _cfg, _tiling, planned, r) => {
    // values of a few units: x / scale spreads over the int8 range, some saturate
    const x = randomValues(p.xType, p.elements, r).map((v) => (p.xType === 'f32' ? Math.fround(v / 8) : v));
    const want = quantizeLinearReference(quantizeSpec(p), Float32Array.from(x));
    return vectorCheck(planned[0]!.kernel, { x: encode(p.xType, x) }, 'y', p.outType, encode(p.outType, want));
  },
});

function quantizeSpec(p: { elements: number; channels: number; xType: 'f32' | 'f16'; outType: 's8' | 'u8'; zeroPoint: number }): QuantizeLinearSpec {
  return { dims: dimsOf('quantize', p.elements, p.channels), xType: p.xType, scale: scales(p.channels), zeroPoint: [p.zeroPoint], outType: p.outType };
}

export const dequantize = defineKernel({
  describe: 'DequantizeLinear int8/uint8/int32 -> float: (q - zero point) * scale',
  params: {
    ...TENSOR,
    qType: withDefault(oneOf(['s8', 'u8', 's32']), 's8'),
    outType: withDefault(oneOf(['f32', 'f16']), 'f32'),
    zeroPoint: withDefault(int(-128, 255), 0),
  },
  tiling: VECTOR_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateDequantizeLinear(dequantizeSpec(p), cfg, tiling) }],
  functional: (p, _cfg, _tiling, planned, r) => {
    const q = randomValues(p.qType, p.elements, r);
    const qs = p.qType === 's8' ? Int8Array.from(q) : p.qType === 'u8' ? Uint8Array.from(q) : Int32Array.from(q);
    return vectorCheck(planned[0]!.kernel, { x: encode(p.qType, q) }, 'y', p.outType, encode(p.outType, dequantizeLinearReference(dequantizeSpec(p), qs)));
  },
});

function dequantizeSpec(p: { elements: number; channels: number; qType: 's8' | 'u8' | 's32'; outType: 'f32' | 'f16'; zeroPoint: number }): DequantizeLinearSpec {
  return { dims: dimsOf('dequantize', p.elements, p.channels), qType: p.qType, scale: scales(p.channels), zeroPoint: [p.zeroPoint], outType: p.outType };
}

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
  run: (p, cfg, tiling) => [{ kernel: generateRequant(requantSpec(p), cfg, tiling) }],
  functional: (p, _cfg, _tiling, planned, r) => {
    // accumulators of +-2^20: times 2^-10.. most land inside the int8 range
    const acc = randomValues('s32', p.rows * p.cols, r);
    return vectorCheck(planned[0]!.kernel, { acc: encode('s32', acc) }, 'y', p.outType, encode(p.outType, requantReference(requantSpec(p), Int32Array.from(acc))));
  },
});

function requantSpec(p: { rows: number; cols: number; perChannel: boolean; outType: 's8' | 'u8'; zeroPoint: number }): RequantSpec {
  const multipliers = Array.from({ length: p.perChannel ? p.cols : 1 }, (_, i) => 2 ** -(10 + (i % 3)));
  return { rows: p.rows, cols: p.cols, multipliers, zeroPoints: [p.zeroPoint], outType: p.outType };
}
