/**
 * Eltwise kernels (ops-nn/eltwise): QLinearAdd (device == ONNX Runtime reference bit for bit, on every
 * input pair of near-tie scales, with single-element inputs in both of ORT's groupings), quantised
 * relu / relu6 / leaky-relu, and int8 max / average pooling; the QLinearAdd runner; OpErrors for bad
 * arguments.
 */
import { describe, expect, it } from 'vitest';
import type { HwConfig } from '../hw/config/types.js';
import { loadConfig } from '../hw/config/load.js';
import { OpError } from '../ops-nn/kernel.js';
import {
  generateQActivation,
  generateQLinearAdd,
  generateQPool,
  poolInput,
  poolOutput,
  qActivationReference,
  qlinearAddReference,
  qPoolReference,
  type QLinearAddSpec,
  type QPoolSpec,
} from '../ops-nn/eltwise/index.js';
import { qlinearAddElement, rne } from '../ops-nn/onnx-ref/index.js';
import type { HostTensor } from '../ops-nn/onnx/index.js';
import { launchVector, runOnnx } from './support/launch.js';
import { firstDiff } from './support/exec-kit.js';
import { rng, randInt } from './support/rng.js';

type Rnd = () => number;
type Q8 = Int8Array | Uint8Array;
const f32 = Math.fround;
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const as8 = (t: 's8' | 'u8', b: Uint8Array): Q8 => (t === 's8' ? new Int8Array(b.buffer, b.byteOffset, b.byteLength) : b);
const randQ = (r: Rnd, t: 's8' | 'u8', n: number): Q8 =>
  t === 's8' ? Int8Array.from({ length: n }, () => randInt(r, -128, 127)) : Uint8Array.from({ length: n }, () => randInt(r, 0, 255));



const PRESETS = ['tiny', 'tiny-sep', 'ascend910b', 'ascend910'] as const;
const SIZES = [1, 3, 17, 33, 255, 256, 1000, 4000];

/** Random QLinearAdd parameters: scale ratios that are powers of two (exact) or arbitrary. */
function randomAdd(r: Rnd, dims: number[]): QLinearAddSpec {
  const type = r() < 0.5 ? 's8' : 'u8';
  const zp = () => (type === 's8' ? randInt(r, -30, 30) : randInt(r, 100, 150));
  const cScale = f32(0.05 * (1 + r()));
  const ratio = () => (r() < 0.4 ? 2 ** randInt(r, -2, 1) : f32(0.2 + r()));
  return { dims, type, aScale: f32(cScale * ratio()), aZeroPoint: zp(), bScale: f32(cScale * ratio()), bZeroPoint: zp(), cScale, cZeroPoint: zp() };
}

/** Runs QLinearAdd with A and B (null = the spec's single element) and compares with the reference. */
function expectAddMatches(cfg: HwConfig, s: QLinearAddSpec, a: Q8 | null, b: Q8 | null, tiling = {}): void {
  const inputs: Record<string, Uint8Array> = {};
  if (a) inputs['a'] = bytesOf(a);
  if (b) inputs['b'] = bytesOf(b);
  const got = as8(s.type, launchVector(cfg, generateQLinearAdd(s, cfg, tiling), inputs).out('c'));
  const want = qlinearAddReference(s, a, b);
  const at = firstDiff(got, want);
  expect(at, `${JSON.stringify(s)}: c[${at}] = ${got[at]} for (${a?.[at] ?? s.scalarA}, ${b?.[at] ?? s.scalarB}), want ${want[at]}`).toBe(-1);
}

/** Every (a, b) pair of a type, as two tensors of 65536 elements. */
function allPairs(t: 's8' | 'u8'): [Q8, Q8] {
  const lo = t === 's8' ? -128 : 0;
  const q = (f: (i: number) => number): Q8 => {
    const v = Array.from({ length: 65536 }, (_, i) => lo + f(i));
    return t === 's8' ? Int8Array.from(v) : Uint8Array.from(v);
  };
  return [q((i) => i >> 8), q((i) => i & 255)];
}

/** A scale ratio a few float32 ulps off a power of two: products land next to half-integers. */
const nearPow2 = (r: Rnd, base: number) => f32(base * (1 + (randInt(r, 1, 40) * (r() < 0.5 ? -1 : 1)) * 2 ** -23));

describe.each(PRESETS)('QLinearAdd on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('matches the reference: same shape, and A or B a single element', () => {
    const r = rng(101 + preset.length);
    const maxBlocks = cfg.organisation === 'separated' ? cfg.cores * cfg.aivPerAic : cfg.cores;
    SIZES.forEach((n, c) => {
      for (const bc of ['none', 'a', 'b'] as const) {
        const s0 = randomAdd(r, [n]);
        const s: QLinearAddSpec = bc === 'none' ? s0 : { ...s0, [bc === 'a' ? 'scalarA' : 'scalarB']: randQ(r, s0.type, 1)[0]! };
        const tiling = { blocks: randInt(r, 1, Math.min(4, maxBlocks)) };
        expectAddMatches(cfg, s, bc === 'a' ? null : randQ(r, s.type, n), bc === 'b' ? null : randQ(r, s.type, n), c % 2 === 0 ? tiling : {});
      }
    });
  });
});

describe('QLinearAdd arithmetic', () => {
  const cfg = loadConfig('tiny');
  it('is exact on every input pair under near-tie scales, where an unfused multiply-add is not', () => {
    const r = rng(77);
    for (const type of ['u8', 's8'] as const) {
      const cScale = 2 ** -6;
      const s: QLinearAddSpec = {
        dims: [65536],
        type,
        aScale: nearPow2(r, cScale / 2),
        aZeroPoint: type === 'u8' ? 3 : -7,
        bScale: nearPow2(r, cScale),
        bZeroPoint: type === 'u8' ? 93 : 40,
        cScale,
        cZeroPoint: type === 'u8' ? 100 : -5,
      };
      const [a, b] = allPairs(type);
      expectAddMatches(cfg, s, a, b, { blocks: 1 });
      // the same sum with two roundings per multiply-add differs somewhere: the fusion is tested
      const want = qlinearAddReference(s, a, b);
      const [rA, rB] = [f32(s.aScale / s.cScale), f32(s.bScale / s.cScale)];
      const k = f32(s.cZeroPoint - f32(f32(rA * s.aZeroPoint) + f32(rB * s.bZeroPoint)));
      const [lo, hi] = type === 'u8' ? [0, 255] : [-128, 127];
      const unfused = (x: number, y: number) => Math.min(Math.max(rne(f32(f32(x * rA) + f32(f32(y * rB) + k))), lo), hi);
      expect(want.some((c, i) => c !== unfused(a[i]!, b[i]!))).toBe(true);
    }
  });

  it('groups the sum the other way when A has a single element', () => {
    // find parameters where ORT's two groupings differ for a single A and some b
    const r = rng(78);
    const bs = Uint8Array.from({ length: 256 }, (_, i) => i);
    let found = 0;
    for (let tries = 0; tries < 2000 && found < 3; tries++) {
      const s0 = { ...randomAdd(r, [256]), type: 'u8' as const, aZeroPoint: randInt(r, 0, 255), bZeroPoint: randInt(r, 0, 255), cZeroPoint: randInt(r, 0, 255) };
      const p = { sa: s0.aScale, za: s0.aZeroPoint, sb: s0.bScale, zb: s0.bZeroPoint, sc: s0.cScale, zc: s0.cZeroPoint };
      const [single, vector] = [qlinearAddElement(p, 'uint8', true), qlinearAddElement(p, 'uint8', false)];
      const a0 = randInt(r, 0, 255);
      if (Array.from(bs).every((b) => single(a0, b) === vector(a0, b))) continue;
      found++;
      expectAddMatches(cfg, { ...s0, scalarA: a0 }, null, bs);
      // a single streamed element (dims [1]) takes the same grouping
      const b0 = bs.find((b) => single(a0, b) !== vector(a0, b))!;
      expectAddMatches(cfg, { ...s0, dims: [1] }, Uint8Array.of(a0), Uint8Array.of(b0));
    }
    expect(found).toBe(3);
  });

  it('rounds ties to even with power-of-two scale ratios (exact products)', () => {
    const s: QLinearAddSpec = { dims: [8], type: 'u8', aScale: 0.5, aZeroPoint: 128, bScale: 0.25, bZeroPoint: 3, cScale: 1, cZeroPoint: 7 };
    // (a - 128) / 2 + (b - 3) / 4 + 7 with a = 129, b = 3 -> 7.5 -> 8
    const got = launchVector(cfg, generateQLinearAdd(s, cfg), { a: Uint8Array.of(129, 131, 128, 0, 255, 255, 0, 130), b: Uint8Array.of(3, 3, 5, 0, 255, 0, 255, 4) }).out('c');
    expect(Array.from(got)).toEqual([8, 8, 8, 0, 134, 70, 6, 8]);
  });
});

describe.each(PRESETS)('quantised activations on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('relu, relu6 and leaky-relu match the reference', () => {
    const r = rng(201 + preset.length);
    for (const n of SIZES)
      for (const kind of ['relu', 'relu6', 'leaky-relu'] as const) {
        const type = r() < 0.5 ? 's8' : 'u8';
        const s = {
          dims: [n],
          type,
          kind,
          scale: r() < 0.5 ? 2 ** -randInt(r, 2, 5) : f32(0.01 + r() * 0.1),
          zeroPoint: type === 's8' ? randInt(r, -60, 60) : randInt(r, 0, 200),
          alpha: r() < 0.5 ? 0.5 : f32(r() * 0.3),
        } as const;
        const x = randQ(r, type, n);
        const got = as8(type, launchVector(cfg, generateQActivation(s, cfg), { x: bytesOf(x) }).out('y'));
        const want = qActivationReference(s, x);
        const at = firstDiff(got, want);
        expect(at, `n ${n} ${JSON.stringify(s)}: y[${at}] = ${got[at]}, x = ${x[at]}, want ${want[at]}`).toBe(-1);
      }
  });
});

/** A random pooling problem; pads are smaller than the kernel. */
function randomPool(r: Rnd, kind: 'max' | 'avg'): QPoolSpec {
  const kh = randInt(r, 1, 3);
  const kw = randInt(r, 1, 3);
  return {
    kind,
    n: randInt(r, 1, 2),
    c: randInt(r, 1, 40),
    h: randInt(r, kh, 12),
    w: randInt(r, kw, 12),
    kernel: [kh, kw],
    strides: [randInt(r, 1, 2), randInt(r, 1, 3)],
    pads: [randInt(r, 0, kh - 1), randInt(r, 0, kw - 1), randInt(r, 0, kh - 1), randInt(r, 0, kw - 1)],
    type: r() < 0.5 ? 's8' : 'u8',
    countIncludePad: r() < 0.3,
  };
}

describe.each(PRESETS)('quantised pooling on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('max and average pooling match the reference', () => {
    const r = rng(301 + preset.length);
    for (let c = 0; c < 12; c++) {
      const s = randomPool(r, c % 2 === 0 ? 'max' : 'avg');
      const x = randQ(r, s.type, s.n * s.c * s.h * s.w);
      const maxBlocks = cfg.organisation === 'separated' ? cfg.cores * cfg.aivPerAic : cfg.cores;
      const k = generateQPool(s, cfg, { blocks: randInt(r, 1, Math.min(4, maxBlocks)), ...(r() < 0.3 ? { rows: 1 } : {}) });
      const got = poolOutput(s, launchVector(cfg, k, { x: poolInput(s, x) }).out('y'));
      const want = qPoolReference(s, x);
      const at = firstDiff(got, want);
      expect(at, `case ${c} ${JSON.stringify(s)}: y[${at}] = ${got[at]}, want ${want[at]}`).toBe(-1);
    }
  });
});

describe('eltwise timing', () => {
  it('timing-only cycles equal functional cycles', () => {
    for (const preset of PRESETS) {
      const cfg = loadConfig(preset);
      const r = rng(5);
      const add = randomAdd(r, [3000]);
      const k = generateQLinearAdd(add, cfg, { blocks: 2 });
      const f = launchVector(cfg, k, { a: bytesOf(randQ(r, add.type, 3000)), b: bytesOf(randQ(r, add.type, 3000)) }).r;
      const t = launchVector(cfg, k, {}, 'timing').r;
      expect(t.cycles).toBe(f.cycles);
      const pool = randomPool(r, 'avg');
      const pk = generateQPool(pool, cfg, { blocks: 2 });
      const pf = launchVector(cfg, pk, { x: poolInput(pool, randQ(r, pool.type, pool.n * pool.c * pool.h * pool.w)) }).r;
      expect(launchVector(cfg, pk, {}, 'timing').r.cycles).toBe(pf.cycles);
    }
  });
});

describe('eltwise errors', () => {
  const cfg = loadConfig('tiny');
  const add: QLinearAddSpec = { dims: [8], type: 's8', aScale: 0.5, aZeroPoint: 0, bScale: 0.5, bZeroPoint: 0, cScale: 1, cZeroPoint: 0 };
  it('rejects bad QLinearAdd, activation and pooling arguments', () => {
    expect(() => generateQLinearAdd({ ...add, type: 's32' as never }, cfg)).toThrow(/inputs must be int8 or uint8/);
    expect(() => generateQLinearAdd({ ...add, cScale: 0 }, cfg)).toThrow(/C_scale 0 must be a positive finite float32/);
    expect(() => generateQLinearAdd({ ...add, bZeroPoint: 300 }, cfg)).toThrow(/zero point 300/);
    expect(() => generateQLinearAdd({ ...add, aScale: f32(3e38), cScale: f32(1e-3) }, cfg)).toThrow(/A_scale \/ C_scale overflows float32/);
    expect(() => generateQLinearAdd({ ...add, scalarA: 1, scalarB: 2 }, cfg)).toThrow(/at most one input/);
    expect(() => generateQActivation({ dims: [4], type: 's8', kind: 'leaky-relu', scale: 0.5, zeroPoint: 0 }, cfg)).toThrow(/alpha/);
    expect(() => generateQPool({ kind: 'max', n: 1, c: 1, h: 4, w: 4, kernel: [2, 2], pads: [2, 0, 0, 0], type: 's8' }, cfg)).toThrow(/smaller than the kernel/);
    expect(() => generateQPool({ kind: 'max', n: 1, c: 1, h: 4, w: 4, kernel: [5, 2], type: 's8' }, cfg)).toThrow(OpError);
  });
});

const tensor = (dtype: HostTensor['dtype'], dims: number[], data: HostTensor['data']): HostTensor => ({ dtype, dims, data });

describe('QLinearAdd runner', () => {
  it('equals the reference for same-shape and scalar inputs', () => {
    for (const preset of ['tiny', 'ascend910b']) {
      const cfg = loadConfig(preset);
      const r = rng(8);
      const a = randQ(r, 'u8', 600);
      const b = randQ(r, 'u8', 600);
      const sc = (v: number) => tensor('float32', [], Float32Array.of(v));
      const zp = (v: number) => tensor('uint8', [], Uint8Array.of(v));
      const res = runOnnx(
        'QLinearAdd',
        { A: tensor('uint8', [2, 300], a), A_scale: sc(f32(0.07)), A_zero_point: zp(120), B: tensor('uint8', [2, 300], b), B_scale: sc(f32(0.05)), B_zero_point: zp(130), C_scale: sc(f32(0.1)), C_zero_point: zp(128) },
        {},
        cfg,
      );
      const spec: QLinearAddSpec = { dims: [2, 300], type: 'u8', aScale: f32(0.07), aZeroPoint: 120, bScale: f32(0.05), bZeroPoint: 130, cScale: f32(0.1), cZeroPoint: 128 };
      expect(res.y.dims).toEqual([2, 300]);
      expect(Array.from(res.y.data)).toEqual(Array.from(qlinearAddReference(spec, a, b)));
      const scalarB = runOnnx('QLinearAdd', { A: tensor('uint8', [600], a), A_scale: sc(f32(0.07)), B: tensor('uint8', [1], Uint8Array.of(200)), B_scale: sc(f32(0.05)), C_scale: sc(f32(0.1)) }, {}, cfg);
      const specB: QLinearAddSpec = { ...spec, dims: [600], aZeroPoint: 0, bZeroPoint: 0, cZeroPoint: 0, scalarB: 200 };
      expect(Array.from(scalarB.y.data)).toEqual(Array.from(qlinearAddReference(specB, a, null)));
    }
  });
  it('rejects shapes that need general broadcasting, and mismatched zero point types', () => {
    const cfg = loadConfig('tiny');
    const sc = tensor('float32', [], Float32Array.of(0.5));
    const A = tensor('int8', [2, 3], new Int8Array(6));
    expect(() => runOnnx('QLinearAdd', { A, A_scale: sc, B: tensor('int8', [3], new Int8Array(3)), B_scale: sc, C_scale: sc }, {}, cfg)).toThrow(/general broadcasting is not supported/);
    expect(() => runOnnx('QLinearAdd', { A, A_scale: sc, A_zero_point: tensor('uint8', [], Uint8Array.of(0)), B: A, B_scale: sc, C_scale: sc }, {}, cfg)).toThrow('QLinearAdd: A_zero_point must have the dtype of A (int8), got uint8');
  });
});
