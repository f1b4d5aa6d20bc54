/**
 * The shape of an instruction: what it does, in the units its cost counts (bytes on a path, vector
 * repeats, cube fractals) and the byte layout of each of its memory operands. There is one shape
 * function per family; the cost table (hw/timing/cost.ts) and the footprint check (hw/exec/footprint.ts)
 * both read the shape, so their geometry cannot disagree. Shapes depend only on immediates.
 */
import { DTYPE_BYTES, type Dtype } from './numeric/dtype.js';
import { pathOf, vecClassOf, byFamily, type FamilyTable, type InsnOfFamily } from './families.js';
import type { Insn } from './program.js';
import type { PathName, VecClass } from './timing.js';

/** Block size of vector addressing and of on-chip DataCopy units. */
export const BLOCK = 32;
/** Rows (M or N) of a cube fractal: an L0A/L0B fractal is 16 rows of 32 B, an L0C fractal 16 x 16 of 4 B. */
export const FRACTAL_ROWS = 16;
/** Bytes in one L0A/L0B fractal (16 rows x 32 B) and one L0C fractal (16 x 16 x 4 B). */
export const FRACTAL_AB = FRACTAL_ROWS * BLOCK;
export const FRACTAL_C = FRACTAL_ROWS * FRACTAL_ROWS * 4;
/** Bytes one vector repeat processes (8 blocks). */
export const REPEAT_BYTES = 256;

/**
 * Bytes a memory operand touches: a contiguous run of that many bytes, or `count` copies of a smaller
 * layout `stride` bytes apart (start to start). A vector operand is repeats of blocks; a DataCopy
 * operand is bursts.
 */
export type Layout = number | { readonly count: number; readonly stride: number; readonly each: Layout };

/** From the first byte an operand touches to one past its last (0: the operand is not touched). */
export const extentOf = (l: Layout): number => (typeof l === 'number' ? l : l.count === 0 ? 0 : (l.count - 1) * l.stride + extentOf(l.each));

/** Common to every shape: the layout of each mem operand, in operand order (0 = not used). */
interface Operands {
  readonly operands: readonly Layout[];
}
/** A data movement: `bytes` moved on `path`. */
export interface TransferShape extends Operands {
  readonly kind: 'transfer';
  readonly path: PathName;
  /** bytes moved to the destination: what statistics and shared bandwidth count */
  readonly bytes: number;
  /** bytes the path's rate counts when they differ from `bytes` (the fixpipe reads 4 B per element) */
  readonly rateBytes?: number;
}
/** A vector instruction: `repeats` steps of class `cls` (a mask change is one step). */
export interface VectorShape extends Operands {
  readonly kind: 'vector';
  readonly cls: VecClass;
  readonly repeats: number;
}
/** An mmad: m1 x k1 x n1 fractal steps of 16 x K0 x 16 for the input type, performing `macs` MACs. */
export interface CubeShape extends Operands, MmadFractals {
  readonly kind: 'cube';
  readonly aType: Dtype;
  readonly macs: number;
}
/** Scalar, control and synchronisation: no data, no buffer. */
export interface NoShape extends Operands {
  readonly kind: 'none';
}
export type InsnShape = TransferShape | VectorShape | CubeShape | NoShape;

/** Fractal counts of an mmad: M and N in 16-row fractals, K in fractals of K0 = k0Bytes / element size. */
export interface MmadFractals {
  readonly m1: number;
  readonly k1: number;
  readonly n1: number;
  readonly k0: number;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const NONE: NoShape = { kind: 'none', operands: [] };

/** `count` bursts of `len` bytes, `gap` bytes between the end of one and the start of the next. */
const bursts = (count: number, len: number, gap: number): Layout => ({ count, stride: len + gap, each: len });

/** A vector operand: `repeat` repeats of `blocks` 32 B blocks, strides counted in blocks. */
const vecOperand = (repeat: number, blocks: number, blkStride: number, repStride: number): Layout => ({
  count: repeat,
  stride: repStride * BLOCK,
  each: { count: blocks, stride: blkStride * BLOCK, each: BLOCK },
});
const FULL_REPEAT = REPEAT_BYTES / BLOCK;

/** A DataCopy side: on-chip buffers count gaps in 32 B blocks and round bursts up to whole blocks. */
const copySide = (onChip: boolean, count: number, len: number, gap: number): Layout =>
  onChip ? bursts(count, ceilDiv(len, BLOCK) * BLOCK, gap * BLOCK) : bursts(count, len, gap);

/** Bytes of one VDEQ vector: 16 f16 scales, one per column of a burst's fractals. */
export const DEQ_VECTOR_BYTES = FRACTAL_ROWS * 2;
/** Bytes of an f16 Nz fractal in UB (16 x 16 x 2 B). */
export const FRACTAL_C16 = FRACTAL_ROWS * FRACTAL_ROWS * 2;

/** An enhanced L0C -> UB copy (s32 or f32 fractals in, f16 fractals out); `tableBytes` of VDEQ vectors read. */
function deqCopyShape(i: InsnOfFamily<'l0c-ub-deq' | 'l0c-ub-vdeq' | 'l0c-ub-f322f16'>, tableBytes: number): TransferShape {
  const fractals = i.blockCount * i.blockLen;
  const dst = bursts(i.blockCount, i.blockLen * FRACTAL_C16, i.dstGap * BLOCK);
  const src = bursts(i.blockCount, i.blockLen * FRACTAL_C, i.srcGap * FRACTAL_C);
  return { kind: 'transfer', path: pathOf(i), bytes: fractals * FRACTAL_C16, rateBytes: fractals * FRACTAL_C, operands: tableBytes > 0 ? [dst, src, tableBytes] : [dst, src] };
}

/** The fractal counts of an mmad with K0 = k0Bytes / element size (the cube semantics use them too). */
export function mmadFractals(i: InsnOfFamily<'mmad'>, k0Bytes: number): MmadFractals {
  const k0 = k0Bytes / DTYPE_BYTES[i.aType];
  return { m1: ceilDiv(i.m, FRACTAL_ROWS), k1: ceilDiv(i.k, k0), n1: ceilDiv(i.n, FRACTAL_ROWS), k0 };
}

/** Shapes of the vector families whose operands are all full repeats (dst, src0, src1 as they have them). */
const vectorShape = (i: InsnOfFamily<'vec-binary' | 'vec-scalar' | 'vec-axpy' | 'vec-unary' | 'vec-dup'>, operands: readonly Layout[]): VectorShape => ({
  kind: 'vector',
  cls: vecClassOf(i),
  repeats: i.repeat,
  operands,
});
const dstOf = (i: { repeat: number; dstBlkStride: number; dstRepStride: number }) => vecOperand(i.repeat, FULL_REPEAT, i.dstBlkStride, i.dstRepStride);
const src0Of = (i: { repeat: number; src0BlkStride: number; src0RepStride: number }) => vecOperand(i.repeat, FULL_REPEAT, i.src0BlkStride, i.src0RepStride);
/** An f16 operand of a dequantising cast: 64 lanes of 2 B, half a repeat's blocks. */
const deqHalf = (repeat: number, blkStride: number, repStride: number) => vecOperand(repeat, FULL_REPEAT / 2, blkStride, repStride);
const dstSrc0 = (i: InsnOfFamily<'vec-scalar' | 'vec-axpy' | 'vec-unary'>) => vectorShape(i, [dstOf(i), src0Of(i)]);

/** The shape function of each family; `k0Bytes` (the cube's K0 in bytes) matters to mmad only. */
export const SHAPES: FamilyTable<[k0Bytes: number], InsnShape> = {
  scalar: () => NONE,
  branch: () => NONE,
  sync: () => NONE,
  dma: (i) => ({
    kind: 'transfer',
    path: pathOf(i),
    bytes: i.blockCount * i.blockLen, // gaps move nothing
    operands: [copySide(i.dst.buf !== 'GM', i.blockCount, i.blockLen, i.dstGap), copySide(i.src.buf !== 'GM', i.blockCount, i.blockLen, i.srcGap)],
  }),
  nd2nz: (i) => {
    const size = DTYPE_BYTES[i.dtype];
    const columns = ceilDiv(i.dValue, BLOCK / size);
    return {
      kind: 'transfer',
      path: pathOf(i),
      bytes: i.nValue * i.dValue * size,
      // dst: C0 columns of nValue 32 B rows, dstNzC0Stride rows apart; src: nValue rows of dValue elements
      operands: [{ count: columns, stride: i.dstNzC0Stride * BLOCK, each: i.nValue * BLOCK }, { count: i.nValue, stride: i.srcDValue * size, each: i.dValue * size }],
    };
  },
  load2d: (i) => ({
    kind: 'transfer',
    path: pathOf(i),
    bytes: i.repeat * FRACTAL_AB, // whole fractals
    operands: [{ count: i.repeat, stride: (1 + i.dstGap) * FRACTAL_AB, each: FRACTAL_AB }, { count: i.repeat, stride: i.srcStride * FRACTAL_AB, each: FRACTAL_AB }],
  }),
  load3d: (i) => {
    const c0 = BLOCK / DTYPE_BYTES[i.dtype];
    const written = ceilDiv(i.mExtension, FRACTAL_ROWS) * ceilDiv(i.kExtension, c0) * FRACTAL_AB;
    return { kind: 'transfer', path: pathOf(i), bytes: written, operands: [written, i.l1H * i.l1W * ceilDiv(i.channelSize, c0) * BLOCK] };
  },
  mmad: (i, k0Bytes) => {
    const f = mmadFractals(i, k0Bytes);
    const bias = i.init === 'bias' ? f.n1 * FRACTAL_ROWS * 4 : 0; // one 4 B value per output column
    return { kind: 'cube', ...f, aType: i.aType, macs: i.m * i.k * i.n, operands: [f.m1 * f.n1 * FRACTAL_C, f.m1 * f.k1 * FRACTAL_AB, f.k1 * f.n1 * FRACTAL_AB, bias] };
  },
  fixpipe: (i) => {
    const dsize = DTYPE_BYTES[i.dstType];
    const n1 = ceilDiv(i.n, FRACTAL_ROWS);
    const columnGroup = FRACTAL_ROWS * 4; // one L0C row of a 16-column group
    const dst: Layout = i.nz2nd
      ? { count: i.m, stride: i.dstStride * dsize, each: i.n * dsize }
      : { count: n1, stride: i.dstStride * FRACTAL_ROWS * dsize, each: i.m * FRACTAL_ROWS * dsize };
    const src: Layout = { count: n1, stride: i.srcStride * columnGroup, each: ceilDiv(i.m, FRACTAL_ROWS) * FRACTAL_ROWS * columnGroup };
    const perChannel = i.quant === 'vreq8' || i.quant === 'vdeqf16';
    // it moves the bytes it writes (1 per int8 element); its own throughput is counted in L0C bytes
    // read (4 B per element), whatever the output type
    return { kind: 'transfer', path: pathOf(i), bytes: i.m * i.n * dsize, rateBytes: i.m * i.n * 4, operands: [dst, src, perChannel ? i.n * 8 : 0] };
  },
  'l0c-ub': (i) => ({
    kind: 'transfer',
    path: pathOf(i),
    bytes: i.blockCount * i.blockLen * FRACTAL_C, // whole Nz fractals
    operands: [bursts(i.blockCount, i.blockLen * FRACTAL_C, i.dstGap * FRACTAL_C), bursts(i.blockCount, i.blockLen * FRACTAL_C, i.srcGap * FRACTAL_C)],
  }),
  // whole fractals: 1 KiB of s32 read per fractal, 512 B of f16 written; the path's rate counts the
  // L0C bytes read (the conversion is on the path: the same tile takes as long as an s32 copy)
  'l0c-ub-deq': (i) => deqCopyShape(i, 0),
  'l0c-ub-vdeq': (i) => deqCopyShape(i, i.blockCount * DEQ_VECTOR_BYTES),
  'l0c-ub-f322f16': (i) => deqCopyShape(i, 0),
  // writes whole fractals of 16 rows; reads 16 elements per fractal. The rate counts L0C bytes written.
  'ub-l0c-bcast': (i) => {
    const size = DTYPE_BYTES[i.dtype];
    const fractal = FRACTAL_ROWS * FRACTAL_ROWS * size;
    const vector = FRACTAL_ROWS * size;
    return {
      kind: 'transfer',
      path: pathOf(i),
      bytes: i.blockCount * i.blockLen * fractal,
      operands: [bursts(i.blockCount, i.blockLen * fractal, i.dstGap * fractal), bursts(i.blockCount, i.blockLen * vector, i.srcGap * BLOCK)],
    };
  },
  'vec-mask': (i) => ({ kind: 'vector', cls: vecClassOf(i), repeats: 1, operands: [] }),
  'vec-binary': (i) => vectorShape(i, [dstOf(i), src0Of(i), vecOperand(i.repeat, FULL_REPEAT, i.src1BlkStride, i.src1RepStride)]),
  'vec-scalar': dstSrc0,
  'vec-axpy': dstSrc0,
  'vec-unary': dstSrc0,
  'vec-dup': (i) => vectorShape(i, [dstOf(i)]),
  'vec-conv': (i) => {
    const ds = DTYPE_BYTES[i.dstType];
    const ss = DTYPE_BYTES[i.srcType];
    const lanes = REPEAT_BYTES / Math.max(ds, ss); // each operand has its own blocks per repeat
    return {
      kind: 'vector',
      cls: vecClassOf(i),
      repeats: i.repeat,
      operands: [vecOperand(i.repeat, (lanes * ds) / BLOCK, i.dstBlkStride, i.dstRepStride), vecOperand(i.repeat, (lanes * ss) / BLOCK, i.src0BlkStride, i.src0RepStride)],
    };
  },
  // 64 lanes (the s32 source): 8 blocks of s32 in, 4 blocks of f16 out (and of f16 scales)
  'vec-deq': (i) => ({ kind: 'vector', cls: vecClassOf(i), repeats: i.repeat, operands: [deqHalf(i.repeat, i.dstBlkStride, i.dstRepStride), src0Of(i)] }),
  'vec-vdeq': (i) => ({
    kind: 'vector',
    cls: vecClassOf(i),
    repeats: i.repeat,
    operands: [deqHalf(i.repeat, i.dstBlkStride, i.dstRepStride), src0Of(i), deqHalf(i.repeat, i.src1BlkStride, i.src1RepStride)],
  }),
  // one result element per repeat, written contiguously
  'vec-reduce': (i) => ({ kind: 'vector', cls: vecClassOf(i), repeats: i.repeat, operands: [i.repeat * DTYPE_BYTES[i.dtype], src0Of(i)] }),
};

/** The shape of any instruction, by its family. */
export const shapeOf = (insn: Insn, k0Bytes: number): InsnShape => byFamily(SHAPES, insn, k0Bytes);
