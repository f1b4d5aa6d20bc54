/**
 * The host program of a depthwise QLinearConv on the vector unit (../conv/depthwise.ts): weights as
 * w - w_zp in s32, x_zp * sum(w - w_zp) folded into the int32 bias, ORT's multipliers per channel,
 * one launch. Host-side layout conversions: NCHW -> NC1HWC0 in, NC1HWC0 -> NCHW out.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { depthwiseFits, depthwiseInput, depthwiseOutput, depthwiseParams, generateDepthwise, type ConvShape, type DepthwiseSpec, type DepthwiseTiling } from '../conv/index.js';
import { OpError } from '../kernel.js';
import { readTensor, vectorGmImage } from '../vector/index.js';
import { bytesOf } from './operands.js';
import { checkElementCount, intTensor, type HostTensor } from './tensor.js';
import type { HostProgram, OperatorOptions } from './types.js';

/** Whether a convolution is one the depthwise vector kernel runs: group = C = OC. */
export const isDepthwise = (s: ConvShape): boolean => s.group === s.c && s.oc === s.c;

/**
 * Depthwise convolutions run on the vector unit unless the caller asks for the cube: with
 * `depthwise: 'cube'`, or, without `depthwise`, by naming one of the cube path's epilogue options
 * (`fusion`, `vectorRequant`), which the vector kernel does not have. By default an image too wide
 * for the vector kernel runs on the cube too.
 */
export function depthwiseOnVector(s: ConvShape, type: 's8' | 'u8', cfg: HwConfig, opts: OperatorOptions): boolean {
  if (!isDepthwise(s)) return false;
  if (opts.depthwise) return opts.depthwise === 'vector';
  if (opts.fusion || opts.vectorRequant) return false;
  // by default, rows too wide for the vector kernel (one output row must fit UB) stay on the cube
  return depthwiseFits({ shape: s, type, padValue: 0 }, cfg);
}

export interface DepthwiseQuant {
  readonly xZp: number;
  readonly wZp: readonly number[];
  readonly bias: Int32Array | null;
  readonly multipliers: readonly number[];
  readonly yZp: number;
  readonly outType: 's8' | 'u8';
}

/** Runs depthwise QLinearConv `s`; returns y as an NCHW int8 / uint8 tensor. */
export function* runDepthwiseQLinear(cfg: HwConfig, s: ConvShape, x: HostTensor, w: HostTensor, q: DepthwiseQuant, tiling?: Partial<DepthwiseTiling>): HostProgram<HostTensor> {
  const xb = bytesOf(x, 'x');
  bytesOf(w, 'w');
  checkElementCount([s.n, s.oc, s.oh, s.ow], 'conv output');
  checkElementCount([s.n, Math.ceil(s.c / 32) * 32, s.h, s.w], 'conv input x padded to NC1HWC0');
  const taps = s.kh * s.kw;
  const wd = w.data;
  const weight = (c: number, t: number) => wd[c * taps + t]! - q.wZp[c]!;
  const bias = Int32Array.from({ length: s.c }, (_, c) => {
    let sum = 0;
    for (let t = 0; t < taps; t++) sum += weight(c, t);
    const v = (q.bias ? q.bias[c]! : 0) - q.xZp * sum;
    if (!Number.isSafeInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new OpError(`folded bias of channel ${c} (${v}) does not fit int32`);
    return v;
  });
  const uniform = q.multipliers.every((m) => m === q.multipliers[0]);
  const spec: DepthwiseSpec = { shape: s, type: xb.type, padValue: q.xZp, multipliers: uniform ? [q.multipliers[0]!] : q.multipliers, zeroPoint: q.yZp, outType: q.outType };
  const kernel = generateDepthwise(spec, cfg, tiling);
  const params = depthwiseParams(spec, { weight, bias: (c) => bias[c]!, multiplier: (c) => q.multipliers[c]! });
  const gm = yield {
    kernel,
    gm: vectorGmImage(kernel, { x: depthwiseInput(spec, xb.bytes), params }),
    hostNotes: [`zero points: weights w - w_zp as s32; x_zp * sum(w - w_zp) folded into the int32 bias; padding holds x_zp`],
  };
  const y = depthwiseOutput(spec, readTensor(kernel, gm, 'y')) as Uint8Array;
  return intTensor(q.outType === 's8' ? 'int8' : 'uint8', [s.n, s.oc, s.oh, s.ow], y);
}
