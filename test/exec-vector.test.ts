/**
 * Vector-unit semantics (hw/exec/vector.ts) against an independent plain model: every opcode of
 * every vector family runs on random dtypes, strides, masks and repeat counts over a random UB,
 * and all 64 KiB of UB must match the model byte for byte. Then fixed cases pin down rounding
 * ties, saturation, wrapping, the reduction order and bit-exact copies.
 */
import { describe, expect, it } from 'vitest';
import { OPCODES, type Mnemonic } from '../isa/opcodes.js';
import type { Insn } from '../isa/program.js';
import type { Dtype, MemRef } from '../isa/types.js';
import { DTYPE_BYTES } from '../isa/numeric/dtype.js';
import { castValue } from '../isa/numeric/cast.js';
import { f16BitsToNumber, numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { CONV_PAIRS } from '../isa/casts.js';
import { ROUND_MODES, type RoundMode } from '../isa/numeric/round-mode.js';
import type { HwConfig } from '../hw/config/types.js';
import type { ExecContext } from '../hw/exec/context.js';
import { VECTOR_EXEC } from '../hw/exec/vector.js';
import { exactFma } from './support/exact-fma.js';
import { uint32Random } from './support/rng.js';

const UB_BYTES = 64 * 1024;

const makeCtx = (ub: Uint8Array): ExecContext => {
  const view = new DataView(ub.buffer, ub.byteOffset, ub.byteLength);
  return { config: {} as HwConfig, view: () => view, bytes: () => ub, mask: new Uint8Array(128) };
};

const mem = (off: number): MemRef => ({ buf: 'UB', base: -1, off });

/** Runs one instruction through VECTOR_EXEC by its family, as the engine will. */
function run(ctx: ExecContext, insn: Insn, a: readonly number[]): void {
  const family = OPCODES[insn.op].family;
  const fn = (VECTOR_EXEC as Record<string, (c: ExecContext, i: Insn, a: Float64Array) => void>)[family];
  if (!fn) throw new Error(`${insn.op} is not a vector opcode`);
  fn(ctx, insn, Float64Array.from(a));
}

// ---- the plain model -------------------------------------------------------------------------

/** Element value of `dt` at byte `at` of `b` (little-endian). */
function get(b: DataView, dt: Dtype, at: number): number {
  if (dt === 'f16') return f16BitsToNumber(b.getUint16(at, true));
  if (dt === 'f32') return b.getFloat32(at, true);
  const bits = 8 * DTYPE_BYTES[dt];
  let x = 0;
  for (let i = bits / 8 - 1; i >= 0; i--) x = x * 256 + b.getUint8(at + i);
  return dt.startsWith('s') && x >= 2 ** (bits - 1) ? x - 2 ** bits : x;
}

/** Stores an already representable value (integers may be out of range: they wrap via BigInt). */
function put(b: DataView, dt: Dtype, at: number, x: number): void {
  if (dt === 'f16') return b.setUint16(at, numberToF16Bits(x), true);
  if (dt === 'f32') return b.setFloat32(at, x, true);
  const size = DTYPE_BYTES[dt];
  let u = BigInt.asUintN(8 * size, BigInt(x));
  for (let i = 0; i < size; i++) {
    b.setUint8(at + i, Number(u & 0xffn));
    u >>= 8n;
  }
}

/** Wraps an exact integer (as BigInt) or rounds a float result to the element type. */
function fit(dt: Dtype, x: number | bigint): number {
  if (dt === 'f16') return roundF16(Number(x));
  if (dt === 'f32') return Math.fround(Number(x));
  const bits = 8 * DTYPE_BYTES[dt];
  return Number(dt.startsWith('s') ? BigInt.asIntN(bits, BigInt(x)) : BigInt.asUintN(bits, BigInt(x)));
}

function modelArith(op: string, dt: Dtype, x: number, y: number): number {
  const int = dt !== 'f16' && dt !== 'f32';
  switch (op) {
    case 'add':
      return int ? fit(dt, BigInt(x) + BigInt(y)) : fit(dt, x + y);
    case 'sub':
      return int ? fit(dt, BigInt(x) - BigInt(y)) : fit(dt, x - y);
    case 'mul':
      return int ? fit(dt, BigInt(x) * BigInt(y)) : fit(dt, x * y);
    case 'div':
      return fit(dt, x / y);
    case 'max':
      return x >= y ? x : y;
    case 'min':
      return x <= y ? x : y;
    default:
      throw new Error(op);
  }
}

interface Strided {
  at: number;
  blk: number;
  rep: number;
}

/**
 * Visits the lanes of one repeat the way the hardware lays them out: 8 (or fewer) blocks, each
 * holding 32/size consecutive elements; lane numbers run on across blocks.
 */
function lanesOfRepeat(o: Strided, size: number, lanes: number, r: number, visit: (lane: number, at: number) => void): void {
  const perBlock = 32 / size;
  const blocks = (lanes * size) / 32;
  for (let blk = 0; blk < blocks; blk++) {
    for (let j = 0; j < perBlock; j++) visit(blk * perBlock + j, o.at + r * o.rep * 32 + blk * o.blk * 32 + j * size);
  }
}

/** Reference semantics of one vector instruction, on a DataView of UB and a model mask. */
function model(b: DataView, mask: Uint8Array, insn: Insn): void {
  // the fields every element-wise vector instruction has (vconv has no dtype; it is not read then)
  const i = insn as unknown as { dtype: Dtype; dst: MemRef; repeat: number; dstBlkStride: number; dstRepStride: number };
  const op = insn.op;
  if (op === 'set_mask_count') {
    for (let e = 0; e < 128; e++) mask[e] = e < insn.count ? 1 : 0;
    return;
  }
  if (op === 'set_mask_bits') {
    const w = [insn.w0, insn.w1, insn.w2, insn.w3];
    for (let e = 0; e < 128; e++) mask[e] = Math.floor(w[Math.floor(e / 32)]! / 2 ** (e % 32)) % 2;
    return;
  }
  if (op === 'vcadd' || op === 'vcmax') {
    const dt = insn.dtype;
    const size = DTYPE_BYTES[dt];
    for (let r = 0; r < insn.repeat; r++) {
      let v: number[] = [];
      lanesOfRepeat({ at: insn.src0.off, blk: insn.src0BlkStride, rep: insn.src0RepStride }, size, 256 / size, r, (e, at) => {
        if (mask[e] === 1) v.push(get(b, dt, at));
      });
      if (v.length === 0) continue;
      while (v.length > 1) {
        const next: number[] = [];
        for (let k = 0; k + 1 < v.length; k += 2) next.push(modelArith(op === 'vcadd' ? 'add' : 'max', dt, v[k]!, v[k + 1]!));
        if (v.length % 2 === 1) next.push(v[v.length - 1]!);
        v = next;
      }
      put(b, dt, insn.dst.off + r * size, v[0]!);
    }
    return;
  }
  // Element-wise families: source/destination types, lane count and the per-lane function.
  let srcType: Dtype;
  let dstType: Dtype;
  let f: (x: number, y: number) => number;
  let src1Type: Dtype | undefined; // when src1 has its own type
  const sources: Strided[] = [];
  // the dequantising casts: s32 times an f16 scale, the exact product rounded once to f16, saturated
  const deq = (x: number, s: number) => Math.max(-65504, Math.min(65504, roundF16(Math.fround(x) * s)));
  if (op === 'vconv_deq') {
    srcType = 's32';
    dstType = 'f16';
    f = (x) => deq(x, roundF16(insn.scale));
  } else if (op === 'vconv_vdeq') {
    srcType = 's32';
    dstType = 'f16';
    src1Type = 'f16';
    f = deq;
  } else if (op === 'vconv') {
    srcType = insn.srcType;
    dstType = insn.dstType;
    f = (x) => castValue(x, insn.srcType, insn.dstType, insn.round);
  } else {
    const dt = i.dtype;
    srcType = dstType = dt;
    const s = 'scalar' in insn ? (dt === 'f16' ? roundF16(insn.scalar) : insn.scalar) : 0;
    const name = op.replace(/^v/, '').replace(/s$/, '');
    if (op === 'vrelu') f = (x) => (x > 0 ? x : 0);
    else if (op === 'vabs') f = (x) => fit(dt, dt === 'f16' || dt === 'f32' ? Math.abs(x) : BigInt(x < 0 ? -x : x));
    else if (op === 'vcopy') {
      // raw bits: reinterpret as the unsigned type of the same size
      srcType = dstType = DTYPE_BYTES[dt] === 2 ? 'u16' : 'u32';
      f = (x) => x;
    } else if (op === 'vdup') f = () => s;
    // fused: the exact x * s + dst rounded once (the second source is dst itself, pushed below)
    else if (op === 'vaxpy') f = (x, d) => exactFma(x, s, d, dt as 'f16' | 'f32');
    else if (op === 'vadds' || op === 'vmuls' || op === 'vmaxs' || op === 'vmins') f = (x) => modelArith(name, dt, x, s);
    else f = (x, y) => modelArith(name, dt, x, y);
  }
  if ('src0' in insn) sources.push({ at: insn.src0.off, blk: insn.src0BlkStride, rep: insn.src0RepStride });
  if ('src1' in insn) sources.push({ at: insn.src1.off, blk: insn.src1BlkStride, rep: insn.src1RepStride });
  const dst: Strided = { at: i.dst.off, blk: i.dstBlkStride, rep: i.dstRepStride };
  if (op === 'vaxpy') sources.push(dst);
  const lanes = 256 / Math.max(DTYPE_BYTES[srcType], DTYPE_BYTES[dstType]);
  for (let r = 0; r < i.repeat; r++) {
    const vals = sources.map(() => new Array<number>(lanes).fill(0));
    sources.forEach((src, k) => {
      const t = k === 1 && src1Type ? src1Type : srcType;
      lanesOfRepeat(src, DTYPE_BYTES[t], lanes, r, (e, at) => (vals[k]![e] = get(b, t, at)));
    });
    lanesOfRepeat(dst, DTYPE_BYTES[dstType], lanes, r, (e, at) => {
      if (mask[e] === 1) put(b, dstType, at, f(vals[0]?.[e] ?? 0, vals[1]?.[e] ?? 0));
    });
  }
}

// ---- random instructions -----------------------------------------------------------------------

/** Fills UB with values of `dt`: no NaNs (their payloads are not part of the contract), mostly moderate magnitudes. */
function fill(ub: Uint8Array, dt: Dtype, rnd: () => number): void {
  const v = new DataView(ub.buffer, ub.byteOffset, ub.byteLength);
  const size = DTYPE_BYTES[dt];
  for (let at = 0; at < ub.length; at += size) {
    const wide = rnd() % 10 === 0;
    if (dt === 'f16') {
      const sign = rnd() & 0x8000;
      const exp = wide ? rnd() % 31 : 10 + (rnd() % 10);
      v.setUint16(at, sign | (exp << 10) | (rnd() & 0x3ff), true);
    } else if (dt === 'f32') {
      const sign = (rnd() & 1) << 31;
      const exp = wide ? rnd() % 255 : 110 + (rnd() % 30);
      v.setUint32(at, (sign | (exp << 23) | (rnd() & 0x7fffff)) >>> 0, true);
    } else {
      for (let k = 0; k < size; k++) v.setUint8(at + k, rnd() & 0xff);
    }
  }
}

const VECTOR_OPS = (Object.keys(OPCODES) as Mnemonic[]).filter(
  (m) => OPCODES[m].family.startsWith('vec-') && OPCODES[m].family !== 'vec-mask',
);

/** A random scalar operand that is a valid value of `dt`. */
function randomScalar(dt: Dtype, rnd: () => number): number {
  if (dt === 'f16' || dt === 'f32') return Math.fround(((rnd() / 2 ** 32) * 2 - 1) * 2 ** ((rnd() % 20) - 8));
  const bits = 8 * DTYPE_BYTES[dt];
  const u = rnd() % 2 ** Math.min(bits, 31);
  return dt.startsWith('s') ? u - 2 ** (Math.min(bits, 31) - 1) : u;
}

function randomInsn(op: Mnemonic, rnd: () => number): { insn: Insn; fillType: Dtype } {
  const pick = <T>(xs: readonly T[]): T => xs[rnd() % xs.length]!;
  const repeat = rnd() % 8 === 0 ? 0 : 1 + (rnd() % 6);
  const blk = () => (rnd() % 6 === 0 ? 0 : 1 + (rnd() % 3));
  const rep = () => rnd() % 24;
  const addr = () => 32 * (rnd() % 800); // extents stay under 6 KiB, so base < 26 KiB keeps it in UB
  const dst = addr();
  const src0 = rnd() % 4 === 0 ? dst : addr(); // sometimes in place
  const common = { repeat, dstBlkStride: blk(), dstRepStride: rep(), src0BlkStride: blk(), src0RepStride: rep() };
  if (src0 === dst && rnd() % 2 === 0) Object.assign(common, { src0BlkStride: common.dstBlkStride, src0RepStride: common.dstRepStride });
  const spec = OPCODES[op];
  if (op === 'vconv') {
    const srcType = pick(Object.keys(CONV_PAIRS) as Dtype[]);
    const dstType = pick(CONV_PAIRS[srcType]!);
    const round = pick(ROUND_MODES);
    return { insn: { op, dstType, srcType, round, dst: mem(dst), src0: mem(src0), ...common }, fillType: srcType };
  }
  if (op === 'vconv_deq') return { insn: { op, dst: mem(dst), src0: mem(src0), scale: randomScalar('f32', rnd), ...common }, fillType: 's32' };
  if (op === 'vconv_vdeq')
    // f16 fill: the scales are finite halves, the s32 sources pairs of them
    return { insn: { op, dst: mem(dst), src0: mem(src0), src1: mem(addr()), src1BlkStride: blk(), src1RepStride: rep(), ...common }, fillType: 'f16' };
  const dtype = pick('dtypes' in spec ? spec.dtypes : []);
  switch (spec.family) {
    case 'vec-binary':
      return {
        insn: { op, dtype, dst: mem(dst), src0: mem(src0), src1: mem(addr()), src1BlkStride: blk(), src1RepStride: rep(), ...common } as Insn,
        fillType: dtype,
      };
    case 'vec-scalar':
    case 'vec-axpy':
      return { insn: { op, dtype, dst: mem(dst), src0: mem(src0), scalar: randomScalar(dtype, rnd), ...common } as Insn, fillType: dtype };
    case 'vec-unary':
      return { insn: { op, dtype, dst: mem(dst), src0: mem(src0), ...common } as Insn, fillType: dtype };
    case 'vec-dup':
      return {
        insn: { op, dtype, dst: mem(dst), scalar: randomScalar(dtype, rnd), repeat, dstBlkStride: common.dstBlkStride, dstRepStride: common.dstRepStride } as Insn,
        fillType: dtype,
      };
    case 'vec-reduce':
      return {
        insn: { op, dtype, dst: mem(dst), src0: mem(src0), repeat, src0BlkStride: common.src0BlkStride, src0RepStride: common.src0RepStride } as Insn,
        fillType: dtype,
      };
    default:
      throw new Error(`no generator for ${op}`);
  }
}

const sparse = (rnd: () => number) => (rnd() & rnd()) >>> 0;

function randomMaskInsn(rnd: () => number): Insn {
  switch (rnd() % 3) {
    case 0:
      return { op: 'set_mask_count', count: 1 + (rnd() % 128) };
    case 1: // sparse: each word has a few bits, sometimes a whole word is empty
      return { op: 'set_mask_bits', w3: sparse(rnd), w2: sparse(rnd), w1: rnd() % 3 === 0 ? 0 : sparse(rnd), w0: sparse(rnd) };
    default:
      return { op: 'set_mask_bits', w3: 0xffffffff, w2: rnd(), w1: rnd(), w0: 0xffffffff };
  }
}

function firstDiff(x: Uint8Array, y: Uint8Array): number {
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return k;
  return -1;
}

describe('vector semantics against the plain model', () => {
  it.each(VECTOR_OPS)('%s on random dtypes, strides, masks and repeats', (op) => {
    const rnd = uint32Random(0x5eed ^ op.split('').reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7));
    const ub = new Uint8Array(UB_BYTES);
    const ref = new Uint8Array(UB_BYTES);
    const ctx = makeCtx(ub);
    const refMask = new Uint8Array(128);
    const refView = new DataView(ref.buffer);
    for (let trial = 0; trial < 24; trial++) {
      const { insn, fillType } = randomInsn(op, rnd);
      fill(ub, fillType, rnd);
      ref.set(ub);
      const maskInsn = randomMaskInsn(rnd);
      run(ctx, maskInsn, []);
      model(refView, refMask, maskInsn);
      expect(Array.from(ctx.mask)).toEqual(Array.from(refMask));
      const fields = insn as unknown as Record<string, MemRef | undefined>;
      const a = ['dst', 'src0', 'src1'].flatMap((n) => (fields[n] ? [fields[n].off] : []));
      run(ctx, insn, a);
      model(refView, refMask, insn);
      const at = firstDiff(ub, ref);
      expect(at, `${JSON.stringify(insn)}: first differing byte ${at}`).toBe(-1);
    }
  });
});

// ---- fixed cases -------------------------------------------------------------------------------

/** One-repeat helpers over a fresh UB with all 128 lanes active. */
function fresh() {
  const ub = new Uint8Array(4096);
  const ctx = makeCtx(ub);
  ctx.mask.fill(1);
  return { ub, ctx, v: new DataView(ub.buffer) };
}
const ONE = { repeat: 1, dstBlkStride: 1, dstRepStride: 8, src0BlkStride: 1, src0RepStride: 8 };

describe('vector fixed cases', () => {
  it('vconv f32 -> s32 rounds 2.5 and -2.5 with each mode', () => {
    const expected: Record<RoundMode, [number, number]> = {
      rint: [2, -2],
      none: [2, -2],
      round: [3, -3],
      floor: [2, -3],
      ceil: [3, -2],
      trunc: [2, -2],
      odd: [3, -3],
    };
    for (const round of ROUND_MODES) {
      const { ctx, v } = fresh();
      v.setFloat32(1024, 2.5, true);
      v.setFloat32(1028, -2.5, true);
      run(ctx, { op: 'vconv', dstType: 's32', srcType: 'f32', round, dst: mem(0), src0: mem(1024), ...ONE }, [0, 1024]);
      expect([v.getInt32(0, true), v.getInt32(4, true)], round).toEqual(expected[round]);
    }
  });

  it('vconv f16 -> s8 saturates (and rounds 127.5 up before saturating)', () => {
    const { ctx, v, ub } = fresh();
    const src = [300, -300, 127.5, -128.5, 65504, -Infinity, NaN, 5.5];
    src.forEach((x, k) => v.setUint16(1024 + 2 * k, numberToF16Bits(x), true));
    run(ctx, { op: 'vconv', dstType: 's8', srcType: 'f16', round: 'rint', dst: mem(0), src0: mem(1024), ...ONE }, [0, 1024]);
    expect(Array.from(new Int8Array(ub.buffer, 0, 8))).toEqual([127, -128, 127, -128, 127, -128, 0, 6]);
  });

  it('vadd f16 rounds the exact sum once, ties to even', () => {
    const { ctx, v } = fresh();
    [2048, 2050, -2048].forEach((x, k) => v.setUint16(1024 + 2 * k, numberToF16Bits(x), true));
    [1, 1, -1].forEach((x, k) => v.setUint16(2048 + 2 * k, numberToF16Bits(x), true));
    run(ctx, { op: 'vadd', dtype: 'f16', dst: mem(0), src0: mem(1024), src1: mem(2048), src1BlkStride: 1, src1RepStride: 8, ...ONE }, [0, 1024, 2048]);
    expect([0, 2, 4].map((at) => f16BitsToNumber(v.getUint16(at, true)))).toEqual([2048, 2052, -2048]);
  });

  it('s16 arithmetic wraps: 32767 + 1, -32768 - 1, |-32768|, 256 * 256', () => {
    const { ctx, v } = fresh();
    v.setInt16(1024, 32767, true);
    v.setInt16(2048, 1, true);
    v.setInt16(1026, -32768, true);
    v.setInt16(2050, -1, true);
    const binary = { dtype: 's16', dst: mem(0), src0: mem(1024), src1: mem(2048), src1BlkStride: 1, src1RepStride: 8, ...ONE } as const;
    run(ctx, { op: 'vadd', ...binary }, [0, 1024, 2048]);
    expect(v.getInt16(0, true)).toBe(-32768);
    expect(v.getInt16(2, true)).toBe(32767);
    run(ctx, { op: 'vabs', dtype: 's16', dst: mem(0), src0: mem(1026), ...ONE }, [0, 1026]);
    expect(v.getInt16(0, true)).toBe(-32768);
    v.setInt16(1024, 256, true);
    run(ctx, { op: 'vmuls', dtype: 's16', dst: mem(0), src0: mem(1024), scalar: 256, ...ONE }, [0, 1024]);
    expect(v.getInt16(0, true)).toBe(0);
  });

  it('s32 multiply wraps exactly even when the product needs more than 53 bits', () => {
    const { ctx, v } = fresh();
    v.setInt32(1024, 0x7fffffff, true);
    v.setInt32(2048, 0x7ffffffd, true);
    run(ctx, { op: 'vmul', dtype: 's32', dst: mem(0), src0: mem(1024), src1: mem(2048), src1BlkStride: 1, src1RepStride: 8, ...ONE }, [0, 1024, 2048]);
    expect(v.getInt32(0, true)).toBe(Number(BigInt.asIntN(32, 0x7fffffffn * 0x7ffffffdn)));
  });

  it('vcadd f32 uses the pairwise tree over the active lanes, not a sequential sum', () => {
    const { ctx, v } = fresh();
    for (let e = 0; e < 64; e++) v.setFloat32(1024 + 4 * e, 1000 + e, true); // inactive lanes hold garbage
    const active = [0, 5, 9, 63];
    [2 ** 24, 0, 1, 1].forEach((x, k) => v.setFloat32(1024 + 4 * active[k]!, x, true));
    ctx.mask.fill(0);
    for (const e of active) ctx.mask[e] = 1;
    ctx.mask[100] = 1; // beyond the 64 lanes of a 32-bit type: must be ignored
    v.setFloat32(0, -7, true);
    run(ctx, { op: 'vcadd', dtype: 'f32', dst: mem(0), src0: mem(1024), repeat: 1, src0BlkStride: 1, src0RepStride: 8 }, [0, 1024]);
    // sequential: ((2^24 + 0) + 1) + 1 = 2^24 (each +1 ties to even); pairwise: 2^24 + (1 + 1)
    expect(v.getFloat32(0, true)).toBe(2 ** 24 + 2);
  });

  it('vcadd with no active lane leaves dst untouched; repeat 0 does nothing', () => {
    const { ctx, v, ub } = fresh();
    v.setFloat32(0, -7, true);
    ctx.mask.fill(0);
    run(ctx, { op: 'vcadd', dtype: 'f32', dst: mem(0), src0: mem(1024), repeat: 2, src0BlkStride: 1, src0RepStride: 8 }, [0, 1024]);
    expect(v.getFloat32(0, true)).toBe(-7);
    ctx.mask.fill(1);
    const before = ub.slice();
    run(ctx, { op: 'vdup', dtype: 'u32', dst: mem(0), scalar: 5, repeat: 0, dstBlkStride: 1, dstRepStride: 8 }, [0]);
    expect(ub).toEqual(before);
  });

  it('a repeat reads all its source lanes before writing (in place, dst blocks spread wider than src)', () => {
    const { ctx, v } = fresh();
    for (let e = 0; e < 64; e++) v.setInt32(4 * e, e, true); // src: 8 contiguous blocks from 0
    // dst block b is at 64*b, so dst block 1 overwrites src block 2 before lane 16 would read it
    run(ctx, { op: 'vadds', dtype: 's32', dst: mem(0), src0: mem(0), scalar: 1000, repeat: 1, dstBlkStride: 2, dstRepStride: 0, src0BlkStride: 1, src0RepStride: 0 }, [0, 0]);
    for (let e = 0; e < 64; e++) {
      const at = Math.floor(e / 8) * 64 + (e % 8) * 4;
      expect(v.getInt32(at, true), `lane ${e}`).toBe(e + 1000);
    }
  });

  it('vcopy keeps NaN payloads bit for bit', () => {
    const { ctx, v } = fresh();
    v.setUint32(1024, 0x7f800001, true);
    v.setUint32(1028, 0xffc12345, true);
    run(ctx, { op: 'vcopy', dtype: 'f32', dst: mem(0), src0: mem(1024), ...ONE }, [0, 1024]);
    expect([v.getUint32(0, true), v.getUint32(4, true)]).toEqual([0x7f800001, 0xffc12345]);
    v.setUint16(1024, 0x7c01, true);
    run(ctx, { op: 'vcopy', dtype: 'f16', dst: mem(0), src0: mem(1024), ...ONE }, [0, 1024]);
    expect(v.getUint16(0, true)).toBe(0x7c01);
  });

  it('vmax/vmin/vrelu edge rules: NaN in x yields y, ties return x, relu(-0) and relu(NaN) are +0', () => {
    const { ctx, v } = fresh();
    v.setFloat32(1024, NaN, true);
    v.setFloat32(2048, 3, true);
    v.setFloat32(1028, -0, true);
    run(ctx, { op: 'vmax', dtype: 'f32', dst: mem(0), src0: mem(1024), src1: mem(2048), src1BlkStride: 1, src1RepStride: 8, ...ONE }, [0, 1024, 2048]);
    expect(v.getFloat32(0, true)).toBe(3);
    // equal operands: max/min return x, so the sign of a zero comes from src0
    v.setFloat32(2052, 0, true);
    run(ctx, { op: 'vmax', dtype: 'f32', dst: mem(0), src0: mem(1024), src1: mem(2048), src1BlkStride: 1, src1RepStride: 8, ...ONE }, [0, 1024, 2048]);
    expect(Object.is(v.getFloat32(4, true), -0)).toBe(true);
    run(ctx, { op: 'vmin', dtype: 'f32', dst: mem(0), src0: mem(2048), src1: mem(1024), src1BlkStride: 1, src1RepStride: 8, ...ONE }, [0, 2048, 1024]);
    expect(Object.is(v.getFloat32(4, true), 0)).toBe(true);
    run(ctx, { op: 'vrelu', dtype: 'f32', dst: mem(0), src0: mem(1024), ...ONE }, [0, 1024]);
    expect(Object.is(v.getFloat32(0, true), 0)).toBe(true);
    expect(Object.is(v.getFloat32(4, true), 0)).toBe(true);
  });

  it('vaxpy rounds x * scalar + dst once (f32 and f16), where a multiply then an add differs', () => {
    const { ctx, v } = fresh();
    // (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24 exactly; rounding the product first loses the 2^-24
    v.setFloat32(1024, 1 + 2 ** -12, true);
    v.setFloat32(0, -1, true);
    // (1 + 2^-12)^2 + 2^-80 lies just above a tie: the fused result rounds up, a double sum would not
    v.setFloat32(1028, 1 + 2 ** -12, true);
    v.setFloat32(4, 2 ** -80, true);
    run(ctx, { op: 'vaxpy', dtype: 'f32', dst: mem(0), src0: mem(1024), scalar: 1 + 2 ** -12, ...ONE }, [0, 1024]);
    expect([v.getFloat32(0, true), v.getFloat32(4, true)]).toEqual([2 ** -11 + 2 ** -24, 1 + 2 ** -11 + 2 ** -23]);
    expect(Math.fround(Math.fround((1 + 2 ** -12) ** 2) - 1)).toBe(2 ** -11);
    // f16: (1 + 2^-6)^2 - 1 = 2^-5 + 2^-12, where f16(1 + 2^-5 + 2^-12) - 1 = 2^-5
    v.setUint16(2048, numberToF16Bits(1 + 2 ** -6), true);
    v.setUint16(512, numberToF16Bits(-1), true);
    run(ctx, { op: 'vaxpy', dtype: 'f16', dst: mem(512), src0: mem(2048), scalar: 1 + 2 ** -6, ...ONE }, [512, 2048]);
    expect(f16BitsToNumber(v.getUint16(512, true))).toBe(2 ** -5 + 2 ** -12);
    expect(roundF16(roundF16((1 + 2 ** -6) ** 2) - 1)).toBe(2 ** -5);
  });

  it('vadds converts the scalar to f16 first (rint)', () => {
    const { ctx, v } = fresh();
    v.setUint16(1024, numberToF16Bits(1), true);
    // 2^-23 is below half an f16 ulp of 2^-11, so the scalar becomes 2^-11 and 1 + 2^-11 is a tie
    // that rounds to even (1); adding the unconverted scalar would round up to 1 + 2^-10.
    const scalar = 2 ** -11 + 2 ** -23;
    run(ctx, { op: 'vadds', dtype: 'f16', dst: mem(0), src0: mem(1024), scalar, ...ONE }, [0, 1024]);
    expect(f16BitsToNumber(v.getUint16(0, true))).toBe(1);
  });
});

describe('dequantising casts (vconv_deq, vconv_vdeq): hand-computed cases', () => {
  const f16At = (v: DataView, k: number) => f16BitsToNumber(v.getUint16(2 * k, true));
  const deqOf = (accs: readonly number[], scale: number): number[] => {
    const { ctx, v } = fresh();
    accs.forEach((x, k) => v.setInt32(1024 + 4 * k, x, true));
    run(ctx, { op: 'vconv_deq', dst: mem(0), src0: mem(1024), scale, repeat: 1, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 4, src0RepStride: 8 }, [0, 1024]);
    return accs.map((_, k) => f16At(v, k));
  };

  it('multiplies, then rounds once to f16 with ties to even', () => {
    // spacing 1 in [1024, 2048): 1024.5 and 1025.5 are ties (to even); spacing 4 in [4096, 8192): 6172.5 -> 6172
    expect(deqOf([3, -7, 2049, 2051, 12345], 0.5)).toEqual([1.5, -3.5, 1024, 1026, 6172]);
    // spacing 2 above 2048: 2049 and 2051 are ties
    expect(deqOf([2049, 2051], 1)).toEqual([2048, 2052]);
  });

  it('converts the int32 to fp32 first: 2^24 + 8193 becomes 2^24 + 8192, a tie that goes to even', () => {
    // exactly: (2^24 + 8193) * 2^-14 = 1024.50006 -> 1025; through fp32: 1024.5 -> 1024
    expect(deqOf([16785409, 16785408], 2 ** -14)).toEqual([1024, 1024]);
  });

  it('keeps the scale as an f16 value: 1 + 2^-11 rounds to 1', () => {
    // with the fp32 scale 1000 * (1 + 2^-11) = 1000.49 would give 1000.5
    expect(deqOf([1000], 1 + 2 ** -11)).toEqual([1000]);
  });

  it('saturates to +-65504 instead of overflowing', () => {
    // 65520 is where RNE would reach infinity; 2^31 - 1 and -2^31 are far beyond
    expect(deqOf([65519, 65520, 2147483647, -2147483648, -100000], 1)).toEqual([65504, 65504, 65504, -65504, -65504]);
  });

  it('vconv_vdeq takes each lane its own f16 scale, subnormals and infinities included', () => {
    const { ctx, v } = fresh();
    const accs = [3, 3, -7, 1 << 20, 5, 0, 1000];
    const scales = [0.5, 0.25, 2, 2 ** -24, Infinity, Infinity, 1 / 1024];
    accs.forEach((x, k) => v.setInt32(1024 + 4 * k, x, true));
    scales.forEach((x, k) => v.setUint16(2048 + 2 * k, numberToF16Bits(x), true));
    const strides = { repeat: 1, dstBlkStride: 1, src0BlkStride: 1, src1BlkStride: 1, dstRepStride: 4, src0RepStride: 8, src1RepStride: 4 };
    run(ctx, { op: 'vconv_vdeq', dst: mem(0), src0: mem(1024), src1: mem(2048), ...strides }, [0, 1024, 2048]);
    // 2^20 * 2^-24 = 2^-4; 5 * inf saturates; 0 * inf is NaN; 1000 / 1024 = 0.9765625 exactly
    expect(accs.map((_, k) => f16At(v, k))).toEqual([1.5, 0.75, -14, 0.0625, 65504, NaN, 0.9765625]);
  });
});
