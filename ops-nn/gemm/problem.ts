/**
 * The one builder of GEMM problems: every cube operator (INT8 and FP16 matmul and conv, the ONNX
 * QLinear / Integer operators) describes its shape as a GemmShape and gets its GemmProblem here, so
 * the rule for where the epilogue runs and how an img2col source is set up lives in one place.
 */
import type { HwConfig } from '../../hw/config/types.js';
import type { Dtype } from '../../isa/types.js';
import type { ConvGeom, GemmEpilogue, GemmProblem } from './spec.js';

/** The shape of a GEMM problem: its sizes and how A and B are shared, without types or epilogue. */
export interface GemmShape {
  /** independent GEMMs: images x groups for conv, batch entries for matmul */
  readonly batch: number;
  readonly m: number;
  /** K of one piece (conv: C1 * KH * KW * C0 of one group) */
  readonly k: number;
  readonly n: number;
  /** column groups of the output (conv: groups; matmul: 1) */
  readonly groups: number;
  /** distinct B matrices: batch entry e uses B[e % bCount] */
  readonly bCount: number;
  /** A differs per batch entry, or one A is shared by all */
  readonly aPerBatch: boolean;
  /** img2col geometry when A is a feature map (the pad value is given with the types) */
  readonly conv?: Omit<ConvGeom, 'padValue'>;
}

/** A plain matrix product of one A (m x k) and one B (k x n). */
export const matrixShape = (m: number, k: number, n: number): GemmShape => ({ batch: 1, m, k, n, groups: 1, bCount: 1, aPerBatch: true });

export interface GemmTypes {
  readonly aType: Dtype;
  readonly bType: Dtype;
  /** int8 pieces of B stacked along K (default 1) */
  readonly pieces?: number;
  /** a per-column bias table is loaded */
  readonly bias: boolean;
  readonly epilogue: GemmEpilogue;
  /** value of padded img2col positions (the activation zero point in the device type; default 0) */
  readonly padValue?: number;
  /**
   * Run a requant epilogue on the vector unit through UB even where a fixpipe could do it (the
   * mixed AIC + AIV kernel on separated chips). Coupled chips always use UB; int32 and fp16 results
   * always leave through the fixpipe on separated chips.
   */
  readonly ubEpilogue?: boolean;
}

/** The GEMM problem of `shape` with types and epilogue `t` on `cfg`. */
export function gemmProblem(shape: GemmShape, t: GemmTypes, cfg: HwConfig): GemmProblem {
  const ub = cfg.organisation === 'coupled' || (t.ubEpilogue === true && t.epilogue.kind === 'requant');
  return {
    batch: shape.batch,
    m: shape.m,
    k: shape.k,
    n: shape.n,
    aType: t.aType,
    bType: t.bType,
    pieces: t.pieces ?? 1,
    aSource: shape.conv ? { kind: 'img2col', conv: { ...shape.conv, padValue: t.padValue ?? 0 } } : { kind: 'matrix' },
    aPerBatch: shape.aPerBatch,
    bCount: shape.bCount,
    bias: t.bias,
    epilogue: t.epilogue,
    place: ub ? 'ub' : 'fixpipe',
    groups: shape.groups,
  };
}
