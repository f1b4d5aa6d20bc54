/**
 * INT8 matmul kernel generator. Output tiles (baseM x baseN) are split over blocks; each block's
 * code is straight-line (the program starts by branching on its block index). Per tile the K loop
 * runs MTE2 (GM -> L1 chunks), MTE1 (L1 -> L0A/L0B) and M (mmad into L0C) as a double-buffered
 * pipeline joined by set_flag / wait_flag; the epilogue is the fixpipe (arch 2201) or vector ops
 * through UB (coupled presets).
 *
 * Event ids: MTE2->MTE1 0,1 = L1 chunk full, 2 = bias table ready; MTE1->MTE2 0,1 = L1 chunk free;
 * MTE1->M 0,1 = L0 tile full; M->MTE1 0,1 = L0 tile free; M->FIX|V 0,1 = L0C tile full;
 * FIX|V->M 0,1 = L0C tile free; MTE2->FIX|V 0 = per-column tables ready; V->MTE3 0,1 = int8 tile
 * ready; MTE3->V 0,1 = ND region free.
 */
import { mem } from '../../isa/builder.js';
import type { Pipe } from '../../isa/types.js';
import { hardwareScale, packQuantWord } from '../../isa/numeric/fixpipe-quant.js';
import type { HwConfig } from '../../hw/config/types.js';
import { Emitter, gm, l1, ub } from '../emitter.js';
import { GmAllocator, ceilDiv, roundUp, type Kernel, type TensorDesc } from '../kernel.js';
import { ndToNz, nzBytes, transposeBytes } from '../layout.js';
import { checkMatmulSpec, columnQuant, perChannel, type MatmulSpec } from './spec.js';
import { checkMatmulTiling, defaultMatmulTiling, type MatmulTiling } from './tiling.js';
import { emitVectorRequant, type Tile, type UbPlan } from './vector-epilogue.js';

interface Plan {
  readonly s: MatmulSpec;
  readonly t: MatmulTiling;
  readonly cfg: HwConfig;
  readonly coupled: boolean;
  readonly perChannel: boolean;
  readonly gm: Record<'a' | 'bt' | 'y' | 'bias' | 'words' | 'params', TensorDesc | undefined>;
  /** L1 addresses: chunk slots for A and B^T, and the per-column tables (separated chips) */
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
}

const slots = (base: number, size: number, n: number) => Array.from({ length: n }, (_, i) => base + i * size);

function plan(s: MatmulSpec, t: MatmulTiling, cfg: HwConfig): Plan {
  const coupled = cfg.organisation === 'coupled';
  const pc = perChannel(s.quant);
  const alloc = new GmAllocator();
  const n16 = roundUp(s.n, 16);
  const params = roundUp(s.n, 64) + 64;
  const g = {
    a: alloc.alloc({ name: 'a', role: 'input', dtype: 's8', dims: [s.m, s.k], layout: coupled ? 'NZ' : 'ND', bytes: coupled ? nzBytes(s.m, s.k, 's8') : s.m * s.k }),
    bt: alloc.alloc({ name: 'b', role: 'input', dtype: 's8', dims: [s.n, s.k], layout: coupled ? 'NZ' : 'ND', bytes: coupled ? nzBytes(s.n, s.k, 's8') : s.n * s.k }),
    bias: !coupled && s.bias ? alloc.alloc({ name: 'bias', role: 'param', dtype: 's32', dims: [s.n], layout: 'VECTOR', bytes: n16 * 4 }) : undefined,
    words: !coupled && pc ? alloc.alloc({ name: 'quant_words', role: 'param', dtype: 'u32', dims: [s.n, 2], layout: 'VECTOR', bytes: s.n * 8 }) : undefined,
    params: coupled ? alloc.alloc({ name: 'epilogue_tables', role: 'param', dtype: 's32', dims: [3, params], layout: 'VECTOR', bytes: 3 * params * 4 }) : undefined,
    y: alloc.alloc({ name: 'y', role: 'output', dtype: s.outType, dims: [s.m, s.n], layout: 'ND', bytes: s.m * s.n }),
  };
  const nL1 = t.dbL1 ? 2 : 1;
  const nL0 = t.dbL0 ? 2 : 1;
  const nL0C = t.dbL0C ? 2 : 1;
  const kL1 = t.stepK * t.baseK;
  const l1A = slots(0, t.baseM * kL1, nL1);
  const l1B = slots(nL1 * t.baseM * kL1, t.baseN * kL1, nL1);
  const l1Bias = nL1 * (t.baseM + t.baseN) * kL1;
  const l1Words = l1Bias + (s.bias ? n16 * 4 : 0);
  const ubPlan: UbPlan | null = coupled
    ? (() => {
        const work = 3 * params * 4;
        const ndSize = t.baseM * roundUp(t.baseN, 32) * 4;
        return { bias: 0, scale: params * 4, offset: 2 * params * 4, work, nd: slots(work + t.baseM * t.baseN * 4, ndSize, 2) };
      })()
    : null;
  return {
    s,
    t,
    cfg,
    coupled,
    perChannel: pc,
    gm: g,
    l1A,
    l1B,
    l1Bias,
    l1Words,
    l0a: slots(0, t.baseM * t.baseK, nL0),
    l0b: slots(0, t.baseK * t.baseN, nL0),
    l0c: slots(0, t.baseM * t.baseN * 4, nL0C),
    ub: ubPlan,
    nL1,
    nL0,
    nL0C,
  };
}

function tilesOf(s: MatmulSpec, t: MatmulTiling): Tile[] {
  const out: Tile[] = [];
  for (let m0 = 0; m0 < s.m; m0 += t.baseM)
    for (let n0 = 0; n0 < s.n; n0 += t.baseN) {
      const rows = Math.min(t.baseM, s.m - m0);
      const cols = Math.min(t.baseN, s.n - n0);
      out.push({ m0, rows, h: roundUp(rows, 16), n0, cols, hn: roundUp(cols, 16) });
    }
  return out;
}

/** GM -> L1 copy of one K chunk of a tile's A rows (or B^T rows). */
function emitChunkLoad(e: Emitter, p: Plan, which: 'a' | 'bt', dst: number, first: number, count: number, height: number, k0: number, kLen: number): void {
  const s = p.s;
  const src = p.gm[which]!.offset;
  if (!p.coupled) {
    e.b.emit('copy_gm_l1_nd2nz', { dst: l1(dst), src: gm(src + first * s.k + k0), dtype: 's8', nValue: count, dValue: kLen, srcDValue: s.k, dstNzC0Stride: height });
    return;
  }
  // NZ in GM (host-converted): each 32-byte K column of the tile is height * 32 contiguous bytes.
  const fullHeight = roundUp(which === 'a' ? s.m : s.n, 16);
  e.b.emit('copy_gm_l1', { dst: l1(dst), src: gm(src + ((k0 / 32) * fullHeight + first) * 32), blockCount: ceilDiv(kLen, 32), blockLen: height * 32, srcGap: (fullHeight - height) * 32, dstGap: 0 });
}

/** The K loop of one tile: MTE2 chunks, MTE1 loads, M mmads. */
function emitTileMainLoop(e: Emitter, p: Plan, tile: Tile, cslot: number, epi: Pipe): void {
  const { s, t } = p;
  const kL1 = t.stepK * t.baseK;
  const chunks = ceilDiv(s.k, kL1);
  const steps = ceilDiv(s.k, t.baseK);
  let g = 0;
  for (let c = 0; c < chunks; c++) {
    const ls = c % p.nL1;
    const k0 = c * kL1;
    const kLen = Math.min(kL1, s.k - k0);
    e.wait('MTE1', 'MTE2', ls);
    emitChunkLoad(e, p, 'a', p.l1A[ls]!, tile.m0, tile.rows, tile.h, k0, kLen);
    emitChunkLoad(e, p, 'bt', p.l1B[ls]!, tile.n0, tile.cols, tile.hn, k0, kLen);
    e.set('MTE2', 'MTE1', ls);
    const stepsHere = ceilDiv(kLen, t.baseK);
    for (let j = 0; j < stepsHere; j++, g++) {
      const l0 = g % p.nL0;
      const kStep = Math.min(t.baseK, kLen - j * t.baseK);
      const k1 = ceilDiv(kStep, 32);
      const kc0 = (j * t.baseK) / 32;
      // MTE1: L1 -> L0A (one LoadData per 32-byte K column) and L1 -> L0B (one LoadData)
      if (j === 0) e.wait('MTE2', 'MTE1', ls);
      e.wait('M', 'MTE1', l0);
      if (g === 0 && s.bias && !p.coupled)
        e.b.emit('copy_l1_bt', { dst: mem('BT', 0), src: l1(p.l1Bias + tile.n0 * 4), blockCount: 1, blockLen: tile.hn * 4, srcGap: 0, dstGap: 0 });
      for (let kk = 0; kk < k1; kk++)
        e.b.emit('load2d', { dst: mem('L0A', p.l0a[l0]! + kk * 512), src: l1(p.l1A[ls]! + (kc0 + kk) * tile.h * 32), dtype: 's8', repeat: tile.h / 16, srcStride: 1, dstGap: k1 - 1, transpose: 0 });
      e.b.emit('load2d', { dst: mem('L0B', p.l0b[l0]!), src: l1(p.l1B[ls]! + kc0 * tile.hn * 32), dtype: 's8', repeat: k1 * (tile.hn / 16), srcStride: 1, dstGap: 0, transpose: 0 });
      e.set('MTE1', 'M', l0);
      if (j === stepsHere - 1) e.set('MTE1', 'MTE2', ls);
      // M: one mmad per step; the first starts from the bias (or zero), the rest accumulate
      e.wait('MTE1', 'M', l0);
      if (g === 0) e.wait(epi, 'M', cslot);
      const init = g > 0 ? 'acc' : s.bias && !p.coupled ? 'bias' : 'zero';
      e.b.emit('mmad', { dst: mem('L0C', p.l0c[cslot]!), a: mem('L0A', p.l0a[l0]!), b: mem('L0B', p.l0b[l0]!), bias: mem('BT', 0), m: tile.rows, k: kStep, n: tile.cols, aType: 's8', bType: 's8', init });
      e.set('M', 'MTE1', l0);
      if (g === steps - 1) e.set('M', epi, cslot);
    }
  }
}

function emitFixpipeEpilogue(e: Emitter, p: Plan, tile: Tile, cslot: number): void {
  const { s } = p;
  const { scales, offsets } = columnQuant(s);
  e.wait('M', 'FIX', cslot);
  if (p.perChannel)
    e.b.emit('copy_l1_fb', { dst: mem('FB', 0), src: l1(p.l1Words + tile.n0 * 8), blockCount: 1, blockLen: tile.cols * 8, srcGap: 0, dstGap: 0 });
  e.b.emit('fixpipe', {
    dst: gm(p.gm.y!.offset + tile.m0 * s.n + tile.n0),
    src: mem('L0C', p.l0c[cslot]!),
    srcType: 's32',
    dstType: s.outType,
    m: tile.rows,
    n: tile.cols,
    srcStride: tile.h,
    dstStride: s.n,
    quant: p.perChannel ? 'vreq8' : 'req8',
    scale: scales[0]!,
    offset: offsets[0]!,
    table: mem('FB', 0),
    relu: s.relu ? 1 : 0,
    nz2nd: 1,
  });
  e.set('FIX', 'M', cslot);
}

function emitVectorEpilogue(e: Emitter, p: Plan, tile: Tile, cslot: number, dslot: number): void {
  const { s } = p;
  const plan = p.ub!;
  const { scales, offsets } = columnQuant(s);
  const nd = plan.nd[dslot]!;
  e.wait('M', 'V', cslot);
  e.barrier('V'); // the previous tile's Nz -> ND reads the work region
  e.b.emit('copy_l0c_ub', { dst: ub(plan.work), src: mem('L0C', p.l0c[cslot]!), blockCount: 1, blockLen: (tile.h / 16) * (tile.hn / 16), srcGap: 0, dstGap: 0 });
  e.set('V', 'M', cslot);
  e.barrier('V');
  e.wait('MTE3', 'V', dslot);
  emitVectorRequant(e, s, tile, plan, nd, p.perChannel, hardwareScale(scales[0]!), offsets[0]!);
  e.set('V', 'MTE3', dslot);
  e.wait('V', 'MTE3', dslot);
  e.b.emit('copy_ub_gm', { dst: gm(p.gm.y!.offset + tile.m0 * s.n + tile.n0), src: ub(nd), blockCount: tile.rows, blockLen: tile.cols, srcGap: 0, dstGap: s.n - tile.cols });
  e.set('MTE3', 'V', dslot);
}

/** One block's code: prologue (tables, initial "free" flags), its tiles, end. */
function emitBlock(e: Emitter, p: Plan, tiles: readonly Tile[]): void {
  const { s } = p;
  const epi: Pipe = p.coupled ? 'V' : 'FIX';
  if (p.coupled) {
    e.b.emit('copy_gm_ub', { dst: ub(0), src: gm(p.gm.params!.offset), blockCount: 1, blockLen: p.gm.params!.bytes, srcGap: 0, dstGap: 0 });
    e.set('MTE2', 'V', 0);
  } else {
    if (s.bias) e.b.emit('copy_gm_l1', { dst: l1(p.l1Bias), src: gm(p.gm.bias!.offset), blockCount: 1, blockLen: p.gm.bias!.bytes, srcGap: 0, dstGap: 0 });
    if (p.perChannel) e.b.emit('copy_gm_l1', { dst: l1(p.l1Words), src: gm(p.gm.words!.offset), blockCount: 1, blockLen: p.gm.words!.bytes, srcGap: 0, dstGap: 0 });
    if (s.bias) e.set('MTE2', 'MTE1', 2);
    if (p.perChannel) e.set('MTE2', 'FIX', 0);
  }
  for (let i = 0; i < p.nL1; i++) e.set('MTE1', 'MTE2', i);
  for (let i = 0; i < p.nL0; i++) e.set('M', 'MTE1', i);
  for (let i = 0; i < p.nL0C; i++) e.set(epi, 'M', i);
  if (p.coupled) {
    for (let i = 0; i < 2; i++) e.set('MTE3', 'V', i);
    e.wait('MTE2', 'V', 0);
  } else {
    if (s.bias) e.wait('MTE2', 'MTE1', 2);
    if (p.perChannel) e.wait('MTE2', 'FIX', 0);
  }
  tiles.forEach((tile, i) => {
    const cslot = i % p.nL0C;
    emitTileMainLoop(e, p, tile, cslot, epi);
    if (p.coupled) emitVectorEpilogue(e, p, tile, cslot, i % 2);
    else emitFixpipeEpilogue(e, p, tile, cslot);
  });
  e.b.emit('end', {});
}

/** Generates the INT8 matmul kernel for `cfg`; the tiling defaults to `defaultMatmulTiling`. */
export function generateMatmul(s: MatmulSpec, cfg: HwConfig, tiling?: Partial<MatmulTiling>): Kernel {
  checkMatmulSpec(s);
  const merged: MatmulTiling = { ...defaultMatmulTiling(s, cfg, tiling?.blockDim), ...tiling };
  // A user tile changes the tile count, so the default block count follows it unless given.
  const tiles0 = ceilDiv(s.m, merged.baseM) * ceilDiv(s.n, merged.baseN);
  const t: MatmulTiling = tiling?.blockDim === undefined ? { ...merged, blockDim: Math.min(tiles0, cfg.cores) } : merged;
  checkMatmulTiling(s, t, cfg);
  const p = plan(s, t, cfg);
  const tiles = tilesOf(s, t);
  const per = ceilDiv(tiles.length, t.blockDim);
  const e = new Emitter();
  // Dispatch: block b jumps to its own straight-line code.
  e.b.emit('bidx', { rd: 1 });
  for (let b = 1; b < t.blockDim; b++) {
    e.b.emit('li', { rd: 2, imm: b });
    e.b.emit('beq', { rs1: 1, rs2: 2, target: `block${b}` });
  }
  for (let b = 0; b < t.blockDim; b++) {
    if (b > 0) e.b.label(`block${b}`);
    emitBlock(e, p, tiles.slice(b * per, (b + 1) * per));
  }
  const notes = [
    `${tiles.length} output tiles of ${t.baseM} x ${t.baseN} over ${t.blockDim} block(s); K in chunks of ${t.stepK * t.baseK}, mmad depth ${t.baseK}`,
    p.coupled
      ? 'host-side layout conversion: A and B^T are given to the kernel in NZ (this preset has no ND -> NZ DataCopy)'
      : 'host-side layout conversion: B is transposed to B^T (N x K) on the host, as weights are prepared offline',
    p.coupled
      ? 'requantisation on the vector unit through UB (no fixpipe on this preset); per-column tables prepared on the host'
      : `requantisation in the fixpipe (${p.perChannel ? 'VREQ8, per-column quant words in FB' : 'REQ8, scalar scale'})${s.bias ? ', int32 bias from the bias table' : ''}`,
    'scale used = the fp32 scale with its low 13 mantissa bits cleared (the fixpipe keeps 10)',
  ];
  const tilingOut: Record<string, number | boolean | string> = { ...t };
  return {
    name: 'matmul',
    programs: { [p.coupled ? 'coupled' : 'aic']: e.b.build() },
    blockDim: t.blockDim,
    gmBytes: gmEnd(p),
    tensors: Object.values(p.gm).filter((d): d is TensorDesc => d !== undefined),
    notes,
    tiling: tilingOut,
  };
}

const gmEnd = (p: Plan) => Math.max(...Object.values(p.gm).map((d) => (d ? d.offset + d.bytes : 0)));

/** Host side: lays out A (M x K), B (K x N) and bias in GM the way the kernel expects them. */
export function matmulGmImage(k: Kernel, s: MatmulSpec, cfg: HwConfig, a: Int8Array, b: Int8Array, bias: Int32Array | null): Uint8Array {
  const img = new Uint8Array(k.gmBytes);
  const find = (name: string) => k.tensors.find((d) => d.name === name);
  const coupled = cfg.organisation === 'coupled';
  const aBytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const bt = transposeBytes(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), s.k, s.n, 1);
  img.set(coupled ? ndToNz(aBytes, s.m, s.k, 's8') : aBytes, find('a')!.offset);
  img.set(coupled ? ndToNz(bt, s.n, s.k, 's8') : bt, find('b')!.offset);
  const view = new DataView(img.buffer);
  const { scales, offsets } = columnQuant(s);
  const biasT = find('bias');
  if (biasT && bias) for (let j = 0; j < s.n; j++) view.setInt32(biasT.offset + j * 4, bias[j]!, true);
  const words = find('quant_words');
  if (words)
    for (let j = 0; j < s.n; j++) {
      const w = packQuantWord(scales[j]!, offsets[j]!, s.outType === 's8');
      view.setUint32(words.offset + j * 8, w.lo, true);
      view.setUint32(words.offset + j * 8 + 4, w.hi, true);
    }
  const tables = find('epilogue_tables');
  if (tables) {
    const params = tables.dims[1]!;
    for (let j = 0; j < s.n; j++) {
      view.setInt32(tables.offset + j * 4, bias ? bias[j]! : 0, true);
      view.setFloat32(tables.offset + (params + j) * 4, hardwareScale(scales[j]!), true);
      view.setInt32(tables.offset + (2 * params + j) * 4, offsets[j]!, true);
    }
  }
  return img;
}
