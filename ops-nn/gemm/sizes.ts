/**
 * Byte sizes of a GEMM's operands in L1, shared by the tiling checks, the memory plan and the
 * tiler's cost estimate (kept apart from tiling.ts so the estimate need not import the checks).
 */
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { ceilDiv, roundUp } from '../kernel.js';
import type { GemmProblem } from './spec.js';
import type { GemmTiling } from './tiling.js';

export const elemBytes = (p: GemmProblem): number => DTYPE_BYTES[p.aType];
export const k0Of = (p: GemmProblem): number => 32 / elemBytes(p);

/** Bytes of `rows` input rows of an img2col feature map in L1: C1 x rows x W x 32 B. */
export const mapRowBytes = (p: GemmProblem, rows: number): number =>
  p.aSource.kind === 'img2col' ? ceilDiv(p.aSource.conv.c, k0Of(p)) * rows * p.aSource.conv.w * 32 : 0;

/** Bytes of one img2col feature map (one group of one image) in L1. */
export const featureMapBytes = (p: GemmProblem): number => (p.aSource.kind === 'img2col' ? mapRowBytes(p, p.aSource.conv.h) : 0);

/** Bytes of a resident A panel in L1: baseM rows of all of K, in 32 B columns. */
export const aPanelBytes = (p: GemmProblem, t: Pick<GemmTiling, 'baseM'>): number => t.baseM * roundUp(p.k * elemBytes(p), 32);
