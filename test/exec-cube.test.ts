/**
 * Cube and fixpipe semantics (hw/exec/cube.ts, hw/exec/fixpipe.ts) against plain models written from
 * the documented layouts: A Zz in L0A, B Zn in L0B, C Nz in L0C (header of hw/exec/cube.ts), the
 * fixpipe source formula ((n>>4)*srcStride + m)*64 + (n&15)*4, and the conversion arithmetic as
 * modelled independently in test/support/fixpipe-model.ts (pinned by hand in fixpipe-quant.test.ts).
 *
 * mmad: integer products are summed exactly and wrap to s32 once; f16/f32 follow the documented
 * rule: per K0-fractal partial sums in double, rounded to f32, accumulated with one f32 rounding per
 * fractal. Padding (K beyond k, rows beyond m, columns beyond n) holds garbage (NaN/Inf for floats)
 * that must not reach the m x n results. Then everything runs end to end through `simulate`.
 */
import { describe, expect, it } from 'vitest';
import type { BufferName, Dtype, InitMode, MemRef, QuantMode } from '../isa/types.js';
import type { InsnOf } from '../isa/program.js';
import { DTYPE_BYTES } from '../isa/numeric/dtype.js';
import { f16BitsToNumber, f32Bits, numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { loadConfig } from '../hw/config/load.js';
import type { CoreKind, HwConfig } from '../hw/config/types.js';
import { execMmad } from '../hw/exec/cube.js';
import { execFixpipe } from '../hw/exec/fixpipe.js';
import { modelDequantF16, modelRequant8, quantWordBits } from './support/fixpipe-model.js';
import { rng, randInt } from './support/rng.js';
import { fakeCore, firstDiff, randomBytes, randomF16Bits, runFunctional, nzOffset, zzOffset, znOffset, type FakeCore, type Rnd } from './support/exec-kit.js';

const tinySep = loadConfig('tiny-sep');
/** tiny with a bias table, so direct-exec tests can use init = bias with the u8 pairs tiny allows */
const tinyBt = loadConfig('tiny', { coreKinds: { coupled: { buffers: { BT: { bytes: 1024, align: 64 } } } } });
const tiny = loadConfig('tiny');
const GM_BYTES = 64 * 1024;
const mem = (buf: BufferName, off: number): MemRef => ({ buf, base: -1, off });
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[randInt(r, 0, xs.length - 1)]!;
const ceil16 = (x: number) => Math.ceil(x / 16);

// ---- element access (plain, little-endian) ---------------------------------------------------------

function readElem(v: DataView, at: number, t: Dtype): number {
  switch (t) {
    case 's8':
      return v.getInt8(at);
    case 'u8':
      return v.getUint8(at);
    case 'f16':
      return f16BitsToNumber(v.getUint16(at, true));
    case 'f32':
      return v.getFloat32(at, true);
    case 's32':
      return v.getInt32(at, true);
    default:
      throw new Error(`no reader for ${t}`);
  }
}

function writeElem(v: DataView, at: number, t: Dtype, x: number): void {
  switch (t) {
    case 's8':
      return v.setInt8(at, x);
    case 'u8':
      return v.setUint8(at, x);
    case 'f16':
      return v.setUint16(at, numberToF16Bits(x), true);
    case 'f32':
      return v.setFloat32(at, x, true);
    case 's32':
      return v.setInt32(at, x, true);
    default:
      throw new Error(`no writer for ${t}`);
  }
}

// ---- mmad model ------------------------------------------------------------------------------------

interface MmadShape {
  m: number;
  k: number;
  n: number;
  aType: Dtype;
  bType: Dtype;
  init: InitMode;
}

/**
 * Expected C (m x n, row-major numbers) from the fractal layouts. `c0` reads the initial C(i, j)
 * (acc), `bias(j)` the bias table entry (bias).
 */
function modelMmad(l0a: DataView, aAt: number, l0b: DataView, bAt: number, s: MmadShape, c0: (i: number, j: number) => number, bias: (j: number) => number): number[] {
  const size = DTYPE_BYTES[s.aType];
  const k0 = 32 / size;
  const k1 = Math.ceil(s.k / k0);
  const n1 = ceil16(s.n);
  // the logical matrices, read once element by element through the layouts
  const As = Array.from({ length: s.m }, (_, i) => Array.from({ length: s.k }, (_, kk) => readElem(l0a, aAt + zzOffset(i, kk, k1, size), s.aType)));
  const Bt = Array.from({ length: s.n }, (_, j) => Array.from({ length: s.k }, (_, kk) => readElem(l0b, bAt + znOffset(kk, j, n1, size), s.bType)));
  const A = (i: number, kk: number) => As[i]![kk]!;
  const B = (kk: number, j: number) => Bt[j]![kk]!;
  const out: number[] = [];
  const isInt = size === 1;
  for (let i = 0; i < s.m; i++)
    for (let j = 0; j < s.n; j++) {
      const init = s.init === 'acc' ? c0(i, j) : s.init === 'bias' ? bias(j) : 0;
      if (isInt) {
        let sum = init; // exact: |sum| < 2^31 + 4095 * 255 * 255 < 2^53
        for (let kk = 0; kk < s.k; kk++) sum += A(i, kk) * B(kk, j);
        out.push(Number(BigInt.asIntN(32, BigInt(sum))));
      } else {
        let acc = init;
        for (let kb = 0; kb < k1; kb++) {
          let dot = 0;
          for (let kk = kb * k0; kk < Math.min(s.k, (kb + 1) * k0); kk++) dot += A(i, kk) * B(kk, j);
          acc = Math.fround(acc + Math.fround(dot));
        }
        out.push(acc);
      }
    }
  return out;
}

/** A random valid element (s8, u8, f32; f16 is written as bits by fillOperands): floats finite and moderate. */
function randomElem(r: Rnd, t: Dtype): number {
  if (t === 'f32') return Math.fround((r() * 2 - 1) * 2 ** randInt(r, -8, 8));
  if (t === 's8') return randInt(r, -128, 127);
  return randInt(r, 0, 255);
}

/** Garbage for padding: NaN / Inf patterns for floats (so a leak shows), random bytes otherwise. */
function garbage(v: DataView, at: number, t: Dtype, r: Rnd): void {
  if (t === 'f16') v.setUint16(at, pick(r, [0x7c00, 0xfc00, 0x7e00, 0x7bff]), true);
  else if (t === 'f32') v.setUint32(at, pick(r, [0x7f800000, 0xff800000, 0x7fc00000, 0x7f7fffff]), true);
  else v.setUint8(at, randInt(r, 0, 255));
}

/** Fills the A and B fractal areas: valid elements random, padding garbage. */
function fillOperands(core: FakeCore, a: number, b: number, s: MmadShape, r: Rnd): void {
  const size = DTYPE_BYTES[s.aType];
  const k0 = 32 / size;
  const m1 = ceil16(s.m);
  const k1 = Math.ceil(s.k / k0);
  const n1 = ceil16(s.n);
  const va = core.dv('L0A');
  const vb = core.dv('L0B');
  for (let i = 0; i < m1 * 16; i++)
    for (let kk = 0; kk < k1 * k0; kk++) {
      const at = a + zzOffset(i, kk, k1, size);
      if (i < s.m && kk < s.k && s.aType === 'f16') va.setUint16(at, randomF16Bits(r), true);
      else if (i < s.m && kk < s.k) writeElem(va, at, s.aType, randomElem(r, s.aType));
      else garbage(va, at, s.aType, r);
    }
  for (let kk = 0; kk < k1 * k0; kk++)
    for (let j = 0; j < n1 * 16; j++) {
      const at = b + znOffset(kk, j, n1, size);
      if (j < s.n && kk < s.k && s.bType === 'f16') vb.setUint16(at, randomF16Bits(r), true);
      else if (j < s.n && kk < s.k) writeElem(vb, at, s.bType, randomElem(r, s.bType));
      else garbage(vb, at, s.bType, r);
    }
}

/** Runs one mmad on the fake core and checks C's m x n elements bit for bit and every other buffer. */
function checkMmad(core: FakeCore, cfg: HwConfig, s: MmadShape, addr: { c: number; a: number; b: number; bias: number }, what: string): void {
  const float = s.aType === 'f16' || s.aType === 'f32';
  const cType: Dtype = float ? 'f32' : 's32';
  const m1 = ceil16(s.m);
  const n1 = ceil16(s.n);
  const lc = core.dv('L0C');
  const c0 = (i: number, j: number) => readElem(lc, addr.c + nzOffset(i, j, m1), cType);
  const bt = s.init === 'bias' ? core.dv('BT') : undefined;
  const bias = (j: number) => readElem(bt!, addr.bias + j * 4, cType);
  const want = modelMmad(core.dv('L0A'), addr.a, core.dv('L0B'), addr.b, s, c0, bias);
  const before = core.snapshot();
  const insn: InsnOf<'mmad'> = { op: 'mmad', dst: mem('L0C', addr.c), a: mem('L0A', addr.a), b: mem('L0B', addr.b), bias: mem('BT', addr.bias), ...s };
  execMmad(core.ctx, insn, Float64Array.of(addr.c, addr.a, addr.b, addr.bias));
  for (let i = 0; i < s.m; i++)
    for (let j = 0; j < s.n; j++) {
      const at = addr.c + nzOffset(i, j, m1);
      const got = float ? lc.getUint32(at, true) : lc.getInt32(at, true);
      const exp = float ? f32Bits(want[i * s.n + j]!) : want[i * s.n + j]!;
      if (got !== exp) expect(got, `${what}: C(${i}, ${j}) of ${JSON.stringify(s)} (f32 bits for floats)`).toBe(exp);
    }
  // nothing outside C's fractals changes
  for (const [b, bytes] of before) {
    const now = core.buf(b);
    if (b === 'L0C') {
      const lo = addr.c;
      const hi = addr.c + m1 * n1 * 1024;
      expect(firstDiff(now.subarray(0, lo), bytes.subarray(0, lo)), `${what}: L0C below C`).toBe(-1);
      expect(firstDiff(now.subarray(hi), bytes.subarray(hi)), `${what}: L0C above C`).toBe(-1);
    } else expect(firstDiff(now, bytes), `${what}: ${b}`).toBe(-1);
  }
}

/** A random shape that fits 8 KiB L0A/L0B (16 fractals) and 16 KiB L0C (16 fractals). */
function randomShape(r: Rnd, aType: Dtype, bType: Dtype, inits: readonly InitMode[]): MmadShape {
  const k0 = 32 / DTYPE_BYTES[aType];
  for (;;) {
    const s: MmadShape = { m: randInt(r, 1, 64), k: randInt(r, 1, 4 * k0), n: randInt(r, 1, 64), aType, bType, init: pick(r, inits) };
    const m1 = ceil16(s.m);
    const n1 = ceil16(s.n);
    const k1 = Math.ceil(s.k / k0);
    if (m1 * k1 <= 16 && n1 * k1 <= 16 && m1 * n1 <= 16) return s;
  }
}

// ---- mmad on a fake core -----------------------------------------------------------------------------

describe('mmad against the plain matrix product through the fractal layouts', () => {
  const cases: [string, Dtype, Dtype, HwConfig, CoreKind][] = [
    ['tiny-sep', 's8', 's8', tinySep, 'aic'],
    ['tiny', 's8', 's8', tinyBt, 'coupled'],
    ['tiny', 'u8', 's8', tinyBt, 'coupled'],
    ['tiny', 'u8', 'u8', tinyBt, 'coupled'],
    ['tiny-sep', 'f16', 'f16', tinySep, 'aic'],
    ['tiny', 'f16', 'f16', tinyBt, 'coupled'],
    ['tiny', 'f32', 'f32', tinyBt, 'coupled'],
  ];

  it.each(cases)('%s %s x %s: random m, k, n (not multiples of 16 / K0), init zero / acc / bias, garbage padding', (_p, aType, bType, cfg, kind) => {
    const r = rng(aType.charCodeAt(0) * 131 + bType.charCodeAt(0) * 7 + (kind === 'aic' ? 1 : 0));
    for (let trial = 0; trial < 12; trial++) {
      const core = fakeCore(cfg, kind, 64, r);
      const s = trial === 0 ? { m: 17, k: (32 / DTYPE_BYTES[aType]) + 3, n: 20, aType, bType, init: 'zero' as const } : randomShape(r, aType, bType, ['zero', 'acc', 'bias']);
      // C initial contents (acc) and bias must be valid numbers of the accumulator type
      const float = aType === 'f16' || aType === 'f32';
      const lc = core.dv('L0C');
      for (let at = 0; at < lc.byteLength; at += 4) {
        if (float) lc.setFloat32(at, Math.fround((r() * 2 - 1) * 2 ** randInt(r, -4, 12)), true);
      }
      const bt = core.dv('BT');
      for (let at = 0; at < bt.byteLength; at += 4) if (float) bt.setFloat32(at, Math.fround((r() * 2 - 1) * 1000), true);
      const m1 = ceil16(s.m);
      const n1 = ceil16(s.n);
      const k1 = Math.ceil(s.k / (32 / DTYPE_BYTES[aType]));
      const addr = {
        a: 512 * randInt(r, 0, 16 - m1 * k1),
        b: 512 * randInt(r, 0, 16 - n1 * k1),
        c: 1024 * randInt(r, 0, 16 - m1 * n1),
        bias: 64 * randInt(r, 0, Math.floor((1024 - n1 * 64) / 64)),
      };
      fillOperands(core, addr.a, addr.b, s, r);
      checkMmad(core, cfg, s, addr, `trial ${trial}`);
    }
  });

  it('s32 accumulation wraps once: acc onto 0x7fffffff, and bias -2^31 minus a sum', () => {
    const core = fakeCore(tinySep, 'aic', 64);
    const s: MmadShape = { m: 16, k: 32, n: 16, aType: 's8', bType: 's8', init: 'acc' };
    core.buf('L0A').fill(1, 0, 512); // A = ones
    core.buf('L0B').fill(1, 0, 512); // B = ones: every dot product is 32
    const lc = core.dv('L0C');
    for (let e = 0; e < 256; e++) lc.setInt32(e * 4, 0x7fffffff, true);
    checkMmad(core, tinySep, s, { c: 0, a: 0, b: 0, bias: 0 }, 'acc');
    expect(lc.getInt32(0, true)).toBe(-(2 ** 31) + 31);
    core.buf('L0B').fill(0xff, 0, 512); // B = -1: every dot product is -32
    for (let j = 0; j < 16; j++) core.dv('BT').setInt32(j * 4, -(2 ** 31), true);
    checkMmad(core, tinySep, { ...s, init: 'bias' }, { c: 0, a: 0, b: 0, bias: 0 }, 'bias');
    expect(lc.getInt32(0, true)).toBe(2 ** 31 - 32);
  });

  it('f16: a K0 fractal is summed exactly, then rounded to f32; fractals accumulate with one f32 rounding each', () => {
    // k = 32 = two f16 K fractals (K0 = 16). Row 0: 4096*4096 + 1*1 in fractal 0 and 1*1 in fractal 1:
    //   rule: f32(2^24 + 1) = 2^24 (tie to even), then f32(2^24 + 1) = 2^24; one rounding of the
    //   whole sum would give 2^24 + 2.
    // Row 1: 4096*4096 + 1*1 + 1*1 in fractal 0: the exact partial sum 2^24 + 2 is representable;
    //   accumulating product by product in f32 would give 2^24.
    const core = fakeCore(tinySep, 'aic', 64);
    const s: MmadShape = { m: 2, k: 32, n: 1, aType: 'f16', bType: 'f16', init: 'zero' };
    const va = core.dv('L0A');
    const vb = core.dv('L0B');
    const setA = (i: number, kk: number, x: number) => va.setUint16(zzOffset(i, kk, 2, 2), numberToF16Bits(x), true);
    const setB = (kk: number, j: number, x: number) => vb.setUint16(znOffset(kk, j, 1, 2), numberToF16Bits(x), true);
    [4096, 1, 1].forEach((x, kk) => setB(kk, 0, x));
    setB(16, 0, 1);
    [4096, 1].forEach((x, kk) => setA(0, kk, x));
    setA(0, 16, 1);
    [4096, 1, 1].forEach((x, kk) => setA(1, kk, x));
    checkMmad(core, tinySep, s, { c: 0, a: 0, b: 0, bias: 0 }, 'rounding rule');
    expect(core.dv('L0C').getFloat32(nzOffset(0, 0, 1), true)).toBe(2 ** 24);
    expect(core.dv('L0C').getFloat32(nzOffset(1, 0, 1), true)).toBe(2 ** 24 + 2);
  });
});

// ---- fixpipe -------------------------------------------------------------------------------------------

interface FixShape {
  quant: QuantMode;
  srcType: Dtype;
  dstType: Dtype;
  m: number;
  n: number;
  srcStride: number;
  dstStride: number;
  scale: number;
  offset: number;
  relu: number;
  nz2nd: number;
}

interface Word {
  scale: number;
  offset: number;
  signed: boolean;
}

/** The fixpipe model: reads L0C by the documented formula, converts with the independent model of
 * test/support/fixpipe-model.ts, writes ND or Nz. */
function modelFixpipe(l0c: DataView, src: number, out: DataView, dst: number, f: FixShape, words: readonly Word[]): void {
  const relu = f.relu === 1;
  const size = DTYPE_BYTES[f.dstType];
  for (let mm = 0; mm < f.m; mm++)
    for (let nn = 0; nn < f.n; nn++) {
      const v = readElem(l0c, src + ((Math.floor(nn / 16) * f.srcStride + mm) * 16 + (nn % 16)) * 4, f.srcType);
      let x: number;
      switch (f.quant) {
        case 'none':
          x = relu && v < 0 ? 0 : v;
          break;
        case 'f322f16':
          x = roundF16(relu && v < 0 ? 0 : v);
          break;
        case 'deqf16':
          x = modelDequantF16(v, f.scale, relu);
          break;
        case 'vdeqf16':
          x = modelDequantF16(v, words[nn]!.scale, relu);
          break;
        case 'req8':
          x = modelRequant8(v, f.scale, f.offset, f.dstType === 's8', relu);
          break;
        case 'vreq8':
          x = modelRequant8(v, words[nn]!.scale, words[nn]!.offset, words[nn]!.signed, relu);
          break;
      }
      const at = f.nz2nd ? (mm * f.dstStride + nn) * size : ((Math.floor(nn / 16) * f.dstStride + mm) * 16 + (nn % 16)) * size;
      writeElem(out, dst + at, f.dstType, x);
    }
}

const MODES: [QuantMode, Dtype, Dtype][] = [
  ['none', 's32', 's32'],
  ['none', 'f32', 'f32'],
  ['f322f16', 'f32', 'f16'],
  ['deqf16', 's32', 'f16'],
  ['vdeqf16', 's32', 'f16'],
  ['req8', 's32', 's8'],
  ['req8', 's32', 'u8'],
  ['vreq8', 's32', 's8'],
  ['vreq8', 's32', 'u8'],
];

/** Accumulator values that hit ties and both saturation ends for the scales used below. */
function accValue(r: Rnd, f: FixShape): number {
  if (f.srcType === 'f32') {
    // f16 ties (1 + 2^-11 and friends), overflow past 65504, small and negative values
    const k = r();
    if (k < 0.2) return Math.fround((1 + (2 * randInt(r, 0, 1023) + 1) * 2 ** -11) * 2 ** randInt(r, -10, 10) * (r() < 0.5 ? -1 : 1));
    if (k < 0.3) return Math.fround((r() < 0.5 ? -1 : 1) * (65504 + randInt(r, 0, 40) * 16));
    return Math.fround((r() * 2 - 1) * 2 ** randInt(r, -20, 17));
  }
  const k = r();
  if (k < 0.05) return pick(r, [2 ** 31 - 1, -(2 ** 31), 2 ** 20, -(2 ** 20)]);
  if (f.quant === 'deqf16' || f.quant === 'vdeqf16') return randInt(r, -(2 ** 20), 2 ** 20);
  return randInt(r, -1400, 1400); // with scales 2^-1 .. 2^-2: x.5 ties, both ends of [-256, 255] and of s8/u8
}

function randomFix(r: Rnd, [quant, srcType, dstType]: [QuantMode, Dtype, Dtype]): FixShape {
  const m = randInt(r, 1, 40);
  const n = randInt(r, 1, 40);
  const nz2nd = r() < 0.5 ? 1 : 0;
  return {
    quant,
    srcType,
    dstType,
    m,
    n,
    srcStride: 16 * (ceil16(m) + randInt(r, 0, 2)), // often larger than the tile
    dstStride: nz2nd ? n + randInt(r, 0, 5) : m + randInt(r, 0, 5),
    scale: pick(r, [0.5, 0.25, 0.125, Math.fround(0.1), Math.fround(0.3), Math.fround(-0.5)]),
    offset: pick(r, [0, 3, -7, 100, -100, 255, -256]),
    relu: r() < 0.5 ? 1 : 0,
    nz2nd,
  };
}

/** Per-column quant words: power-of-two and ragged scales, offsets over the whole 9-bit range. */
const randomWords = (r: Rnd, n: number, signed: boolean): Word[] =>
  Array.from({ length: n }, () => ({ scale: pick(r, [0.5, 0.25, Math.fround(0.1), Math.fround(-0.75), 2, Math.fround(1 / 3)]), offset: randInt(r, -256, 255), signed }));

function storeWords(fb: DataView, at: number, words: readonly Word[]): void {
  words.forEach((w, j) => {
    const q = quantWordBits(w.scale, w.offset, w.signed);
    fb.setUint32(at + j * 8, q.lo, true);
    fb.setUint32(at + j * 8 + 4, q.hi, true);
  });
}

describe('fixpipe against the plain model', () => {
  it.each(MODES)('%s %s -> %s: random shapes, relu, nz2nd, srcStride beyond the tile, GM and L1 destinations', (quant, srcType, dstType) => {
    const r = rng(quant.length * 977 + dstType.charCodeAt(0));
    for (let trial = 0; trial < 15; trial++) {
      const core = fakeCore(tinySep, 'aic', 16384, r);
      const f = randomFix(r, [quant, srcType, dstType]);
      const lc = core.dv('L0C');
      for (let at = 0; at < lc.byteLength; at += 4) writeElem(lc, at, srcType, accValue(r, f));
      const words = randomWords(r, f.n, dstType === 's8');
      const table = 64 * randInt(r, 0, 4);
      storeWords(core.dv('FB'), table, words);
      const dstBuf = r() < 0.5 ? 'GM' : 'L1';
      const dst = 32 * randInt(r, 0, 100);
      const n1 = ceil16(f.n);
      const src = 1024 * randInt(r, 0, Math.floor((16384 - ((n1 - 1) * f.srcStride + ceil16(f.m) * 16) * 64) / 1024));
      const want = core.snapshot();
      modelFixpipe(lc, src, new DataView(want.get(dstBuf)!.buffer), dst, f, words);
      const insn: InsnOf<'fixpipe'> = { op: 'fixpipe', dst: mem(dstBuf, dst), src: mem('L0C', src), table: mem('FB', table), ...f };
      execFixpipe(core.ctx, insn, Float64Array.of(dst, src, table));
      for (const [b, bytes] of want) {
        const at = firstDiff(core.buf(b), bytes);
        expect(at, `${b} byte ${at}: ${JSON.stringify({ ...f, dstBuf, dst, src, table })}`).toBe(-1);
      }
    }
  });

  /** One column of 16 rows through fixpipe on a fake core; returns the outputs as numbers. */
  const column = (f: Partial<FixShape> & Pick<FixShape, 'quant' | 'srcType' | 'dstType'>, accs: number[], words: Word[] = []): number[] => {
    const core = fakeCore(tinySep, 'aic', 4096);
    const shape: FixShape = { m: accs.length, n: 1, srcStride: 16 * ceil16(accs.length), dstStride: 1, scale: 1, offset: 0, relu: 0, nz2nd: 1, ...f };
    accs.forEach((x, mm) => writeElem(core.dv('L0C'), mm * 64, shape.srcType, x));
    storeWords(core.dv('FB'), 0, words.length ? words : [{ scale: 1, offset: 0, signed: true }]);
    execFixpipe(core.ctx, { op: 'fixpipe', dst: mem('GM', 0), src: mem('L0C', 0), table: mem('FB', 0), ...shape }, Float64Array.of(0, 0, 0));
    return accs.map((_, mm) => readElem(core.dv('GM'), mm * DTYPE_BYTES[shape.dstType], shape.dstType));
  };

  it('req8: x.5 ties round to even, [-256, 255] clamp before the offset, s8 / u8 saturation at both ends', () => {
    const accs = [1, 3, 5, -1, -3, -5, 511, 600, -600, 2000, -2000];
    //               0.5 1.5 2.5 -.5 -1.5 -2.5 255.5 300  -300  1000  -1000   (scale 1/2)
    expect(column({ quant: 'req8', srcType: 's32', dstType: 's8', scale: 0.5 }, accs)).toEqual([0, 2, 2, 0, -2, -2, 127, 127, -128, 127, -128]);
    expect(column({ quant: 'req8', srcType: 's32', dstType: 'u8', scale: 0.5 }, accs)).toEqual([0, 2, 2, 0, 0, 0, 255, 255, 0, 255, 0]);
    // offset after the clamp: 300 -> 255 - 100 = 155 (not 200); -300 -> -256 + 100 = -156 -> s8 -128
    expect(column({ quant: 'req8', srcType: 's32', dstType: 'u8', scale: 0.5, offset: -100 }, [600, 3, 250])).toEqual([155, 0, 25]);
    expect(column({ quant: 'req8', srcType: 's32', dstType: 's8', scale: 0.5, offset: 100 }, [-600, 3, -250])).toEqual([-128, 102, -25]);
    // relu zeroes negatives before the offset
    expect(column({ quant: 'req8', srcType: 's32', dstType: 's8', scale: 0.5, offset: 5, relu: 1 }, [-600, -3, 7])).toEqual([5, 5, 9]);
  });

  it('req8 multiplies by the scale with its low 13 mantissa bits cleared', () => {
    // 2015 * f32(0.1) = 201.5 (would round to 202); 2015 * 0.0999755859375 = 201.45 -> 201
    expect(column({ quant: 'req8', srcType: 's32', dstType: 'u8', scale: Math.fround(0.1) }, [2015])).toEqual([201]);
  });

  it('vreq8: per-column words (scale, 9-bit signed offset, signedness) packed by packQuantWord', () => {
    const core = fakeCore(tinySep, 'aic', 4096);
    const words: Word[] = [
      { scale: 0.5, offset: -256, signed: true },
      { scale: 0.5, offset: 255, signed: false },
      { scale: 0.25, offset: -1, signed: true },
      { scale: Math.fround(0.1), offset: 0, signed: false },
    ];
    storeWords(core.dv('FB'), 0, words);
    const accs = [[5, 300], [5, -300], [6, -6], [2015, 20]]; // [column][row]
    accs.forEach((col, j) => col.forEach((x, mm) => core.dv('L0C').setInt32((mm * 16 + j) * 4, x, true)));
    const f: FixShape = { quant: 'vreq8', srcType: 's32', dstType: 's8', m: 2, n: 4, srcStride: 16, dstStride: 4, scale: 0, offset: 0, relu: 0, nz2nd: 1 };
    execFixpipe(core.ctx, { op: 'fixpipe', dst: mem('GM', 0), src: mem('L0C', 0), table: mem('FB', 0), ...f }, Float64Array.of(0, 0, 0));
    const g = core.buf('GM');
    const got = [0, 1].map((mm) => [0, 1, 2, 3].map((j) => g[mm * 4 + j]!));
    // column 0: 2.5 -> 2 - 256 -> -128; 150 - 256 = -106.  column 1 (u8): 2 + 255 = 255; -150 + 255 = 105.
    // column 2: 1.5 -> 2 - 1 = 1; -1.5 -> -2 - 1 = -3.  column 3 (u8): 201; 2.
    expect(got).toEqual([
      [-128 & 0xff, 255, 1, 201],
      [-106 & 0xff, 105, -3 & 0xff, 2],
    ]);
  });

  it('deqf16 / vdeqf16 / f322f16: f16 rounding ties to even and overflow', () => {
    // 2049 * 2^-3 = 256.125: f16 spacing at 256 is 0.25, so a tie between 256 and 256.25 -> 256
    expect(column({ quant: 'deqf16', srcType: 's32', dstType: 'f16', scale: 0.125 }, [2049, 2051, -8, 2 ** 31 - 1])).toEqual([256, 256.5, -1, Infinity]);
    expect(column({ quant: 'vdeqf16', srcType: 's32', dstType: 'f16' }, [2049, -8], [{ scale: 0.125, offset: 0, signed: true }])).toEqual([256, -1]);
    expect(column({ quant: 'f322f16', srcType: 'f32', dstType: 'f16' }, [1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, -65519, -3], [])).toEqual([1, 1 + 2 ** -9, Infinity, -65504, -3]);
    expect(column({ quant: 'f322f16', srcType: 'f32', dstType: 'f16', relu: 1 }, [-3, 2])).toEqual([0, 2]);
  });
});

// ---- end to end through the engine -----------------------------------------------------------------------

/** Host-side layouts in GM: A (m x k) as Zz fractals, B (k x n) as Zn fractals; padding left random. */
function placeOperands(gm: Uint8Array, aAt: number, bAt: number, A: number[][], B: number[][], aType: Dtype, bType: Dtype, k: number): void {
  const v = new DataView(gm.buffer);
  const k1 = Math.ceil(k / 32);
  const n1 = ceil16(B[0]!.length);
  A.forEach((row, i) => row.forEach((x, kk) => writeElem(v, aAt + zzOffset(i, kk, k1, 1), aType, x)));
  B.forEach((row, kk) => row.forEach((x, j) => writeElem(v, bAt + znOffset(kk, j, n1, 1), bType, x)));
}

const matrix = (rows: number, cols: number, f: () => number) => Array.from({ length: rows }, () => Array.from({ length: cols }, f));

describe('cube and fixpipe through simulate', () => {
  const m = 20;
  const k = 40;
  const n = 24;
  const [m1, k1, n1] = [ceil16(m), Math.ceil(k / 32), ceil16(n)];
  const A_AT = 0;
  const B_AT = 4096;
  const BIAS_AT = 8192;
  const FB_AT = 8448;
  const OUT = 32768;

  const fixCases: [QuantMode, Dtype, number, number, number][] = [
    // quant, dstType, scale, relu, nz2nd
    ['none', 's32', 0, 0, 1],
    ['vreq8', 's8', 0, 1, 1],
    ['vreq8', 'u8', 0, 0, 0],
    ['req8', 's8', 2 ** -9, 0, 1],
    ['deqf16', 'f16', 2 ** -4, 1, 0],
    ['vdeqf16', 'f16', 0, 0, 1],
  ];

  it.each(fixCases)('tiny-sep AIC: GM -> L1 -> load2d / BT / FB, mmad with bias, fixpipe %s -> %s (scale %s, relu %i, nz2nd %i)', (quant, dstType, scale, relu, nz2nd) => {
    const r = rng(4242 + quant.length * 10 + dstType.length + relu * 3 + nz2nd);
    const gm = randomBytes(GM_BYTES, r);
    const A = matrix(m, k, () => randInt(r, -128, 127));
    const B = matrix(k, n, () => randInt(r, -128, 127));
    const bias = Array.from({ length: n }, () => randInt(r, -200000, 200000));
    placeOperands(gm, A_AT, B_AT, A, B, 's8', 's8', k);
    const gv = new DataView(gm.buffer);
    bias.forEach((x, j) => gv.setInt32(BIAS_AT + j * 4, x, true));
    const words = Array.from({ length: n }, () => ({ scale: 2 ** -randInt(r, 6, 10), offset: randInt(r, -20, 20), signed: dstType === 's8' }));
    words.forEach((w, j) => {
      const q = quantWordBits(w.scale, w.offset, w.signed);
      gv.setUint32(FB_AT + j * 8, q.lo, true);
      gv.setUint32(FB_AT + j * 8 + 4, q.hi, true);
    });
    const srcType = 's32';
    const dstStride = nz2nd ? n : m;
    const text = [
      `copy_gm_l1 L1[0], GM[0], 1, 8704, 0, 0`,
      `load2d L0A[0], L1[${A_AT}], s8, ${m1 * k1}, 1, 0, 0`,
      `load2d L0B[0], L1[${B_AT}], s8, ${k1 * n1}, 1, 0, 0`,
      `copy_l1_bt BT[0], L1[${BIAS_AT}], 1, ${n * 4}, 0, 0`,
      `copy_l1_fb FB[0], L1[${FB_AT}], 1, ${n * 8}, 0, 0`,
      `mmad L0C[0], L0A[0], L0B[0], BT[0], ${m}, ${k}, ${n}, s8, s8, bias`,
      `fixpipe GM[${OUT}], L0C[0], ${srcType}, ${dstType}, ${m}, ${n}, ${m1 * 16}, ${dstStride}, ${quant}, ${scale}, -3, FB[0], ${relu}, ${nz2nd}`,
    ].join('\nbarrier_all\n');
    const res = runFunctional(tinySep, { aic: text + '\nend\n' }, gm);
    // model: C = A B + bias (exact), in an L0C image, then the fixpipe model onto the input GM
    const l0c = new DataView(new ArrayBuffer(16384));
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = bias[j]!;
        for (let kk = 0; kk < k; kk++) s += A[i]![kk]! * B[kk]![j]!;
        l0c.setInt32(nzOffset(i, j, m1), s, true);
      }
    const want = gm.slice();
    const f: FixShape = { quant, srcType, dstType, m, n, srcStride: m1 * 16, dstStride, scale, offset: -3, relu, nz2nd };
    modelFixpipe(l0c, 0, new DataView(want.buffer), OUT, f, words);
    const at = firstDiff(res.gm!, want);
    expect(at, `first differing GM byte ${at} (output starts at ${OUT})`).toBe(-1);
  });

  it.each([
    ['s8', 's8'],
    ['u8', 's8'],
    ['u8', 'u8'],
  ] as const)('tiny %s x %s: mmad zero then acc, read back with copy_l0c_ub; padding garbage ignored', (aType, bType) => {
    const r = rng(777 + aType.length * 3 + bType.charCodeAt(0));
    const gm = randomBytes(GM_BYTES, r);
    const elem = (t: Dtype) => () => (t === 's8' ? randInt(r, -128, 127) : randInt(r, 0, 255));
    const A = matrix(m, k, elem(aType));
    const B = matrix(k, n, elem(bType));
    const A2 = matrix(m, k, elem(aType));
    placeOperands(gm, A_AT, B_AT, A, B, aType, bType, k);
    placeOperands(gm, 16384, B_AT, A2, B, aType, bType, k);
    const text = [
      `copy_gm_l1 L1[0], GM[0], 1, 8192, 0, 0`,
      `copy_gm_l1 L1[8192], GM[16384], 1, 2048, 0, 0`,
      `load2d L0A[0], L1[${A_AT}], ${aType}, ${m1 * k1}, 1, 0, 0`,
      `load2d L0B[0], L1[${B_AT}], ${bType}, ${k1 * n1}, 1, 0, 0`,
      `mmad L0C[0], L0A[0], L0B[0], BT[0], ${m}, ${k}, ${n}, ${aType}, ${bType}, zero`,
      `load2d L0A[0], L1[8192], ${aType}, ${m1 * k1}, 1, 0, 0`,
      `mmad L0C[0], L0A[0], L0B[0], BT[0], ${m}, ${k}, ${n}, ${aType}, ${bType}, acc`,
      `copy_l0c_ub UB[0], L0C[0], 1, ${m1 * n1}, 0, 0`,
      `copy_ub_gm GM[${OUT}], UB[0], 1, ${m1 * n1 * 1024}, 0, 0`,
    ].join('\nbarrier_all\n');
    const res = runFunctional(tiny, { coupled: text + '\nend\n' }, gm);
    const out = new DataView(res.gm!.buffer, OUT);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let kk = 0; kk < k; kk++) s += (A[i]![kk]! + A2[i]![kk]!) * B[kk]![j]!;
        expect(out.getInt32(nzOffset(i, j, m1), true), `C(${i}, ${j})`).toBe(s);
      }
  });
});
