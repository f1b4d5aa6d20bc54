/**
 * Feature-map slabs for img2col: when a whole feature map (one group of one image) does not fit in
 * L1, each tile row keeps only the input rows its output positions read. LoadData 3D then sees a
 * map of those rows, so its start point and top/bottom padding are shifted to match; positions
 * outside the loaded rows are exactly the ones that were padding in the whole map.
 */
import { ceilDiv } from '../kernel.js';
import type { ConvGeom } from './spec.js';

export interface Slab {
  /** first input row in L1, and how many rows */
  readonly first: number;
  readonly rows: number;
  /** img2col parameters relative to the slab */
  readonly mStart: number;
  readonly padTop: number;
  readonly padBottom: number;
}

/** The whole map as one slab (no shift). */
export const wholeMap = (cv: ConvGeom, m0: number): Slab => ({ first: 0, rows: cv.h, mStart: m0, padTop: cv.padTop, padBottom: cv.padBottom });

/** Input rows (and shifted img2col parameters) for output positions m0 .. m0 + count - 1. */
export function slabOf(cv: ConvGeom, m0: number, count: number): Slab {
  const ohStart = Math.floor(m0 / cv.ow);
  const ohEnd = Math.floor((m0 + count - 1) / cv.ow);
  const span = ohEnd - ohStart + 1;
  const reach = (cv.kh - 1) * cv.dilationH + 1; // input rows one output row reads
  const first = Math.min(cv.h - 1, Math.max(0, ohStart * cv.strideH - cv.padTop));
  const end = Math.max(first + 1, Math.min(cv.h, ohEnd * cv.strideH - cv.padTop + reach));
  const rows = end - first;
  // ih_local = oh_local * stride - padTop' + kh * dilation, with ih_local = ih - first
  const padTop = first + cv.padTop - ohStart * cv.strideH;
  // enough bottom padding that the slab still has `span` output rows
  const padBottom = Math.max(0, (span - 1) * cv.strideH + reach - rows - padTop);
  return { first, rows, mStart: m0 - ohStart * cv.ow, padTop, padBottom };
}

/** The most input rows any tile of at most `baseM` output positions reads. */
export function maxSlabRows(cv: ConvGeom, baseM: number): number {
  const span = Math.min(cv.oh, ceilDiv(baseM - 1, cv.ow) + 1);
  return Math.min(cv.h, (span - 1) * cv.strideH + (cv.kh - 1) * cv.dilationH + 1);
}

/**
 * The band of input rows output positions first .. end - 1 read (a block's rows of one batch entry
 * when the whole map would fit): undefined when the band is the whole map, or when LoadData 3D could
 * not take its padding (pads 0..255: a band starting in the bottom padding would need a negative one).
 */
export function bandOf(cv: ConvGeom, first: number, end: number): Slab | undefined {
  const band = slabOf(cv, first, end - first);
  return band.rows < cv.h && band.padTop >= 0 && band.padTop <= 255 && band.padBottom <= 255 ? band : undefined;
}
