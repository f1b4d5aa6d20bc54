/**
 * com.microsoft QGemm, the quantised Gemm ONNX Runtime's quantiser writes for fully connected layers
 * (and its QDQ transformer makes of DequantizeLinear -> Gemm -> QuantizeLinear): y = requant(A' B' + C)
 * with A' and B' optionally transposed, C an int32 bias added to the accumulator before the
 * requantisation, and ORT's multiplier fp32(fp32(fp32(alpha * a_scale) * b_scale[j]) / y_scale). It runs
 * as the QLinearMatMul GEMM with a bias; the transposes are done on the host. The float-output form (no
 * y_scale) is refused: the library's epilogues write integers.
 */
import { OpError } from '../kernel.js';
import { F32, INT8S, QLINEAR_COMBOS, optional, required } from './contract.js';
import { runCubeOp } from './cube-op.js';
import { matmulCubeOp, matmulDims } from './matmul-operands.js';
import { perChannel, scalar } from './operands.js';
import { intTensor, type HostTensor } from './tensor.js';
import { defineOperator } from './types.js';

/** A 2-D tensor transposed on the host (same dtype). */
function transposed(t: HostTensor): HostTensor {
  const [r, c] = t.dims as [number, number];
  const out = new (t.data.constructor as new (n: number) => HostTensor['data'])(t.data.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, dims: [c, r], data: out };
}

/** C as one int32 bias per output column: a scalar, [N] or [1, N] (ORT also takes [M, 1] and [M, N]). */
function columnBias(c: HostTensor | undefined, m: number, n: number): Int32Array | null {
  if (!c) return null;
  const d = c.dims;
  if (c.data.length === 1) return new Int32Array(n).fill(c.data[0]!);
  if ((d.length === 1 && d[0] === n) || (d.length === 2 && d[0] === 1 && d[1] === n)) return Int32Array.from(c.data);
  throw new OpError(`input C with dims [${d.join(', ')}] is not a per-column bias (a scalar, [${n}] or [1, ${n}]); a bias per row or per element of the ${m} x ${n} output is not supported`);
}

const intAttr = (v: unknown, fallback: number) => (v === undefined ? fallback : (v as number));

export const QGemm = defineOperator(
  {
    op: 'QGemm',
    domain: 'com.microsoft',
    inputs: [
      required('A', INT8S), required('a_scale', F32), required('a_zero_point', INT8S),
      required('B', INT8S), required('b_scale', F32), required('b_zero_point', INT8S),
      optional('C', ['int32']), optional('y_scale', F32), optional('y_zero_point', INT8S),
    ],
    sameDtype: [['A', 'a_zero_point'], ['B', 'b_zero_point']],
    combos: { of: ['A', 'B', 'y_zero_point'], allowed: QLINEAR_COMBOS },
    attributes: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' },
    output: 'Y',
    outputDtype: (d) => d['y_zero_point'] ?? 'float32',
  },
  function* (inp, attrs, cfg, opts) {
    if (!inp['y_scale'] || !inp['y_zero_point']) throw new OpError('QGemm without y_scale and y_zero_point writes float32, which the library does not do: quantise the output (give both)');
    if (intAttr(attrs['beta'], 1) !== 1) throw new OpError(`QGemm beta = ${String(attrs['beta'])}: ONNX Runtime adds C unscaled, so only beta = 1 is defined`);
    const alpha = intAttr(attrs['alpha'], 1);
    let a = inp['A']!;
    let b = inp['B']!;
    if (a.dims.length !== 2 || b.dims.length !== 2) throw new OpError(`QGemm takes 2-D A and B, got [${a.dims.join(', ')}] and [${b.dims.join(', ')}]`);
    if (intAttr(attrs['transA'], 0)) a = transposed(a);
    if (intAttr(attrs['transB'], 0)) b = transposed(b);
    const d = matmulDims(a, b);
    const outType = inp['y_zero_point'].dtype === 'int8' ? 's8' : 'u8';
    const bScale = perChannel(inp['b_scale'], 'b_scale', d.n, 1);
    const bZp = perChannel(inp['b_zero_point'], 'b_zero_point', d.n, 0);
    const aScale = scalar(inp['a_scale'], 'a_scale');
    const yScale = scalar(inp['y_scale'], 'y_scale');
    const op = { ...matmulCubeOp(d, a, b, scalar(inp['a_zero_point'], 'a_zero_point', 0), (_, col) => bZp[col]!), bias: columnBias(inp['C'], d.m, d.n) };
    const multipliers = bScale.map((bs) => Math.fround(Math.fround(Math.fround(alpha * aScale) * bs) / yScale));
    const r = yield* runCubeOp(cfg, { ...op, out: { kind: 'requant', multipliers, zeroPoint: scalar(inp['y_zero_point'], 'y_zero_point', 0), outType } }, opts);
    return intTensor(outType === 's8' ? 'int8' : 'uint8', [d.m, d.n], r.y);
  },
);
