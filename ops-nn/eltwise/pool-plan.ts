/**
 * Pooling geometry and UB plan: the spec, the sizes derived from it (output size, padded UB row
 * widths, compute type), the UB regions of one band of output rows, and the exclude-pad count table.
 */
import type { Dtype } from '../../isa/types.js';
import { OpError, ceilDiv, roundUp } from '../kernel.js';
import type { QType } from '../quant/common.js';
import type { UbAllocator } from '../vector/ub.js';
import { C0 } from './pool-layout.js';
import type { PoolRequant } from './pool-requant.js';

/** Pooling: NCHW sizes, window, strides, pads, type, average divisor rule. */
export interface QPoolSpec {
  readonly kind: 'max' | 'avg';
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** [kh, kw] */
  readonly kernel: readonly [number, number];
  /** [sh, sw], default [1, 1] */
  readonly strides?: readonly [number, number];
  /** ONNX order [top, left, bottom, right], default 0 */
  readonly pads?: readonly [number, number, number, number];
  readonly type: QType;
  /** avg only: divide by kh * kw instead of the elements inside the input */
  readonly countIncludePad?: boolean;
  /** output size rounded up (ONNX ceil_mode = 1): the last window may run past the bottom / right pad */
  readonly ceilMode?: boolean;
  /** avg only: ONNX Runtime's QLinear arithmetic with separate input and output scales (pool-requant.ts) */
  readonly requant?: PoolRequant;
}

/** Serialisable pooling tiling. */
export interface QPoolTiling {
  /** vector blocks */
  readonly blocks: number;
  /** output rows per chunk (0 = as many as UB allows) */
  readonly rows: number;
  readonly doubleBuffer: boolean;
}

/** Sizes the kernel derives from the spec. */
export interface Geom {
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
  readonly oh: number;
  readonly ow: number;
  readonly c1: number;
  readonly planes: number;
  /** output positions per UB row (ow rounded up to 8: one repeat gathers 8 positions) */
  readonly owp: number;
  /** positions per UB input row: left pad, input, right pad, every column a real output's taps read */
  readonly wpa: number;
  /** compute type and its 32 B blocks per position */
  readonly dt: Dtype;
  readonly bpp: number;
}

/** The derived sizes of `s`; OpErrors for windows, pads or sizes the kernel does not support. */
export function poolGeometry(s: QPoolSpec): Geom {
  const op = `${s.kind === 'max' ? 'Max' : 'Average'}Pool`;
  const [kh, kw] = s.kernel;
  const [sh, sw] = s.strides ?? [1, 1];
  const [pt, pl, pb, pr] = s.pads ?? [0, 0, 0, 0];
  const ints = [s.n, s.c, s.h, s.w, kh, kw, sh, sw];
  if (!ints.every((v) => Number.isSafeInteger(v) && v >= 1)) throw new OpError(`${op}: sizes, kernel and strides must be positive integers`);
  if (![pt, pl, pb, pr].every((p) => Number.isSafeInteger(p) && p >= 0)) throw new OpError(`${op}: pads must be non-negative integers`);
  if (pt >= kh || pb >= kh || pl >= kw || pr >= kw) throw new OpError(`${op}: pads [${pt}, ${pl}, ${pb}, ${pr}] must be smaller than the kernel [${kh}, ${kw}]`);
  if (s.type !== 's8' && s.type !== 'u8') throw new OpError(`${op}: tensors must be int8 or uint8, not ${String(s.type)}`);
  if (!s.requant && kh * kw >= 2 ** 15) throw new OpError(`${op}: a ${kh} x ${kw} window is too large (kh * kw must be below 32768)`);
  const round = s.ceilMode ? Math.ceil : Math.floor;
  const oh = round((s.h + pt + pb - kh) / sh) + 1;
  const ow = round((s.w + pl + pr - kw) / sw) + 1;
  if (s.h + pt + pb < kh || s.w + pl + pr < kw) throw new OpError(`${op}: the ${kh} x ${kw} window does not fit the padded ${s.h} x ${s.w} input`);
  // ceil_mode: a last window that starts past the input would have no element to pool
  if ((oh - 1) * sh - pt >= s.h || (ow - 1) * sw - pl >= s.w)
    throw new OpError(`${op}: with ceil_mode the last ${kh} x ${kw} window (stride ${sh} x ${sw}) starts past the ${s.h} x ${s.w} input; use ceil_mode 0 or a smaller stride`);
  const owp = roundUp(ow, 8);
  const avg = s.kind === 'avg';
  const bpp = avg ? 4 : 2;
  // taps of the padding positions ow..owp-1 may read past a row (into the next, or the plane's slack)
  const wpa = roundUp(Math.max(pl + s.w, (ow - 1) * sw + kw), 8);
  if (8 * wpa * bpp > 65535 || 8 * sw * bpp > 65535) throw new OpError(`${op}: the input row of ${wpa} padded positions is too wide for vector strides`);
  const c1 = ceilDiv(s.c, C0);
  return { kh, kw, sh, sw, pt, pl, oh, ow, c1, planes: s.n * c1, owp, wpa, dt: avg ? 'f32' : 'f16', bpp };
}

/** Input rows a band of `rows` output rows reads. */
export const rowsIn = (g: Geom, rows: number) => (rows - 1) * g.sh + g.kh;

/** UB addresses of one block's regions. */
export interface PoolUb {
  readonly raw: readonly number[];
  readonly half: number;
  readonly plane: number;
  readonly acc: number;
  readonly outs: readonly number[];
  readonly div: number;
  readonly table: number;
  readonly konst: number;
  /** 256 B of y_scale (requant 'dequant' only: the divisor of y / y_scale) */
  readonly yScale: number;
}

/** Bytes past a plane that the padding output positions' taps may read. */
const planeSlack = (g: Geom) => (g.owp - g.ow) * g.sw * g.bpp * 32;

/** Allocates the regions for bands of `rows` output rows through `slots` buffer slots. */
export function planPoolUb(s: QPoolSpec, g: Geom, rows: number, slots: number, ub: UbAllocator): PoolUb {
  const rin = rowsIn(g, rows);
  const pos = 32; // bytes of one position in 8 bits
  const avg = s.kind === 'avg';
  const exclude = avg && !s.countIncludePad;
  const plan: PoolUb = {
    raw: Array.from({ length: slots }, () => ub.alloc(rin * g.wpa * pos)),
    half: avg ? ub.alloc(Math.max(rin * g.wpa, rows * g.owp) * 64) : 0,
    plane: ub.alloc(rin * g.wpa * g.bpp * 32 + planeSlack(g)),
    acc: ub.alloc(rows * g.owp * g.bpp * 32),
    outs: Array.from({ length: slots }, () => ub.alloc(rows * g.owp * pos)),
    div: exclude ? ub.alloc(rows * g.owp * 128) : 0,
    table: exclude ? ub.alloc(g.owp * 128) : 0,
    konst: avg && !exclude ? ub.alloc(256) : 0,
    yScale: s.requant?.kind === 'dequant' ? ub.alloc(256) : 0,
  };
  // the masked last repeat of a pad-column fill spans up to 8 rows: keep that span inside UB
  const span = plan.plane + roundUp(rin, 8) * g.wpa * g.bpp * 32;
  if (ub.used < span) ub.alloc(span - ub.used);
  return plan;
}

/** Valid input indices of window start `start` (may be negative) of size k in [0, n). */
export const validCount = (start: number, k: number, n: number) => Math.min(n, start + k) - Math.max(0, start);

/** Per output column, the window's valid input columns, 32 lanes each (f32), for the exclude-pad divisor. */
export function countTable(s: QPoolSpec, g: Geom): Uint8Array {
  const out = new Uint8Array(g.owp * 128);
  const v = new DataView(out.buffer);
  for (let x = 0; x < g.owp; x++) {
    const cnt = x < g.ow ? validCount(x * g.sw - g.pl, g.kw, s.w) : 1;
    for (let l = 0; l < 32; l++) v.setFloat32((x * 32 + l) * 4, cnt, true);
  }
  return out;
}
