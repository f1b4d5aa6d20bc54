/**
 * Quantised (int8/uint8) max and average pooling over NCHW tensors with ONNX-style kernel_shape,
 * strides and pads (dilation 1, floor output size). The same scale and zero point hold for input and
 * output, so pooling works on the stored integers:
 * - max: y = max of the window's elements (padding never wins);
 * - avg: y = RNE(sum / count), sum exact, count = the window's elements inside the input
 *   (count_include_pad = 0) or kh * kw (count_include_pad = 1); the quotient is one float32 division,
 *   which is exactly RNE of the true mean for count < 2^15 (a non-tie quotient is at least 1/(2 count)
 *   away from any half-integer, far more than half a float32 ulp).
 *
 * On the device the tensor is NC1HWC0 (C0 = 32 channels per 32 B block; host-side conversion,
 * reported in the notes), so one block is one input position and strided vector ops can gather a
 * window tap for 8 output positions per repeat. Work items are bands of output rows of one
 * (n, c1) plane; per band: MTE2 loads the needed input rows into a padded UB plane, V converts to
 * f16 (max) or f32 (avg), fills the padding (-65504 for max, 0 for avg), accumulates kh * kw taps
 * (vmax / vadd with block stride = stride * blocks per position), divides (avg), converts back to 8
 * bits, and MTE3 stores the rows.
 */
import { mem } from '../../isa/builder.js';
import type { HwConfig } from '../../hw/config/types.js';
import { Emitter, ub } from '../emitter.js';
import { GmAllocator, OpError, ceilDiv } from '../kernel.js';
import { BASE_REG, bandBlocks, emitBlocks, type BlockCode } from '../vector/dispatch.js';
import { rowBands, type RowBand } from '../vector/geometry.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import { vBinary, vBinaryStrided, vConv, vDup, vDupStrided, vScalar, vScalarStrided } from '../vector/ops.js';
import { emitPipeline, streamQueues } from '../vector/pipeline.js';
import { launchDim, launchedBlocks, vectorTarget } from '../vector/target.js';
import { UbAllocator } from '../vector/ub.js';
import { C0, nc1hwc0ToNchw, nchwToNc1hwc0 } from './pool-layout.js';
import { emitDequantPlane, emitRequantAfterRound, emitRequantBeforeRound, emitRequantConstants } from './pool-requant.js';
import { countTable, planPoolUb, poolGeometry, rowsIn, validCount, type Geom, type PoolUb, type QPoolSpec, type QPoolTiling } from './pool-plan.js';

export type { QPoolSpec, QPoolTiling } from './pool-plan.js';
export { poolGeometry } from './pool-plan.js';

/** Padding value in the compute type: below every 8-bit value for max, neutral for the sum. */
const PAD_VALUE: Readonly<Record<QPoolSpec['kind'], number>> = { max: -65504, avg: 0 };

/** What the QLinear arithmetic of each requant kind does (pool-requant.ts). */
const REQUANT_NOTES: Readonly<Record<NonNullable<QPoolSpec['requant']>['kind'], string>> = {
  dequant: 'QLinear: x dequantised to float32, float32 window sum / count, y = sat(nearbyint(avg / y_scale + y_zp)) as ONNX Runtime',
  sum: 'QLinear global: exact integer sum - x_zp * N, y = sat(RNE(sum * scale) + y_zp), scale = x_scale / (y_scale * N), as MLAS',
};

type Band = RowBand;

/** One band's compute on V: plane, padding, taps, divide, narrow. */
function emitBandCompute(e: Emitter, s: QPoolSpec, g: Geom, u: PoolUb, band: Band, slot: number): void {
  const { dt, bpp, wpa, owp } = g;
  const rin = rowsIn(g, band.rows);
  const ih0 = band.oh0 * g.sh - g.pt;
  const lo = Math.max(0, ih0) - ih0;
  const hi = Math.min(s.h, ih0 + rin) - ih0;
  const pad = PAD_VALUE[s.kind];
  const posBytes = bpp * 32;
  // 8-bit rows -> compute type (float16 directly, float32 through float16)
  if (dt === 'f16') vConv(e, 'f16', s.type, 'rint', u.plane, u.raw[slot]!, rin * wpa * 32);
  else {
    vConv(e, 'f16', s.type, 'rint', u.half, u.raw[slot]!, rin * wpa * 32);
    e.barrier('V');
    vConv(e, 'f32', 'f16', 'rint', u.plane, u.half, rin * wpa * 32);
  }
  e.barrier('V');
  if (s.requant) emitDequantPlane(e, s.requant, u.plane, rin * wpa * 32);
  // padding: whole rows above and below the input, then the pad columns of every row
  if (lo > 0) vDup(e, dt, u.plane, pad, lo * wpa * 32);
  if (hi < rin) vDup(e, dt, u.plane + hi * wpa * posBytes, pad, (rin - hi) * wpa * 32);
  // one vdup per pad column and block part fills 8 rows per repeat; the last rows % 8 under a mask
  const padColumns = Array.from({ length: wpa }, (_, x) => x).filter((x) => x < g.pl || x >= g.pl + s.w);
  const column = (rowFrom: number, repeats: number) =>
    padColumns.forEach((x) => {
      for (let b = 0; b < bpp; b++) vDupStrided(e, dt, u.plane + ((rowFrom * wpa + x) * bpp + b) * 32, { blk: wpa * bpp, rep: 8 * wpa * bpp }, pad, repeats);
    });
  const full = Math.floor(rin / 8);
  if (full > 0) column(0, full);
  if (rin % 8 !== 0 && padColumns.length > 0) {
    e.b.emit('set_mask_count', { count: (rin % 8) * (32 / bpp) }); // lanes of rin % 8 blocks
    column(full * 8, 1);
    e.b.emit('set_mask_count', { count: 128 });
  }
  e.barrier('V');
  // taps: acc = first tap, then acc op= each other tap; 8 output positions per repeat
  const accStride = { blk: bpp, rep: 8 * bpp };
  const tapStride = { blk: g.sw * bpp, rep: 8 * g.sw * bpp };
  for (let i = 0; i < g.kh; i++)
    for (let j = 0; j < g.kw; j++) {
      for (let r = 0; r < band.rows; r++)
        for (let b = 0; b < bpp; b++) {
          const acc = u.acc + (r * owp * bpp + b) * 32;
          const tap = u.plane + (((r * g.sh + i) * wpa + j) * bpp + b) * 32;
          if (i === 0 && j === 0) vScalarStrided(e, 'vadds', dt, { dst: acc, src: tap }, { dst: accStride, src: tapStride }, 0, owp / 8);
          else vBinaryStrided(e, s.kind === 'max' ? 'vmax' : 'vadd', dt, { dst: acc, src0: acc, src1: tap }, { dst: accStride, src0: accStride, src1: tapStride }, owp / 8);
        }
      e.barrier('V');
    }
  const elems = band.rows * owp * 32;
  const out = u.outs[slot]!;
  if (s.kind === 'max') {
    vConv(e, s.type, 'f16', 'rint', out, u.acc, elems);
    return;
  }
  // the global average ('sum' requant) scales the integer sum instead of dividing it
  const divides = s.requant?.kind !== 'sum';
  if (divides && s.countIncludePad) vBinary(e, 'vdiv', 'f32', u.acc, u.acc, u.konst, elems, { blk: 1, rep: 0 });
  else if (divides) {
    for (let r = 0; r < band.rows; r++) vScalar(e, 'vmuls', 'f32', u.div + r * owp * 128, u.table, validCount((band.oh0 + r) * g.sh - g.pt, g.kh, s.h), owp * 32);
    e.barrier('V');
    vBinary(e, 'vdiv', 'f32', u.acc, u.acc, u.div, elems);
  }
  if (s.requant) emitRequantBeforeRound(e, s.requant, s.type, u.acc, u.yScale, elems);
  e.barrier('V');
  vConv(e, 's32', 'f32', 'rint', u.acc, u.acc, elems);
  if (s.requant) emitRequantAfterRound(e, s.requant, u.acc, elems);
  e.barrier('V');
  vConv(e, 'f16', 's32', 'rint', u.half, u.acc, elems);
  e.barrier('V');
  vConv(e, s.type, 'f16', 'rint', out, u.half, elems);
}

/** Generates quantised pooling; GM tensors: `x` and `y` in NC1HWC0 (see poolGmImage / poolOutput). */
export function generateQPool(s: QPoolSpec, cfg: HwConfig, tiling?: Partial<QPoolTiling>): VectorKernel {
  const g = poolGeometry(s);
  const target = vectorTarget(cfg);
  const slots = tiling?.doubleBuffer === false ? 1 : 2;
  const fits = (rows: number) => {
    const a = new UbAllocator(target.ubBytes, cfg.name);
    planPoolUb(s, g, rows, slots, a);
    return a.used <= target.ubBytes;
  };
  let most = 0;
  while (most < g.oh && fits(most + 1)) most++;
  const wanted = tiling?.rows || most;
  if (wanted < 1) {
    const a = new UbAllocator(target.ubBytes, cfg.name);
    planPoolUb(s, g, 1, slots, a);
    a.check('one output row does not fit: use a narrower input or turn off double buffering');
  }
  const rows = ceilDiv(g.oh, ceilDiv(g.oh, Math.min(wanted, g.oh)));
  const ubA = new UbAllocator(target.ubBytes, cfg.name);
  const u = planPoolUb(s, g, rows, slots, ubA);
  ubA.check('use fewer rows per chunk or turn off double buffering');

  const alloc = new GmAllocator();
  const inPlane = s.h * s.w * C0;
  const outPlane = g.oh * g.ow * C0;
  const x = alloc.alloc({ name: 'x', role: 'input', dtype: s.type, dims: [s.n, g.c1, s.h, s.w, C0], layout: 'NC1HWC0', bytes: g.planes * inPlane });
  const y = alloc.alloc({ name: 'y', role: 'output', dtype: s.type, dims: [s.n, g.c1, g.oh, g.ow, C0], layout: 'NC1HWC0', bytes: g.planes * outPlane });
  const exclude = s.kind === 'avg' && !s.countIncludePad;
  const counts = exclude ? countTable(s, g) : null;
  const tableGm = counts ? alloc.alloc({ name: 'pool_counts', role: 'param', dtype: 'f32', dims: [g.owp, 32], layout: 'VECTOR', bytes: counts.length }) : null;

  const bands = rowBands(g.planes, g.oh, rows);
  const blocks = Math.min(tiling?.blocks ?? target.maxBlocks, bands.length);
  if (!Number.isSafeInteger(blocks) || blocks < 1 || blocks > target.maxBlocks) throw new OpError(`pooling: blocks ${blocks} is outside 1..${target.maxBlocks}`);

  const code = bandBlocks(launchedBlocks(target, blocks), bands, blocks, (mine): BlockCode => {
    const p0 = mine[0]!.plane;
    return {
      key: JSON.stringify(mine.map((m) => [m.plane - p0, m.oh0, m.rows])),
      regs: [
        [BASE_REG, x.offset + p0 * inPlane],
        [BASE_REG + 1, y.offset + p0 * outPlane],
      ],
      emit: (e) => {
        const ev = e.startBlock();
        const io = streamQueues(ev, slots);
        const countsLoaded = ev.signal('MTE2', 'V', 'count table loaded');
        if (tableGm) {
          e.b.emit('copy_gm_ub', { dst: ub(u.table), src: mem('GM', tableGm.offset), blockCount: 1, blockLen: tableGm.bytes, srcGap: 0, dstGap: 0 });
          countsLoaded.set();
          countsLoaded.wait();
        }
        if (s.kind === 'avg' && s.countIncludePad) {
          vDup(e, 'f32', u.konst, g.kh * g.kw, 64);
          e.barrier('V');
        }
        if (s.requant) emitRequantConstants(e, s.requant, u.yScale);
        emitPipeline(
          e,
          io,
          mine.map((m) => ({
            load: (slot: number) => {
              const ih0 = m.oh0 * g.sh - g.pt;
              const lo = Math.max(0, ih0);
              const hi = Math.min(s.h, ih0 + rowsIn(g, m.rows));
              e.b.emit('copy_gm_ub', {
                dst: ub(u.raw[slot]! + ((lo - ih0) * g.wpa + g.pl) * 32),
                src: mem('GM', (m.plane - p0) * inPlane + lo * s.w * C0, BASE_REG),
                blockCount: hi - lo,
                blockLen: s.w * C0,
                srcGap: 0,
                dstGap: g.wpa - s.w,
              });
            },
            compute: (slot: number) => emitBandCompute(e, s, g, u, m, slot),
            store: (slot: number) =>
              e.b.emit('copy_ub_gm', {
                dst: mem('GM', (m.plane - p0) * outPlane + m.oh0 * g.ow * C0, BASE_REG + 1),
                src: ub(u.outs[slot]!),
                blockCount: m.rows,
                blockLen: g.ow * C0,
                srcGap: g.owp - g.ow,
                dstGap: 0,
              }),
          })),
        );
        e.b.emit('end', {});
      },
    };
  });
  const e = new Emitter(cfg);
  emitBlocks(e, code);
  return {
    name: `q_${s.kind}_pool`,
    programs: { [target.kind]: e.b.build() },
    blockDim: launchDim(target, blocks),
    gmBytes: alloc.size,
    tensors: alloc.tensors,
    notes: [
      'host-side layout conversion: x given in NC1HWC0 (C0 = 32) and y returned in NC1HWC0',
      `${s.kind} pool ${g.kh} x ${g.kw}, stride ${g.sh} x ${g.sw}: ${bands.length} band(s) of up to ${rows} output rows over ${blocks} block(s)`,
      s.kind === 'max' ? 'max over the window; padding never wins' : s.requant ? REQUANT_NOTES[s.requant.kind] : `average = RNE(sum / ${s.countIncludePad ? 'kh * kw' : 'elements inside the input'}) by one float32 division`,
    ],
    tiling: { blocks, rows, doubleBuffer: slots === 2 },
    blobs: counts && tableGm ? [{ offset: tableGm.offset, bytes: counts }] : [],
  };
}

/** GM image with x (NCHW bytes of the 8-bit type) converted to NC1HWC0. */
export function poolInput(s: QPoolSpec, x: Int8Array | Uint8Array): Uint8Array {
  return nchwToNc1hwc0(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), s.n, s.c, s.h, s.w);
}

/** y (NC1HWC0 bytes from GM) back to NCHW values. */
export function poolOutput(s: QPoolSpec, y: Uint8Array): Int8Array | Uint8Array {
  const g = poolGeometry(s);
  const bytes = nc1hwc0ToNchw(y, s.n, s.c, g.oh, g.ow);
  return s.type === 's8' ? new Int8Array(bytes.buffer) : bytes;
}
