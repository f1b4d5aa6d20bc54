/**
 * Depthwise convolution on the vector unit: the spec, the sizes derived from it, the UB regions of
 * one band of output rows, and the tiler that picks the band height and the block count.
 *
 * Layout (as the vendor's vector kernels keep feature maps): NC1HWC0 with one 32 B block per
 * position, C0 = 32 channels of int8 or 16 of fp16, channels in the vector lanes. On chip a band is
 * widened to a 4-byte compute type (s32 for int8, f32 for fp16), so a position is `bpp` blocks and a
 * strided repeat gathers one tap of 8 output positions (block stride = stride * bpp).
 */
import { OpError, ceilDiv, roundUp } from '../kernel.js';
import type { UbAllocator } from '../vector/ub.js';
import type { ConvShape } from './geometry.js';

/** What a depthwise kernel computes; the data (weights, bias, scales) goes into GM, not here. */
export interface DepthwiseSpec {
  /** group = c = oc (channel multiplier 1) */
  readonly shape: ConvShape;
  /** s8 / u8: INT8 with int32 accumulation and ONNX requantisation; f16: fp32 accumulation, fp16 out */
  readonly type: 's8' | 'u8' | 'f16';
  /** INT8: the activation zero point, the value of padded positions (0 for fp16) */
  readonly padValue: number;
  /** INT8: one multiplier per channel (length c) or one for all; ignored for f16 */
  readonly multipliers?: readonly number[];
  /** INT8: output zero point and type */
  readonly zeroPoint?: number;
  readonly outType?: 's8' | 'u8';
}

/** Serialisable depthwise tiling. */
export interface DepthwiseTiling {
  /** vector blocks (cores) */
  readonly blocks: number;
  /** output rows per band (0 = the tiler's choice) */
  readonly rows: number;
  readonly doubleBuffer: boolean;
}

/** Sizes derived from the spec. */
export interface DwGeom {
  readonly c0: number;
  readonly c1: number;
  readonly planes: number;
  readonly taps: number;
  /** 32 B blocks of one position in the compute type */
  readonly bpp: number;
  /** output positions per UB row: ow rounded up to 8 (one repeat gathers 8) */
  readonly owp: number;
  /** positions per UB input row: left pad, input, right pad, every column a real output's taps read */
  readonly wpa: number;
  /** bytes past the widened plane that the taps of the padding positions ow..owp-1 may read */
  readonly slack: number;
}

/** The derived sizes of `s`; OpErrors for shapes the kernel does not run. */
export function depthwiseGeometry(s: DepthwiseSpec): DwGeom {
  const v = s.shape;
  if (v.group !== v.c || v.oc !== v.c) throw new OpError(`depthwise conv needs group = input channels = output channels (channel multiplier 1), got group ${v.group}, C ${v.c}, OC ${v.oc}`);
  const c0 = s.type === 'f16' ? 16 : 32;
  const bpp = (c0 * 4) / 32;
  const owp = roundUp(v.ow, 8);
  const lastTap = (k: number, d: number) => d * (k - 1);
  const wpa = roundUp(Math.max(v.padLeft + v.w, (v.ow - 1) * v.strideW + lastTap(v.kw, v.dilationW) + 1), 8);
  const farthest = (owp - 1) * v.strideW + lastTap(v.kw, v.dilationW) + 1;
  if (8 * wpa * bpp > 65535 || 8 * v.strideW * bpp > 65535) throw new OpError(`depthwise conv: an input row of ${wpa} padded positions is too wide for vector strides (at most ${Math.floor(65535 / (8 * bpp))}); split the image along W`);
  const c1 = ceilDiv(v.c, c0);
  return { c0, c1, planes: v.n * c1, taps: v.kh * v.kw, bpp, owp, wpa, slack: Math.max(0, farthest - wpa) * bpp * 32 };
}

/** Input rows a band of `rows` output rows reads. */
export const dwRowsIn = (s: DepthwiseSpec, rows: number): number => (rows - 1) * s.shape.strideH + s.shape.dilationH * (s.shape.kh - 1) + 1;

/** UB addresses of one block's regions. */
export interface DwUb {
  /** per slot: the band's input rows in the 8/16-bit input type (padded row width wpa) */
  readonly raw: readonly number[];
  /** per slot: the plane's tap weights (taps x bpp blocks), bias (bpp blocks), multipliers (bpp blocks) */
  readonly params: readonly number[];
  /** INT8: the band widened to f16 on the way to s32 */
  readonly half: number;
  /** the band widened to the compute type, padding filled */
  readonly plane: number;
  readonly acc: number;
  /** two products, alternating between taps so one barrier per tap suffices */
  readonly prod: readonly [number, number];
  /** per slot: the band's output rows (owp positions per row) */
  readonly outs: readonly number[];
}

/** Bytes of one plane's parameters in GM and UB: tap weights, bias, multipliers, one 4-byte value per channel each. */
export const paramBytes = (g: DwGeom): number => (g.taps + 2) * g.c0 * 4;

/** Allocates the regions for bands of `rows` output rows through `slots` buffer slots. */
export function planDepthwiseUb(s: DepthwiseSpec, g: DwGeom, rows: number, slots: number, ub: UbAllocator): DwUb {
  const rin = dwRowsIn(s, rows);
  const pos = 32; // one position of the input or output type is one block
  const accBytes = rows * g.owp * g.bpp * 32;
  const plan: DwUb = {
    raw: Array.from({ length: slots }, () => ub.alloc(rin * g.wpa * pos)),
    params: Array.from({ length: slots }, () => ub.alloc(paramBytes(g))),
    half: s.type === 'f16' ? 0 : ub.alloc(rin * g.wpa * 64),
    plane: ub.alloc(rin * g.wpa * g.bpp * 32 + g.slack),
    acc: ub.alloc(accBytes),
    prod: [ub.alloc(accBytes), ub.alloc(accBytes)],
    outs: Array.from({ length: slots }, () => ub.alloc(rows * g.owp * pos)),
  };
  // the masked last repeat of a pad-column fill spans up to 8 rows: keep that span inside UB
  const span = plan.plane + roundUp(rin, 8) * g.wpa * g.bpp * 32;
  if (ub.used < span) ub.alloc(span - ub.used);
  return plan;
}

/**
 * Rough V cycles of one block for bands of `rows` rows over `blocks` blocks (the tiler's estimate):
 * the busiest block's bands times each band's repeats (two per tap, ~12 epilogue passes, the
 * widening and padding of its input rows) plus a fixed cost per band for issue and pipeline ramp.
 */
export function dwBlockEstimate(s: DepthwiseSpec, g: DwGeom, rows: number, blocks: number): number {
  const bands = g.planes * ceilDiv(s.shape.oh, rows);
  const perBand = rows * (g.owp / 8) * g.bpp * (2 * g.taps + 12) + dwRowsIn(s, rows) * (g.wpa / 8) * g.bpp * 3 + 60;
  return ceilDiv(bands, blocks) * perBand;
}
