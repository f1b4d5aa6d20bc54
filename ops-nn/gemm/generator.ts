/**
 * GEMM kernel generator (the cube side of matmul and conv). Output tiles (baseM x baseN of one
 * batch entry) are split over blocks; each block's code is straight-line behind a `bidx` dispatch.
 * Per tile the K loop (every B piece, every K chunk) runs MTE2 (GM -> L1), MTE1 (L1 -> L0A/L0B, or
 * img2col from a feature map kept in L1) and M (mmad into L0C) as a double-buffered pipeline joined
 * by set_flag / wait_flag; the epilogue runs in the fixpipe (arch 2201) or through UB (coupled).
 *
 * Event ids: MTE2->MTE1 0,1 = L1 chunk full, 2 = bias table ready, 3 = feature map ready;
 * MTE1->MTE2 0,1 = L1 chunk free, 3 = feature map free; MTE1->M 0,1 = L0 tile full; M->MTE1 0,1 =
 * L0 tile free; M->FIX|V 0,1 = L0C tile full; FIX|V->M 0,1 = L0C tile free; MTE2->FIX|V 0 = tables
 * ready; V->MTE3 0,1 = output tile ready; MTE3->V 0,1 = ND region free.
 *
 * The UB epilogue on a separated chip (arch 2201) is a mixed AIC + AIV kernel: the AIC's fixpipe
 * writes int32 tiles into a double-buffered GM workspace; both AIVs of the group convert half of
 * each tile's rows in UB. Cross-core ids: 0,1 = workspace slot full (AIC -> AIVs), 2,3 = slot read
 * (each AIV -> AIC; the AIC waits twice). AIV event ids: MTE2->V 0,1 = rows loaded, 2 = tables
 * ready; V->MTE3 0,1 = rows converted; MTE3->MTE2 0,1 = UB slot free.
 */
import { mem } from '../../isa/builder.js';
import type { Dtype, Pipe } from '../../isa/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { hardwareScale } from '../../isa/numeric/fixpipe-quant.js';
import type { HwConfig } from '../../hw/config/types.js';
import { Emitter, gm, l1, ub } from '../emitter.js';
import { GmAllocator, OpError, ceilDiv, roundUp, type Kernel, type TensorDesc } from '../kernel.js';
import { nzBytes } from '../layout.js';
import { accType, columnsOf, outTypeOf, tableEntries, tableStride, type GemmProblem } from './spec.js';
import { checkGemmTiling, defaultGemmTiling, elemBytes, featureMapBytes, k0Of, type GemmTiling } from './tiling.js';
import { emitConvertRows, emitVectorEpilogue, type Tile, type UbPlan } from './vector-epilogue.js';

type GmName = 'a' | 'b' | 'y' | 'bias' | 'words' | 'tables' | 'workspace';

interface Plan {
  readonly p: GemmProblem;
  readonly t: GemmTiling;
  readonly cfg: HwConfig;
  readonly coupled: boolean;
  readonly size: number;
  readonly k0: number;
  readonly gm: Readonly<Record<GmName, TensorDesc | undefined>>;
  /** bytes of one A (matrix, or feature map) and one B piece-matrix in GM */
  readonly aBytes: number;
  readonly bBytes: number;
  readonly l1A: readonly number[];
  readonly l1B: readonly number[];
  readonly l1Bias: number;
  readonly l1Words: number;
  readonly l0a: readonly number[];
  readonly l0b: readonly number[];
  readonly l0c: readonly number[];
  readonly ub: UbPlan | null;
  readonly nL1: number;
  readonly nL0: number;
  readonly nL0C: number;
  /** per-column tables are per tensor */
  readonly uniform: boolean;
  /** mixed AIC + AIV kernel (UB epilogue on a separated chip) */
  readonly mixed: boolean;
  /** bytes of one workspace slot (one int32 tile, rows of npad) */
  readonly slotBytes: number;
}

const slots = (base: number, size: number, n: number) => Array.from({ length: n }, (_, i) => base + i * size);

function plan(p: GemmProblem, t: GemmTiling, cfg: HwConfig): Plan {
  const coupled = cfg.organisation === 'coupled';
  const mixed = !coupled && p.place === 'ub';
  const size = elemBytes(p);
  const k0 = k0Of(p);
  const slotBytes = t.baseM * roundUp(t.baseN, 32) * 4;
  const cols16 = p.bCount * tableStride(p);
  const params = roundUp(cols16, 64) + 64;
  const img2col = p.aSource.kind === 'img2col';
  const aBytes = img2col ? featureMapBytes(p) : coupled ? nzBytes(p.m, p.k, p.aType) : p.m * p.k * size;
  const bBytes = coupled ? nzBytes(p.n, p.k, p.bType) : p.n * p.k * size;
  const ep = p.epilogue;
  const uniform = ep.kind !== 'requant' || (ep.scales.every((s) => s === ep.scales[0]) && ep.offsets.every((o) => o === ep.offsets[0]));
  const outBytes = DTYPE_BYTES[outTypeOf(ep)];
  const alloc = new GmAllocator();
  const aCount = p.aPerBatch ? p.batch : 1;
  const rowsOut = (p.batch / p.groups) * p.m;
  const g: Record<GmName, TensorDesc | undefined> = {
    a: alloc.alloc({ name: 'a', role: 'input', dtype: p.aType, dims: img2col ? [aCount, ceilDiv(p.aSource.conv.c, k0), p.aSource.conv.h, p.aSource.conv.w, k0] : [aCount, p.m, p.k], layout: img2col ? 'NC1HWC0' : coupled ? 'NZ' : 'ND', bytes: aCount * aBytes }),
    b: alloc.alloc({ name: 'b', role: 'param', dtype: p.bType, dims: [p.pieces, p.bCount, p.n, p.k], layout: coupled ? 'NZ' : 'ND', bytes: p.pieces * p.bCount * bBytes }),
    bias: !coupled && p.bias ? alloc.alloc({ name: 'bias', role: 'param', dtype: accType(p.aType), dims: [cols16], layout: 'VECTOR', bytes: cols16 * 4 }) : undefined,
    words: !coupled && !mixed && ep.kind === 'requant' && !uniform ? alloc.alloc({ name: 'quant_words', role: 'param', dtype: 'u32', dims: [cols16, 2], layout: 'VECTOR', bytes: cols16 * 8 }) : undefined,
    tables: coupled || mixed ? alloc.alloc({ name: 'epilogue_tables', role: 'param', dtype: 's32', dims: [3, params], layout: 'VECTOR', bytes: 3 * params * 4 }) : undefined,
    workspace: mixed ? alloc.alloc({ name: 'workspace', role: 'param', dtype: 's32', dims: [t.blockDim, 2, t.baseM, roundUp(t.baseN, 32)], layout: 'ND', bytes: t.blockDim * 2 * slotBytes }) : undefined,
    y: alloc.alloc({ name: 'y', role: 'output', dtype: outTypeOf(ep), dims: [rowsOut, columnsOf(p)], layout: 'ND', bytes: rowsOut * columnsOf(p) * outBytes }),
  };
  const nL1 = t.dbL1 ? 2 : 1;
  const nL0 = t.dbL0 ? 2 : 1;
  const nL0C = t.dbL0C ? 2 : 1;
  const kL1 = t.stepK * t.baseK * size;
  const aL1 = img2col ? featureMapBytes(p) : nL1 * t.baseM * kL1;
  const l1A = img2col ? [0] : slots(0, t.baseM * kL1, nL1);
  const l1B = slots(aL1, t.baseN * kL1, nL1);
  const l1Bias = aL1 + nL1 * t.baseN * kL1;
  const l1Words = l1Bias + (p.bias ? cols16 * 4 : 0);
  const ubPlan: UbPlan | null = coupled
    ? {
        bias: 0,
        scale: params * 4,
        offset: 2 * params * 4,
        work: 3 * params * 4,
        nd: slots(3 * params * 4 + t.baseM * t.baseN * 4, t.baseM * roundUp(t.baseN, 32) * 4, 2),
      }
    : null;
  return {
    p,
    t,
    cfg,
    coupled,
    size,
    k0,
    gm: g,
    aBytes,
    bBytes,
    l1A,
    l1B,
    l1Bias,
    l1Words,
    l0a: slots(0, t.baseM * t.baseK * size, nL0),
    l0b: slots(0, t.baseK * t.baseN * size, nL0),
    l0c: slots(0, t.baseM * t.baseN * 4, nL0C),
    ub: ubPlan,
    nL1,
    nL0,
    nL0C,
    uniform,
    mixed,
    slotBytes,
  };
}

function tilesOf(p: GemmProblem, t: GemmTiling): Tile[] {
  const out: Tile[] = [];
  for (let e = 0; e < p.batch; e++)
    for (let m0 = 0; m0 < p.m; m0 += t.baseM)
      for (let n0 = 0; n0 < p.n; n0 += t.baseN) {
        const rows = Math.min(t.baseM, p.m - m0);
        const cols = Math.min(t.baseN, p.n - n0);
        out.push({ e, m0, rows, h: roundUp(rows, 16), n0, cols, hn: roundUp(cols, 16) });
      }
  return out;
}

/** GM -> L1 copy of one K chunk of a tile's rows of A or B^T (`base`: that matrix's GM offset). */
function emitChunkLoad(e: Emitter, pl: Plan, dtype: Dtype, base: number, totalRows: number, dst: number, first: number, count: number, height: number, k0: number, kLen: number): void {
  const { p, size } = pl;
  if (!pl.coupled) {
    e.b.emit('copy_gm_l1_nd2nz', { dst: l1(dst), src: gm(base + (first * p.k + k0) * size), dtype, nValue: count, dValue: kLen, srcDValue: p.k, dstNzC0Stride: height });
    return;
  }
  // NZ in GM (host-converted): each 32-byte K column of the tile is height * 32 contiguous bytes.
  const fullHeight = roundUp(totalRows, 16);
  e.b.emit('copy_gm_l1', { dst: l1(dst), src: gm(base + (((k0 * size) / 32) * fullHeight + first) * 32), blockCount: ceilDiv(kLen * size, 32), blockLen: height * 32, srcGap: (fullHeight - height) * 32, dstGap: 0 });
}

interface Counters {
  /** global step (L0 slot) and chunk (L1 slot) counters within the tile */
  step: number;
  chunk: number;
}

/** The K loop of one tile: every B piece, every K chunk. */
function emitTileMainLoop(e: Emitter, pl: Plan, tile: Tile, cslot: number, epi: Pipe, newFeatureMap: boolean): void {
  const { p, t, k0 } = pl;
  const img2col = p.aSource.kind === 'img2col';
  const kL1 = t.stepK * t.baseK;
  const chunks = ceilDiv(p.k, kL1);
  const stepsPerPiece = ceilDiv(p.k, t.baseK);
  const totalSteps = p.pieces * stepsPerPiece;
  const aBase = pl.gm.a!.offset + (p.aPerBatch ? tile.e : 0) * pl.aBytes;
  const c: Counters = { step: 0, chunk: 0 };
  for (let piece = 0; piece < p.pieces; piece++) {
    const bBase = pl.gm.b!.offset + (piece * p.bCount + (tile.e % p.bCount)) * pl.bBytes;
    for (let ch = 0; ch < chunks; ch++, c.chunk++) {
      const ls = c.chunk % pl.nL1;
      const kStart = ch * kL1;
      const kLen = Math.min(kL1, p.k - kStart);
      e.wait('MTE1', 'MTE2', ls);
      if (!img2col) emitChunkLoad(e, pl, p.aType, aBase, p.m, pl.l1A[ls]!, tile.m0, tile.rows, tile.h, kStart, kLen);
      emitChunkLoad(e, pl, p.bType, bBase, p.n, pl.l1B[ls]!, tile.n0, tile.cols, tile.hn, kStart, kLen);
      e.set('MTE2', 'MTE1', ls);
      const stepsHere = ceilDiv(kLen, t.baseK);
      for (let j = 0; j < stepsHere; j++, c.step++) {
        const g = c.step;
        const l0 = g % pl.nL0;
        const kStep = Math.min(t.baseK, kLen - j * t.baseK);
        const k1 = ceilDiv(kStep, k0);
        const kc0 = (j * t.baseK) / k0;
        // MTE1: L1 -> L0A (one LoadData per K0 column, or one img2col) and L1 -> L0B (one LoadData)
        if (j === 0) e.wait('MTE2', 'MTE1', ls);
        if (g === 0 && newFeatureMap) e.wait('MTE2', 'MTE1', 3);
        e.wait('M', 'MTE1', l0);
        if (g === 0 && p.bias && !pl.coupled)
          e.b.emit('copy_l1_bt', { dst: mem('BT', 0), src: l1(pl.l1Bias + tableColumn(p, tile) * 4), blockCount: 1, blockLen: tile.hn * 4, srcGap: 0, dstGap: 0 });
        if (p.aSource.kind === 'img2col') {
          const cv = p.aSource.conv;
          e.b.emit('load3d', {
            dst: mem('L0A', pl.l0a[l0]!),
            src: l1(0),
            dtype: p.aType,
            l1H: cv.h,
            l1W: cv.w,
            channelSize: roundUp(cv.c, k0),
            kExtension: kStep,
            mExtension: tile.rows,
            kStartPt: kStart + j * t.baseK,
            mStartPt: tile.m0,
            strideW: cv.strideW,
            strideH: cv.strideH,
            filterW: cv.kw,
            filterH: cv.kh,
            dilationW: cv.dilationW,
            dilationH: cv.dilationH,
            padLeft: cv.padLeft,
            padRight: cv.padRight,
            padTop: cv.padTop,
            padBottom: cv.padBottom,
            padValue: cv.padValue,
          });
        } else
          for (let kk = 0; kk < k1; kk++)
            e.b.emit('load2d', { dst: mem('L0A', pl.l0a[l0]! + kk * 512), src: l1(pl.l1A[ls]! + (kc0 + kk) * tile.h * 32), dtype: p.aType, repeat: tile.h / 16, srcStride: 1, dstGap: k1 - 1, transpose: 0 });
        e.b.emit('load2d', { dst: mem('L0B', pl.l0b[l0]!), src: l1(pl.l1B[ls]! + kc0 * tile.hn * 32), dtype: p.bType, repeat: k1 * (tile.hn / 16), srcStride: 1, dstGap: 0, transpose: 0 });
        e.set('MTE1', 'M', l0);
        if (j === stepsHere - 1) e.set('MTE1', 'MTE2', ls);
        // M: one mmad per step; the first starts from the bias (or zero), the rest accumulate
        e.wait('MTE1', 'M', l0);
        if (g === 0) e.wait(epi, 'M', cslot);
        const init = g > 0 ? 'acc' : p.bias && !pl.coupled ? 'bias' : 'zero';
        e.b.emit('mmad', { dst: mem('L0C', pl.l0c[cslot]!), a: mem('L0A', pl.l0a[l0]!), b: mem('L0B', pl.l0b[l0]!), bias: mem('BT', 0), m: tile.rows, k: kStep, n: tile.cols, aType: p.aType, bType: p.bType, init });
        e.set('M', 'MTE1', l0);
        if (g === totalSteps - 1) e.set('M', epi, cslot);
      }
    }
  }
}

/** Device slot of a tile's first column in the per-column tables. */
const tableColumn = (p: GemmProblem, tile: Tile) => (tile.e % p.bCount) * tableStride(p) + tile.n0;

/** GM element offset of a tile's first output element. */
const yElement = (p: GemmProblem, tile: Tile) => (Math.floor(tile.e / p.groups) * p.m + tile.m0) * columnsOf(p) + (tile.e % p.groups) * p.n + tile.n0;

const FIXPIPE_QUANT = { int32: 'none', f16: 'f322f16' } as const;

function emitFixpipeEpilogue(e: Emitter, pl: Plan, tile: Tile, cslot: number): void {
  const { p } = pl;
  const ep = p.epilogue;
  const column = tableColumn(p, tile);
  const outType = outTypeOf(ep);
  e.wait('M', 'FIX', cslot);
  if (pl.gm.words) e.b.emit('copy_l1_fb', { dst: mem('FB', 0), src: l1(pl.l1Words + column * 8), blockCount: 1, blockLen: tile.cols * 8, srcGap: 0, dstGap: 0 });
  e.b.emit('fixpipe', {
    dst: gm(pl.gm.y!.offset + yElement(p, tile) * DTYPE_BYTES[outType]),
    src: mem('L0C', pl.l0c[cslot]!),
    srcType: accType(p.aType),
    dstType: outType,
    m: tile.rows,
    n: tile.cols,
    srcStride: tile.h,
    dstStride: columnsOf(p),
    quant: ep.kind === 'requant' ? (pl.uniform ? 'req8' : 'vreq8') : FIXPIPE_QUANT[ep.kind],
    scale: ep.kind === 'requant' ? ep.scales[0]! : 1,
    offset: ep.kind === 'requant' ? ep.offsets[0]! : 0,
    table: mem('FB', 0),
    relu: ep.kind === 'requant' && ep.relu ? 1 : 0,
    nz2nd: 1,
  });
  e.set('FIX', 'M', cslot);
}

function emitUbEpilogue(e: Emitter, pl: Plan, tile: Tile, cslot: number, dslot: number): void {
  const { p } = pl;
  const ubp = pl.ub!;
  const nd = ubp.nd[dslot]!;
  const outSize = DTYPE_BYTES[outTypeOf(p.epilogue)];
  e.wait('M', 'V', cslot);
  e.barrier('V'); // the previous tile's Nz -> ND still reads the work region
  e.b.emit('copy_l0c_ub', { dst: ub(ubp.work), src: mem('L0C', pl.l0c[cslot]!), blockCount: 1, blockLen: (tile.h / 16) * (tile.hn / 16), srcGap: 0, dstGap: 0 });
  e.set('V', 'M', cslot);
  e.barrier('V');
  e.wait('MTE3', 'V', dslot);
  const pitch = emitVectorEpilogue(e, tile, ubp, nd, { epilogue: p.epilogue, bias: p.bias, uniform: pl.uniform, column: tableColumn(p, tile) });
  e.set('V', 'MTE3', dslot);
  e.wait('V', 'MTE3', dslot);
  const rowBytes = tile.cols * outSize;
  e.b.emit('copy_ub_gm', {
    dst: gm(pl.gm.y!.offset + yElement(p, tile) * outSize),
    src: ub(nd),
    blockCount: tile.rows,
    blockLen: rowBytes,
    srcGap: (pitch - roundUp(rowBytes, 32)) / 32,
    dstGap: (columnsOf(p) - tile.cols) * outSize,
  });
  e.set('MTE3', 'V', dslot);
}

/** AIC side of the mixed epilogue: int32 tile into the block's workspace slot, then tell the AIVs. */
function emitWorkspaceEpilogue(e: Emitter, pl: Plan, tile: Tile, cslot: number, index: number, block: number): void {
  const s = index % 2;
  e.wait('M', 'FIX', cslot);
  if (index >= 2) for (let v = 0; v < 2; v++) e.b.emit('cross_wait', { pipe: 'FIX', id: 2 + s }); // both AIVs read slot s
  e.b.emit('fixpipe', {
    dst: gm(pl.gm.workspace!.offset + (block * 2 + s) * pl.slotBytes),
    src: mem('L0C', pl.l0c[cslot]!),
    srcType: 's32',
    dstType: 's32',
    m: tile.rows,
    n: tile.cols,
    srcStride: tile.h,
    dstStride: roundUp(tile.cols, 32),
    quant: 'none',
    scale: 1,
    offset: 0,
    table: mem('FB', 0),
    relu: 0,
    nz2nd: 1,
  });
  e.set('FIX', 'M', cslot);
  e.b.emit('cross_set', { pipe: 'FIX', id: s });
}

/** Rows of tile a sub-core (0 or 1) of the group converts: halves rounded to 4 rows. */
function rowsOf(tile: Tile, sub: number): { first: number; count: number; padded: number } {
  const half = roundUp(Math.ceil(tile.rows / 2), 4);
  const first = sub * half;
  const count = Math.max(0, Math.min(half, tile.rows - first));
  return { first, count, padded: roundUp(count, 4) };
}

/** One AIV's code in the mixed kernel: load its rows of each tile, convert them, store them. */
function emitAivBlock(e: Emitter, pl: Plan, tiles: readonly Tile[], block: number, sub: number): void {
  const { p, t } = pl;
  const tables = pl.gm.tables!;
  const params = tables.dims[1]!;
  const half = roundUp(Math.ceil(t.baseM / 2), 4);
  const work = slots(tables.bytes, half * roundUp(t.baseN, 32) * 4, 2);
  e.b.emit('copy_gm_ub', { dst: ub(0), src: gm(tables.offset), blockCount: 1, blockLen: tables.bytes, srcGap: 0, dstGap: 0 });
  e.set('MTE2', 'V', 2);
  for (let i = 0; i < 2; i++) e.set('MTE3', 'MTE2', i);
  e.wait('MTE2', 'V', 2);
  tiles.forEach((tile, index) => {
    const s = index % 2;
    const npad = roundUp(tile.cols, 32);
    const r = rowsOf(tile, sub);
    e.b.emit('cross_wait', { pipe: 'MTE2', id: s });
    e.wait('MTE3', 'MTE2', s);
    if (r.count > 0)
      e.b.emit('copy_gm_ub', { dst: ub(work[s]!), src: gm(pl.gm.workspace!.offset + (block * 2 + s) * pl.slotBytes + r.first * npad * 4), blockCount: 1, blockLen: r.count * npad * 4, srcGap: 0, dstGap: 0 });
    e.b.emit('cross_set', { pipe: 'MTE2', id: 2 + s });
    e.set('MTE2', 'V', s);
    e.wait('MTE2', 'V', s);
    let pitch = npad;
    if (r.count > 0) pitch = emitConvertRows(e, work[s]!, r.padded, npad, { scale: params * 4, offset: 2 * params * 4 }, { epilogue: p.epilogue, bias: false, uniform: pl.uniform, column: tableColumn(p, tile) });
    e.set('V', 'MTE3', s);
    e.wait('V', 'MTE3', s);
    if (r.count > 0) {
      const outSize = DTYPE_BYTES[outTypeOf(p.epilogue)];
      e.b.emit('copy_ub_gm', {
        dst: gm(pl.gm.y!.offset + (yElement(p, tile) + r.first * columnsOf(p)) * outSize),
        src: ub(work[s]!),
        blockCount: r.count,
        blockLen: tile.cols * outSize,
        srcGap: (pitch - roundUp(tile.cols * outSize, 32)) / 32,
        dstGap: (columnsOf(p) - tile.cols) * outSize,
      });
    }
    e.set('MTE3', 'MTE2', s);
  });
  e.b.emit('end', {});
}

/** One block's code: prologue (tables, initial "free" flags), its tiles, end. */
function emitBlock(e: Emitter, pl: Plan, tiles: readonly Tile[], block: number): void {
  const { p } = pl;
  const epi: Pipe = pl.coupled ? 'V' : 'FIX';
  if (pl.coupled) {
    e.b.emit('copy_gm_ub', { dst: ub(0), src: gm(pl.gm.tables!.offset), blockCount: 1, blockLen: pl.gm.tables!.bytes, srcGap: 0, dstGap: 0 });
    e.set('MTE2', 'V', 0);
  } else {
    if (p.bias) e.b.emit('copy_gm_l1', { dst: l1(pl.l1Bias), src: gm(pl.gm.bias!.offset), blockCount: 1, blockLen: pl.gm.bias!.bytes, srcGap: 0, dstGap: 0 });
    if (pl.gm.words) e.b.emit('copy_gm_l1', { dst: l1(pl.l1Words), src: gm(pl.gm.words.offset), blockCount: 1, blockLen: pl.gm.words.bytes, srcGap: 0, dstGap: 0 });
    if (p.bias) e.set('MTE2', 'MTE1', 2);
    if (pl.gm.words) e.set('MTE2', 'FIX', 0);
  }
  for (let i = 0; i < pl.nL1; i++) e.set('MTE1', 'MTE2', i);
  for (let i = 0; i < pl.nL0; i++) e.set('M', 'MTE1', i);
  for (let i = 0; i < pl.nL0C; i++) e.set(epi, 'M', i);
  if (pl.coupled) {
    for (let i = 0; i < 2; i++) e.set('MTE3', 'V', i);
    e.wait('MTE2', 'V', 0);
  } else {
    if (p.bias) e.wait('MTE2', 'MTE1', 2);
    if (pl.gm.words) e.wait('MTE2', 'FIX', 0);
  }
  let loaded = -1;
  tiles.forEach((tile, i) => {
    const cslot = i % pl.nL0C;
    // img2col: the feature map of the tile's batch entry must be in L1
    const fmEntry = p.aPerBatch ? tile.e : 0;
    const newFm = p.aSource.kind === 'img2col' && fmEntry !== loaded;
    if (newFm) {
      if (loaded >= 0) {
        e.set('MTE1', 'MTE2', 3);
        e.wait('MTE1', 'MTE2', 3);
      }
      e.b.emit('copy_gm_l1', { dst: l1(0), src: gm(pl.gm.a!.offset + fmEntry * pl.aBytes), blockCount: 1, blockLen: pl.aBytes, srcGap: 0, dstGap: 0 });
      e.set('MTE2', 'MTE1', 3);
      loaded = fmEntry;
    }
    emitTileMainLoop(e, pl, tile, cslot, epi, newFm);
    if (pl.coupled) emitUbEpilogue(e, pl, tile, cslot, i % 2);
    else if (pl.mixed) emitWorkspaceEpilogue(e, pl, tile, cslot, i, block);
    else emitFixpipeEpilogue(e, pl, tile, cslot);
  });
  e.b.emit('end', {});
}

function checkProblem(p: GemmProblem, cfg: HwConfig): void {
  const ep = p.epilogue;
  if (!cfg.cube.dtypePairs.some(([x, y]) => x === p.aType && y === p.bType))
    throw new OpError(`the cube of ${cfg.name} does not multiply ${p.aType} x ${p.bType}`);
  if (p.place === 'fixpipe' && cfg.organisation === 'coupled') throw new OpError(`${cfg.name} has no fixpipe: use the UB epilogue`);
  if (p.place === 'ub' && cfg.organisation === 'separated' && ep.kind !== 'requant')
    throw new OpError(`the UB epilogue on ${cfg.name} exists for requantisation only: int32 and fp16 results leave through the fixpipe`);
  if (ep.kind === 'requant') {
    const cols = tableEntries(p);
    if (ep.scales.length !== cols || ep.offsets.length !== cols) throw new OpError(`requant tables need ${cols} entries (one per B matrix and column), got ${ep.scales.length} scales and ${ep.offsets.length} offsets`);
    if (p.place === 'fixpipe' && ep.semantics === 'onnx') {
      const bad = ep.scales.findIndex((s) => hardwareScale(s) !== s);
      if (bad >= 0) throw new OpError(`requant multiplier ${ep.scales[bad]} (column ${bad}) needs more than the fixpipe's 10 mantissa bits: use the unfused (GM) epilogue for exact ONNX results`);
    }
    if (ep.semantics === 'onnx' && !ep.offsets.every((o) => o === ep.offsets[0])) throw new OpError('ONNX requant takes one output zero point');
  }
}

/** Generates the GEMM kernel for `cfg`; the tiling defaults to `defaultGemmTiling`. */
export function generateGemm(p: GemmProblem, cfg: HwConfig, tiling?: Partial<GemmTiling>, name = 'gemm'): Kernel {
  checkProblem(p, cfg);
  const merged: GemmTiling = { ...defaultGemmTiling(p, cfg, tiling?.blockDim), ...tiling };
  // A user tile changes the tile count, so the default block count follows it unless given.
  const tileCount = p.batch * ceilDiv(p.m, merged.baseM) * ceilDiv(p.n, merged.baseN);
  const t: GemmTiling = tiling?.blockDim === undefined ? { ...merged, blockDim: Math.min(tileCount, cfg.cores) } : merged;
  checkGemmTiling(p, t, cfg);
  const pl = plan(p, t, cfg);
  const tiles = tilesOf(p, t);
  const per = ceilDiv(tiles.length, t.blockDim);
  const e = new Emitter();
  e.b.emit('bidx', { rd: 1 });
  for (let b = 1; b < t.blockDim; b++) {
    e.b.emit('li', { rd: 2, imm: b });
    e.b.emit('beq', { rs1: 1, rs2: 2, target: `block${b}` });
  }
  for (let b = 0; b < t.blockDim; b++) {
    if (b > 0) e.b.label(`block${b}`);
    emitBlock(e, pl, tiles.slice(b * per, (b + 1) * per), b);
  }
  const programs: Kernel['programs'] = { [pl.coupled ? 'coupled' : 'aic']: e.b.build() };
  if (pl.mixed) {
    // AIV v of group b has block index b * 2 + v.
    const v = new Emitter();
    v.b.emit('bidx', { rd: 1 });
    for (let i = 1; i < 2 * t.blockDim; i++) {
      v.b.emit('li', { rd: 2, imm: i });
      v.b.emit('beq', { rs1: 1, rs2: 2, target: `aiv${i}` });
    }
    for (let i = 0; i < 2 * t.blockDim; i++) {
      if (i > 0) v.b.label(`aiv${i}`);
      emitAivBlock(v, pl, tiles.slice(Math.floor(i / 2) * per, (Math.floor(i / 2) + 1) * per), Math.floor(i / 2), i % 2);
    }
    programs.aiv = v.b.build();
  }
  const notes = [
    `${tiles.length} output tiles of ${t.baseM} x ${t.baseN} over ${t.blockDim} block(s); K in chunks of ${t.stepK * t.baseK}, mmad depth ${t.baseK}${p.pieces > 1 ? `; ${p.pieces} weight pieces (zero-point correction needs 9 bits)` : ''}`,
    pl.coupled
      ? 'epilogue on the vector unit through UB'
      : pl.mixed
        ? 'epilogue on the AIVs: the fixpipe writes int32 tiles to a GM workspace, each AIV converts half of each tile in UB (cross-core flags)'
        : `epilogue in the fixpipe (${p.epilogue.kind === 'requant' ? (pl.uniform ? 'REQ8' : 'VREQ8') : FIXPIPE_QUANT[p.epilogue.kind].toUpperCase()})`,
  ];
  return {
    name,
    programs,
    blockDim: t.blockDim,
    gmBytes: Math.max(...Object.values(pl.gm).map((d) => (d ? d.offset + d.bytes : 0))),
    tensors: Object.values(pl.gm).filter((d): d is TensorDesc => d !== undefined),
    notes,
    tiling: { ...t },
  };
}
