/**
 * com.microsoft QLinearAveragePool on int8 / uint8 tensors (1-D or 2-D; NCHW, or channels last) on
 * the vector cores with ONNX Runtime's arithmetic (ops-nn/eltwise/pool-requant.ts): dequantise,
 * float32 average, requantise with y_scale and y_zero_point. A window that is the whole unpadded
 * image takes ORT's global-average path (MLAS integer sums, qlinear-global-average-pool.ts).
 * Channels-last tensors are transposed on the host.
 */
import { OpError } from '../kernel.js';
import { F32, INT8S, optional, required } from './contract.js';
import { intAttr } from './operands.js';
import { channelsFirstToLast, POOL_ATTRIBUTES, poolProblem, poolSpec, qlinearPoolInput, runPool, type PoolQuant } from './pool-operands.js';
import { globalAverageRequant } from './qlinear-global-average-pool.js';
import { defineOperator } from './types.js';

const OP = 'QLinearAveragePool';

export const QLinearAveragePool = defineOperator(
  {
    op: OP,
    domain: 'com.microsoft',
    inputs: [required('X', INT8S), required('x_scale', F32), optional('x_zero_point', INT8S), required('y_scale', F32), optional('y_zero_point', INT8S)],
    sameDtype: [['X', 'x_zero_point', 'y_zero_point']],
    attributes: { ...POOL_ATTRIBUTES, channels_last: 'int', count_include_pad: 'int' },
    output: 'Y',
    outputDtype: (d) => d['X'] ?? 'uint8',
  },
  function* (inp, attrs, cfg) {
    const { x, last, q } = qlinearPoolInput(OP, inp, attrs);
    const type = x.dtype as 'int8' | 'uint8';
    const p = poolProblem(OP, x.dims, attrs);
    // ORT hands a window covering the whole unpadded image to its global average pool
    const global = p.kernel[0] === p.h && p.kernel[1] === p.w && p.pads.every((v) => v === 0);
    const requant = global ? globalAverageRequant(OP, q, p.h * p.w) : dequantRequant(q);
    const countIncludePad = global || intAttr(attrs, 'count_include_pad', 0) !== 0;
    const y = yield* runPool(poolSpec(p, 'avg', type, { countIncludePad, requant }), x, p.outDims, cfg);
    return last ? channelsFirstToLast(y) : y;
  },
);

/** The 'dequant' requant of QLinearAveragePool; OpError when ORT's float -> int32 cast would overflow. */
function dequantRequant(q: PoolQuant) {
  for (const [what, v] of [['x_scale', q.xScale], ['y_scale', q.yScale]] as const)
    if (!(v > 0 && Number.isFinite(v))) throw new OpError(`${OP}: ${what} ${v} must be a positive finite float32 value`);
  // |average| <= 255 * x_scale; past 2^31 ORT's float -> int32 conversion is undefined
  if (!(Math.fround(Math.fround(255 * q.xScale) / q.yScale) + 256 < 2 ** 31))
    throw new OpError(`${OP}: x_scale / y_scale = ${q.xScale / q.yScale} is too large (averages / y_scale would overflow int32)`);
  return { kind: 'dequant' as const, ...q };
}
