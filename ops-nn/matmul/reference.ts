/**
 * Plain reference for the INT8 matmul, used only by tests: exact int32 products and sums, then the
 * fixpipe requantisation arithmetic (isa/numeric/fixpipe-quant.ts) per column.
 */
import { hardwareScale, requant8 } from '../../isa/numeric/fixpipe-quant.js';
import { columnQuant, type MatmulSpec } from './spec.js';

/** y (M x N, row-major) from A (M x K), B (K x N) and bias (N). */
export function matmulReference(s: MatmulSpec, a: Int8Array, b: Int8Array, bias: Int32Array | null): Int8Array | Uint8Array {
  const { scales, offsets } = columnQuant(s);
  const y = s.outType === 's8' ? new Int8Array(s.m * s.n) : new Uint8Array(s.m * s.n);
  for (let i = 0; i < s.m; i++)
    for (let j = 0; j < s.n; j++) {
      let acc = bias ? bias[j]! : 0;
      for (let p = 0; p < s.k; p++) acc += a[i * s.k + p]! * b[p * s.n + j]!;
      y[i * s.n + j] = requant8(acc | 0, hardwareScale(scales[j]!), offsets[j]!, s.outType === 's8', s.relu);
    }
  return y;
}
