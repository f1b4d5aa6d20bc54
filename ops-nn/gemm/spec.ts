/**
 * The GEMM core every cube operator is built on: Y[b] = epilogue(A[b] x B + bias) for b in batch,
 * where A comes from a matrix in GM or from an image through img2col (LoadData 3D), and B is a set
 * of int8 "pieces" stacked along K (the host splits zero-point-corrected weights b - b_zp, which
 * need 9 bits, into int8 pieces that sum to them; A x sum(pieces) is computed as one K loop per
 * piece into the same L0C tile, so every correction happens in the int32 accumulator).
 */
import type { Dtype } from '../../isa/types.js';

/**
 * How a UB epilogue (coupled presets, and the AIVs of a mixed kernel) requantises on the vector unit:
 * - 'exact': the reference arithmetic bit for bit, about a dozen fp32 passes per tile;
 * - 'deq-f16': the vendor's way, s32 -> f16 through the dequantising cast (vconv_deq / vconv_vdeq)
 *   with the multiplier kept as fp16, then f16 -> int8 with RNE and saturation: a few passes, not
 *   always bit-exact (docs/quantisation.md says when it is and how far it is on the fixtures).
 * The fixpipe epilogue ignores it (the fixpipe requantises in one step).
 */
export const VECTOR_REQUANTS = ['exact', 'deq-f16'] as const;
export type VectorRequant = (typeof VECTOR_REQUANTS)[number];

/** How the accumulator leaves L0C. */
export type GemmEpilogue =
  /** int32 out (MatMulInteger, ConvInteger; or the first kernel of an unfused pair) */
  | { readonly kind: 'int32' }
  /** fp16 out from an fp32 accumulator */
  | { readonly kind: 'f16' }
  /** int8/uint8 out. semantics 'fixpipe': the fixpipe datapath (scale keeps 10 mantissa bits, offset
   * after rounding); 'onnx': ORT's QLinear requant v = fp32(fp32(acc) * M), clamp, RNE, + zp */
  | {
      readonly kind: 'requant';
      readonly semantics: 'fixpipe' | 'onnx';
      readonly scales: readonly number[];
      readonly offsets: readonly number[];
      readonly outType: 's8' | 'u8';
      readonly relu: boolean;
      /** the UB epilogue's arithmetic; default 'exact' */
      readonly vectorRequant?: VectorRequant;
    };

/** Where the epilogue runs: in the fixpipe on the way out of L0C, or on the vector unit via UB. */
export type EpiloguePlace = 'fixpipe' | 'ub';

/** The window of a 2-D convolution over one feature map: its size, the kernel, strides, dilations,
 * padding per side, and the output size they give. */
export interface ConvWindow {
  readonly h: number;
  readonly w: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly oh: number;
  readonly ow: number;
}

/** Convolution geometry for an img2col A source (one group of one image per GEMM batch entry). */
export interface ConvGeom extends ConvWindow {
  /** channels of one group, padded to C0 in L1 */
  readonly c: number;
  /** value of padded input positions (the input zero point, in the device type) */
  readonly padValue: number;
}

export interface GemmProblem {
  /** independent GEMMs: images x groups for conv, batch for matmul */
  readonly batch: number;
  readonly m: number;
  /** K of one piece (conv: C1 * KH * KW * C0 of one group) */
  readonly k: number;
  readonly n: number;
  readonly aType: Dtype;
  readonly bType: Dtype;
  /** int8 pieces of B stacked along K (1 unless a zero-point correction needs 9 bits) */
  readonly pieces: number;
  readonly aSource: { readonly kind: 'matrix' } | { readonly kind: 'img2col'; readonly conv: ConvGeom };
  /** A differs per batch entry, or one A is shared by all (ONNX matmul broadcasting) */
  readonly aPerBatch: boolean;
  /** distinct B matrices: batch entry e uses B[e % bCount] (1 = shared weights; conv: groups) */
  readonly bCount: number;
  /** per-column bias (s32, or f32 for f16 GEMMs), already holding folded zero-point terms. Like
   * every per-column table it has one entry per (B matrix, column): entry e uses
   * (e % bCount) * n + column */
  readonly bias: boolean;
  readonly epilogue: GemmEpilogue;
  readonly place: EpiloguePlace;
  /** column groups: batch entry e writes columns (e % groups) * n .. of output row block
   * floor(e / groups); per-column tables (bias, scales) have groups * n entries. Conv: groups;
   * matmul: 1 */
  readonly groups: number;
}

/** Columns of one output row. */
export const columnsOf = (p: GemmProblem): number => p.groups * p.n;

/** Entries of a per-column table (bias, scales, offsets): one per (B matrix, column). */
export const tableEntries = (p: GemmProblem): number => p.bCount * p.n;

/** On chip each B matrix's slice of a table starts on a 16-column boundary (64 B of int32). */
export const tableStride = (p: GemmProblem): number => Math.ceil(p.n / 16) * 16;

/** Device index of logical table entry i (= matrix * n + column). */
export const tableSlot = (p: GemmProblem, i: number): number => Math.floor(i / p.n) * tableStride(p) + (i % p.n);

/** Accumulator type of the cube for an input type. */
export const accType = (aType: Dtype): 's32' | 'f32' => (aType === 'f16' || aType === 'f32' ? 'f32' : 's32');

/** Output element type of an epilogue. */
export const outTypeOf = (e: GemmEpilogue): Dtype => (e.kind === 'int32' ? 's32' : e.kind === 'f16' ? 'f16' : e.outType);

/** Device slot of a tile's first column in the per-column tables. */
export const tableColumn = (p: GemmProblem, tile: { readonly e: number; readonly n0: number }) => (tile.e % p.bCount) * tableStride(p) + tile.n0;
