/**
 * com.microsoft QLinearGlobalAveragePool on int8 / uint8 tensors (NCHW or channels last, any number
 * of spatial dims) on the vector cores with MLAS's arithmetic (ops-nn/eltwise/pool-requant.ts,
 * 'sum'): the exact integer sum of each channel's image minus x_zp * N, times
 * scale = fp32(x_scale / fp32(y_scale * N)), rounded half to even, + y_zp, saturated. The image is
 * pooled as one window: its spatial dims as a 2-D plane (all but the last folded into the height).
 * Channels-last tensors are transposed on the host.
 */
import { OpError } from '../kernel.js';
import { F32, INT8S, required } from './contract.js';
import { channelsFirstToLast, qlinearPoolInput, runPool, type PoolQuant } from './pool-operands.js';
import { defineOperator } from './types.js';
import type { SumRequant } from '../eltwise/index.js';

const fp32 = Math.fround;

/** Largest image whose sums stay exact in float32 on the device: 255 * N < 2^24. */
const MAX_EXACT_IMAGE = Math.floor((2 ** 24 - 1) / 255);

/**
 * MLAS's global-average requantisation for an image of `n` elements, with the range checks ORT makes
 * (it rejects images of 2^24 elements or more and scales outside [2^-32, 256)).
 */
export function globalAverageRequant(op: string, q: PoolQuant, n: number): SumRequant {
  if (n >= 2 ** 24) throw new OpError(`${op}: an image of ${n} elements is too large (ONNX Runtime rejects 2^24 or more)`);
  const scale = fp32(q.xScale / fp32(q.yScale * fp32(n)));
  if (!(scale >= 2 ** -32 && scale < 256))
    throw new OpError(`${op}: x_scale / (y_scale * ${n}) = ${scale} is outside [2^-32, 256) (ONNX Runtime rejects it: "parameter out of computation range")`);
  if (n > MAX_EXACT_IMAGE) throw new OpError(`${op}: an image of ${n} elements is too large for exact float32 sums on the vector unit (at most ${MAX_EXACT_IMAGE})`);
  return { kind: 'sum', bias: -q.xZeroPoint * n, scale, yZeroPoint: q.yZeroPoint };
}

export const QLinearGlobalAveragePool = defineOperator(
  {
    op: 'QLinearGlobalAveragePool',
    domain: 'com.microsoft',
    inputs: [required('X', INT8S), required('x_scale', F32), required('x_zero_point', INT8S), required('y_scale', F32), required('y_zero_point', INT8S)],
    sameDtype: [['X', 'x_zero_point', 'y_zero_point']],
    attributes: { channels_last: 'int' },
    output: 'Y',
    outputDtype: (d) => d['X'] ?? 'uint8',
  },
  function* (inp, attrs, cfg) {
    const op = 'QLinearGlobalAveragePool';
    const { x, last, q } = qlinearPoolInput(op, inp, attrs);
    const spatial = x.dims.slice(2);
    const w = spatial[spatial.length - 1]!;
    const h = spatial.slice(0, -1).reduce((p, d) => p * d, 1);
    const requant = globalAverageRequant(op, q, h * w);
    const spec = {
      kind: 'avg' as const,
      n: x.dims[0]!,
      c: x.dims[1]!,
      h,
      w,
      kernel: [h, w] as const,
      type: x.dtype === 'int8' ? ('s8' as const) : ('u8' as const),
      countIncludePad: true,
      requant,
    };
    const y = yield* runPool(spec, x, [x.dims[0]!, x.dims[1]!, ...spatial.map(() => 1)], cfg);
    return last ? channelsFirstToLast(y) : y;
  },
);
