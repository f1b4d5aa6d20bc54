/**
 * The 310P's converting L0C <-> UB path (hw/exec/enhanced-copy.ts, docs/hardware.md "L0C <-> UB on
 * 310P"): copy_l0c_ub_deq / copy_l0c_ub_vdeq dequantise s32 -> f16 on the way out of L0C,
 * bcast_ub_l0c broadcasts UB vectors into L0C fractals. Checked against models written here from the
 * documented layouts and an f16 rounding computed independently of isa/numeric (scaling by the ulp
 * of the binade, where a double is exact); then the text syntax, the validator, the preset feature,
 * and the deq-f16 GEMM epilogue that uses them (same bits as the vector passes it replaces).
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { disassemble } from '../isa/disasm.js';
import { checkInsn } from '../isa/validate.js';
import { mem } from '../isa/builder.js';
import type { InsnOf } from '../isa/program.js';
import { f16BitsToNumber } from '../isa/numeric/float16.js';
import { loadConfig } from '../hw/config/load.js';
import { execBcastUbL0c, execL0cUbDeq, execL0cUbVdeq } from '../hw/exec/enhanced-copy.js';
import { simulate } from '../hw/simulate.js';
import { drive, operatorFor, type HostTensor } from '../ops-nn/onnx/index.js';
import { fakeCore, randomF16Bits, runFunctional } from './support/exec-kit.js';
import { launchKernel } from './support/launch.js';
import { randInt, rng } from './support/rng.js';
import { f16Model, forEachCopied, randomCopyCase, type CopyCase } from './support/l0c-copy.js';

const p310 = loadConfig('ascend310p');

const f16Of = (x: number) => f16Model(x, 'saturate');

/** The documented result of one element: f16(fp32(acc) * scale), then ReLU (+0 for anything not positive). */
const deqElement = (acc: number, scale16: number, relu: boolean): number => {
  const h = f16Of(Math.fround(acc) * scale16);
  return relu && !(h > 0) ? 0 : h;
};

/** Random s32 accumulators: mostly moderate, some huge (saturating), some zero and negative. */
function randomAcc(r: () => number): number {
  const k = r();
  if (k < 0.1) return 0;
  if (k < 0.2) return randInt(r, -(2 ** 31), 2 ** 31 - 1);
  return randInt(r, -40000, 40000);
}

const randomCase = randomCopyCase;

/** Fills L0C at the case's source fractals with random accumulators; returns them by (burst, fractal, element). */
function fillL0c(core: ReturnType<typeof fakeCore>, c: CopyCase, r: () => number): number[] {
  const v = core.dv('L0C');
  const accs: number[] = [];
  forEachCopied(c, (_b, _f, _e, src) => {
    const acc = randomAcc(r);
    v.setInt32(src, acc, true);
    accs.push(acc);
  });
  return accs;
}

/** Checks every converted element at its documented place (forEachCopied). */
function expectCopied(core: ReturnType<typeof fakeCore>, c: CopyCase, accs: number[], scaleOf: (b: number, col: number) => number, label: string): void {
  const v = core.dv('UB');
  let n = 0;
  forEachCopied(c, (b, f, e, _src, dst) => {
    const want = deqElement(accs[n]!, scaleOf(b, e % 16), c.relu === 1);
    const got = f16BitsToNumber(v.getUint16(dst, true));
    expect(Object.is(got, want), `${label} burst ${b} fractal ${f} element ${e}: acc ${accs[n]} -> ${got}, want ${want}`).toBe(true);
    n++;
  });
}

describe('copy_l0c_ub_deq / copy_l0c_ub_vdeq semantics', () => {
  it('VDEQ: burst b takes the 16 f16 scales at table + 32 b, column c of its fractals scale c', () => {
    const r = rng(0x5d16);
    for (let trial = 0; trial < 20; trial++) {
      const core = fakeCore(p310, 'coupled', 1024, r);
      const c = randomCase(r);
      const accs = fillL0c(core, c, r);
      const table = 32 * randInt(r, 400, 500); // away from the destination
      const ub = core.dv('UB');
      const scales: number[] = [];
      for (let k = 0; k < c.blockCount * 16; k++) {
        const bits = randomF16Bits(r);
        ub.setUint16(table + k * 2, bits, true);
        scales.push(f16BitsToNumber(bits));
      }
      const insn: InsnOf<'copy_l0c_ub_vdeq'> = { op: 'copy_l0c_ub_vdeq', dst: mem('UB', c.dst), src: mem('L0C', c.src), blockCount: c.blockCount, blockLen: c.blockLen, srcGap: c.srcGap, dstGap: c.dstGap, table: mem('UB', table), relu: c.relu };
      execL0cUbVdeq(core.ctx, insn, Float64Array.of(c.dst, c.src, table));
      expectCopied(core, c, accs, (b, col) => scales[b * 16 + col]!, `trial ${trial}`);
    }
  });

  it('DEQ: one scale, rounded once to f16 first (0.1 is not an f16 value)', () => {
    const r = rng(0xdeb);
    for (const scale of [0.1, 2 ** -10, 3.0517578125e-5, 1000]) {
      const core = fakeCore(p310, 'coupled', 1024, r);
      const c = randomCase(r);
      const accs = fillL0c(core, c, r);
      const insn: InsnOf<'copy_l0c_ub_deq'> = { op: 'copy_l0c_ub_deq', dst: mem('UB', c.dst), src: mem('L0C', c.src), blockCount: c.blockCount, blockLen: c.blockLen, srcGap: c.srcGap, dstGap: c.dstGap, scale, relu: c.relu };
      execL0cUbDeq(core.ctx, insn, Float64Array.of(c.dst, c.src));
      expectCopied(core, c, accs, () => f16Of(scale), `scale ${scale}`);
    }
  });

  it('saturates beyond the f16 range and leaves the bytes between bursts alone', () => {
    const core = fakeCore(p310, 'coupled', 1024);
    const ub = core.buf('UB');
    ub.fill(0xa5);
    core.dv('L0C').setInt32(0, 2 ** 31 - 1, true);
    core.dv('L0C').setInt32(4, -(2 ** 31), true);
    const insn: InsnOf<'copy_l0c_ub_deq'> = { op: 'copy_l0c_ub_deq', dst: mem('UB', 0), src: mem('L0C', 0), blockCount: 2, blockLen: 1, srcGap: 0, dstGap: 1, scale: 1, relu: 0 };
    execL0cUbDeq(core.ctx, insn, Float64Array.of(0, 0));
    expect(f16BitsToNumber(core.dv('UB').getUint16(0, true))).toBe(65504);
    expect(f16BitsToNumber(core.dv('UB').getUint16(2, true))).toBe(-65504);
    // burst 1 starts 512 + 32 bytes on: the 32-byte gap keeps its bytes
    expect(Array.from(ub.subarray(512, 544))).toEqual(new Array(32).fill(0xa5));
    expect(ub[544 + 1024]).toBe(0xa5);
  });
});

describe('bcast_ub_l0c semantics', () => {
  it.each([
    ['s32', 4, 0xbca],
    ['f32', 4, 0xbcc],
    ['f16', 2, 0xbcb],
  ] as const)('%s: every 16 source elements fill the 16 rows of one fractal, with gaps', (dtype, size, seed) => {
    const r = rng(seed);
    for (let trial = 0; trial < 15; trial++) {
      const core = fakeCore(p310, 'coupled', 1024, r);
      const [blockCount, blockLen, srcGap, dstGap] = [randInt(r, 1, 3), randInt(r, 1, 3), randInt(r, 0, 3), randInt(r, 0, 3)];
      const src = 32 * randInt(r, 0, 200);
      const dst = 256 * size * randInt(r, 0, 20);
      const before = core.snapshot();
      const insn: InsnOf<'bcast_ub_l0c'> = { op: 'bcast_ub_l0c', dst: mem('L0C', dst), src: mem('UB', src), dtype, blockCount, blockLen, srcGap, dstGap };
      execBcastUbL0c(core.ctx, insn, Float64Array.of(dst, src));
      const ub = before.get('UB')!;
      const want = before.get('L0C')!;
      for (let b = 0; b < blockCount; b++)
        for (let j = 0; j < blockLen; j++) {
          const s = src + b * (blockLen * 16 * size + srcGap * 32) + j * 16 * size;
          const d = dst + (b * (blockLen + dstGap) + j) * 256 * size;
          for (let row = 0; row < 16; row++) want.set(ub.subarray(s, s + 16 * size), d + row * 16 * size);
        }
      expect(Buffer.compare(Buffer.from(core.buf('L0C')), Buffer.from(want)), `trial ${trial}`).toBe(0);
    }
  });

  it('mmad accumulating onto a broadcast bias gives bias + A x B (through simulate on ascend310p)', () => {
    // A = 1 (16 x 32 s8), B = 1 (32 x 16): C = bias + 32 in every row
    const gm = new Uint8Array(64 * 1024);
    gm.fill(1, 0, 512);
    gm.fill(1, 512, 1024);
    const bias = new DataView(gm.buffer, 4096, 64);
    for (let c = 0; c < 16; c++) bias.setInt32(c * 4, c * 1000 - 7000, true);
    const text = [
      'copy_gm_l1 L1[0], GM[0], 1, 1024, 0, 0',
      'copy_gm_ub UB[0], GM[4096], 1, 64, 0, 0',
      'load2d L0A[0], L1[0], s8, 1, 1, 0, 0',
      'load2d L0B[0], L1[512], s8, 1, 1, 0, 0',
      'bcast_ub_l0c L0C[0], UB[0], s32, 1, 1, 0, 0',
      'mmad L0C[0], L0A[0], L0B[0], BT[0], 16, 32, 16, s8, s8, acc',
      'copy_l0c_ub UB[1024], L0C[0], 1, 1, 0, 0',
      'copy_ub_gm GM[8192], UB[1024], 1, 1024, 0, 0',
    ].join('\nbarrier_all\n');
    const res = runFunctional(p310, { coupled: text + '\nend\n' }, gm);
    const out = new DataView(res.gm!.buffer, 8192, 1024);
    for (let row = 0; row < 16; row++) for (let c = 0; c < 16; c++) expect(out.getInt32((row * 16 + c) * 4, true), `C(${row}, ${c})`).toBe(c * 1000 - 7000 + 32);
  });
});

describe('text syntax, validation and the preset feature', () => {
  const lines = ['copy_l0c_ub_deq UB[64], L0C[1024], 3, 4, 1, 2, 0.0999755859375, 1', 'copy_l0c_ub_vdeq UB[x3+32], L0C[0], 2, 8, 0, 0, UB[8192], 0', 'bcast_ub_l0c L0C[2048], UB[32], s32, 8, 1, 0, 7'];

  it('disassembles to the text it was assembled from', () => {
    const text = lines.join('\n') + '\nend\n';
    const p = assemble(text);
    expect(assemble(disassemble(p)).insns).toEqual(p.insns);
    for (const l of lines) expect(disassemble(assemble(l + '\nend\n'))).toContain(l);
  });

  it.each([
    ['relu 2', 'copy_l0c_ub_deq UB[0], L0C[0], 1, 1, 0, 0, 1, 2', /case:1: immediate 2 for relu is out of range \(relu must be 0\.\.1\)/],
    ['no bursts', 'copy_l0c_ub_vdeq UB[0], L0C[0], 0, 1, 0, 0, UB[8192], 0', /case:1: immediate 0 for blockCount is out of range \(blockCount must be 1\.\.4095\)/],
    ['the table outside UB', 'copy_l0c_ub_vdeq UB[0], L0C[0], 1, 1, 0, 0, L1[0], 0', /case:1: copy_l0c_ub_vdeq table cannot be in L1 \(use UB\)/],
    ['source in UB', 'copy_l0c_ub_deq UB[0], UB[0], 1, 1, 0, 0, 1, 0', /case:1: copy_l0c_ub_deq src cannot be in UB \(use L0C\)/],
    ['256 broadcast bursts', 'bcast_ub_l0c L0C[0], UB[0], s32, 256, 1, 0, 0', /case:1: immediate 256 for blockCount is out of range \(blockCount must be 1\.\.255\)/],
    ['an 8-bit broadcast', 'bcast_ub_l0c L0C[0], UB[0], s8, 1, 1, 0, 0', /bcast_ub_l0c does not take dtype s8 \(legal: s32, f32, f16\)/],
  ])('rejects %s', (_what, line, message) => {
    expect(() => assemble(line + '\nend\n', 'case')).toThrow(message);
  });

  it('the validator rejects what a kernel builder could emit wrongly', () => {
    const ok: InsnOf<'bcast_ub_l0c'> = { op: 'bcast_ub_l0c', dst: mem('L0C', 0), src: mem('UB', 0), dtype: 's32', blockCount: 1, blockLen: 1, srcGap: 0, dstGap: 0 };
    expect(checkInsn(ok, 1)).toBeUndefined();
    expect(checkInsn({ ...ok, dstGap: 256 }, 1)).toBe('operand dstGap = 256 is outside 0..255');
    expect(checkInsn({ ...ok, dst: mem('UB', 0) }, 1)).toBe('operand dst must be in L0C, not UB');
    const copy: InsnOf<'copy_l0c_ub_vdeq'> = { op: 'copy_l0c_ub_vdeq', dst: mem('UB', 0), src: mem('L0C', 0), blockCount: 1, blockLen: 1, srcGap: 0, dstGap: 0, table: mem('UB', 4096), relu: 0 };
    expect(checkInsn(copy, 1)).toBeUndefined();
    expect(checkInsn({ ...copy, relu: -1 }, 1)).toBe('operand relu = -1 is outside 0..1');
  });

  it.each(['ascend910', 'tiny'])('%s has no converting path: a clear error names the feature', (preset) => {
    const cfg = loadConfig(preset);
    for (const line of lines) {
      const program = assemble(line.replace('x3+', '') + '\nend\n');
      expect(() => simulate({ config: cfg, programs: { coupled: program }, blockDim: 1, gm: new Uint8Array(1024), mode: 'timing' }), line).toThrow(/has no converting L0C <-> UB path \(features\.enhancedL0cUb is false\)/);
    }
  });

  it('the copy costs what an s32 copy of the same fractals costs; the broadcast its L0C bytes at UB_L0C', () => {
    const time = (line: string) => simulate({ config: p310, programs: { coupled: assemble(`${line}\nend\n`) }, blockDim: 1, gm: new Uint8Array(1024), mode: 'timing' }).cycles;
    const plain = time('copy_l0c_ub UB[0], L0C[0], 4, 16, 0, 0');
    expect(time('copy_l0c_ub_deq UB[0], L0C[0], 4, 16, 0, 0, 0.5, 0')).toBe(plain);
    expect(time('copy_l0c_ub_vdeq UB[0], L0C[0], 4, 16, 0, 0, UB[65536], 0')).toBe(plain);
    // 64 fractals of s32 written: as many L0C bytes as the copies read, at the same rate on this preset
    expect(p310.paths.UB_L0C.bytesPerCycle).toBe(p310.paths.L0C_UB.bytesPerCycle);
    expect(time('bcast_ub_l0c L0C[0], UB[0], s32, 4, 16, 0, 0')).toBe(plain);
  });

  it('a config may switch the feature off, and then the copies are refused', () => {
    const off = loadConfig('ascend310p', { features: { enhancedL0cUb: false } });
    expect(() => simulate({ config: off, programs: { coupled: assemble(lines[2]! + '\nend\n') }, blockDim: 1, gm: new Uint8Array(1024), mode: 'timing' })).toThrow(/features\.enhancedL0cUb is false/);
  });
});

/** A QLinearConv node, u8 activations (zero point 128) x s8 weights, per-channel scales. */
function convNode(r: () => number, c: number, hw: number, oc: number, k: number, yZp: number): Record<string, HostTensor> {
  const t = (dtype: HostTensor['dtype'], dims: number[], data: ArrayLike<number>): HostTensor => {
    const Ctor = dtype === 'int8' ? Int8Array : dtype === 'uint8' ? Uint8Array : dtype === 'int32' ? Int32Array : Float32Array;
    return { dtype, dims, data: Ctor.from(data) };
  };
  return {
    x: t('uint8', [1, c, hw, hw], Array.from({ length: c * hw * hw }, () => randInt(r, 0, 255))),
    x_scale: t('float32', [], [0.02]),
    x_zero_point: t('uint8', [], [128]),
    w: t('int8', [oc, c, k, k], Array.from({ length: oc * c * k * k }, () => randInt(r, -127, 127))),
    w_scale: t('float32', [oc], Array.from({ length: oc }, () => 0.001 + r() * 0.01)),
    w_zero_point: t('int8', [oc], new Array(oc).fill(0)),
    y_scale: t('float32', [], [0.05]),
    y_zero_point: t('uint8', [], [yZp]),
    B: t('int32', [oc], Array.from({ length: oc }, () => randInt(r, -20000, 20000))),
  };
}

/** Runs a QLinearConv on `cfg` launch by launch: its output, the opcodes its kernels use, their V busy cycles and sanitizer findings. */
function runConv(cfg: ReturnType<typeof loadConfig>, inputs: Record<string, HostTensor>) {
  const ops = new Set<string>();
  let vBusy = 0;
  let findings = 0;
  const y = drive(operatorFor('QLinearConv').run(inputs, { pads: [1, 1, 1, 1] }, cfg, { vectorRequant: 'deq-f16' }), (l) => {
    for (const prog of Object.values(l.kernel.programs)) for (const i of prog!.insns) ops.add(i.op);
    const r = launchKernel(cfg, l.kernel, l.gm, { sanitize: true });
    vBusy += r.cores.reduce((s, c) => s + (c.pipes.V?.busyCycles ?? 0), 0);
    findings += r.sanitizer?.findings.length ?? 0;
    return r.gm!;
  });
  return { y, ops: [...ops].filter((o) => /deq|bcast|copy_l0c/.test(o)).sort(), vBusy, findings };
}

describe('the deq-f16 epilogue on ascend310p converts on the copy', () => {
  const off = loadConfig('ascend310p', { features: { enhancedL0cUb: false } });

  it.each([0, 131])('same bits as the vector passes it replaces (y_zero_point %i), fewer vector cycles', (yZp) => {
    const inputs = convNode(rng(0xc0de + yZp), 40, 9, 72, 3, yZp);
    const on = runConv(p310, inputs);
    const before = runConv(off, inputs);
    expect(Array.from(on.y.data)).toEqual(Array.from(before.y.data));
    expect(on.ops).toEqual(['bcast_ub_l0c', 'copy_l0c_ub_vdeq']);
    expect(before.ops).toEqual(['copy_l0c_ub', 'vconv_vdeq']);
    expect(on.findings).toBe(0);
    expect(on.vBusy).toBeLessThan(before.vBusy);
  });
});
