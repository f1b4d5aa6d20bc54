/**
 * The FP16 twin of the 310P's converting L0C -> UB path (docs/hardware.md "L0C <-> UB on 310P",
 * ops-nn/gemm/copy-deq.ts): copy_l0c_ub_f322f16 converts float L0C to half UB on the way out, and
 * the fp32 bias is broadcast into L0C (bcast_ub_l0c f32) so the mmads accumulate onto it.
 *
 * - the copy against a model written here: f16 rounding half to even by scaling to the ulp of the
 *   binade (exact in a double), infinite beyond the f16 range, from random f32 bits and from the
 *   values around f16 rounding boundaries;
 * - text syntax, validation, and the preset feature (refused where features.enhancedL0cUb is false);
 * - FP16 matmul and convolution on ascend310p bit-exact against the library's references with the
 *   bias where the kernel adds it (at the start), the old path where the feature is switched off,
 *   and fewer vector cycles with it.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { disassemble } from '../isa/disasm.js';
import { checkInsn } from '../isa/validate.js';
import { mem } from '../isa/builder.js';
import type { InsnOf } from '../isa/program.js';
import { f16BitsToNumber, f32FromBits, numberToF16Bits, roundF16 } from '../isa/numeric/float16.js';
import { loadConfig } from '../hw/config/load.js';
import type { HwConfig } from '../hw/config/types.js';
import { execL0cUbF322F16 } from '../hw/exec/enhanced-copy.js';
import { simulate } from '../hw/simulate.js';
import type { Kernel } from '../ops-nn/kernel.js';
import { gemmOutput } from '../ops-nn/gemm/index.js';
import { estimateGemm } from '../ops-nn/gemm/cost-model.js';
import { chooseGemmTiling } from '../ops-nn/gemm/tiler.js';
import { featureMapPlan } from '../ops-nn/gemm/tiling.js';
import { biasPlacement, generateMatmulF16, matmulF16GmImage, matmulF16Reference, type MatmulF16Spec } from '../ops-nn/matmul/index.js';
import { convF16GmImage, convF16Problem, convF16Reference, convShape, generateConvF16, nhwcToNchw } from '../ops-nn/conv/index.js';
import type { ConvShape } from '../ops-nn/conv/geometry.js';
import { fakeCore, runFunctional } from './support/exec-kit.js';
import { launchKernel } from './support/launch.js';
import { randInt, rng } from './support/rng.js';
import { f16Model, forEachCopied, randomCopyCase, type CopyCase } from './support/l0c-copy.js';

const p310 = loadConfig('ascend310p');
const p310off = loadConfig('ascend310p', { features: { enhancedL0cUb: false } });

const f16Of = (x: number) => f16Model(x, 'infinity');

/** The documented result of one element: ReLU first (negatives to +0) when asked, then f16. */
const convertElement = (x: number, relu: boolean): number => f16Of(relu && x < 0 ? 0 : x);

/** Random f32 values: any bits of a moderate exponent, f16 rounding boundaries and their neighbours, overflow, subnormals, zeros, NaN, infinities. */
function randomF32(r: () => number): number {
  const k = r();
  const sign = r() < 0.5 ? -1 : 1;
  if (k < 0.35) return f32FromBits(((r() < 0.5 ? 1 : 0) << 31) | (randInt(r, 127 - 30, 127 + 17) << 23) | randInt(r, 0, 0x7fffff));
  if (k < 0.7) {
    // the midpoint between an f16 value and the next, and the f32 values either side of it
    const h = f16BitsToNumber(randInt(r, 0x0001, 0x7bfe));
    const next = f16BitsToNumber(numberToF16Bits(h) + 1);
    const mid = Math.fround((h + next) / 2);
    const nudge = [0, 1, -1][randInt(r, 0, 2)]!;
    return sign * Math.fround(mid + nudge * mid * 2 ** -23);
  }
  if (k < 0.8) return sign * Math.fround(65504 + randInt(r, 0, 40)); // 65520 is the first to overflow
  if (k < 0.88) return sign * Math.fround(r() * 2 ** -14); // f16 subnormals
  if (k < 0.93) return sign * 0;
  if (k < 0.96) return NaN;
  return sign * Infinity;
}

const copyInsn = (c: CopyCase): InsnOf<'copy_l0c_ub_f322f16'> => ({ op: 'copy_l0c_ub_f322f16', dst: mem('UB', c.dst), src: mem('L0C', c.src), blockCount: c.blockCount, blockLen: c.blockLen, srcGap: c.srcGap, dstGap: c.dstGap, relu: c.relu });

describe('copy_l0c_ub_f322f16 semantics', () => {
  it('burst b, fractal f: 256 f32 at src + 1 KiB (b (blockLen + srcGap) + f) become f16 at dst + b (512 blockLen + 32 dstGap) + 512 f', () => {
    const r = rng(0xf3216);
    for (let trial = 0; trial < 25; trial++) {
      const core = fakeCore(p310, 'coupled', 1024, r);
      const c = randomCopyCase(r);
      const l0c = core.dv('L0C');
      const values: number[] = [];
      forEachCopied(c, (_b, _f, _e, src) => {
        const x = randomF32(r);
        l0c.setFloat32(src, x, true);
        values.push(Math.fround(x));
      });
      execL0cUbF322F16(core.ctx, copyInsn(c), Float64Array.of(c.dst, c.src));
      const ub = core.dv('UB');
      let n = 0;
      forEachCopied(c, (b, f, e, _src, dst) => {
        const x = values[n++]!;
        const got = f16BitsToNumber(ub.getUint16(dst, true));
        const want = convertElement(x, c.relu === 1);
        expect(Object.is(got, want), `trial ${trial} burst ${b} fractal ${f} element ${e}: ${x} -> ${got}, want ${want}`).toBe(true);
      });
    }
  });

  it('rounds half to even at the f16 boundaries, overflows to infinity from 65520, and leaves the gap bytes alone', () => {
    const core = fakeCore(p310, 'coupled', 1024);
    const ub = core.buf('UB');
    ub.fill(0xa5);
    const l0c = core.dv('L0C');
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10 (to even: 1); 1 + 3 * 2^-11 halfway above 1 + 2^-10 (to even: 1 + 2^-9)
    const cases: readonly [number, number][] = [
      [1 + 2 ** -11, 1],
      [1 + 3 * 2 ** -11, 1 + 2 ** -9],
      [Math.fround(1 + 2 ** -11 + 2 ** -23), 1 + 2 ** -10],
      [65519, 65504],
      [65520, Infinity],
      [-65520, -Infinity],
      [2 ** -25, 0], // half the smallest subnormal: to even, zero
      [3 * 2 ** -25, 2 ** -23],
    ];
    cases.forEach(([x], i) => l0c.setFloat32(i * 4, x, true));
    execL0cUbF322F16(core.ctx, copyInsn({ blockCount: 2, blockLen: 1, srcGap: 0, dstGap: 1, src: 0, dst: 0, relu: 0 }), Float64Array.of(0, 0));
    cases.forEach(([x, want], i) => expect(f16BitsToNumber(core.dv('UB').getUint16(i * 2, true)), `${x}`).toBe(want));
    expect(Array.from(ub.subarray(512, 544))).toEqual(new Array(32).fill(0xa5));
    expect(ub[544 + 512]).toBe(0xa5);
  });

  it('an mmad of f16 accumulates onto an f32 bias broadcast into L0C: the bias starts the sum (through simulate on ascend310p)', () => {
    // A = 1/16 (16 x 32 f16), B = 1 (32 x 16): each K0 = 16 fractal adds 1. With bias 2^24 the first
    // addition ties to even (2^24), so starting from the bias gives 2^24, adding it last 2^24 + 2.
    const gm = new Uint8Array(64 * 1024);
    const g = new DataView(gm.buffer);
    for (let e = 0; e < 512; e++) g.setUint16(e * 2, numberToF16Bits(1 / 16), true);
    for (let e = 0; e < 512; e++) g.setUint16(1024 + e * 2, numberToF16Bits(1), true);
    const bias = Array.from({ length: 16 }, (_, c) => (c === 0 ? 2 ** 24 : Math.fround(c * 0.37 - 2)));
    bias.forEach((v, c) => g.setFloat32(4096 + c * 4, v, true));
    const text = [
      'copy_gm_l1 L1[0], GM[0], 1, 2048, 0, 0',
      'copy_gm_ub UB[0], GM[4096], 1, 64, 0, 0',
      'load2d L0A[0], L1[0], f16, 2, 1, 0, 0',
      'load2d L0B[0], L1[1024], f16, 2, 1, 0, 0',
      'bcast_ub_l0c L0C[0], UB[0], f32, 1, 1, 0, 0',
      'mmad L0C[0], L0A[0], L0B[0], BT[0], 16, 32, 16, f16, f16, acc',
      'copy_l0c_ub UB[1024], L0C[0], 1, 1, 0, 0',
      'copy_ub_gm GM[8192], UB[1024], 1, 1024, 0, 0',
    ].join('\nbarrier_all\n');
    const res = runFunctional(p310, { coupled: text + '\nend\n' }, gm);
    const out = new DataView(res.gm!.buffer, 8192, 1024);
    for (let row = 0; row < 16; row++)
      for (let c = 0; c < 16; c++) expect(out.getFloat32((row * 16 + c) * 4, true), `C(${row}, ${c})`).toBe(Math.fround(Math.fround(bias[c]! + 1) + 1));
    expect(out.getFloat32(0, true)).toBe(2 ** 24);
  });
});

describe('copy_l0c_ub_f322f16: text, validation and the preset feature', () => {
  const line = 'copy_l0c_ub_f322f16 UB[64], L0C[1024], 3, 4, 1, 2, 1';

  it('disassembles to the text it was assembled from', () => {
    const p = assemble(`${line}\ncopy_l0c_ub_f322f16 UB[x3+32], L0C[0], 2, 8, 0, 0, 0\nend\n`);
    expect(assemble(disassemble(p)).insns).toEqual(p.insns);
    expect(disassemble(assemble(line + '\nend\n'))).toContain(line);
  });

  it.each([
    ['relu 2', 'copy_l0c_ub_f322f16 UB[0], L0C[0], 1, 1, 0, 0, 2', /case:1: immediate 2 for relu is out of range \(relu must be 0\.\.1\)/],
    ['no bursts', 'copy_l0c_ub_f322f16 UB[0], L0C[0], 0, 1, 0, 0, 0', /case:1: immediate 0 for blockCount is out of range \(blockCount must be 1\.\.4095\)/],
    ['source in UB', 'copy_l0c_ub_f322f16 UB[0], UB[0], 1, 1, 0, 0, 0', /case:1: copy_l0c_ub_f322f16 src cannot be in UB \(use L0C\)/],
    ['a scale it does not take', 'copy_l0c_ub_f322f16 UB[0], L0C[0], 1, 1, 0, 0, 0.5, 0', /case:1/],
  ])('rejects %s', (_what, text, message) => {
    expect(() => assemble(text + '\nend\n', 'case')).toThrow(message);
  });

  it('the validator rejects a destination outside UB', () => {
    const ok = copyInsn({ blockCount: 1, blockLen: 1, srcGap: 0, dstGap: 0, src: 0, dst: 0, relu: 0 });
    expect(checkInsn(ok, 1)).toBeUndefined();
    expect(checkInsn({ ...ok, dst: mem('L1', 0) }, 1)).toBe('operand dst must be in UB, not L1');
  });

  it.each([
    ['ascend910', loadConfig('ascend910')],
    ['tiny', loadConfig('tiny')],
    ['ascend310p with the feature off', p310off],
  ])('%s has no converting path: a clear error names the feature', (_name, cfg) => {
    const program = assemble(line + '\nend\n');
    expect(() => simulate({ config: cfg, programs: { coupled: program }, blockDim: 1, gm: new Uint8Array(1024), mode: 'timing' })).toThrow(/has no converting L0C <-> UB path \(features\.enhancedL0cUb is false\)/);
  });

  it('costs what an s32 or f32 copy of the same fractals costs', () => {
    const time = (text: string) => simulate({ config: p310, programs: { coupled: assemble(`${text}\nend\n`) }, blockDim: 1, gm: new Uint8Array(1024), mode: 'timing' }).cycles;
    expect(time('copy_l0c_ub_f322f16 UB[0], L0C[0], 4, 16, 0, 0, 0')).toBe(time('copy_l0c_ub UB[0], L0C[0], 4, 16, 0, 0'));
  });
});

/** The opcodes of a kernel's programs. */
const opsOf = (k: Kernel): Set<string> => new Set(Object.values(k.programs).flatMap((p) => p!.insns.map((i) => i.op)));
/** The dtypes its bias broadcasts use. */
const bcastTypes = (k: Kernel): string[] => [...new Set(Object.values(k.programs).flatMap((p) => p!.insns.flatMap((i) => (i.op === 'bcast_ub_l0c' ? [i.dtype] : []))))];
/** How its f16 Nz -> ND copies walk the tile: a row per repeat (blocks a column group apart) or 8 rows of a column group. */
const reorders = (k: Kernel): string[] => [...new Set(Object.values(k.programs).flatMap((p) => p!.insns.flatMap((i) => (i.op === 'vcopy' ? [i.src0BlkStride === 1 ? 'group' : 'row'] : []))))].sort();
/** V busy cycles of a run, every core. */
const vBusy = (res: ReturnType<typeof launchKernel>): number => res.cores.reduce((s, c) => s + (c.pipes.V?.busyCycles ?? 0), 0);
const f16Val = (r: () => number) => () => roundF16((r() - 0.5) * 4);

/** An FP16 matmul on `cfg`: result bits, the references' bits with the bias at the start and at the end, opcodes, V cycles, sanitizer findings. */
function runMatmul(cfg: HwConfig, s: MatmulF16Spec, seed: number) {
  const r = rng(seed);
  const a = Float32Array.from({ length: s.m * s.k }, f16Val(r));
  const b = Float32Array.from({ length: s.k * s.n }, f16Val(r));
  const bias = s.bias ? Float32Array.from({ length: s.n }, () => Math.fround((r() - 0.5) * 10)) : null;
  const k = generateMatmulF16(s, cfg);
  const res = launchKernel(cfg, k, matmulF16GmImage(k, s, cfg, a, b, bias), { sanitize: true });
  const bits = (at: 'init' | 'end') => Uint16Array.from(matmulF16Reference(s, a, b, bias, at), (v) => numberToF16Bits(v));
  return { got: new Uint16Array(gemmOutput(k, res.gm!).buffer), init: bits('init'), end: bits('end'), ops: opsOf(k), bcast: bcastTypes(k), reorders: reorders(k), vBusy: vBusy(res), findings: res.sanitizer?.findings.length ?? 0 };
}

const firstDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).findIndex((v, i) => v !== y[i]);

describe('FP16 matmul on ascend310p converts on the copy and starts from the bias in L0C', () => {
  it('the reference adds the bias where the kernel does: first on ascend310p, last where the path does not convert', () => {
    expect(biasPlacement(p310)).toBe('init');
    expect(biasPlacement(p310off)).toBe('end');
    expect(biasPlacement(loadConfig('ascend910'))).toBe('end');
    expect(biasPlacement(loadConfig('ascend910b'))).toBe('init');
  });

  const shapes: readonly MatmulF16Spec[] = [
    { m: 1, k: 1, n: 1, bias: true },
    { m: 37, k: 90, n: 50, bias: true },
    { m: 37, k: 90, n: 50, bias: false },
    { m: 130, k: 300, n: 272, bias: true }, // several tiles, a column chunk of 128 and a masked one of 16
    { m: 64, k: 16, n: 200, bias: false },
    { m: 200, k: 520, n: 144, bias: true },
    { m: 2048, k: 64, n: 128, bias: true }, // tiles 128 wide: a row per repeat
  ];
  let discriminating = 0;
  const walks = new Set<string>();
  it.each(shapes)('bit-exact: %o', (s) => {
    const run = runMatmul(p310, s, 0x310f + s.m * 7 + s.n);
    const at = firstDiff(run.got, run.init);
    expect(at, `y[${at}] bits ${run.got[at]?.toString(16)}, want ${run.init[at]?.toString(16)}`).toBe(-1);
    expect(run.findings).toBe(0);
    expect(run.ops.has('copy_l0c_ub_f322f16')).toBe(true);
    expect(run.ops.has('copy_l0c_ub'), 'no plain copy').toBe(false);
    expect(run.ops.has('vconv'), 'no cast pass').toBe(false);
    expect(run.bcast).toEqual(s.bias ? ['f32'] : []);
    if (firstDiff(run.init, run.end) >= 0) discriminating++;
    for (const w of run.reorders) walks.add(w);
  });

  it('some of those shapes would fail with the bias added last (the placement is tested, not assumed)', () => {
    expect(discriminating).toBeGreaterThan(0);
  });

  it('those shapes take both walks of the Nz -> ND copy: rows of whole 128-column repeats, and column groups 8 rows a repeat', () => {
    expect([...walks].sort()).toEqual(['group', 'row']);
  });

  it('with the feature off: the plain copy, the bias added last, the same bits as that reference, more vector cycles', () => {
    const s = { m: 130, k: 300, n: 272, bias: true };
    const off = runMatmul(p310off, s, 0x0ff);
    const on = runMatmul(p310, s, 0x0ff);
    expect(firstDiff(off.got, off.end)).toBe(-1);
    expect(off.ops.has('copy_l0c_ub_f322f16') || off.ops.has('bcast_ub_l0c')).toBe(false);
    expect(off.ops.has('copy_l0c_ub')).toBe(true);
    expect(on.vBusy).toBeLessThan(off.vBusy);
  });
});

/** An FP16 convolution on `cfg`: result and reference bits (bias where the preset's kernel adds it), opcodes, V cycles, findings. */
function runConv(cfg: HwConfig, s: ConvShape, withBias: boolean, seed: number) {
  const r = rng(seed);
  const x = Float32Array.from({ length: s.n * s.c * s.h * s.w }, f16Val(r));
  const w = Float32Array.from({ length: s.oc * (s.c / s.group) * s.kh * s.kw }, f16Val(r));
  const bias = withBias ? Float32Array.from({ length: s.oc }, () => Math.fround((r() - 0.5) * 6)) : null;
  const k = generateConvF16(s, withBias, cfg);
  const res = launchKernel(cfg, k, convF16GmImage(k, s, cfg, x, w, bias), { sanitize: true });
  const got = nhwcToNchw(new Uint16Array(gemmOutput(k, res.gm!).buffer), s, (n) => new Uint16Array(n));
  const want = Uint16Array.from(convF16Reference(s, x, w, bias, biasPlacement(cfg)), (v) => numberToF16Bits(v));
  return { got, want, ops: opsOf(k), bcast: bcastTypes(k), vBusy: vBusy(res), findings: res.sanitizer?.findings.length ?? 0 };
}

describe('FP16 convolution on ascend310p converts on the copy', () => {
  const cases: readonly [string, ConvShape, boolean][] = [
    ['3x3, pad 1, bias', convShape([1, 40, 9, 9], [72, 40, 3, 3], { pads: [1, 1, 1, 1] }), true],
    ['3x3, stride 2, no bias', convShape([2, 24, 11, 10], [20, 24, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] }), false],
    ['1x1, 256 -> 144 channels, bias', convShape([1, 256, 7, 7], [144, 256, 1, 1], {}), true],
    ['grouped 3x3, bias', convShape([1, 32, 8, 8], [16, 16, 3, 3], { group: 2, pads: [1, 1, 1, 1] }), true],
    ['3 channels 7x7 stride 2 (host img2col), bias', convShape([1, 3, 20, 20], [16, 3, 7, 7], { strides: [2, 2], pads: [3, 3, 3, 3] }), true],
  ];

  it.each(cases)('bit-exact: %s', (_name, s, withBias) => {
    const run = runConv(p310, s, withBias, 0xc310 + s.c + s.oc);
    const at = firstDiff(run.got, run.want);
    expect(at, `y[${at}] = ${run.got[at]?.toString(16)}, want ${run.want[at]?.toString(16)}`).toBe(-1);
    expect(run.findings).toBe(0);
    expect(run.ops.has('copy_l0c_ub_f322f16')).toBe(true);
    expect(run.ops.has('copy_l0c_ub')).toBe(false);
    expect(run.bcast).toEqual(withBias ? ['f32'] : []);
  });

  it('with the feature off: bit-exact against the bias added last, and more vector cycles', () => {
    const s = cases[0]![1];
    const off = runConv(p310off, s, true, 7);
    const on = runConv(p310, s, true, 7);
    expect(firstDiff(off.got, off.want)).toBe(-1);
    expect(off.ops.has('copy_l0c_ub')).toBe(true);
    expect(off.ops.has('copy_l0c_ub_f322f16')).toBe(false);
    expect(on.vBusy).toBeLessThan(off.vBusy);
  });

  it("the tiler's estimate counts fewer epilogue cycles where the copy converts", () => {
    const s = convShape([1, 256, 14, 14], [1024, 256, 1, 1], {});
    const p = convF16Problem(s, true, p310);
    const t = chooseGemmTiling(p, p310).tiling;
    const mode = featureMapPlan(p, t, p310).whole ? 'whole' : 'slabs';
    const on = estimateGemm(p, t, p310, mode);
    const off = estimateGemm(convF16Problem(s, true, p310off), t, p310off, mode);
    expect(on.busy.epilogue).toBeLessThan(off.busy.epilogue);
    expect(on.busy.cube).toBe(off.busy.cube);
  });
});
