/**
 * Data-movement semantics (hw/exec/data-movement.ts) against plain models written here from the
 * documented layouts: DataCopy bursts (GM gaps in bytes, on-chip gaps in 32 B blocks, on-chip bursts
 * occupying blockLen rounded up to 32 B and writing only blockLen bytes), ND -> NZ, LoadData 2D
 * (with the per-fractal transpose), L0C -> UB and the L1 -> BT / FB copies of arch 2201.
 *
 * Each instruction runs through `simulate` (functional mode, tiny / tiny-sep) with a random GM image
 * and is read back through further copies (or through mmad + fixpipe for buffers with no way out),
 * and also directly on a fake core whose every buffer holds random bytes, where all buffers must
 * match the model byte for byte (so bytes the instruction must not touch are checked too).
 */
import { describe, expect, it } from 'vitest';
import type { BufferName, Dtype, MemRef } from '../isa/types.js';
import type { InsnOf } from '../isa/program.js';
import { DTYPE_BYTES } from '../isa/numeric/dtype.js';
import { f16BitsToNumber } from '../isa/numeric/float16.js';
import { loadConfig } from '../hw/config/load.js';
import type { CoreKind, HwConfig } from '../hw/config/types.js';
import { execCopy, execL0cUb, execLoad2d, execNd2Nz } from '../hw/exec/data-movement.js';
import { modelDequantF16, quantWordBits } from './support/fixpipe-model.js';
import { rng, randInt } from './support/rng.js';
import { fakeCore, firstDiff, randomBytes, randomF16Bits, runFunctional, zzOffset, znOffset, nzOffset, type Rnd } from './support/exec-kit.js';

const tiny = loadConfig('tiny');
const tinySep = loadConfig('tiny-sep');
const GM_BYTES = 64 * 1024;
const OUT = 32 * 1024; // GM region where read-backs land
const IN = 16 * 1024; // GM region that preloads on-chip buffers

const mem = (buf: BufferName, off: number): MemRef => ({ buf, base: -1, off });
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[randInt(r, 0, xs.length - 1)]!;

// ---- the plain models ------------------------------------------------------------------------------

type Bufs = Map<BufferName, Uint8Array>;

interface CopyShape {
  blockCount: number;
  blockLen: number;
  srcGap: number;
  dstGap: number;
}

/**
 * DataCopy: burst b of blockLen bytes. On GM a burst starts blockLen + gap bytes after the previous
 * one; on chip it occupies blockLen rounded up to 32 B, then gap blocks of 32 B. Only blockLen bytes
 * are written per burst.
 */
function modelCopy(bufs: Bufs, dst: MemRef, src: MemRef, s: CopyShape): void {
  const d = bufs.get(dst.buf)!;
  const from = bufs.get(src.buf)!;
  const pitch = (buf: BufferName, gap: number) => (buf === 'GM' ? s.blockLen + gap : Math.ceil(s.blockLen / 32) * 32 + gap * 32);
  const dPitch = pitch(dst.buf, s.dstGap);
  const sPitch = pitch(src.buf, s.srcGap);
  for (let b = 0; b < s.blockCount; b++)
    for (let j = 0; j < s.blockLen; j++) d[dst.off + b * dPitch + j] = from[src.off + b * sPitch + j]!;
}

/** ND -> NZ: element (r, c) of the GM matrix goes to C0 column c / C0, row r of it (32 B rows). */
function modelNd2Nz(bufs: Bufs, dst: number, src: number, dt: Dtype, nValue: number, dValue: number, srcDValue: number, dstStride: number): void {
  const l1 = bufs.get('L1')!;
  const gm = bufs.get('GM')!;
  const size = DTYPE_BYTES[dt];
  const c0 = 32 / size;
  for (let r = 0; r < nValue; r++)
    for (let c = 0; c < dValue; c++)
      for (let byte = 0; byte < size; byte++)
        l1[dst + (Math.floor(c / c0) * dstStride + r) * 32 + (c % c0) * size + byte] = gm[src + (r * srcDValue + c) * size + byte]!;
}

/** LoadData 2D: fractal f from src + f*srcStride*512 to dst + f*(1+dstGap)*512, 16x16 f16 transposed if asked. */
function modelLoad2d(bufs: Bufs, dstBuf: BufferName, dst: number, src: number, repeat: number, srcStride: number, dstGap: number, transpose: boolean): void {
  const out = bufs.get(dstBuf)!;
  const l1 = bufs.get('L1')!.slice(); // a fractal is read whole before it is written
  for (let f = 0; f < repeat; f++) {
    const s = src + f * srcStride * 512;
    const d = dst + f * (1 + dstGap) * 512;
    for (let row = 0; row < 16; row++)
      for (let col = 0; col < 16; col++)
        for (let byte = 0; byte < 2; byte++) {
          const from = s + (row * 16 + col) * 2 + byte;
          const to = transpose ? d + (col * 16 + row) * 2 + byte : d + (row * 16 + col) * 2 + byte;
          out[to] = l1[from]!;
        }
  }
}

/** L0C -> UB: blockCount bursts of blockLen 1 KiB fractals, gaps in fractals on both sides. */
function modelL0cUb(bufs: Bufs, dst: number, src: number, s: CopyShape): void {
  const ub = bufs.get('UB')!;
  const l0c = bufs.get('L0C')!;
  for (let b = 0; b < s.blockCount; b++)
    for (let j = 0; j < s.blockLen * 1024; j++) ub[dst + b * (s.blockLen + s.dstGap) * 1024 + j] = l0c[src + b * (s.blockLen + s.srcGap) * 1024 + j]!;
}

// ---- running a sequence of steps through the engine ---------------------------------------------------

interface Step {
  text: string;
  model: (b: Bufs) => void;
}

const copyText = (op: string, dst: MemRef, src: MemRef, s: CopyShape) =>
  `${op} ${dst.buf}[${dst.off}], ${src.buf}[${src.off}], ${s.blockCount}, ${s.blockLen}, ${s.srcGap}, ${s.dstGap}`;

const copyStep = (op: string, dst: MemRef, src: MemRef, s: CopyShape): Step => ({ text: copyText(op, dst, src, s), model: (b) => modelCopy(b, dst, src, s) });
const whole = (len: number): CopyShape => ({ blockCount: 1, blockLen: len, srcGap: 0, dstGap: 0 });

/**
 * Runs the steps on one core kind (barrier_all between steps, so each step sees the previous one's
 * results) and checks the final GM against the model, whose on-chip buffers start zeroed like the
 * simulator's.
 */
function runSteps(cfg: HwConfig, kind: CoreKind, gm: Uint8Array, steps: Step[], what: string): void {
  const text = steps.map((s) => s.text).join('\nbarrier_all\n') + '\nend\n';
  const res = runFunctional(cfg, { [kind]: text }, gm);
  const bufs: Bufs = new Map([['GM', gm.slice()]]);
  for (const [b, p] of Object.entries(cfg.coreKinds[kind]!.buffers)) bufs.set(b as BufferName, new Uint8Array(p.bytes));
  for (const s of steps) s.model(bufs);
  const at = firstDiff(res.gm!, bufs.get('GM')!);
  expect(at, `${what}\n${text}first differing GM byte ${at}`).toBe(-1);
}

/** A random burst shape: 2..5 bursts, unaligned lengths, gaps. */
function randomShape(r: Rnd, srcGm: boolean, dstGm: boolean): CopyShape {
  return {
    blockCount: randInt(r, 2, 5),
    blockLen: pick(r, [17, 1, 31, 32, 33, 45, 64, 100, randInt(r, 1, 128)]),
    srcGap: srcGm ? randInt(r, 0, 40) : randInt(r, 0, 3),
    dstGap: dstGm ? randInt(r, 0, 40) : randInt(r, 0, 3),
  };
}

// ---- DataCopy through the engine ---------------------------------------------------------------------

describe('DataCopy through simulate', () => {
  const DUMP = 2048;

  it.each([
    ['tiny', 'coupled'],
    ['tiny-sep', 'aiv'],
  ] as const)('copy_gm_ub on %s: bursts, unaligned blockLen, GM gaps in bytes, UB gaps in blocks', (preset, kind) => {
    const cfg = loadConfig(preset);
    const r = rng(101);
    for (let trial = 0; trial < 8; trial++) {
      const gm = randomBytes(GM_BYTES, r);
      const s = trial === 0 ? { blockCount: 3, blockLen: 17, srcGap: 5, dstGap: 1 } : randomShape(r, true, false);
      const dst = mem('UB', 32 * randInt(r, 0, 8));
      const src = mem('GM', randInt(r, 0, 999));
      runSteps(cfg, kind, gm, [copyStep('copy_gm_ub', dst, src, s), copyStep('copy_ub_gm', mem('GM', OUT), mem('UB', 0), whole(DUMP))], JSON.stringify(s));
    }
  });

  it.each([
    ['tiny', 'coupled'],
    ['tiny-sep', 'aiv'],
  ] as const)('copy_ub_gm on %s: UB gaps in blocks, GM gaps in bytes, bytes between bursts untouched', (preset, kind) => {
    const cfg = loadConfig(preset);
    const r = rng(202);
    for (let trial = 0; trial < 8; trial++) {
      const gm = randomBytes(GM_BYTES, r);
      const s = trial === 0 ? { blockCount: 4, blockLen: 17, srcGap: 2, dstGap: 3 } : randomShape(r, false, true);
      const dst = mem('GM', OUT + randInt(r, 0, 99));
      const src = mem('UB', 32 * randInt(r, 0, 8));
      runSteps(cfg, kind, gm, [copyStep('copy_gm_ub', mem('UB', 0), mem('GM', IN), whole(DUMP)), copyStep('copy_ub_gm', dst, src, s)], JSON.stringify(s));
    }
  });

  it('copy_gm_l1 on tiny (read back through L1 -> UB -> GM)', () => {
    const r = rng(303);
    for (let trial = 0; trial < 8; trial++) {
      const gm = randomBytes(GM_BYTES, r);
      const s = trial === 0 ? { blockCount: 3, blockLen: 17, srcGap: 7, dstGap: 2 } : randomShape(r, true, false);
      const dst = mem('L1', 32 * randInt(r, 0, 8));
      const src = mem('GM', randInt(r, 0, 999));
      runSteps(
        tiny,
        'coupled',
        gm,
        [copyStep('copy_gm_l1', dst, src, s), copyStep('copy_l1_ub', mem('UB', 0), mem('L1', 0), whole(DUMP)), copyStep('copy_ub_gm', mem('GM', OUT), mem('UB', 0), whole(DUMP))],
        JSON.stringify(s),
      );
    }
  });

  it('copy_l1_ub on tiny: gaps in blocks on both sides', () => {
    const r = rng(404);
    for (let trial = 0; trial < 8; trial++) {
      const gm = randomBytes(GM_BYTES, r);
      const s = trial === 0 ? { blockCount: 2, blockLen: 17, srcGap: 1, dstGap: 2 } : randomShape(r, false, false);
      const dst = mem('UB', 32 * randInt(r, 0, 8));
      const src = mem('L1', 32 * randInt(r, 0, 8));
      runSteps(
        tiny,
        'coupled',
        gm,
        [
          copyStep('copy_gm_l1', mem('L1', 0), mem('GM', IN), whole(DUMP)),
          copyStep('copy_l1_ub', dst, src, s),
          copyStep('copy_ub_gm', mem('GM', OUT), mem('UB', 0), whole(DUMP)),
        ],
        JSON.stringify(s),
      );
    }
  });

  it('copy_ub_l1 on tiny: gaps in blocks on both sides', () => {
    const r = rng(505);
    for (let trial = 0; trial < 8; trial++) {
      const gm = randomBytes(GM_BYTES, r);
      const s = trial === 0 ? { blockCount: 5, blockLen: 17, srcGap: 0, dstGap: 1 } : randomShape(r, false, false);
      const dst = mem('L1', 32 * randInt(r, 0, 8));
      const src = mem('UB', 32 * randInt(r, 0, 8));
      runSteps(
        tiny,
        'coupled',
        gm,
        [
          copyStep('copy_gm_ub', mem('UB', 0), mem('GM', IN), whole(DUMP)),
          copyStep('copy_ub_l1', dst, src, s),
          copyStep('copy_l1_ub', mem('UB', 8192), mem('L1', 0), whole(DUMP)),
          copyStep('copy_ub_gm', mem('GM', OUT), mem('UB', 8192), whole(DUMP)),
        ],
        JSON.stringify(s),
      );
    }
  });
});

// ---- ND -> NZ ---------------------------------------------------------------------------------------

describe('copy_gm_l1_nd2nz', () => {
  const cases: [Dtype, number, number, number, number][] = [
    // dtype, nValue, dValue, srcDValue, dstNzC0Stride
    ['s8', 19, 45, 50, 21], // rows not a multiple of 16, dValue not a multiple of C0 = 32
    ['s8', 5, 32, 32, 16],
    ['f16', 13, 21, 24, 16], // C0 = 16
    ['f16', 17, 40, 40, 32],
    ['u8', 3, 70, 77, 3],
    ['f32', 9, 11, 13, 10], // C0 = 8
    ['s32', 2, 9, 9, 2],
  ];

  it.each(cases)('%s: %i rows x %i elements (row stride %i), C0 columns %i rows high, through simulate on tiny', (dt, n, d, srcD, stride) => {
    const r = rng(606 + n * 7 + d);
    const gm = randomBytes(GM_BYTES, r);
    const dst = 32 * randInt(r, 0, 4);
    const src = randInt(r, 0, 300) * DTYPE_BYTES[dt];
    const DUMP = 8192;
    runSteps(
      tiny,
      'coupled',
      gm,
      [
        { text: `copy_gm_l1_nd2nz L1[${dst}], GM[${src}], ${dt}, ${n}, ${d}, ${srcD}, ${stride}`, model: (b) => modelNd2Nz(b, dst, src, dt, n, d, srcD, stride) },
        copyStep('copy_l1_ub', mem('UB', 0), mem('L1', 0), whole(DUMP)),
        copyStep('copy_ub_gm', mem('GM', OUT), mem('UB', 0), whole(DUMP)),
      ],
      dt,
    );
  });

  it('random shapes on a fake core: every byte of L1 outside the copied elements is untouched', () => {
    const r = rng(607);
    for (let trial = 0; trial < 40; trial++) {
      const core = fakeCore(tinySep, 'aic', GM_BYTES, r);
      const dt = pick(r, ['s8', 'u8', 'f16', 'f32', 's32'] as const);
      const nValue = randInt(r, 1, 40);
      const dValue = randInt(r, 1, 100);
      const srcDValue = dValue + randInt(r, 0, 10);
      const stride = nValue + randInt(r, 0, 5);
      const insn: InsnOf<'copy_gm_l1_nd2nz'> = { op: 'copy_gm_l1_nd2nz', dst: mem('L1', 32 * randInt(r, 0, 100)), src: mem('GM', randInt(r, 0, 5000)), dtype: dt, nValue, dValue, srcDValue, dstNzC0Stride: stride };
      const want = core.snapshot();
      modelNd2Nz(want, insn.dst.off, insn.src.off, dt, nValue, dValue, srcDValue, stride);
      execNd2Nz(core.ctx, insn, Float64Array.of(insn.dst.off, insn.src.off));
      for (const [b, bytes] of want) expect(firstDiff(core.buf(b), bytes), `${b} ${JSON.stringify(insn)}`).toBe(-1);
    }
  });
});

// ---- DataCopy on a fake core: every pair, every byte --------------------------------------------------

describe('DataCopy on a fake core with random buffers', () => {
  const pairs: [string, BufferName, BufferName, HwConfig, CoreKind][] = [
    ['copy_gm_ub', 'UB', 'GM', tiny, 'coupled'],
    ['copy_ub_gm', 'GM', 'UB', tiny, 'coupled'],
    ['copy_gm_l1', 'L1', 'GM', tiny, 'coupled'],
    ['copy_l1_ub', 'UB', 'L1', tiny, 'coupled'],
    ['copy_ub_l1', 'L1', 'UB', tiny, 'coupled'],
    ['copy_l1_bt', 'BT', 'L1', tinySep, 'aic'],
    ['copy_l1_fb', 'FB', 'L1', tinySep, 'aic'],
  ];
  it.each(pairs)('%s: only the bursts change, each burst exactly blockLen bytes', (op, dstBuf, srcBuf, cfg, kind) => {
    const r = rng(op.length * 1000 + dstBuf.charCodeAt(0));
    for (let trial = 0; trial < 20; trial++) {
      const core = fakeCore(cfg, kind, 16384, r);
      const small = dstBuf === 'BT' || dstBuf === 'FB';
      const s = randomShape(r, srcBuf === 'GM', dstBuf === 'GM');
      if (small) Object.assign(s, { blockCount: Math.min(s.blockCount, 3), blockLen: Math.min(s.blockLen, 60), dstGap: Math.min(s.dstGap, 2) });
      const align = cfg.coreKinds[kind]!.buffers[dstBuf as 'UB']?.align ?? 1;
      const dst = mem(dstBuf, dstBuf === 'GM' ? randInt(r, 0, 5000) : align * randInt(r, 0, small ? 4 : 50));
      const src = mem(srcBuf, srcBuf === 'GM' ? randInt(r, 0, 5000) : 32 * randInt(r, 0, 50));
      const insn = { op, dst, src, ...s } as unknown as InsnOf<'copy_gm_l1'>;
      const want = core.snapshot();
      modelCopy(want, dst, src, s);
      execCopy(core.ctx, insn, Float64Array.of(dst.off, src.off));
      for (const [b, bytes] of want) expect(firstDiff(core.buf(b), bytes), `${b} ${JSON.stringify(insn)}`).toBe(-1);
    }
  });
});

// ---- LoadData 2D --------------------------------------------------------------------------------------

describe('load2d', () => {
  it('random repeats, srcStride (including 0), dstGap and transpose on a fake core: every byte', () => {
    const r = rng(808);
    for (let trial = 0; trial < 60; trial++) {
      const core = fakeCore(tiny, 'coupled', 1024, r);
      const dstBuf = pick(r, ['L0A', 'L0B'] as const);
      const transpose = r() < 0.5 ? 1 : 0;
      const dt: Dtype = transpose ? 'f16' : pick(r, ['s8', 'u8', 'f16', 'f32'] as const);
      const repeat = randInt(r, 1, 4);
      const srcStride = randInt(r, 0, 3);
      const dstGap = randInt(r, 0, 2);
      const dst = 512 * randInt(r, 0, 16 - ((repeat - 1) * (1 + dstGap) + 1));
      const src = 32 * randInt(r, 0, 200);
      const insn: InsnOf<'load2d'> = { op: 'load2d', dst: mem(dstBuf, dst), src: mem('L1', src), dtype: dt, repeat, srcStride, dstGap, transpose };
      const want = core.snapshot();
      modelLoad2d(want, dstBuf, dst, src, repeat, srcStride, dstGap, transpose === 1);
      execLoad2d(core.ctx, insn, Float64Array.of(dst, src));
      for (const [b, bytes] of want) expect(firstDiff(core.buf(b), bytes), `${b} ${JSON.stringify(insn)}`).toBe(-1);
    }
  });

  /**
   * Through the engine: random finite f16 fractals in GM -> L1, load2d (srcStride 3, optionally
   * transposed) into L0A, an identity matrix into L0B, then C = A x I read back. C(i, j) must be the
   * value the model put at A(i, j) of the Zz layout.
   */
  const identityZn = (k: number, n: number): Uint8Array => {
    const b = new Uint8Array(Math.ceil(k / 16) * Math.ceil(n / 16) * 512);
    const v = new DataView(b.buffer);
    for (let d = 0; d < Math.min(k, n); d++) v.setUint16(znOffset(d, d, Math.ceil(n / 16), 2), 0x3c00, true); // 1.0
    return b;
  };

  const loadAndMultiply = (transpose: number) => {
    const r = rng(909 + transpose);
    const gm = randomBytes(GM_BYTES, r);
    const gv = new DataView(gm.buffer);
    for (let at = 0; at < 8192; at += 2) gv.setUint16(at, randomF16Bits(r), true); // 16 fractals of f16 at GM[0]
    const ID = 8192;
    gm.set(identityZn(32, 32), ID);
    // m = k = n = 32 (f16: M1 = K1 = N1 = 2): L0A fractals 0..3 come from L1 fractals 0, 3, 6, 9
    const lines = [
      `copy_gm_l1 L1[0], GM[0], 1, 8192, 0, 0`,
      `copy_gm_l1 L1[8192], GM[${ID}], 1, 2048, 0, 0`,
      `load2d L0A[0], L1[0], f16, 4, 3, 0, ${transpose}`,
      `load2d L0B[0], L1[8192], f16, 4, 1, 0, 0`,
      `mmad L0C[0], L0A[0], L0B[0], BT[0], 32, 32, 32, f16, f16, zero`,
    ];
    // the model of L0A, then C = A as f32 in Nz
    const bufs: Bufs = new Map([
      ['L1', new Uint8Array(16384)],
      ['L0A', new Uint8Array(2048)],
    ]);
    bufs.get('L1')!.set(gm.subarray(0, 8192));
    modelLoad2d(bufs, 'L0A', 0, 0, 4, 3, 0, transpose === 1);
    const a = new DataView(bufs.get('L0A')!.buffer);
    const want = (i: number, j: number) => f16BitsToNumber(a.getUint16(zzOffset(i, j, 2, 2), true));
    return { gm, lines, want };
  };

  it.each([0, 1])('through simulate on tiny (transpose %i), read back with copy_l0c_ub (blockLen 2, dstGap 1)', (transpose) => {
    const { gm, lines, want } = loadAndMultiply(transpose);
    lines.push('copy_l0c_ub UB[0], L0C[0], 2, 2, 0, 1', 'copy_ub_gm GM[32768], UB[0], 1, 6144, 0, 0');
    const res = runFunctional(tiny, { coupled: lines.join('\nbarrier_all\n') + '\nend\n' }, gm);
    const out = new DataView(res.gm!.buffer, OUT);
    // L0C fractal f (= nb*M1 + mb) lands in UB at burst f/2 (3 KiB apart), position f%2 inside it
    for (let i = 0; i < 32; i++)
      for (let j = 0; j < 32; j++) {
        const c = nzOffset(i, j, 2);
        const f = Math.floor(c / 1024);
        const ub = Math.floor(f / 2) * 3072 + (f % 2) * 1024 + (c % 1024);
        expect(out.getFloat32(ub, true), `C(${i}, ${j})`).toBe(want(i, j));
      }
  });

  it.each([0, 1])('through simulate on tiny-sep (transpose %i), read back with fixpipe', (transpose) => {
    const { gm, lines, want } = loadAndMultiply(transpose);
    lines.push('fixpipe GM[32768], L0C[0], f32, f32, 32, 32, 32, 32, none, 0, 0, FB[0], 0, 1');
    const res = runFunctional(tinySep, { aic: lines.join('\nbarrier_all\n') + '\nend\n' }, gm);
    const out = new DataView(res.gm!.buffer, OUT);
    for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) expect(out.getFloat32((i * 32 + j) * 4, true), `C(${i}, ${j})`).toBe(want(i, j));
  });
});

// ---- L0C -> UB --------------------------------------------------------------------------------------

describe('copy_l0c_ub', () => {
  it('random bursts of whole fractals with gaps on a fake core: every byte', () => {
    const r = rng(1010);
    for (let trial = 0; trial < 30; trial++) {
      const core = fakeCore(tiny, 'coupled', 1024, r);
      const s: CopyShape = { blockCount: randInt(r, 1, 3), blockLen: randInt(r, 1, 3), srcGap: randInt(r, 0, 2), dstGap: randInt(r, 0, 2) };
      const srcExtent = (s.blockCount - 1) * (s.blockLen + s.srcGap) + s.blockLen;
      const src = 1024 * randInt(r, 0, 16 - srcExtent);
      const dst = 32 * randInt(r, 0, 200);
      const insn: InsnOf<'copy_l0c_ub'> = { op: 'copy_l0c_ub', dst: mem('UB', dst), src: mem('L0C', src), ...s };
      const want = core.snapshot();
      modelL0cUb(want, dst, src, s);
      execL0cUb(core.ctx, insn, Float64Array.of(dst, src));
      for (const [b, bytes] of want) expect(firstDiff(core.buf(b), bytes), `${b} ${JSON.stringify(insn)}`).toBe(-1);
    }
  });
});

// ---- L1 -> BT and L1 -> FB on tiny-sep ------------------------------------------------------------------

describe('copy_l1_bt and copy_l1_fb through simulate on tiny-sep', () => {
  /** AIC program: random bytes GM -> L1, then the copy under test, then C = bias (A = 0) -> fixpipe -> GM. */
  it('copy_l1_bt: the bias row mmad reads is the model BT (unaligned bursts with gaps)', () => {
    const r = rng(1111);
    for (let trial = 0; trial < 4; trial++) {
      const gm = randomBytes(GM_BYTES, r);
      const s: CopyShape = trial === 0 ? { blockCount: 4, blockLen: 20, srcGap: 1, dstGap: 0 } : randomShape(r, false, false);
      s.blockLen = Math.min(s.blockLen, 40);
      const bt = mem('BT', 64);
      const l1 = mem('L1', 32 * randInt(r, 0, 4));
      const text = [
        copyText('copy_gm_l1', mem('L1', 0), mem('GM', IN), whole(1024)),
        copyText('copy_l1_bt', bt, l1, s),
        'mmad L0C[0], L0A[0], L0B[0], BT[64], 16, 32, 32, s8, s8, bias',
        'fixpipe GM[32768], L0C[0], s32, s32, 16, 32, 16, 32, none, 0, 0, FB[0], 0, 1',
      ].join('\nbarrier_all\n');
      const res = runFunctional(tinySep, { aic: text + '\nend\n' }, gm);
      const bufs: Bufs = new Map([
        ['L1', new Uint8Array(64 * 1024)],
        ['BT', new Uint8Array(1024)],
      ]);
      bufs.get('L1')!.set(gm.subarray(IN, IN + 1024));
      modelCopy(bufs, bt, l1, s);
      const btv = new DataView(bufs.get('BT')!.buffer);
      const out = new DataView(res.gm!.buffer, OUT);
      for (let i = 0; i < 16; i++)
        for (let j = 0; j < 32; j++) expect(out.getInt32((i * 32 + j) * 4, true), `C(${i}, ${j}) ${JSON.stringify(s)}`).toBe(btv.getInt32(64 + j * 4, true));
    }
  });

  it('copy_l1_fb: the per-column words vdeqf16 reads are the model FB (unaligned bursts with gaps)', () => {
    const r = rng(1212);
    for (let trial = 0; trial < 4; trial++) {
      const gm = randomBytes(GM_BYTES, r);
      // L1 source: quant words of random moderate scales, so outputs are ordinary f16 values
      const gv = new DataView(gm.buffer);
      for (let w = 0; w < 128; w++) {
        const q = quantWordBits(Math.fround((r() * 2 - 1) * 2 ** randInt(r, -6, 6)), randInt(r, -256, 255), r() < 0.5);
        gv.setUint32(IN + w * 8, q.lo, true);
        gv.setUint32(IN + w * 8 + 4, q.hi, true);
      }
      for (let j = 0; j < 32; j++) gv.setInt32(IN + 2048 + j * 4, 1, true); // bias row of ones
      const s: CopyShape = trial === 0 ? { blockCount: 4, blockLen: 40, srcGap: 1, dstGap: 1 } : randomShape(r, false, false);
      s.blockCount = Math.min(s.blockCount, 4);
      s.blockLen = Math.min(s.blockLen, 64);
      const fb = mem('FB', 0);
      const l1 = mem('L1', 32 * randInt(r, 0, 4));
      const text = [
        copyText('copy_gm_l1', mem('L1', 0), mem('GM', IN), whole(4096)),
        copyText('copy_l1_bt', mem('BT', 0), mem('L1', 2048), whole(128)),
        copyText('copy_l1_fb', fb, l1, s),
        'mmad L0C[0], L0A[0], L0B[0], BT[0], 16, 32, 32, s8, s8, bias',
        'fixpipe GM[32768], L0C[0], s32, f16, 16, 32, 16, 32, vdeqf16, 0, 0, FB[0], 0, 1',
      ].join('\nbarrier_all\n');
      const res = runFunctional(tinySep, { aic: text + '\nend\n' }, gm);
      const bufs: Bufs = new Map([
        ['L1', new Uint8Array(64 * 1024)],
        ['FB', new Uint8Array(2048)],
      ]);
      bufs.get('L1')!.set(gm.subarray(IN, IN + 4096));
      modelCopy(bufs, fb, l1, s);
      const fbv = new DataView(bufs.get('FB')!.buffer);
      const out = new DataView(res.gm!.buffer, OUT);
      for (let j = 0; j < 32; j++) {
        // the scale is the low word (already 10-bit); the offset and sign do not matter for DEQF16
        const want = modelDequantF16(1, fbv.getFloat32(j * 8, true), false);
        for (let i = 0; i < 16; i++) {
          expect(f16BitsToNumber(out.getUint16((i * 32 + j) * 2, true)), `out(${i}, ${j}) ${JSON.stringify(s)}`).toBe(want);
        }
      }
    }
  });
});
