/**
 * INT8 matmul with requantisation: y = requant(A x B + bias), A: M x K int8, B: K x N int8,
 * bias: N int32, y: M x N int8/uint8. Requantisation follows the fixpipe datapath (docs/hardware.md
 * §Fixpipe quantisation): the scale keeps 10 mantissa bits, round half to even, saturate to
 * [-256, 255], add the offset, saturate to the output type. Coupled presets compute the same bits
 * with vector ops.
 */
import { OpError } from '../kernel.js';

export interface MatmulQuant {
  /** one scale for all columns, or one per column (length N) */
  readonly scale: number | readonly number[];
  /** one offset, or one per column; -256..255 */
  readonly offset: number | readonly number[];
}

export interface MatmulSpec {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly bias: boolean;
  readonly quant: MatmulQuant;
  readonly outType: 's8' | 'u8';
  readonly relu: boolean;
}

export const perChannel = (q: MatmulQuant): boolean => Array.isArray(q.scale) || Array.isArray(q.offset);

/** Per-column scale and offset arrays, whatever form the spec used. */
export function columnQuant(s: MatmulSpec): { scales: number[]; offsets: number[] } {
  const col = (v: number | readonly number[]) => (typeof v === 'number' ? new Array<number>(s.n).fill(v) : [...v]);
  return { scales: col(s.quant.scale), offsets: col(s.quant.offset) };
}

export function checkMatmulSpec(s: MatmulSpec): void {
  for (const d of ['m', 'k', 'n'] as const)
    if (!Number.isSafeInteger(s[d]) || s[d] < 1 || s[d] > 65535) throw new OpError(`matmul ${d} = ${s[d]} must be an integer in 1..65535`);
  const { scales, offsets } = columnQuant(s);
  if (scales.length !== s.n || offsets.length !== s.n)
    throw new OpError(`matmul per-channel scale/offset need ${s.n} values (one per column of B), got ${scales.length}/${offsets.length}`);
  scales.forEach((v, i) => {
    if (!Number.isFinite(v) || Math.fround(v) !== v) throw new OpError(`matmul scale[${i}] = ${v} must be a finite float32`);
  });
  offsets.forEach((v, i) => {
    if (!Number.isInteger(v) || v < -256 || v > 255) throw new OpError(`matmul offset[${i}] = ${v} must be an integer in -256..255 (9-bit fixpipe offset)`);
  });
}
