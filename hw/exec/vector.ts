/**
 * Functional semantics of the vector unit: mask setup, element-wise arithmetic, casts and
 * reductions over UB. Each family dispatches on the opcode through a table of element functions;
 * the tables are keyed by the opcodes of that family in isa/opcodes.ts, so adding an opcode to a
 * vector family without giving it semantics here is a compile error.
 *
 * Rules (the project's definitions of the vector ISA):
 * - Lanes: one repeat covers 256 bytes. For non-conversion ops an operand of element size s has
 *   L = 256/s lanes. vconv has L = 256 / max(size(src), size(dst)) lanes, each operand laid out
 *   with its own size. Element e of repeat r of an operand with base A, block stride bs and
 *   repeat stride rs (both in 32-byte blocks) lives at
 *     A + r*rs*32 + floor(e*s/32)*bs*32 + (e*s mod 32).
 * - Mask: lane e is active iff mask[e] === 1 (128 entries). Inactive dst lanes are left untouched.
 *   32-bit types only have lanes 0..63, so mask entries 64..127 are ignored for them.
 * - set_mask_count n: mask[e] = e < n. set_mask_bits w3,w2,w1,w0: mask[e] = bit (e mod 32) of
 *   word floor(e/32) (w0 = lanes 0..31, w3 = lanes 96..127).
 * - Each repeat first reads all its source lanes, then writes its destination lanes in ascending
 *   lane order (so dst == src works lane-wise; if dst blocks overlap, the highest lane wins).
 *   Repeats run one after another, so a repeat sees what earlier repeats wrote.
 * - Arithmetic: f16 computes the exact result in double from the exact inputs, then rounds once to
 *   f16 (rint); f32 rounds the double result with Math.fround (correctly rounded for + - * /,
 *   because a double has more than 2p+2 bits for both formats). Integer vector arithmetic wraps,
 *   as the storage does (two's complement modulo 2^bits) for add/sub/mul/abs.
 * - vmax(x, y) = x >= y ? x : y (so NaN in x yields y); vmin(x, y) = x <= y ? x : y.
 *   vdiv is f16/f32 only. vrelu(x) = x > 0 ? x : 0 (-0, negatives and NaN give +0). vabs = |x|.
 *   vcopy copies element bits (floats are not decoded, so NaN payloads survive).
 * - vadds/vmuls/vmaxs/vmins/vdup/vaxpy: the scalar is first converted to the element type (f16:
 *   rint; f32: already a float32; integers: the validator guarantees an in-range integer).
 * - vaxpy (f16/f32): dst = src0 * scalar + dst, fused: the exact value rounded once (rint) to the
 *   element type (isa/numeric/fma.ts). dst lanes are read with the sources, before any write.
 * - vconv: dst = castValue(src, srcType, dstType, round) (isa/numeric/cast.ts).
 * - vconv_deq / vconv_vdeq (s32 -> f16, 64 lanes): dst = deqToF16(src0, s) (isa/numeric/deq.ts) with
 *   s the scalar rounded to f16, or the f16 element of src1 in the same lane.
 * - vcadd: dst element r (contiguous, at dst + r*size) = sum of the active lanes of repeat r,
 *   reduced in lane order by a fixed pairwise tree: v = [v0+v1, v2+v3, ...] (an odd last element
 *   is carried) until one value is left, each addition rounded (f16/f32) or wrapped (s32).
 *   vcmax: the same tree with the vmax rule. No active lane -> dst element r untouched.
 * - repeat = 0: no effect.
 */
import type { VectorFamily } from '../../isa/opcodes.js';
import type { InsnOf } from '../../isa/program.js';
import type { OpsOf } from '../../isa/families.js';
import { REPEAT_BYTES } from '../../isa/shapes.js';
import type { Dtype } from '../../isa/types.js';
import { DTYPE_BYTES, isFloat } from '../../isa/numeric/dtype.js';
import { castValue } from '../../isa/numeric/cast.js';
import { roundF16 } from '../../isa/numeric/float16.js';
import { fmaRound } from '../../isa/numeric/fma.js';
import { deqScaleF16, deqToF16 } from '../../isa/numeric/deq.js';
import { BLOCK, READ, WRITE, type ExecContext, type FamilyExec } from './context.js';

const MASK_LANES = 128;

type Fn2 = (x: number, y: number) => number;
type Fn1 = (x: number) => number;

/** Brings an exact (double) result into the element type: one rounding for floats, wrap for integers. */
const FINISH: Readonly<Record<Dtype, Fn1>> = {
  s8: (x) => (x << 24) >> 24,
  u8: (x) => x & 0xff,
  s16: (x) => (x << 16) >> 16,
  u16: (x) => x & 0xffff,
  s32: (x) => x | 0,
  u32: (x) => x >>> 0,
  f16: (x) => roundF16(x, 'rint'),
  f32: Math.fround,
};

const max: Fn2 = (x, y) => (x >= y ? x : y);
const min: Fn2 = (x, y) => (x <= y ? x : y);

const BINARY: Readonly<Record<OpsOf<'vec-binary'>, Fn2>> = {
  vadd: (x, y) => x + y,
  vsub: (x, y) => x - y,
  vmul: (x, y) => x * y,
  vmax: max,
  vmin: min,
  vdiv: (x, y) => x / y,
};

const SCALAR: Readonly<Record<OpsOf<'vec-scalar'>, Fn2>> = {
  vadds: BINARY.vadd,
  vmuls: BINARY.vmul,
  vmaxs: max,
  vmins: min,
};

/**
 * Integer replacements where the double result is not exact: an s32 product can need 62 bits,
 * so multiply with Math.imul, whose low 32 (and hence low 16) bits are exactly the wrapped product.
 */
const INT_EXACT: Readonly<Partial<Record<OpsOf<'vec-binary'> | OpsOf<'vec-scalar'>, Fn2>>> = {
  vmul: Math.imul,
  vmuls: Math.imul,
};

/** `bits`: operate on the raw element bits (an unsigned integer of the same size), never decoding. */
const UNARY: Readonly<Record<OpsOf<'vec-unary'>, { readonly f: Fn1; readonly bits: boolean }>> = {
  vrelu: { f: (x) => (x > 0 ? x : 0), bits: false },
  vabs: { f: Math.abs, bits: false },
  vcopy: { f: (x) => x, bits: true },
};

/** Pairwise combination of two lane values for each reduction (before FINISH). */
const REDUCE: Readonly<Record<OpsOf<'vec-reduce'>, Fn2>> = {
  vcadd: (x, y) => x + y,
  vcmax: max,
};

/** The unsigned type with the same size, for bit copies. */
const RAW_BITS: Readonly<Record<number, Dtype>> = { 1: 'u8', 2: 'u16', 4: 'u32' };

/** Scalar operand converted to the element type (see the header). */
const scalarAs = (x: number, dt: Dtype): number => (dt === 'f16' ? roundF16(x, 'rint') : x);

/** One vector operand: base address, element type and strides (in 32 B blocks). */
interface Operand {
  readonly at: number;
  readonly dtype: Dtype;
  readonly blk: number;
  readonly rep: number;
}

/** Byte address of lane e of repeat r of an operand (the lane rule in the header). */
function laneAddr(o: Operand, r: number, e: number): number {
  const byte = e * DTYPE_BYTES[o.dtype];
  return o.at + r * o.rep * BLOCK + Math.floor(byte / BLOCK) * o.blk * BLOCK + (byte % BLOCK);
}

// Lane values of the current repeat; shared scratch so the element loops allocate nothing.
const X = new Float64Array(MASK_LANES);
const Y = new Float64Array(MASK_LANES);

/**
 * The element-wise engine shared by every non-reducing family: per repeat, read the active lanes
 * of up to two sources, then write f(x, y) to the active dst lanes. Missing sources read as 0.
 */
function lanewise(
  ctx: ExecContext,
  repeat: number,
  lanes: number,
  dst: Operand,
  src0: Operand | undefined,
  src1: Operand | undefined,
  f: Fn2,
): void {
  const v = ctx.view('UB');
  const mask = ctx.mask;
  const write = WRITE[dst.dtype];
  const read0 = src0 && READ[src0.dtype];
  const read1 = src1 && READ[src1.dtype];
  for (let r = 0; r < repeat; r++) {
    for (let e = 0; e < lanes; e++) {
      if (mask[e] !== 1) continue;
      X[e] = read0 ? read0(v, laneAddr(src0!, r, e)) : 0;
      Y[e] = read1 ? read1(v, laneAddr(src1!, r, e)) : 0;
    }
    for (let e = 0; e < lanes; e++) {
      if (mask[e] === 1) write(v, laneAddr(dst, r, e), f(X[e]!, Y[e]!));
    }
  }
}

const lanesOf = (dt: Dtype) => REPEAT_BYTES / DTYPE_BYTES[dt];

/** Sets `m` (MASK_LANES entries) as a mask instruction does; the sanitizer follows masks with it too. */
export function applyMask(m: Uint8Array, insn: InsnOf<'set_mask_count'> | InsnOf<'set_mask_bits'>): void {
  if (insn.op === 'set_mask_count') {
    for (let e = 0; e < MASK_LANES; e++) m[e] = e < insn.count ? 1 : 0;
    return;
  }
  const words = [insn.w0, insn.w1, insn.w2, insn.w3];
  for (let e = 0; e < MASK_LANES; e++) m[e] = (words[e >> 5]! >>> (e & 31)) & 1;
}

const setMask: FamilyExec<'vec-mask'> = (ctx, insn) => applyMask(ctx.mask, insn);

const binary: FamilyExec<'vec-binary'> = (ctx, insn, a) => {
  const dt = insn.dtype;
  const op = (!isFloat(dt) && INT_EXACT[insn.op]) || BINARY[insn.op];
  const fin = FINISH[dt];
  lanewise(
    ctx,
    insn.repeat,
    lanesOf(dt),
    { at: a[0]!, dtype: dt, blk: insn.dstBlkStride, rep: insn.dstRepStride },
    { at: a[1]!, dtype: dt, blk: insn.src0BlkStride, rep: insn.src0RepStride },
    { at: a[2]!, dtype: dt, blk: insn.src1BlkStride, rep: insn.src1RepStride },
    (x, y) => fin(op(x, y)),
  );
};

const scalar: FamilyExec<'vec-scalar'> = (ctx, insn, a) => {
  const dt = insn.dtype;
  const op = (!isFloat(dt) && INT_EXACT[insn.op]) || SCALAR[insn.op];
  const fin = FINISH[dt];
  const s = scalarAs(insn.scalar, dt);
  lanewise(
    ctx,
    insn.repeat,
    lanesOf(dt),
    { at: a[0]!, dtype: dt, blk: insn.dstBlkStride, rep: insn.dstRepStride },
    { at: a[1]!, dtype: dt, blk: insn.src0BlkStride, rep: insn.src0RepStride },
    undefined,
    (x) => fin(op(x, s)),
  );
};

/** The fused ops of vec-axpy: f(x, s, d) = round(x * s + d) with one rounding `fin`. */
const AXPY: Readonly<Record<OpsOf<'vec-axpy'>, (x: number, s: number, d: number, fin: Fn1) => number>> = {
  vaxpy: fmaRound,
};

const axpy: FamilyExec<'vec-axpy'> = (ctx, insn, a) => {
  const dt = insn.dtype;
  const f = AXPY[insn.op];
  const fin = FINISH[dt];
  const s = scalarAs(insn.scalar, dt);
  const dst: Operand = { at: a[0]!, dtype: dt, blk: insn.dstBlkStride, rep: insn.dstRepStride };
  const src: Operand = { at: a[1]!, dtype: dt, blk: insn.src0BlkStride, rep: insn.src0RepStride };
  // dst is the addend: read as the second source, so each repeat reads it before writing
  lanewise(ctx, insn.repeat, lanesOf(dt), dst, src, dst, (x, d) => f(x, s, d, fin));
};

const unary: FamilyExec<'vec-unary'> = (ctx, insn, a) => {
  const { f, bits } = UNARY[insn.op];
  const dt = bits ? RAW_BITS[DTYPE_BYTES[insn.dtype]]! : insn.dtype;
  const fin = FINISH[dt];
  lanewise(
    ctx,
    insn.repeat,
    lanesOf(dt),
    { at: a[0]!, dtype: dt, blk: insn.dstBlkStride, rep: insn.dstRepStride },
    { at: a[1]!, dtype: dt, blk: insn.src0BlkStride, rep: insn.src0RepStride },
    undefined,
    (x) => fin(f(x)),
  );
};

const dup: FamilyExec<'vec-dup'> = (ctx, insn, a) => {
  const dt = insn.dtype;
  const s = scalarAs(insn.scalar, dt);
  const dst = { at: a[0]!, dtype: dt, blk: insn.dstBlkStride, rep: insn.dstRepStride };
  lanewise(ctx, insn.repeat, lanesOf(dt), dst, undefined, undefined, () => s);
};

const conv: FamilyExec<'vec-conv'> = (ctx, insn, a) => {
  const { srcType, dstType, round } = insn;
  const lanes = REPEAT_BYTES / Math.max(DTYPE_BYTES[srcType], DTYPE_BYTES[dstType]);
  lanewise(
    ctx,
    insn.repeat,
    lanes,
    { at: a[0]!, dtype: dstType, blk: insn.dstBlkStride, rep: insn.dstRepStride },
    { at: a[1]!, dtype: srcType, blk: insn.src0BlkStride, rep: insn.src0RepStride },
    undefined,
    (x) => castValue(x, srcType, dstType, round),
  );
};

/** Lanes of a dequantising cast: one repeat holds 64 s32 sources. */
const DEQ_LANES = REPEAT_BYTES / DTYPE_BYTES.s32;

/** f16 destination and s32 source of a dequantising cast, as lanewise operands. */
const deqSides = (insn: { dstBlkStride: number; dstRepStride: number; src0BlkStride: number; src0RepStride: number }, a: ArrayLike<number>) =>
  [
    { at: a[0]!, dtype: 'f16', blk: insn.dstBlkStride, rep: insn.dstRepStride },
    { at: a[1]!, dtype: 's32', blk: insn.src0BlkStride, rep: insn.src0RepStride },
  ] as const;

const deq: FamilyExec<'vec-deq'> = (ctx, insn, a) => {
  const s = deqScaleF16(insn.scale);
  lanewise(ctx, insn.repeat, DEQ_LANES, ...deqSides(insn, a), undefined, (x) => deqToF16(x, s));
};

// the per-lane scale is a second f16 source
const vdeq: FamilyExec<'vec-vdeq'> = (ctx, insn, a) =>
  lanewise(ctx, insn.repeat, DEQ_LANES, ...deqSides(insn, a), { at: a[2]!, dtype: 'f16', blk: insn.src1BlkStride, rep: insn.src1RepStride }, deqToF16);

const reduce: FamilyExec<'vec-reduce'> = (ctx, insn, a) => {
  const dt = insn.dtype;
  const size = DTYPE_BYTES[dt];
  const lanes = lanesOf(dt);
  const op = REDUCE[insn.op];
  const fin = FINISH[dt];
  const v = ctx.view('UB');
  const read = READ[dt];
  const src: Operand = { at: a[1]!, dtype: dt, blk: insn.src0BlkStride, rep: insn.src0RepStride };
  for (let r = 0; r < insn.repeat; r++) {
    // Compact the active lanes into X in lane order, then fold X pairwise in place: slot i is
    // written only after slots 2i and 2i+1 (both >= i) were read.
    let n = 0;
    for (let e = 0; e < lanes; e++) {
      if (ctx.mask[e] === 1) X[n++] = read(v, laneAddr(src, r, e));
    }
    if (n === 0) continue;
    while (n > 1) {
      const half = n >> 1;
      for (let i = 0; i < half; i++) X[i] = fin(op(X[2 * i]!, X[2 * i + 1]!));
      if (n & 1) X[half] = X[n - 1]!;
      n -= half;
    }
    WRITE[dt](v, a[0]! + r * size, X[0]!);
  }
};

/** Vector semantics by family; the engine calls the entry of the instruction's family. */
export const VECTOR_EXEC: { readonly [F in VectorFamily]: FamilyExec<F> } = {
  'vec-mask': setMask,
  'vec-binary': binary,
  'vec-scalar': scalar,
  'vec-axpy': axpy,
  'vec-unary': unary,
  'vec-dup': dup,
  'vec-conv': conv,
  'vec-deq': deq,
  'vec-vdeq': vdeq,
  'vec-reduce': reduce,
};
