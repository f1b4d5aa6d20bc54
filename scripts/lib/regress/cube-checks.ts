/**
 * Functional runs of the cube kernels of the table: QLinearMatMul and QLinearConv through their ONNX
 * operators (the same problem the table times: weight zero point 0, the requant multipliers powers
 * of two, per channel or not) on seeded random int8 data, compared with the ONNX Runtime reference;
 * the FP16 conv on random fp16 values against its own reference. The multipliers are scaled to K so
 * the outputs spread over the int8 range instead of saturating (values change no cycle).
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { convF16GmImage, convF16Reference, nhwcToNchw, type ConvShape } from '../../../ops-nn/conv/index.js';
import { gemmOutput } from '../../../ops-nn/gemm/index.js';
import { biasPlacement } from '../../../ops-nn/matmul/index.js';
import { QLinearConv, QLinearMatMul, type HostTensor, type OperatorOptions } from '../../../ops-nn/onnx/index.js';
import { encode, firstMismatch, onnxCheck, randomValues, type Mismatch } from './check.js';
import type { FunctionalRun } from './kernel-def.js';
import type { PlannedLaunch } from './measure.js';
import type { QuantGemmOptions } from './quant-gemm.js';

const f32 = (v: number | readonly number[]): HostTensor => (typeof v === 'number' ? { dtype: 'float32', dims: [], data: Float32Array.of(v) } : { dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });
const int8 = (dims: readonly number[], values: readonly number[]): HostTensor => ({ dtype: 'int8', dims, data: Int8Array.from(values) });
const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** w_scale per output channel as the table's multipliers 2^-(e + i % 3) (x_scale = y_scale = 1), e from K. */
function wScales(depth: number, channels: number, perChannel: boolean): HostTensor {
  const e = 6 + Math.round(Math.log2(depth) / 2);
  return perChannel ? f32(Array.from({ length: channels }, (_, i) => 2 ** -(e + (i % 3)))) : f32(2 ** -e);
}

/** The quantisation inputs of a QLinear cube node with int8 x and w. */
const quantInputs = (o: QuantGemmOptions, depth: number, channels: number, names: { x: string; w: string }) => ({
  [`${names.x}_scale`]: f32(1),
  [`${names.x}_zero_point`]: int8([], [0]),
  [`${names.w}_scale`]: wScales(depth, channels, o.perChannel),
  [`${names.w}_zero_point`]: int8([], [0]),
  y_scale: f32(1),
  y_zero_point: int8([], [o.zeroPoint]),
});

const operatorOptions = (o: QuantGemmOptions, tiling: Readonly<Record<string, number | boolean | string>>): OperatorOptions => ({ fusion: o.fusion, vectorRequant: o.vectorRequant, tiling });

export function qlinearMatmulCheck(p: QuantGemmOptions & { m: number; k: number; n: number }, cfg: HwConfig, tiling: Readonly<Record<string, number | boolean | string>>, r: () => number): FunctionalRun {
  const inputs = {
    a: int8([p.m, p.k], randomValues('s8', p.m * p.k, r)),
    b: int8([p.k, p.n], randomValues('s8', p.k * p.n, r)),
    ...quantInputs(p, p.k, p.n, { x: 'a', w: 'b' }),
  };
  return onnxCheck(QLinearMatMul, inputs, {}, cfg, operatorOptions(p, tiling));
}

export function qlinearConvCheck(p: QuantGemmOptions & { s: ConvShape }, cfg: HwConfig, tiling: Readonly<Record<string, number | boolean | string>>, r: () => number): FunctionalRun {
  const s = p.s;
  const xDims = [s.n, s.c, s.h, s.w];
  const wDims = [s.oc, s.c / s.group, s.kh, s.kw];
  const inputs = { x: int8(xDims, randomValues('s8', size(xDims), r)), w: int8(wDims, randomValues('s8', size(wDims), r)), ...quantInputs(p, size(wDims.slice(1)), s.oc, { x: 'x', w: 'w' }) };
  const attrs = { group: s.group, strides: [s.strideH, s.strideW], pads: [s.padTop, s.padLeft, s.padBottom, s.padRight], dilations: [s.dilationH, s.dilationW] };
  return onnxCheck(QLinearConv, inputs, attrs, cfg, operatorOptions(p, tiling));
}

/** The FP16 conv the table generated, on random fp16 values, against convF16Reference (by bits). */
export function* convF16Check(s: ConvShape, bias: boolean, cfg: HwConfig, planned: readonly PlannedLaunch[], r: () => number): Generator<{ kernel: PlannedLaunch['kernel']; gm: Uint8Array }, Mismatch | undefined, Uint8Array> {
  const k = planned[0]!.kernel;
  const x = Float32Array.from(randomValues('f16', s.n * s.c * s.h * s.w, r));
  const w = Float32Array.from(randomValues('f16', s.oc * (s.c / s.group) * s.kh * s.kw, r));
  const b = bias ? Float32Array.from(randomValues('f16', s.oc, r)) : null;
  const gm = yield { kernel: k, gm: convF16GmImage(k, s, cfg, x, w, b) };
  const got = nhwcToNchw(new Uint16Array(gemmOutput(k, gm).slice().buffer), s, (n) => new Uint16Array(n));
  return firstMismatch('f16', new Uint8Array(got.buffer), encode('f16', convF16Reference(s, x, w, b, biasPlacement(cfg))));
}
