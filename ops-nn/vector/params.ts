/**
 * Parameters of streaming kernels: validation, the choice between immediates and UB tables for
 * per-channel values, and the host-side tables.
 */
import { OpError } from '../kernel.js';
import type { ElementwiseSpec, ElementwiseTiling, ParamMode, ParamSpec } from './elementwise.js';

/** Runs shorter than this go to UB tables in 'auto' mode (an immediate group per run would dominate). */
const SHORT_RUN = 64;

/** The tensor's view for its parameter mode (see geometry.ts). */
export interface Resolved {
  readonly mode: ParamMode;
  readonly rows: number;
  readonly cols: number;
  readonly align: number;
  readonly channels: number;
  readonly inner: number;
  /** per-channel params (length > 1) */
  readonly varying: readonly string[];
}

/** Parameter lengths and values: one or one per channel, each a value of its type. */
export function checkParams(spec: ElementwiseSpec): void {
  const channels = spec.axis?.channels ?? 1;
  for (const [name, p] of Object.entries(spec.params ?? {})) {
    if (p.values.length !== 1 && p.values.length !== channels)
      throw new OpError(`${spec.name}: parameter ${name} has ${p.values.length} values; give 1 or one per channel (${channels})`);
    for (const v of p.values) {
      const ok = p.dtype === 'f32' ? Math.fround(v) === v || Number.isNaN(v) : Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
      if (!ok) throw new OpError(`${spec.name}: parameter ${name} value ${v} is not a ${p.dtype} value`);
    }
  }
}

/**
 * The parameter mode and the rows x cols view: per tensor (one row), per channel as immediates per
 * run of `inner` ('rows'), or per channel as UB tables over the channels x inner columns ('table',
 * chosen in 'auto' for runs shorter than SHORT_RUN when the tables fit).
 */
export function resolveParams(spec: ElementwiseSpec, wanted: ElementwiseTiling['paramMode'], tableFits: (cols: number, tables: number) => boolean): Resolved {
  const params = spec.params ?? {};
  const varying = Object.keys(params).filter((k) => params[k]!.values.length > 1);
  const n = spec.count;
  if (varying.length === 0) return { mode: 'tensor', rows: 1, cols: n, align: 128, channels: 1, inner: n, varying };
  const { channels, inner } = spec.axis!;
  if (n % (channels * inner) !== 0) throw new OpError(`${spec.name}: ${n} elements are not a whole number of ${channels} channels x ${inner}`);
  const outer = n / (channels * inner);
  const period = channels * inner;
  const table = wanted === 'table' || (wanted === 'auto' && inner < SHORT_RUN && tableFits(period, varying.length));
  return table
    ? { mode: 'table', rows: outer, cols: period, align: 64, channels, inner, varying }
    : { mode: 'rows', rows: outer * channels, cols: inner, align: 64, channels, inner, varying };
}

const ELEMENT_WRITERS: Readonly<Record<'f32' | 's32', (v: DataView, at: number, x: number) => void>> = {
  f32: (v, at, x) => v.setFloat32(at, x, true),
  s32: (v, at, x) => v.setInt32(at, x, true),
};

/** The host-side table of a per-channel parameter: one value per column of an outer row. */
export function tableBytes(p: ParamSpec, r: Resolved): Uint8Array {
  const out = new Uint8Array(r.cols * 4);
  const view = new DataView(out.buffer);
  for (let j = 0; j < r.cols; j++) ELEMENT_WRITERS[p.dtype](view, j * 4, p.values[Math.floor(j / r.inner)]!);
  return out;
}
