/**
 * Depthwise convolution (group = C = OC) on the vector unit, the way the vendor runs it instead of
 * wasting the cube on one input channel per output: channels in the lanes (NC1HWC0), and per filter
 * tap one multiply pass and one add pass over a row of output positions, the tap's input positions
 * gathered by the block stride (stride * blocks per position).
 *
 * - INT8 (s8 / u8 activations): the band is widened to s32 on chip (vconv 8-bit -> f16 -> s32: the
 *   ISA has no direct 8-bit -> s32 cast, and both steps are exact), multiplied by the host-prepared
 *   weights w - w_zp (s32) and summed in s32 (vmul + vadd, wrapping as int32 does), so the sum is
 *   ONNX Runtime's exactly. Padded positions hold x_zp; the host folds - x_zp * sum(w - w_zp) into
 *   the int32 bias (the zero-point algebra of docs/quantisation.md). Then bias, and the library's
 *   exact ONNX requantisation: fp32(fp32(acc) * M[c]) clamped to [qmin - zp, qmax - zp], round half
 *   to even, + zp, narrowed through f16.
 * - FP16: widened to f32, per tap vmul (f16 x f16 products are exact in f32) + vadd (one rounding
 *   per tap, taps in row-major (kh, kw) order: the same bits as Ascend C MulAddDst), bias added
 *   last, rounded to f16 once.
 *
 * Work items are bands of output rows of one (image, channel block) plane, spread over every
 * vector core; each band: MTE2 loads its input rows and the plane's weights, V widens, pads,
 * accumulates the taps and narrows, MTE3 stores (double-buffered, ../vector/pipeline.ts).
 */
import { mem } from '../../isa/builder.js';
import type { HwConfig } from '../../hw/config/types.js';
import { f16BitsToNumber, numberToF16Bits, roundF16 } from '../../isa/numeric/float16.js';
import { Emitter, ub } from '../emitter.js';
import { GmAllocator, OpError } from '../kernel.js';
import { QRANGE } from '../quant/common.js';
import { BASE_REG, bandBlocks, emitBlocks, type BlockCode } from '../vector/dispatch.js';
import { rowBands, type RowBand } from '../vector/geometry.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import { vBinary, vBinaryStrided, vConv, vDup, vDupStrided, vScalar, type Stride } from '../vector/ops.js';
import { emitPipeline, streamQueues } from '../vector/pipeline.js';
import { launchDim, launchedBlocks, vectorTarget } from '../vector/target.js';
import { UbAllocator } from '../vector/ub.js';
import { depthwiseGeometry, dwBlockEstimate, dwRowsIn, paramBytes, planDepthwiseUb, type DepthwiseSpec, type DepthwiseTiling, type DwGeom, type DwUb } from './depthwise-plan.js';

export type { DepthwiseSpec, DepthwiseTiling } from './depthwise-plan.js';
export { depthwiseGeometry } from './depthwise-plan.js';

type Band = RowBand;

const isInt8 = (s: DepthwiseSpec) => s.type !== 'f16';
const computeType = (s: DepthwiseSpec) => (isInt8(s) ? 's32' : 'f32');
const perChannelScale = (s: DepthwiseSpec) => isInt8(s) && (s.multipliers?.length ?? 1) > 1;

/** Widens the band's rows to the compute type and fills the padding (rows above / below, pad columns). */
function emitWiden(e: Emitter, s: DepthwiseSpec, g: DwGeom, u: DwUb, band: Band, slot: number): number {
  const v = s.shape;
  const dt = computeType(s);
  const rin = dwRowsIn(s, band.rows);
  const elems = rin * g.wpa * g.c0;
  if (isInt8(s)) {
    vConv(e, 'f16', s.type, 'rint', u.half, u.raw[slot]!, elems);
    e.barrier('V');
    vConv(e, 's32', 'f16', 'rint', u.plane, u.half, elems);
  } else vConv(e, 'f32', 'f16', 'rint', u.plane, u.raw[slot]!, elems);
  e.barrier('V');
  const ih0 = band.oh0 * v.strideH - v.padTop;
  const lo = Math.max(0, ih0) - ih0;
  const hi = Math.min(v.h, ih0 + rin) - ih0;
  const rowBlocks = g.wpa * g.bpp;
  const lanesPerRow = (g.wpa * g.bpp * 32) / 4;
  if (lo > 0) vDup(e, dt, u.plane, s.padValue, lo * lanesPerRow);
  if (hi < rin) vDup(e, dt, u.plane + hi * rowBlocks * 32, s.padValue, (rin - hi) * lanesPerRow);
  // one vdup per pad column and block part fills 8 rows per repeat; the last rows % 8 under a mask
  const padColumns = Array.from({ length: g.wpa }, (_, x) => x).filter((x) => x < v.padLeft || x >= v.padLeft + v.w);
  const column = (rowFrom: number, repeats: number) =>
    padColumns.forEach((x) => {
      for (let b = 0; b < g.bpp; b++) vDupStrided(e, dt, u.plane + ((rowFrom * g.wpa + x) * g.bpp + b) * 32, { blk: rowBlocks, rep: 8 * rowBlocks }, s.padValue, repeats);
    });
  const full = Math.floor(rin / 8);
  if (full > 0) column(0, full);
  if (rin % 8 !== 0 && padColumns.length > 0) {
    e.b.emit('set_mask_count', { count: (rin % 8) * 8 }); // 8 lanes of 4 bytes per block
    column(full * 8, 1);
    e.b.emit('set_mask_count', { count: 128 });
  }
  e.barrier('V');
  return rin;
}

/**
 * acc = sum over taps of x(tap) * w(tap), one vmul per (tap, output row, block part) into one of two
 * product buffers and one vadd of the whole band per tap: the add of tap t and the multiply of tap
 * t + 1 touch different buffers, so one barrier per tap orders everything.
 */
function emitTaps(e: Emitter, s: DepthwiseSpec, g: DwGeom, u: DwUb, band: Band, slot: number): void {
  const v = s.shape;
  const dt = computeType(s);
  const posStride: Stride = { blk: g.bpp, rep: 8 * g.bpp };
  const tapStride: Stride = { blk: v.strideW * g.bpp, rep: 8 * v.strideW * g.bpp };
  const oneBlock: Stride = { blk: 0, rep: 0 };
  const elems = band.rows * g.owp * g.c0;
  for (let t = 0; t < g.taps; t++) {
    const i = Math.floor(t / v.kw);
    const j = t % v.kw;
    const dst = t === 0 ? u.acc : u.prod[t % 2]!;
    for (let r = 0; r < band.rows; r++)
      for (let b = 0; b < g.bpp; b++) {
        const tap = u.plane + (((r * v.strideH + i * v.dilationH) * g.wpa + j * v.dilationW) * g.bpp + b) * 32;
        const w = u.params[slot]! + (t * g.bpp + b) * 32;
        vBinaryStrided(e, 'vmul', dt, { dst: dst + (r * g.owp * g.bpp + b) * 32, src0: tap, src1: w }, { dst: posStride, src0: tapStride, src1: oneBlock }, g.owp / 8);
      }
    if (t > 0) {
      e.barrier('V');
      vBinary(e, 'vadd', dt, u.acc, u.acc, dst, elems);
    }
  }
  e.barrier('V');
}

/** dst[pos, c] op= table[c] over every position of the band: one strided pass per block part. */
function perChannelPass(e: Emitter, op: 'vadd' | 'vmul', dt: 's32' | 'f32', g: DwGeom, at: number, table: number, positions: number): void {
  for (let b = 0; b < g.bpp; b++) {
    const s: Stride = { blk: g.bpp, rep: 8 * g.bpp };
    vBinaryStrided(e, op, dt, { dst: at + b * 32, src0: at + b * 32, src1: table + b * 32 }, { dst: s, src0: s, src1: { blk: 0, rep: 0 } }, positions / 8);
  }
}

/** Bias, then requantisation (INT8) or the fp16 rounding, into the slot's output rows. */
function emitEpilogue(e: Emitter, s: DepthwiseSpec, g: DwGeom, u: DwUb, band: Band, slot: number): void {
  const positions = band.rows * g.owp;
  const elems = positions * g.c0;
  const params = u.params[slot]!;
  const bias = params + g.taps * g.bpp * 32;
  const mult = bias + g.bpp * 32;
  const out = u.outs[slot]!;
  perChannelPass(e, 'vadd', computeType(s), g, u.acc, bias, positions);
  e.barrier('V');
  if (!isInt8(s)) {
    vConv(e, 'f16', 'f32', 'rint', out, u.acc, elems);
    return;
  }
  const outType = s.outType ?? 's8';
  const zp = s.zeroPoint ?? 0;
  const [qmin, qmax] = QRANGE[outType];
  vConv(e, 'f32', 's32', 'rint', u.acc, u.acc, elems);
  e.barrier('V');
  if (perChannelScale(s)) perChannelPass(e, 'vmul', 'f32', g, u.acc, mult, positions);
  else vScalar(e, 'vmuls', 'f32', u.acc, u.acc, s.multipliers?.[0] ?? 1, elems);
  e.barrier('V');
  vScalar(e, 'vmaxs', 'f32', u.acc, u.acc, qmin - zp, elems);
  e.barrier('V');
  vScalar(e, 'vmins', 'f32', u.acc, u.acc, qmax - zp, elems);
  e.barrier('V');
  vConv(e, 's32', 'f32', 'rint', u.acc, u.acc, elems);
  if (zp !== 0) {
    e.barrier('V');
    vScalar(e, 'vadds', 's32', u.acc, u.acc, zp, elems);
  }
  e.barrier('V');
  vConv(e, 'f16', 's32', 'rint', u.half, u.acc, elems);
  e.barrier('V');
  vConv(e, outType, 'f16', 'rint', out, u.half, elems);
}

/** Rows per band and blocks: the largest band UB holds, shrunk while that spreads work better over the cores. */
function chooseTiling(s: DepthwiseSpec, g: DwGeom, maxBlocks: number, slots: number, ubBytes: number, cfgName: string, t?: Partial<DepthwiseTiling>): { rows: number; blocks: number } {
  const fits = (rows: number) => {
    const a = new UbAllocator(ubBytes, cfgName);
    planDepthwiseUb(s, g, rows, slots, a);
    return a.used <= ubBytes;
  };
  let most = 0;
  while (most < s.shape.oh && fits(most + 1)) most++;
  if (most < 1 || (t?.rows && !fits(t.rows))) {
    const a = new UbAllocator(ubBytes, cfgName);
    planDepthwiseUb(s, g, t?.rows || 1, slots, a);
    a.check(t?.rows ? 'use fewer rows per band or turn off double buffering' : 'one output row does not fit: split the image along W or turn off double buffering');
  }
  const blocksFor = (rows: number) => Math.min(t?.blocks ?? maxBlocks, g.planes * Math.ceil(s.shape.oh / rows));
  if (t?.rows) return { rows: t.rows, blocks: blocksFor(t.rows) };
  let best = most;
  for (let rows = most; rows >= 1; rows--) if (dwBlockEstimate(s, g, rows, blocksFor(rows)) < dwBlockEstimate(s, g, best, blocksFor(best))) best = rows;
  return { rows: best, blocks: blocksFor(best) };
}

/** Whether `generateDepthwise` (default tiling) runs `s` on `cfg`: strides in range and one output row in UB. */
export function depthwiseFits(s: DepthwiseSpec, cfg: HwConfig): boolean {
  let g: DwGeom;
  try {
    g = depthwiseGeometry(s);
  } catch (e) {
    if (e instanceof OpError) return false;
    throw e;
  }
  const t = vectorTarget(cfg);
  const a = new UbAllocator(t.ubBytes, cfg.name);
  planDepthwiseUb(s, g, 1, 2, a);
  return a.used <= t.ubBytes;
}

/** Generates the depthwise kernel; GM tensors: `x` and `y` in NC1HWC0, `params` per channel block (depthwiseParams). */
export function generateDepthwise(s: DepthwiseSpec, cfg: HwConfig, tiling?: Partial<DepthwiseTiling>): VectorKernel {
  const g = depthwiseGeometry(s);
  const v = s.shape;
  if (isInt8(s) && s.multipliers && s.multipliers.length !== 1 && s.multipliers.length !== v.c)
    throw new OpError(`depthwise conv: ${s.multipliers.length} multipliers; give 1 or one per channel (${v.c})`);
  const target = vectorTarget(cfg);
  const slots = tiling?.doubleBuffer === false ? 1 : 2;
  const { rows, blocks } = chooseTiling(s, g, target.maxBlocks, slots, target.ubBytes, cfg.name, tiling);
  if (!Number.isSafeInteger(blocks) || blocks < 1 || blocks > target.maxBlocks) throw new OpError(`depthwise conv: blocks ${blocks} is outside 1..${target.maxBlocks}`);
  const ubA = new UbAllocator(target.ubBytes, cfg.name);
  const u = planDepthwiseUb(s, g, rows, slots, ubA);
  ubA.check('use fewer rows per band or turn off double buffering');

  const alloc = new GmAllocator();
  const inPlane = v.h * v.w * 32;
  const outPlane = v.oh * v.ow * 32;
  const pBytes = paramBytes(g);
  const outType = isInt8(s) ? (s.outType ?? 's8') : 'f16';
  const x = alloc.alloc({ name: 'x', role: 'input', dtype: s.type, dims: [v.n, g.c1, v.h, v.w, g.c0], layout: 'NC1HWC0', bytes: g.planes * inPlane });
  const params = alloc.alloc({ name: 'params', role: 'input', dtype: computeType(s), dims: [g.c1, g.taps + 2, g.c0], layout: 'VECTOR', bytes: g.c1 * pBytes });
  const y = alloc.alloc({ name: 'y', role: 'output', dtype: outType, dims: [v.n, g.c1, v.oh, v.ow, g.c0], layout: 'NC1HWC0', bytes: g.planes * outPlane });

  const bands = rowBands(g.planes, v.oh, rows);
  const code = bandBlocks(launchedBlocks(target, blocks), bands, blocks, (mine): BlockCode => {
    const p0 = mine[0]!.plane;
    const c10 = p0 % g.c1;
    return {
      key: JSON.stringify(mine.map((m) => [m.plane - p0, (m.plane % g.c1) - c10, m.oh0, m.rows])),
      regs: [
        [BASE_REG, x.offset + p0 * inPlane],
        [BASE_REG + 1, y.offset + p0 * outPlane],
        [BASE_REG + 2, params.offset + c10 * pBytes],
      ],
      emit: (e) => {
        const io = streamQueues(e.startBlock(), slots);
        emitPipeline(
          e,
          io,
          mine.map((m) => ({
            load: (slot: number) => {
              const ih0 = m.oh0 * v.strideH - v.padTop;
              const lo = Math.max(0, ih0);
              const hi = Math.min(v.h, ih0 + dwRowsIn(s, m.rows));
              if (hi > lo)
                e.b.emit('copy_gm_ub', {
                  dst: ub(u.raw[slot]! + ((lo - ih0) * g.wpa + v.padLeft) * 32),
                  src: mem('GM', (m.plane - p0) * inPlane + lo * v.w * 32, BASE_REG),
                  blockCount: hi - lo,
                  blockLen: v.w * 32,
                  srcGap: 0,
                  dstGap: g.wpa - v.w,
                });
              e.b.emit('copy_gm_ub', { dst: ub(u.params[slot]!), src: mem('GM', ((m.plane % g.c1) - c10) * pBytes, BASE_REG + 2), blockCount: 1, blockLen: pBytes, srcGap: 0, dstGap: 0 });
            },
            compute: (slot: number) => {
              emitWiden(e, s, g, u, m, slot);
              emitTaps(e, s, g, u, m, slot);
              emitEpilogue(e, s, g, u, m, slot);
            },
            store: (slot: number) =>
              e.b.emit('copy_ub_gm', {
                dst: mem('GM', (m.plane - p0) * outPlane + m.oh0 * v.ow * 32, BASE_REG + 1),
                src: ub(u.outs[slot]!),
                blockCount: m.rows,
                blockLen: v.ow * 32,
                srcGap: g.owp - v.ow,
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
  const arithmetic = isInt8(s)
    ? `INT8: ${s.type} widened to s32 (vconv through f16), per tap vmul + vadd in s32 (exact int32 accumulation), + bias, ONNX requant ${perChannelScale(s) ? 'per channel' : 'per tensor'} -> ${outType}`
    : 'FP16: widened to f32, per tap vmul + vadd in f32 (taps in row-major order; f16 products exact), + bias, rounded to f16 once';
  return {
    name: isInt8(s) ? 'dw_conv' : 'dw_conv_f16',
    programs: { [target.kind]: e.b.build() },
    blockDim: launchDim(target, blocks),
    gmBytes: alloc.size,
    tensors: alloc.tensors,
    notes: [
      `host-side layout conversion: x given in NC1HWC0 (C0 = ${g.c0}) and y returned in NC1HWC0; weights, bias${isInt8(s) ? ' (x_zp folded in) and multipliers' : ''} prepared per channel block`,
      `depthwise ${v.kh} x ${v.kw}, stride ${v.strideH} x ${v.strideW}, on the vector unit: channels in lanes, one multiply and one add pass per tap over each output row`,
      arithmetic,
      `${bands.length} band(s) of up to ${rows} output rows over ${blocks} block(s)`,
    ],
    tiling: { blocks, rows, doubleBuffer: slots === 2 },
    blobs: [],
  };
}

/** The per-channel values the host prepares: tap weights (c, t = kh * KW + kw), bias, multiplier. */
export interface DepthwiseParams {
  readonly weight: (c: number, tap: number) => number;
  readonly bias: (c: number) => number;
  readonly multiplier?: (c: number) => number;
}

/** The `params` tensor: per channel block, taps x C0 weights, C0 biases, C0 multipliers (s32 / f32; padded channels 0). */
export function depthwiseParams(s: DepthwiseSpec, p: DepthwiseParams): Uint8Array {
  const g = depthwiseGeometry(s);
  const out = new Uint8Array(g.c1 * paramBytes(g));
  const view = new DataView(out.buffer);
  const put = (at: number, x: number) => (isInt8(s) ? view.setInt32(at, x, true) : view.setFloat32(at, x, true));
  for (let c = 0; c < s.shape.c; c++) {
    const base = Math.floor(c / g.c0) * paramBytes(g) + (c % g.c0) * 4;
    for (let t = 0; t < g.taps; t++) put(base + t * g.c0 * 4, p.weight(c, t));
    put(base + g.taps * g.c0 * 4, p.bias(c));
    if (p.multiplier) view.setFloat32(base + (g.taps + 1) * g.c0 * 4, p.multiplier(c), true);
  }
  return out;
}

/** NCHW elements (8-bit bytes, or fp16 values) -> the NC1HWC0 bytes of `x`. */
export function depthwiseInput(s: DepthwiseSpec, x: Uint8Array | Float32Array): Uint8Array {
  const g = depthwiseGeometry(s);
  const v = s.shape;
  const hw = v.h * v.w;
  const out = new Uint8Array(g.planes * hw * 32);
  const bytes = isInt8(s) ? 1 : 2;
  const view = new DataView(out.buffer);
  for (let n = 0; n < v.n; n++)
    for (let c = 0; c < v.c; c++) {
      const plane = (n * g.c1 + Math.floor(c / g.c0)) * hw * 32 + (c % g.c0) * bytes;
      for (let p = 0; p < hw; p++) {
        const src = (n * v.c + c) * hw + p;
        if (bytes === 1) out[plane + p * 32] = (x as Uint8Array)[src]!;
        else view.setUint16(plane + p * 32, numberToF16Bits(x[src]!), true);
      }
    }
  return out;
}

/** The NC1HWC0 bytes of `y` -> NCHW: 8-bit bytes, or fp16 values. */
export function depthwiseOutput(s: DepthwiseSpec, y: Uint8Array): Uint8Array | Float32Array {
  const g = depthwiseGeometry(s);
  const v = s.shape;
  const hw = v.oh * v.ow;
  const f16 = !isInt8(s);
  const out = f16 ? new Float32Array(v.n * v.c * hw) : new Uint8Array(v.n * v.c * hw);
  const view = new DataView(y.buffer, y.byteOffset, y.byteLength);
  for (let n = 0; n < v.n; n++)
    for (let c = 0; c < v.c; c++) {
      const plane = (n * g.c1 + Math.floor(c / g.c0)) * hw * 32 + (c % g.c0) * (f16 ? 2 : 1);
      for (let p = 0; p < hw; p++) out[(n * v.c + c) * hw + p] = f16 ? f16BitsToNumber(view.getUint16(plane + p * 32, true)) : y[plane + p * 32]!;
    }
  return out;
}

/**
 * FP16 reference of the kernel's arithmetic: per output, the products x * w (exact in f32) summed
 * in f32 in row-major tap order starting from the first product, padding 0, then + bias in f32, rounded once to f16. NCHW values.
 */
export function depthwiseF16Reference(s: DepthwiseSpec, x: Float32Array, w: Float32Array, bias: Float32Array | null): Float32Array {
  const v = s.shape;
  const out = new Float32Array(v.n * v.c * v.oh * v.ow);
  for (let n = 0; n < v.n; n++)
    for (let c = 0; c < v.c; c++)
      for (let oh = 0; oh < v.oh; oh++)
        for (let ow = 0; ow < v.ow; ow++) {
          let a = Number.NaN; // the first product starts the sum (vmul into acc), so -0 stays -0
          for (let i = 0; i < v.kh; i++)
            for (let j = 0; j < v.kw; j++) {
              const ih = oh * v.strideH - v.padTop + i * v.dilationH;
              const iw = ow * v.strideW - v.padLeft + j * v.dilationW;
              const xv = ih >= 0 && ih < v.h && iw >= 0 && iw < v.w ? x[((n * v.c + c) * v.h + ih) * v.w + iw]! : 0;
              const p = Math.fround(xv * w[(c * v.kh + i) * v.kw + j]!);
              a = i === 0 && j === 0 ? p : Math.fround(a + p);
            }
          out[((n * v.c + c) * v.oh + oh) * v.ow + ow] = roundF16(Math.fround(a + (bias ? bias[c]! : 0)));
        }
  return out;
}
