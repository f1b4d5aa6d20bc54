/**
 * Eltwise kernels (ops-nn/eltwise): QLinearAdd in every formulation (device == reference bit for
 * bit, including near-ties that need the host-enumerated corrections and broadcast scalars), the
 * exact float32 FMA the reference uses, quantised relu / relu6 / leaky-relu, and int8 max / average
 * pooling; the QLinearAdd runner; OpErrors for bad arguments.
 */
import { describe, expect, it } from 'vitest';
import type { HwConfig } from '../hw/config/types.js';
import { loadConfig } from '../hw/config/load.js';
import { simulate, type SimMode } from '../hw/simulate.js';
import { OpError } from '../ops-nn/kernel.js';
import {
  QADD_FORMULATIONS,
  fmaF32,
  generateQActivation,
  generateQLinearAdd,
  generateQPool,
  poolInput,
  poolOutput,
  qActivationReference,
  qaddConsts,
  qaddCorrections,
  qlinearAddReference,
  qPoolReference,
  type QAddFormulationName,
  type QLinearAddSpec,
  type QPoolSpec,
} from '../ops-nn/eltwise/index.js';
import { readTensor, vectorGmImage, type VectorKernel } from '../ops-nn/vector/index.js';
import { qlinearAdd } from '../scripts/lib/exec/runners/qlinear-add.js';
import type { HostTensor } from '../scripts/lib/exec/types.js';
import { rng, randInt } from './support/rng.js';

type Rnd = () => number;
type Q8 = Int8Array | Uint8Array;
const f32 = Math.fround;
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const as8 = (t: 's8' | 'u8', b: Uint8Array): Q8 => (t === 's8' ? new Int8Array(b.buffer, b.byteOffset, b.byteLength) : b);
const randQ = (r: Rnd, t: 's8' | 'u8', n: number): Q8 =>
  t === 's8' ? Int8Array.from({ length: n }, () => randInt(r, -128, 127)) : Uint8Array.from({ length: n }, () => randInt(r, 0, 255));

function run(cfg: HwConfig, k: VectorKernel, inputs: Record<string, Uint8Array>, mode: SimMode = 'functional') {
  const r = simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: mode === 'functional' ? vectorGmImage(k, inputs) : k.gmBytes, mode });
  return { r, out: (name: string) => readTensor(k, r.gm!, name) };
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const PRESETS = ['tiny', 'tiny-sep', 'ascend910b', 'ascend910'] as const;
const SIZES = [1, 3, 17, 33, 255, 256, 1000, 4000];
const FORMULATIONS = Object.keys(QADD_FORMULATIONS) as QAddFormulationName[];

describe('fmaF32', () => {
  it('rounds x * y + z once (checked with exact rational arithmetic)', () => {
    const r = rng(9);
    // exact: values are k * 2^e with |k| < 2^24; compare against BigInt arithmetic rounded to nearest even
    const toExact = (v: number): [bigint, number] => {
      const e = Math.floor(Math.log2(Math.abs(v))) - 60;
      return [BigInt(Math.round(v / 2 ** e)), e];
    };
    const exactF32 = (x: number, y: number, z: number): number => {
      const [mx, ex] = toExact(x);
      const [my, ey] = toExact(y);
      const [mz, ez] = toExact(z);
      const e = Math.min(ex + ey, ez);
      const sum = mx * my * 2n ** BigInt(ex + ey - e) + mz * 2n ** BigInt(ez - e);
      // round sum * 2^e to float32: find the f32 neighbours by bisection on Math.fround of doubles
      const approx = Number(sum) * 2 ** e;
      const cands = [Math.fround(approx), nextUp(Math.fround(approx)), nextDown(Math.fround(approx))];
      const err = (c: number) => {
        const [mc, ec] = toExact(c === 0 ? 2 ** -149 : c);
        const base = Math.min(ec, e);
        const cv = c === 0 ? 0n : mc * 2n ** BigInt(ec - base);
        const d = cv - sum * 2n ** BigInt(e - base);
        return d < 0n ? -d : d;
      };
      cands.sort((a, b) => (err(a) < err(b) ? -1 : err(a) > err(b) ? 1 : evenFirst(a, b)));
      return cands[0]!;
    };
    for (let i = 0; i < 3000; i++) {
      const a = randInt(r, -255, 255) || 1;
      const rr = f32(2 ** (r() * 6 - 3));
      // z chosen so a * rr + z is near a half-integer: the near-tie cases FMA decides
      const z = f32(randInt(r, -300, 300) + 0.5 - f32(a * rr) + (r() - 0.5) * 2 ** -18);
      if (z === 0) continue;
      expect(fmaF32(a, rr, z), `${a} * ${rr} + ${z}`).toBe(exactF32(a, rr, z));
    }
  });
});

const f32b = new Float32Array(1);
const u32b = new Uint32Array(f32b.buffer);
function nextUp(v: number): number {
  f32b[0] = v;
  u32b[0] = v >= 0 ? u32b[0]! + 1 : u32b[0]! - 1;
  return f32b[0]!;
}
function nextDown(v: number): number {
  return -nextUp(-v);
}
function evenFirst(a: number, b: number): number {
  f32b[0] = a;
  const ea = u32b[0]! & 1;
  f32b[0] = b;
  return ea - (u32b[0]! & 1);
}

/** Random QLinearAdd parameters: scale ratios that are powers of two (exact) or arbitrary. */
function randomAdd(r: Rnd, dims: number[], formulation: QAddFormulationName): QLinearAddSpec {
  const type = r() < 0.5 ? 's8' : 'u8';
  const zp = () => (type === 's8' ? randInt(r, -30, 30) : randInt(r, 100, 150));
  const cScale = f32(0.05 * (1 + r()));
  const ratio = () => (r() < 0.4 ? 2 ** randInt(r, -2, 1) : f32(0.2 + r()));
  return { dims, type, aScale: f32(cScale * ratio()), aZeroPoint: zp(), bScale: f32(cScale * ratio()), bZeroPoint: zp(), cScale, cZeroPoint: zp(), formulation };
}

describe.each(PRESETS)('QLinearAdd on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('matches the reference in every formulation, same shape and broadcast scalar', () => {
    const r = rng(101 + preset.length);
    let c = 0;
    for (const n of SIZES)
      for (const formulation of FORMULATIONS) {
        const bc = c++ % 5 === 4 ? (r() < 0.5 ? 'a' : 'b') : 'none';
        const s0 = randomAdd(r, [n], formulation);
        const s: QLinearAddSpec = bc === 'none' ? s0 : { ...s0, ...(bc === 'a' ? { scalarA: randQ(r, s0.type, 1)[0]! } : { scalarB: randQ(r, s0.type, 1)[0]! }) };
        const a = bc === 'a' ? null : randQ(r, s.type, n);
        const b = bc === 'b' ? null : randQ(r, s.type, n);
        const maxBlocks = cfg.organisation === 'separated' ? cfg.cores * cfg.aivPerAic : cfg.cores;
        const k = generateQLinearAdd(s, cfg, { blocks: randInt(r, 1, Math.min(4, maxBlocks)) });
        const inputs: Record<string, Uint8Array> = {};
        if (a) inputs['a'] = bytesOf(a);
        if (b) inputs['b'] = bytesOf(b);
        const got = as8(s.type, run(cfg, k, inputs).out('c'));
        const want = qlinearAddReference(s, a, b);
        const at = firstDiff(got, want);
        expect(at, `n ${n} ${formulation} ${bc} ${JSON.stringify(s)}: c[${at}] = ${got[at]}, want ${want[at]}`).toBe(-1);
      }
  });
});

describe('QLinearAdd near-ties', () => {
  const cfg = loadConfig('tiny');
  it('agrees with the reference on every corrected pair, its neighbours and random pairs', () => {
    // find scales whose FMA formulation differs from the device's mul-add chain on some (a, b)
    const r = rng(77);
    let tested = 0;
    for (let tries = 0; tries < 400 && tested < 3; tries++) {
      const s0 = randomAdd(r, [1], 'avx2-fma');
      const fixes = qaddCorrections('avx2-fma', qaddConsts(s0), 'none', 0);
      if (fixes.length === 0) continue;
      tested++;
      const lo = s0.type === 's8' ? -128 : 0;
      const clampQ = (v: number) => Math.min(Math.max(v, lo), lo + 255);
      const pairs: [number, number][] = [];
      for (const f of fixes) for (let d = -1; d <= 1; d++) pairs.push([f.a, clampQ(f.b + d)], [clampQ(f.a + d), f.b]);
      while (pairs.length < 2000) pairs.push([lo + randInt(r, 0, 255), lo + randInt(r, 0, 255)]);
      const a = s0.type === 's8' ? Int8Array.from(pairs, (p) => p[0]) : Uint8Array.from(pairs, (p) => p[0]);
      const b = s0.type === 's8' ? Int8Array.from(pairs, (p) => p[1]) : Uint8Array.from(pairs, (p) => p[1]);
      for (const f of FORMULATIONS) {
        const s = { ...s0, dims: [pairs.length], formulation: f };
        const got = as8(s.type, run(cfg, generateQLinearAdd(s, cfg), { a: bytesOf(a), b: bytesOf(b) }).out('c'));
        const want = qlinearAddReference(s, a, b);
        const at = firstDiff(got, want);
        expect(at, `${f} with ${fixes.length} corrections: (${a[at]}, ${b[at]}) -> ${got[at]}, want ${want[at]}`).toBe(-1);
      }
      // the corrected pairs really differ between the FMA and mul-add formulations
      const fma = qlinearAddReference({ ...s0, dims: [pairs.length], formulation: 'avx2-fma' }, a, b);
      const mulAdd = qlinearAddReference({ ...s0, dims: [pairs.length], formulation: 'mul-add' }, a, b);
      expect(firstDiff(fma, mulAdd)).not.toBe(-1);
    }
    expect(tested).toBe(3);
  });
  it('needs no corrections when the scale ratios are powers of two (exact products)', () => {
    const s: QLinearAddSpec = { dims: [8], type: 'u8', aScale: 0.5, aZeroPoint: 128, bScale: 0.25, bZeroPoint: 3, cScale: 1, cZeroPoint: 7 };
    expect(qaddCorrections('avx2-fma', qaddConsts(s), 'none', 0)).toEqual([]);
    // ties land on halves: (a - 128) / 2 + (b - 3) / 4 + 7 with a = 129, b = 3 -> 7.5 -> 8
    const got = run(cfg, generateQLinearAdd(s, cfg), { a: Uint8Array.of(129, 131, 128, 0, 255, 255, 0, 130), b: Uint8Array.of(3, 3, 5, 0, 255, 0, 255, 4) }).out('c');
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
        const got = as8(type, run(cfg, generateQActivation(s, cfg), { x: bytesOf(x) }).out('y'));
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
      const got = poolOutput(s, run(cfg, k, { x: poolInput(s, x) }).out('y'));
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
      const add: QLinearAddSpec = { ...randomAdd(r, [3000], 'avx2-fma'), formulation: 'avx2-fma' };
      const k = generateQLinearAdd(add, cfg, { blocks: 2 });
      const f = run(cfg, k, { a: bytesOf(randQ(r, add.type, 3000)), b: bytesOf(randQ(r, add.type, 3000)) }).r;
      const t = run(cfg, k, {}, 'timing').r;
      expect(t.cycles).toBe(f.cycles);
      const pool = randomPool(r, 'avg');
      const pk = generateQPool(pool, cfg, { blocks: 2 });
      const pf = run(cfg, pk, { x: poolInput(pool, randQ(r, pool.type, pool.n * pool.c * pool.h * pool.w)) }).r;
      expect(run(cfg, pk, {}, 'timing').r.cycles).toBe(pf.cycles);
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
    expect(() => generateQLinearAdd({ ...add, formulation: 'nope' as never }, cfg)).toThrow(/unknown formulation/);
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
      const res = qlinearAdd(
        { A: tensor('uint8', [2, 300], a), A_scale: sc(f32(0.07)), A_zero_point: zp(120), B: tensor('uint8', [2, 300], b), B_scale: sc(f32(0.05)), B_zero_point: zp(130), C_scale: sc(f32(0.1)), C_zero_point: zp(128) },
        {},
        cfg,
        {},
      );
      const spec: QLinearAddSpec = { dims: [2, 300], type: 'u8', aScale: f32(0.07), aZeroPoint: 120, bScale: f32(0.05), bZeroPoint: 130, cScale: f32(0.1), cZeroPoint: 128 };
      expect(res.outputs.C!.dims).toEqual([2, 300]);
      expect(Array.from(res.outputs.C!.data)).toEqual(Array.from(qlinearAddReference(spec, a, b)));
      const scalarB = qlinearAdd({ A: tensor('uint8', [600], a), A_scale: sc(f32(0.07)), B: tensor('uint8', [1], Uint8Array.of(200)), B_scale: sc(f32(0.05)), C_scale: sc(f32(0.1)) }, {}, cfg, {});
      const specB: QLinearAddSpec = { ...spec, dims: [600], aZeroPoint: 0, bZeroPoint: 0, cZeroPoint: 0, scalarB: 200 };
      expect(Array.from(scalarB.outputs.C!.data)).toEqual(Array.from(qlinearAddReference(specB, a, null)));
    }
  });
  it('rejects shapes that need general broadcasting, and mismatched zero point types', () => {
    const cfg = loadConfig('tiny');
    const sc = tensor('float32', [], Float32Array.of(0.5));
    const A = tensor('int8', [2, 3], new Int8Array(6));
    expect(() => qlinearAdd({ A, A_scale: sc, B: tensor('int8', [3], new Int8Array(3)), B_scale: sc, C_scale: sc }, {}, cfg, {})).toThrow(/general broadcasting is not supported/);
    expect(() => qlinearAdd({ A, A_scale: sc, A_zero_point: tensor('uint8', [], Uint8Array.of(0)), B: A, B_scale: sc, C_scale: sc }, {}, cfg, {})).toThrow(/A_zero_point must have the type of its tensor/);
  });
});
