/**
 * Semantics of the 310P's converting paths between L0C and UB (docs/hardware.md, L0C <-> UB on 310P):
 * the enhanced L0C -> UB copy that dequantises s32 -> f16 on the way (DataCopy with
 * DataCopyEnhancedParams, BLOCK_MODE_MATRIX, DEQ / VDEQ) or converts f32 -> f16 (float L0C to half
 * UB, CRMODE_F32toF16_NONE / _RELU in the arch-200 DataCopy), and the broadcast of UB vectors into L0C
 * fractals (BroadCastVecToMM). The Nz layout is kept: element (r, c) of a fractal sits at (16 r + c).
 */
import type { InsnOf } from '../../isa/program.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { deqScaleF16, deqToF16 } from '../../isa/numeric/deq.js';
import { f32ToF16 } from '../../isa/numeric/fixpipe-quant.js';
import { DEQ_VECTOR_BYTES, FRACTAL_C16, FRACTAL_ROWS } from '../../isa/shapes.js';
import { BLOCK, FRACTAL_C, READ, WRITE, type Addrs, type ExecContext } from './context.js';

const FRACTAL_ELEMS = FRACTAL_ROWS * FRACTAL_ROWS;

type ConvertingCopy = InsnOf<'copy_l0c_ub_deq'> | InsnOf<'copy_l0c_ub_vdeq'> | InsnOf<'copy_l0c_ub_f322f16'>;

/**
 * Every element of every burst's fractals, 32-bit from L0C to f16 in UB: `convert(burst, column,
 * source address)` gives the f16 value. Reads all its sources first: the scales may sit in UB bytes
 * the copy overwrites.
 */
function convertingCopy(ctx: ExecContext, i: ConvertingCopy, a: Addrs, convert: (burst: number, column: number, at: number) => number): void {
  const ub = ctx.view('UB');
  const out: number[] = [];
  for (let b = 0; b < i.blockCount; b++)
    for (let f = 0; f < i.blockLen; f++) {
      const src = a[1]! + (b * (i.blockLen + i.srcGap) + f) * FRACTAL_C;
      for (let e = 0; e < FRACTAL_ELEMS; e++) out.push(convert(b, e % FRACTAL_ROWS, src + e * 4));
    }
  let n = 0;
  for (let b = 0; b < i.blockCount; b++)
    for (let f = 0; f < i.blockLen; f++) {
      const dst = a[0]! + b * (i.blockLen * FRACTAL_C16 + i.dstGap * BLOCK) + f * FRACTAL_C16;
      for (let e = 0; e < FRACTAL_ELEMS; e++) WRITE.f16(ub, dst + e * 2, out[n++]!);
    }
}

/**
 * s32 from L0C to f16, scaled by `scaleOf(burst, column)` (an f16 value) and, with relu, clamped
 * below at +0.
 */
function deqCopy(ctx: ExecContext, i: InsnOf<'copy_l0c_ub_deq'> | InsnOf<'copy_l0c_ub_vdeq'>, a: Addrs, scaleOf: (burst: number, column: number) => number): void {
  const l0c = ctx.view('L0C');
  convertingCopy(ctx, i, a, (b, c, at) => {
    const h = deqToF16(READ.s32(l0c, at), scaleOf(b, c));
    return i.relu && !(h > 0) ? 0 : h;
  });
}

/** DEQ: one scale for every element, kept as f16. */
export function execL0cUbDeq(ctx: ExecContext, i: InsnOf<'copy_l0c_ub_deq'>, a: Addrs): void {
  const s = deqScaleF16(i.scale);
  deqCopy(ctx, i, a, () => s);
}

/** VDEQ: burst b reads its 16 f16 scales at table + 32 b; column c of each of its fractals takes scale c. */
export function execL0cUbVdeq(ctx: ExecContext, i: InsnOf<'copy_l0c_ub_vdeq'>, a: Addrs): void {
  const ub = ctx.view('UB');
  const scales = Array.from({ length: i.blockCount * FRACTAL_ROWS }, (_, k) => READ.f16(ub, a[2]! + Math.floor(k / FRACTAL_ROWS) * DEQ_VECTOR_BYTES + (k % FRACTAL_ROWS) * 2));
  deqCopy(ctx, i, a, (b, c) => scales[b * FRACTAL_ROWS + c]!);
}

/**
 * Float L0C to half UB: each f32 element, with relu first clamped below at 0, rounded to f16 as the
 * fixpipe's F322F16 does (half to even; beyond the f16 range it becomes infinite). The rounding of the
 * copy is not public: the model takes the one every other f32 -> f16 conversion here has.
 */
export function execL0cUbF322F16(ctx: ExecContext, i: InsnOf<'copy_l0c_ub_f322f16'>, a: Addrs): void {
  const l0c = ctx.view('L0C');
  convertingCopy(ctx, i, a, (_b, _c, at) => f32ToF16(READ.f32(l0c, at), i.relu === 1));
}

/**
 * BroadCastVecToMM: burst b, fractal j takes the 16 elements at src + b * (blockLen * 16 elements +
 * srcGap blocks) + 16 j elements as each of its 16 rows; bursts are blockLen + dstGap fractals apart.
 * Bits are copied unchanged.
 */
export function execBcastUbL0c(ctx: ExecContext, i: InsnOf<'bcast_ub_l0c'>, a: Addrs): void {
  const size = DTYPE_BYTES[i.dtype];
  const vector = FRACTAL_ROWS * size;
  const fractal = FRACTAL_ROWS * vector;
  const ub = ctx.bytes('UB');
  const l0c = ctx.bytes('L0C');
  for (let b = 0; b < i.blockCount; b++)
    for (let j = 0; j < i.blockLen; j++) {
      const s = a[1]! + b * (i.blockLen * vector + i.srcGap * BLOCK) + j * vector;
      const row = ub.slice(s, s + vector);
      const d = a[0]! + (b * (i.blockLen + i.dstGap) + j) * fractal;
      for (let r = 0; r < FRACTAL_ROWS; r++) l0c.set(row, d + r * vector);
    }
}
