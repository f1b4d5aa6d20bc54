/**
 * The synchronisation sanitizer (hw/sanitizer): small assembled programs with one known defect each
 * (race, read of never-written bytes, unconsumed or doubled flag) and their correctly synchronised
 * twins; every library kernel clean on every preset; and the acceptance experiment: deleting any
 * wait_flag (or cross_wait) of a library kernel is always reported, and whenever the deletion
 * changes the kernel's output the report includes a race naming both instructions.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { disassemble } from '../isa/disasm.js';
import type { Program } from '../isa/program.js';
import { loadConfig } from '../hw/config/load.js';
import type { CoreKind, HwConfig } from '../hw/config/types.js';
import { SimError } from '../hw/engine/errors.js';
import type { FindingKind } from '../hw/sanitizer/findings.js';
import type { SanitizerReport } from '../hw/sanitizer/sanitizer.js';
import { Shadow, NEVER_WRITTEN, type Access } from '../hw/sanitizer/shadow.js';
import { addressesAt, orderedRunsOf, runsOf } from '../hw/sanitizer/runs.js';
import { simulate, type SimMode } from '../hw/simulate.js';
import type { Kernel } from '../ops-nn/kernel.js';
import { generateMatmul, generateMatmulF16, matmulGmImage, type MatmulSpec } from '../ops-nn/matmul/index.js';
import { generateConvF16 } from '../ops-nn/conv/index.js';
import { generateAscendDequant, generateAscendQuant, generateRequant } from '../ops-nn/quant/index.js';
import { generateQActivation, generateQPool } from '../ops-nn/eltwise/index.js';
import { drive, OPERATORS } from '../ops-nn/onnx/index.js';
import { loadFixture } from './support/fixtures.js';
import { runOnnx } from './support/launch.js';
import { randInt, rng } from './support/rng.js';

const lines = (...xs: string[]) => xs.join('\n') + '\n';

function sanitize(cfg: HwConfig, programs: Partial<Record<CoreKind, Program>>, gm: Uint8Array | number, mode: SimMode = 'timing', blockDim = 1): SanitizerReport {
  const image = mode === 'functional' ? (gm instanceof Uint8Array ? gm : new Uint8Array(gm)) : typeof gm === 'number' ? gm : gm.length;
  try {
    return simulate({ config: cfg, programs, blockDim, gm: image, mode, sanitize: true }).sanitizer!;
  } catch (e) {
    if (e instanceof SimError && e.sanitizer) return e.sanitizer;
    throw e;
  }
}

const run = (cfg: HwConfig, text: string, mode: SimMode = 'timing') => sanitize(cfg, { [cfg.organisation === 'coupled' ? 'coupled' : 'aiv']: assemble(text, 't.s') }, 1 << 16, mode);
const kinds = (r: SanitizerReport): FindingKind[] => r.findings.map((f) => f.kind);

describe('shadow and runs', () => {
  it('a write over part of a segment splits it, an equal neighbour merges back', () => {
    const s = new Shadow(100, NEVER_WRITTEN);
    const w: Access = { agent: 1, clock: 1, core: 0, pc: 0, at: 0 };
    const st = { write: w, reads: [], poison: null };
    s.update(10, 20, () => st);
    expect(s.segments).toBe(3);
    s.update(20, 30, () => st);
    expect(s.segments).toBe(3);
    const seen: [number, number, boolean][] = [];
    s.visit(5, 35, (x, lo, hi) => seen.push([lo, hi, x.write !== null]));
    expect(seen).toEqual([[5, 10, false], [10, 30, true], [30, 35, false]]);
  });

  it('runs of a strided layout: sorted and merged, or in layout order, and offsets back to addresses', () => {
    const l = { count: 3, stride: 64, each: { count: 2, stride: 32, each: 32 } };
    expect(runsOf(l, 1000)).toEqual([1000, 1192]);
    expect(runsOf({ count: 2, stride: 96, each: 32 }, 0)).toEqual([0, 32, 96, 128]);
    expect(orderedRunsOf({ count: 2, stride: -64, each: 32 }, 1000)).toEqual([1000, 1032, 936, 968]);
    expect(runsOf({ count: 2, stride: -64, each: 32 }, 1000)).toEqual([936, 968, 1000, 1032]);
    expect(addressesAt([100, 132, 200, 232], [30, 40])).toEqual([130, 132, 200, 208]);
  });
});

describe('races between pipes', () => {
  const cfg = loadConfig('tiny');
  const load = 'copy_gm_ub UB[0], GM[0], 1, 256, 0, 0';
  const use = 'vadds f32, UB[512], UB[0], 1, 1, 1, 1, 8, 8';
  const store = 'copy_ub_gm GM[4096], UB[512], 1, 256, 0, 0';

  it('a vector read of a DMA result without a flag is a race naming both instructions', () => {
    const r = run(cfg, lines(load, use, 'set_flag V, MTE3, 0', 'wait_flag V, MTE3, 0', store, 'end'));
    expect(kinds(r)).toEqual(['race']);
    const f = r.findings[0]!;
    expect(f.insns.map((i) => [i.pipe, i.pc])).toEqual([['V', 1], ['MTE2', 0]]);
    expect(f.message).toMatch(/^UB \[0, 256\) of core 0 \(coupled block 0\): V pc 1 \(vadds f32, UB\[512\], UB\[0\].*\) reads it at cycle \d+; MTE2 pc 0 \(copy_gm_ub UB\[0\], GM\[0\], 1, 256, 0, 0\) wrote it at cycle \d+/);
  });

  it('the same program with set_flag / wait_flag is clean, in both modes', () => {
    const text = lines(load, 'set_flag MTE2, V, 0', 'wait_flag MTE2, V, 0', use, 'set_flag V, MTE3, 0', 'wait_flag V, MTE3, 0', store, 'end');
    expect(run(cfg, text).findings).toEqual([]);
    expect(run(cfg, text, 'functional').findings).toEqual([]);
  });

  it('barrier_all orders every pipe before what the scalar unit issues next', () => {
    expect(run(cfg, lines(load, 'barrier_all', use, 'barrier_all', store, 'end')).findings).toEqual([]);
  });

  it('a race is a race even when this run happens to order the two (happens-before, not cycles)', () => {
    // the vector op waits on an unrelated flag set after the load: in cycles it runs after it
    const text = lines(load, 'set_flag MTE3, V, 0', 'wait_flag MTE3, V, 0', use, 'set_flag V, MTE3, 0', 'wait_flag V, MTE3, 0', store, 'end');
    expect(kinds(run(cfg, text))).toContain('race');
  });

  it('write after read: a DMA overwriting what V still reads is a race', () => {
    const text = lines(load, 'set_flag MTE2, V, 0', 'wait_flag MTE2, V, 0', use, load, 'set_flag V, MTE3, 0', 'wait_flag V, MTE3, 0', store, 'end');
    const r = run(cfg, text);
    expect(kinds(r)).toEqual(['race']);
    // whichever the engine reached first, the pair is the reload and the vector read
    expect(new Set(r.findings[0]!.insns.map((i) => `${i.pipe} ${i.pc}`))).toEqual(new Set(['MTE2 4', 'V 3']));
  });

  it('a masked vector op touches only the blocks of its active lanes', () => {
    // 8 f32 lanes = the first 32-byte block; the DMA writes the second block at the same time
    const masked = lines('set_mask_count 8', 'vdup f32, UB[0], 1, 1, 1, 8', 'copy_gm_ub UB[32], GM[0], 1, 32, 0, 0', 'barrier_all', 'end');
    expect(run(cfg, masked).findings).toEqual([]);
    expect(kinds(run(cfg, masked.replace('set_mask_count 8', 'set_mask_count 16')))).toEqual(['race']);
  });

  it('same-pipe accesses are in order, not races', () => {
    expect(run(cfg, lines(load, load, 'barrier_all', 'end')).findings).toEqual([]);
  });
});

describe('never-written bytes, flags', () => {
  const cfg = loadConfig('tiny');

  it('bytes computed from never-written UB and stored to GM are reported with where they were read', () => {
    const r = run(cfg, lines('vadds f32, UB[512], UB[0], 1, 1, 1, 1, 8, 8', 'set_flag V, MTE3, 0', 'wait_flag V, MTE3, 0', 'copy_ub_gm GM[0], UB[512], 1, 64, 0, 0', 'end'));
    expect(kinds(r)).toEqual(['uninitialised-read']);
    expect(r.findings[0]!.message).toMatch(/MTE3 pc 3 .* stores GM \[0, 64\) computed from bytes nothing wrote since the launch: UB \[0, 256\) read by V pc 0/);
  });

  it('never-written tail lanes that are not stored are not reported', () => {
    // 100 bytes loaded, a whole 256-byte repeat computed, the 100 valid bytes stored
    const text = lines('copy_gm_ub UB[0], GM[0], 1, 100, 0, 0', 'set_flag MTE2, V, 0', 'wait_flag MTE2, V, 0', 'vadds f32, UB[512], UB[0], 1, 1, 1, 1, 8, 8', 'set_flag V, MTE3, 0', 'wait_flag V, MTE3, 0', 'copy_ub_gm GM[4096], UB[512], 1, 100, 0, 0', 'end');
    expect(run(cfg, text).findings).toEqual([]);
    const stored = text.replace('copy_ub_gm GM[4096], UB[512], 1, 100', 'copy_ub_gm GM[4096], UB[512], 1, 160');
    expect(run(cfg, stored).findings[0]!.message).toMatch(/stores GM \[4224, 4256\)/);
  });

  it('a flag nobody waits for, and a flag set again while set (the run goes on)', () => {
    const left = run(cfg, lines('set_flag MTE2, V, 1', 'end'));
    expect(kinds(left)).toEqual(['flag-left-set']);
    expect(left.findings[0]!.message).toMatch(/flag MTE2 -> V id 1 set by MTE2 pc 0 \(set_flag MTE2, V, 1\) is still set/);
    const twice = run(cfg, lines('set_flag MTE2, V, 0', 'set_flag MTE2, V, 0', 'wait_flag MTE2, V, 0', 'end'));
    expect(kinds(twice)).toEqual(['flag-set-twice']);
    expect(() => simulate({ config: cfg, programs: { coupled: assemble(lines('set_flag MTE2, V, 0', 'set_flag MTE2, V, 0', 'wait_flag MTE2, V, 0', 'end')) }, blockDim: 1, gm: 1024, mode: 'timing' })).toThrow(SimError);
  });

  it('illegal and misaligned accesses stop the run and are findings in the same format', () => {
    expect(kinds(run(cfg, lines('vdup f32, UB[99999999], 1, 1, 1, 8', 'end')))).toEqual(['out-of-bounds']);
    const r = run(cfg, lines('vdup f32, UB[3], 1, 1, 1, 8', 'end'));
    expect(kinds(r)).toEqual(['misaligned']);
    expect(r.findings[0]!.message).toMatch(/^core 0 \(coupled block 0\): V pc 0 \(vdup f32, UB\[3\], .*\): UB address 3 is not 32-byte aligned$/);
  });

  it('the sanitizer changes no cycle', () => {
    const p = assemble(lines('copy_gm_ub UB[0], GM[0], 1, 256, 0, 0', 'vadds f32, UB[512], UB[0], 1, 1, 1, 1, 8, 8', 'end'));
    const plain = simulate({ config: cfg, programs: { coupled: p }, blockDim: 1, gm: 1 << 16, mode: 'timing' });
    const checked = simulate({ config: cfg, programs: { coupled: p }, blockDim: 1, gm: 1 << 16, mode: 'timing', sanitize: true });
    expect(checked.cycles).toBe(plain.cycles);
  });
});

describe('every library kernel is clean on every preset', () => {
  const presets = ['ascend910b', 'ascend310p', 'ascend910', 'tiny', 'tiny-sep'] as const;
  const cubeOps = new Set(['QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger']);
  it.each(Object.keys(OPERATORS).sort())('%s (fixture cases, all fusions)', (op) => {
    const cases = loadFixture(op).cases.filter((_, i) => i % 15 === 0);
    let kernels = 0;
    for (const preset of presets) {
      const cfg = loadConfig(preset);
      for (const fusion of cubeOps.has(op) ? (['fixpipe', 'ub', 'gm'] as const) : ([undefined] as const)) {
        for (const c of cases) {
          let r;
          try {
            r = runOnnx(op, c.inputs, c.attrs, cfg, { sanitize: true, ...(fusion ? { fusion } : {}) });
          } catch {
            continue; // a fusion the preset or the case's multipliers cannot take
          }
          for (const k of r.kernels) {
            kernels++;
            expect(k.sanitizer!.findings.map((f) => f.message), `${c.name} on ${preset} ${fusion ?? ''} ${k.name}`).toEqual([]);
          }
        }
      }
    }
    expect(kernels).toBeGreaterThan(cases.length);
  });
});

describe('every library-only kernel is clean on every preset', () => {
  const conv = { n: 1, c: 16, h: 9, w: 9, oc: 24, group: 1, kh: 3, kw: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, oh: 9, ow: 9 };
  const KERNELS: Readonly<Record<string, (cfg: HwConfig) => Kernel>> = {
    'INT8 matmul, per-channel, relu': (cfg) => generateMatmul({ m: 40, k: 96, n: 72, bias: true, quant: { scale: Array.from({ length: 72 }, (_, i) => 2 ** -(8 + (i % 3))), offset: 1 }, outType: 'u8', relu: true }, cfg),
    'FP16 matmul': (cfg) => generateMatmulF16({ m: 33, k: 64, n: 48, bias: true }, cfg),
    'FP16 conv': (cfg) => generateConvF16(conv, true, cfg),
    AscendQuant: (cfg) => generateAscendQuant({ dims: [3, 70], xType: 'f16', scale: [0.5], offset: [3] }, cfg),
    AscendDequant: (cfg) => generateAscendDequant({ dims: [5, 40], scale: [0.25], outType: 'f32', relu: true }, cfg),
    Requant: (cfg) => generateRequant({ rows: 7, cols: 50, multipliers: [0.001953125], zeroPoints: [4], outType: 's8' }, cfg),
    'relu6 (same scale)': (cfg) => generateQActivation({ dims: [2, 3, 45], type: 's8', kind: 'relu6', scale: Math.fround(0.05), zeroPoint: -3 }, cfg),
    'leaky relu (same scale)': (cfg) => generateQActivation({ dims: [300], type: 'u8', kind: 'leaky-relu', scale: Math.fround(0.1), zeroPoint: 128, alpha: Math.fround(0.1) }, cfg),
    'max pool (same scale)': (cfg) => generateQPool({ kind: 'max', n: 1, c: 40, h: 11, w: 9, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], type: 's8' }, cfg),
    'avg pool (same scale)': (cfg) => generateQPool({ kind: 'avg', n: 2, c: 8, h: 7, w: 7, kernel: [2, 2], type: 'u8', countIncludePad: false }, cfg),
  };
  it.each(Object.keys(KERNELS))('%s', (name) => {
    for (const preset of ['ascend910b', 'ascend310p', 'ascend910', 'tiny', 'tiny-sep']) {
      const cfg = loadConfig(preset);
      const k = KERNELS[name]!(cfg);
      const r = simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: Math.max(1, 'gmBytes' in k ? (k as { gmBytes: number }).gmBytes : 1 << 20), mode: 'timing', sanitize: true });
      expect(r.sanitizer!.findings.map((f) => f.message), `${name} on ${preset}`).toEqual([]);
    }
  });
});

// ---- the acceptance experiment ------------------------------------------------------------------

/** A kernel and a functional GM image to run it on. */
interface Subject {
  readonly name: string;
  readonly cfg: HwConfig;
  readonly kernel: Kernel;
  readonly gm: Uint8Array;
  readonly output: { offset: number; bytes: number };
}

function matmulSubject(preset: string, s: MatmulSpec, seed: number): Subject {
  const cfg = loadConfig(preset);
  const r = rng(seed);
  const a = Int8Array.from({ length: s.m * s.k }, () => randInt(r, -128, 127));
  const b = Int8Array.from({ length: s.k * s.n }, () => randInt(r, -128, 127));
  const bias = s.bias ? Int32Array.from({ length: s.n }, () => randInt(r, -5000, 5000)) : null;
  const kernel = generateMatmul(s, cfg);
  const y = kernel.tensors.find((t) => t.name === 'y')!;
  return { name: `matmul ${s.m}x${s.k}x${s.n} on ${preset}`, cfg, kernel, gm: matmulGmImage(kernel, s, cfg, a, b, bias), output: { offset: y.offset, bytes: y.bytes } };
}

/** The first kernel an operator launches on a fixture case. */
function operatorSubject(op: string, caseIndex: number, preset: string, fusion?: 'ub'): Subject {
  const cfg = loadConfig(preset);
  const c = loadFixture(op).cases[caseIndex]!;
  let first: Subject | undefined;
  drive(OPERATORS[op]!.run(c.inputs, c.attrs, cfg, fusion ? { fusion } : {}), (l) => {
    const y = l.kernel.tensors.find((t) => t.role === 'output')!;
    first ??= { name: `${op} ${c.name} on ${preset}`, cfg, kernel: l.kernel, gm: l.gm, output: { offset: y.offset, bytes: y.bytes } };
    return simulate({ config: cfg, programs: l.kernel.programs, blockDim: l.kernel.blockDim, gm: l.gm, mode: 'functional' }).gm!;
  });
  return first!;
}

const SUBJECTS: readonly (() => Subject)[] = [
  () => matmulSubject('ascend910b', { m: 64, k: 64, n: 64, bias: true, quant: { scale: 0.001953125, offset: 0 }, outType: 's8', relu: false }, 1),
  () => matmulSubject('ascend310p', { m: 64, k: 64, n: 64, bias: true, quant: { scale: 0.001953125, offset: 0 }, outType: 's8', relu: false }, 2),
  () => matmulSubject('ascend910b', { m: 80, k: 320, n: 48, bias: false, quant: { scale: 0.0009765625, offset: 3 }, outType: 'u8', relu: true }, 3),
  () => operatorSubject('QuantizeLinear', 5, 'ascend910b'),
  () => operatorSubject('QLinearAdd', 7, 'ascend310p'),
  () => operatorSubject('QLinearMatMul', 3, 'ascend910b', 'ub'),
];

/** The kernel's programs with instruction `pc` of core kind `kind` deleted (or swapped with the next). */
function edited(k: Kernel, kind: CoreKind, pc: number, how: 'delete' | 'swap'): Partial<Record<CoreKind, Program>> {
  const text = disassemble(k.programs[kind]!).split('\n');
  const insnLines = text.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('  '));
  const at = insnLines[pc]![1];
  if (how === 'delete') text.splice(at, 1);
  else [text[at], text[at + 1]] = [text[at + 1]!, text[at]!];
  return { ...k.programs, [kind]: assemble(text.join('\n'), `${kind} edited`) };
}

function outputOf(s: Subject, programs: Partial<Record<CoreKind, Program>>): Uint8Array | null {
  try {
    const gm = simulate({ config: s.cfg, programs, blockDim: s.kernel.blockDim, gm: s.gm, mode: 'functional' }).gm!;
    return gm.slice(s.output.offset, s.output.offset + s.output.bytes);
  } catch {
    return null; // a run the engine stops (deadlock, a flag set twice)
  }
}

describe('deleting a wait of a library kernel is always reported', () => {
  it.each(SUBJECTS.map((f, i) => [i, f] as const))('subject %i', (_i, subject) => {
    const s = subject();
    const clean = sanitize(s.cfg, s.kernel.programs, s.gm, 'functional', s.kernel.blockDim);
    expect(clean.findings, s.name).toEqual([]);
    const want = outputOf(s, s.kernel.programs)!;
    let waits = 0;
    let races = 0;
    for (const [kind, prog] of Object.entries(s.kernel.programs) as [CoreKind, Program][]) {
      prog.insns.forEach((insn, pc) => {
        if (insn.op !== 'wait_flag' && insn.op !== 'cross_wait') return;
        waits++;
        const programs = edited(s.kernel, kind, pc, 'delete');
        const report = sanitize(s.cfg, programs, s.gm, 'functional', s.kernel.blockDim);
        const what = `${s.name}: ${kind} pc ${pc} (${insn.op}) deleted`;
        expect(report.findings.length, what).toBeGreaterThan(0);
        const race = report.findings.find((f) => f.kind === 'race');
        if (race) {
          races++;
          expect(race.insns, what).toHaveLength(2);
          expect(race.insns.every((x) => x.text.length > 0 && x.pc >= 0), what).toBe(true);
        }
        // timing-only gives the same verdict
        expect(sanitize(s.cfg, programs, s.gm.length, 'timing', s.kernel.blockDim).counts, what).toEqual(report.counts);
        const got = outputOf(s, programs);
        // a deletion that changes the output reordered a producer and its consumer: a race (or bytes
        // read before anything wrote them) must be among the findings
        if (got !== null && got.some((v, i) => v !== want[i]))
          expect(report.findings.some((f) => f.kind === 'race' || f.kind === 'uninitialised-read'), `${what} changes the output`).toBe(true);
      });
    }
    expect(waits).toBeGreaterThan(3);
    expect(races).toBeGreaterThan(0);
  });

  it('moving a load below the signal that publishes it is a race naming both', () => {
    const s = SUBJECTS[0]!();
    const prog = s.kernel.programs.aic!;
    // the first set_flag MTE2 -> MTE1 that follows a GM -> L1 copy: swap the two
    const pc = prog.insns.findIndex((x, i) => x.op === 'copy_gm_l1_nd2nz' && prog.insns[i + 1]?.op === 'set_flag');
    const report = sanitize(s.cfg, edited(s.kernel, 'aic', pc, 'swap'), s.gm, 'functional', s.kernel.blockDim);
    const race = report.findings.find((f) => f.kind === 'race');
    expect(race).toBeDefined();
    expect(new Set(race!.insns.map((x) => x.pipe))).toEqual(new Set(['MTE2', 'MTE1']));
    expect(race!.message).toMatch(/copy_gm_l1_nd2nz/);
    expect(race!.message).toMatch(/load2d/);
  });
});
