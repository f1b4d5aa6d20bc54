/**
 * Footprints: the byte range each mem operand of an instruction touches, given its resolved
 * addresses. The engine checks every range against the buffer's size and alignment at issue time,
 * in both functional and timing-only mode, so an illegal access is the same error in either.
 * out[2*i], out[2*i+1] = [lo, hi) of mem operand i; lo === hi marks an operand that is not used.
 */
import type { Family } from '../../isa/opcodes.js';
import type { Insn, InsnOf } from '../../isa/program.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import type { HwConfig } from '../config/types.js';
import { BLOCK, FRACTAL_AB, FRACTAL_C, type Addrs } from './context.js';

export type FootprintFn = (insn: Insn, a: Addrs, cfg: HwConfig, out: Float64Array) => void;

const set = (out: Float64Array, i: number, lo: number, hi: number) => {
  out[2 * i] = lo;
  out[2 * i + 1] = hi;
};
const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** Extent of a strided burst sequence: count bursts of len bytes, each followed by gap bytes. */
const bursts = (count: number, len: number, gap: number) => (count - 1) * (len + gap) + len;

/** On-chip buffers count DataCopy gaps in 32 B blocks and round bursts up to whole blocks. */
const copyExtent = (onChip: boolean, count: number, len: number, gap: number) =>
  onChip ? bursts(count, ceilDiv(len, BLOCK) * BLOCK, gap * BLOCK) : bursts(count, len, gap);

/** Extent of one vector operand: `repeat` repeats of `blocks` blocks with the given strides. */
export function vecExtent(repeat: number, blocks: number, blkStride: number, repStride: number): number {
  if (repeat === 0) return 0;
  return (repeat - 1) * repStride * BLOCK + (blocks - 1) * blkStride * BLOCK + BLOCK;
}

const dma: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'copy_gm_l1'>;
  set(out, 0, a[0]!, a[0]! + copyExtent(i.dst.buf !== 'GM', i.blockCount, i.blockLen, i.dstGap));
  set(out, 1, a[1]!, a[1]! + copyExtent(i.src.buf !== 'GM', i.blockCount, i.blockLen, i.srcGap));
};

const nd2nz: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'copy_gm_l1_nd2nz'>;
  const size = DTYPE_BYTES[i.dtype];
  const c0 = BLOCK / size;
  const columns = ceilDiv(i.dValue, c0);
  set(out, 0, a[0]!, a[0]! + ((columns - 1) * i.dstNzC0Stride + i.nValue) * BLOCK);
  set(out, 1, a[1]!, a[1]! + ((i.nValue - 1) * i.srcDValue + i.dValue) * size);
};

const load2d: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'load2d'>;
  set(out, 0, a[0]!, a[0]! + ((i.repeat - 1) * (1 + i.dstGap) + 1) * FRACTAL_AB);
  set(out, 1, a[1]!, a[1]! + ((i.repeat - 1) * i.srcStride + 1) * FRACTAL_AB);
};

const load3d: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'load3d'>;
  const size = DTYPE_BYTES[i.dtype];
  const c0 = BLOCK / size;
  set(out, 0, a[0]!, a[0]! + ceilDiv(i.mExtension, 16) * ceilDiv(i.kExtension, c0) * FRACTAL_AB);
  set(out, 1, a[1]!, a[1]! + i.l1H * i.l1W * ceilDiv(i.channelSize, c0) * BLOCK);
};

const mmad: FootprintFn = (insn, a, cfg, out) => {
  const i = insn as InsnOf<'mmad'>;
  const k0 = cfg.cube.k0Bytes / DTYPE_BYTES[i.aType];
  const m1 = ceilDiv(i.m, 16);
  const n1 = ceilDiv(i.n, 16);
  const k1 = ceilDiv(i.k, k0);
  set(out, 0, a[0]!, a[0]! + m1 * n1 * FRACTAL_C);
  set(out, 1, a[1]!, a[1]! + m1 * k1 * FRACTAL_AB);
  set(out, 2, a[2]!, a[2]! + k1 * n1 * FRACTAL_AB);
  set(out, 3, a[3]!, i.init === 'bias' ? a[3]! + n1 * 16 * 4 : a[3]!);
};

const fixpipe: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'fixpipe'>;
  const dsize = DTYPE_BYTES[i.dstType];
  const n1 = ceilDiv(i.n, 16);
  const dstExtent = i.nz2nd
    ? ((i.m - 1) * i.dstStride + i.n) * dsize
    : ((n1 - 1) * i.dstStride + i.m) * 16 * dsize;
  set(out, 0, a[0]!, a[0]! + dstExtent);
  set(out, 1, a[1]!, a[1]! + ((n1 - 1) * i.srcStride + ceilDiv(i.m, 16) * 16) * 16 * 4);
  const perChannel = i.quant === 'vreq8' || i.quant === 'vdeqf16';
  set(out, 2, a[2]!, perChannel ? a[2]! + i.n * 8 : a[2]!);
};

const l0cUb: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'copy_l0c_ub'>;
  set(out, 0, a[0]!, a[0]! + bursts(i.blockCount, i.blockLen * FRACTAL_C, i.dstGap * FRACTAL_C));
  set(out, 1, a[1]!, a[1]! + bursts(i.blockCount, i.blockLen * FRACTAL_C, i.srcGap * FRACTAL_C));
};

/** Blocks per repeat of an operand of `size` bytes when a repeat has `lanes` elements. */
const blocksOf = (lanes: number, size: number) => (lanes * size) / BLOCK;

const vecBinary: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'vadd'>;
  set(out, 0, a[0]!, a[0]! + vecExtent(i.repeat, 8, i.dstBlkStride, i.dstRepStride));
  set(out, 1, a[1]!, a[1]! + vecExtent(i.repeat, 8, i.src0BlkStride, i.src0RepStride));
  set(out, 2, a[2]!, a[2]! + vecExtent(i.repeat, 8, i.src1BlkStride, i.src1RepStride));
};
const vecUnary: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'vrelu'>;
  set(out, 0, a[0]!, a[0]! + vecExtent(i.repeat, 8, i.dstBlkStride, i.dstRepStride));
  set(out, 1, a[1]!, a[1]! + vecExtent(i.repeat, 8, i.src0BlkStride, i.src0RepStride));
};
const vecDup: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'vdup'>;
  set(out, 0, a[0]!, a[0]! + vecExtent(i.repeat, 8, i.dstBlkStride, i.dstRepStride));
};
const vecConv: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'vconv'>;
  const ds = DTYPE_BYTES[i.dstType];
  const ss = DTYPE_BYTES[i.srcType];
  const lanes = 256 / Math.max(ds, ss);
  set(out, 0, a[0]!, a[0]! + vecExtent(i.repeat, blocksOf(lanes, ds), i.dstBlkStride, i.dstRepStride));
  set(out, 1, a[1]!, a[1]! + vecExtent(i.repeat, blocksOf(lanes, ss), i.src0BlkStride, i.src0RepStride));
};
const vecReduce: FootprintFn = (insn, a, _cfg, out) => {
  const i = insn as InsnOf<'vcadd'>;
  set(out, 0, a[0]!, a[0]! + i.repeat * DTYPE_BYTES[i.dtype]);
  set(out, 1, a[1]!, a[1]! + vecExtent(i.repeat, 8, i.src0BlkStride, i.src0RepStride));
};
const none: FootprintFn = () => {};

/** Footprint per family; scalar, branch, sync and mask instructions touch no buffer. */
export const FOOTPRINT: Readonly<Record<Family, FootprintFn>> = {
  scalar: none,
  branch: none,
  sync: none,
  'vec-mask': none,
  dma,
  nd2nz,
  load2d,
  load3d,
  mmad,
  fixpipe,
  'l0c-ub': l0cUb,
  'vec-binary': vecBinary,
  'vec-scalar': vecUnary,
  'vec-axpy': vecUnary,
  'vec-unary': vecUnary,
  'vec-dup': vecDup,
  'vec-conv': vecConv,
  'vec-reduce': vecReduce,
};
