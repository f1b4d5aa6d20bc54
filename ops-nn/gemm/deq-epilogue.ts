/**
 * The vendor-like requantisation of a UB epilogue ('deq-f16', ONNX semantics): the int32 rows
 * (bias already added) go to f16 through the dequantising cast with the multiplier M, and from f16
 * to int8 with RNE and saturation:
 *
 *   h = deq(acc, M)                       vconv_deq (one M) or vconv_vdeq (M per column, f16 table)
 *   y_zp = 0:  y = sat(RNE(h))            vconv s8|u8 <- f16
 *   y_zp != 0: y = RNE(clamp(h, qmin - zp, qmax - zp)) + zp, narrowed exactly:
 *              vmaxs, vmins (f16), vconv s16 <- f16 (rint), vadds s16 zp, vconv f16 <- s16, vconv 8 bit
 *
 * The zero point is added as an integer after rounding, as ONNX Runtime does (adding it in f16
 * before rounding would move ties). What differs from ORT is h itself: M is kept as fp16 and the
 * product is rounded to fp16 (11 significant bits) before RNE to an integer.
 *
 * Layout: with one M the passes run over the whole region and compact it (rows end up npad bytes
 * apart). With a table the passes go column chunk by column chunk with rows as repeats, in place
 * and keeping the int32 row pitch (npad * 4 bytes): a chunk only overwrites bytes of chunks to its
 * left, which earlier instructions have read, so no scratch region is needed.
 */
import type { Dtype } from '../../isa/types.js';
import { mem } from '../../isa/builder.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { Emitter, ub } from '../emitter.js';
import { wholeConv, wholeScalar, type ScalarOp } from './ub-passes.js';
import type { GemmEpilogue } from './spec.js';

type Requant = Extract<GemmEpilogue, { kind: 'requant' }>;

/** Where the rows are and where the per-column f16 scales start (null: one multiplier). */
export interface DeqRows {
  readonly nd: number;
  readonly rows: number;
  readonly npad: number;
  /** byte address of the tile's first column in the f16 scale table, or null when M is uniform */
  readonly scales: number | null;
}

const DEQ_LANES = 64; // one repeat: 64 s32 in, 64 f16 out
const HALF_LANES = 128; // one repeat of a 16-bit op

/** Output range of the 8-bit types. */
const RANGE: Readonly<Record<'s8' | 'u8', readonly [number, number]>> = { s8: [-128, 127], u8: [0, 255] };

/**
 * One instruction per chunk of `lanes` columns, rows as repeats `pitch` bytes apart; a last chunk
 * narrower than `lanes` runs under a counted mask.
 */
function byColumnChunk(e: Emitter, npad: number, rows: number, lanes: number, emit: (col: number, first: number, count: number) => void): void {
  for (let c = 0; c < npad; c += lanes) {
    const partial = npad - c < lanes;
    if (partial) e.b.emit('set_mask_count', { count: npad - c });
    e.repeatRuns(rows, (r, n) => emit(c, r, n));
    if (partial) e.b.emit('set_mask_count', { count: 128 });
  }
}

/** Per-column deq, in place at the int32 row pitch: row r's chunk c of f16 lands at byte 2c of the row. */
function perColumnDeq(e: Emitter, d: DeqRows, scales: number): void {
  const pitchBlocks = d.npad / 8; // npad * 4 bytes
  byColumnChunk(e, d.npad, d.rows, DEQ_LANES, (c, r, n) => {
    const row = d.nd + r * d.npad * 4;
    e.b.emit('vconv_vdeq', {
      dst: ub(row + c * 2),
      src0: ub(row + c * 4),
      src1: mem('UB', scales + c * 2),
      repeat: n,
      dstBlkStride: 1,
      src0BlkStride: 1,
      src1BlkStride: 1,
      dstRepStride: pitchBlocks,
      src0RepStride: pitchBlocks,
      src1RepStride: 0,
    });
  });
}

/** One-multiplier deq over the whole region, compacting s32 -> f16 toward `nd`. */
function wholeDeq(e: Emitter, nd: number, elems: number, scale: number): void {
  e.repeatRuns(elems / DEQ_LANES, (r, n) =>
    e.b.emit('vconv_deq', { dst: ub(nd + r * 128), src0: ub(nd + r * 256), scale, repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 4, src0RepStride: 8 }),
  );
}

/** The 16-bit passes, over the whole compact region or chunk by chunk at the int32 row pitch. */
interface HalfPasses {
  scalar(op: ScalarOp, dtype: Dtype, value: number): void;
  conv(dstType: Dtype, srcType: Dtype): void;
}

function compactPasses(e: Emitter, nd: number, elems: number): HalfPasses {
  return {
    scalar: (op, dtype, value) => wholeScalar(e, op, dtype, nd, elems, value),
    conv: (dstType, srcType) => wholeConv(e, dstType, srcType, nd, elems),
  };
}

function pitchedPasses(e: Emitter, d: DeqRows): HalfPasses {
  const pitchBlocks = d.npad / 8;
  const at = (r: number, c: number, dtype: Dtype) => d.nd + r * d.npad * 4 + c * DTYPE_BYTES[dtype];
  return {
    scalar: (op, dtype, value) =>
      byColumnChunk(e, d.npad, d.rows, HALF_LANES, (c, r, n) =>
        e.b.emit(op, { dtype, dst: ub(at(r, c, dtype)), src0: ub(at(r, c, dtype)), scalar: value, repeat: n, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: pitchBlocks, src0RepStride: pitchBlocks }),
      ),
    conv: (dstType, srcType) =>
      byColumnChunk(e, d.npad, d.rows, HALF_LANES, (c, r, n) =>
        e.b.emit('vconv', {
          dstType,
          srcType,
          round: 'rint',
          dst: ub(at(r, c, dstType)),
          src0: ub(at(r, c, srcType)),
          repeat: n,
          dstBlkStride: 1,
          src0BlkStride: 1,
          dstRepStride: pitchBlocks,
          src0RepStride: pitchBlocks,
        }),
      ),
  };
}

/** Emits the 'deq-f16' requantisation of the rows; returns the byte pitch of the int8 result rows. */
export function emitDeqRequant(e: Emitter, d: DeqRows, ep: Requant): number {
  if (ep.semantics !== 'onnx') throw new Error("the 'deq-f16' vector requantisation implements the ONNX semantics only");
  const step = (f: () => void) => {
    f();
    e.barrier('V');
  };
  const elems = d.rows * d.npad;
  const scales = d.scales;
  if (scales === null) step(() => wholeDeq(e, d.nd, elems, ep.scales[0]!));
  else step(() => perColumnDeq(e, d, scales));
  const passes = scales === null ? compactPasses(e, d.nd, elems) : pitchedPasses(e, d);
  const zp = ep.offsets[0]!;
  if (zp !== 0) {
    const [qmin, qmax] = RANGE[ep.outType];
    step(() => passes.scalar('vmaxs', 'f16', qmin - zp));
    step(() => passes.scalar('vmins', 'f16', qmax - zp));
    step(() => passes.conv('s16', 'f16'));
    step(() => passes.scalar('vadds', 's16', zp));
    step(() => passes.conv('f16', 's16'));
  }
  step(() => passes.conv(ep.outType, 'f16'));
  return scales === null ? d.npad : d.npad * 4;
}
