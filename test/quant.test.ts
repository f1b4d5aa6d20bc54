/**
 * Quantisation kernels (ops-nn/quant) on the simulated vector cores: bit-exact against the plain
 * references on many random cases (sizes 1 .. multi-block, per tensor and per axis in both parameter
 * modes, ties from power-of-two scales, saturation, NaN and infinities), on coupled, separated and
 * real presets; timing-only cycles equal functional ones; the exec runners match the references;
 * bad arguments are OpErrors that say what is wrong.
 */
import { describe, expect, it } from 'vitest';
import type { HwConfig } from '../hw/config/types.js';
import { loadConfig } from '../hw/config/load.js';
import { numberToF16Bits, f16BitsToNumber } from '../isa/numeric/float16.js';
import { OpError } from '../ops-nn/kernel.js';
import {
  ascendDequantReference,
  ascendQuantReference,
  dequantizeLinearReference,
  generateAscendDequant,
  generateAscendQuant,
  generateDequantizeLinear,
  generateQuantizeLinear,
  generateRequant,
  generateShiftU8ToS8,
  quantizeLinearReference,
  requantReference,
  shiftU8ToS8Reference,
  type AscendQuantSpec,
  type DequantizeLinearSpec,
  type QuantizeLinearSpec,
} from '../ops-nn/quant/index.js';
import type { ElementwiseTiling, VectorKernel } from '../ops-nn/vector/index.js';
import { tensorFromJson, type HostTensor } from '../ops-nn/onnx/index.js';
import { launchVector, runOnnx } from './support/launch.js';
import { firstDiff } from './support/exec-kit.js';
import { rng, randInt } from './support/rng.js';

type Rnd = () => number;
const f32 = Math.fround;
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const f16Bytes = (x: Float32Array) => bytesOf(Uint16Array.from(x, (v) => numberToF16Bits(v)));



const SIZES = [1, 3, 17, 33, 255, 256, 1000, 5000];

/** Random dims with `n` elements split into up to 3 axes. */
function dimsOf(r: Rnd, n: number): number[] {
  const d: number[] = [];
  let rest = n;
  for (let i = 0; i < 2; i++) {
    const divs = Array.from({ length: rest }, (_, k) => k + 1).filter((k) => rest % k === 0);
    const pick = divs[randInt(r, 0, divs.length - 1)]!;
    d.push(pick);
    rest /= pick;
  }
  return [...d, rest];
}

/** float32 data with ties: multiples of scale / 2 (exact halves), a few specials, and noise. */
function floatData(r: Rnd, n: number, scale: number, specials: boolean): Float32Array {
  return Float32Array.from({ length: n }, () => {
    const u = r();
    if (specials && u < 0.02) return [NaN, Infinity, -Infinity, 3e9, -3e9, -0][randInt(r, 0, 5)]!;
    if (u < 0.5) return f32((randInt(r, -600, 600) / 2) * scale);
    return f32((r() - 0.5) * 600 * scale);
  });
}

const pow2Scale = (r: Rnd) => 2 ** randInt(r, -6, 3);
const anyScale = (r: Rnd) => f32(2 ** (r() * 8 - 6));

const PRESETS = ['tiny', 'tiny-sep', 'ascend910b', 'ascend910'] as const;

function tilingFor(r: Rnd, cfg: HwConfig): Partial<ElementwiseTiling> {
  const maxBlocks = cfg.organisation === 'separated' ? cfg.cores * cfg.aivPerAic : cfg.cores;
  return { blocks: randInt(r, 1, Math.min(maxBlocks, 6)), ...(r() < 0.4 ? { chunk: 128 * randInt(r, 1, 8) } : {}), doubleBuffer: r() < 0.8 };
}

describe.each(PRESETS)('QuantizeLinear on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('matches the reference: f32/f16, int8/uint8, per tensor and per axis, ties, saturation', () => {
    const r = rng(11 + preset.length);
    let c = 0;
    for (const n of SIZES)
      for (let rep = 0; rep < 2; rep++, c++) {
        const dims = dimsOf(r, n);
        const xType = r() < 0.7 ? 'f32' : 'f16';
        const outType = r() < 0.5 ? 's8' : 'u8';
        const axis = randInt(r, 0, dims.length - 1);
        const perAxis = r() < 0.5;
        const ch = dims[axis]!;
        const scaleOf = r() < 0.5 ? pow2Scale : anyScale;
        const zpOf = () => (outType === 's8' ? randInt(r, -20, 20) : randInt(r, 0, 40));
        const s: QuantizeLinearSpec = {
          dims,
          xType,
          outType,
          axis,
          scale: perAxis ? Array.from({ length: ch }, () => scaleOf(r)) : [scaleOf(r)],
          zeroPoint: perAxis && r() < 0.5 ? Array.from({ length: ch }, zpOf) : r() < 0.2 ? [] : [zpOf()],
        };
        let x = floatData(r, n, s.scale[0]!, xType === 'f32');
        if (xType === 'f16') x = Float32Array.from(x, (v) => f16BitsToNumber(numberToF16Bits(v)));
        const t = { ...tilingFor(r, cfg), paramMode: (['auto', 'rows', 'table'] as const)[randInt(r, 0, 2)]! };
        let k: VectorKernel;
        try {
          k = generateQuantizeLinear(s, cfg, t);
        } catch (e) {
          // a forced table mode may not fit the small presets' UB: that must be a clear OpError
          expect(e).toBeInstanceOf(OpError);
          k = generateQuantizeLinear(s, cfg, { ...t, paramMode: 'rows' });
        }
        const { out } = launchVector(cfg, k, { x: xType === 'f32' ? bytesOf(x) : f16Bytes(x) });
        const raw = out('y');
        const got = outType === 's8' ? new Int8Array(raw.buffer) : raw;
        const want = quantizeLinearReference(s, x);
        const at = firstDiff(got, want);
        expect(at, `case ${c} ${JSON.stringify({ dims, xType, outType, axis, perAxis, t })}: y[${at}] = ${got[at]}, x = ${x[at]}, want ${want[at]}`).toBe(-1);
      }
  });
});

describe('QuantizeLinear fixed cases', () => {
  const cfg = loadConfig('tiny');
  it('rounds ties to even, saturates, maps NaN to qmin and +-inf to the ends', () => {
    const x = Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1000, -1000, NaN, Infinity, -Infinity, 3e9, -0, 0.49999997]);
    const s: QuantizeLinearSpec = { dims: [x.length], xType: 'f32', scale: [1], zeroPoint: [1], outType: 's8' };
    const { out } = launchVector(cfg, generateQuantizeLinear(s, cfg), { x: bytesOf(x) });
    expect(Array.from(new Int8Array(out('y').buffer))).toEqual([1, 3, 3, 1, -1, -1, 127, -128, -128, 127, -128, 127, 1, 1]);
  });
  it('divides: x / scale is not x * (1 / scale)', () => {
    // 0.3 / 0.1 = 3.0000000000000004 in double, 3 in f32; 0.3 * fp32(1/0.1) rounds differently at a tie
    const scale = f32(0.1);
    const x = Float32Array.from({ length: 64 }, (_, i) => f32((i + 0.5) * scale));
    const s: QuantizeLinearSpec = { dims: [64], xType: 'f32', scale: [scale], zeroPoint: [0], outType: 'u8' };
    const { out } = launchVector(cfg, generateQuantizeLinear(s, cfg), { x: bytesOf(x) });
    expect(Array.from(out('y'))).toEqual(Array.from(quantizeLinearReference(s, x)));
    const viaReciprocal = Array.from(x, (v) => Math.round(f32(v * f32(1 / scale))));
    expect(Array.from(out('y'))).not.toEqual(viaReciprocal);
  });
});

describe.each(PRESETS)('DequantizeLinear on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('matches the reference: int8/uint8/int32 -> float32/float16, per tensor and per axis', () => {
    const r = rng(23 + preset.length);
    for (const n of SIZES) {
      const dims = dimsOf(r, n);
      const qType = (['s8', 'u8', 's32'] as const)[randInt(r, 0, 2)]!;
      const axis = randInt(r, 0, dims.length - 1);
      const ch = dims[axis]!;
      const perAxis = r() < 0.5;
      // int32: mostly small zero points, sometimes any int32 (q - zp then wraps, as in ORT)
      const s32Zp = () => (r() < 0.3 ? randInt(r, -(2 ** 31), 2 ** 31 - 1) : r() < 0.3 ? 0 : randInt(r, -1000, 1000));
      const zpOf = () => (qType === 's8' ? randInt(r, -128, 127) : qType === 'u8' ? randInt(r, 0, 255) : s32Zp());
      const s: DequantizeLinearSpec = {
        dims,
        qType,
        outType: r() < 0.7 ? 'f32' : 'f16',
        axis,
        scale: perAxis ? Array.from({ length: ch }, () => anyScale(r) * (r() < 0.1 ? -1 : 1)) : [anyScale(r)],
        zeroPoint: perAxis && r() < 0.5 ? Array.from({ length: ch }, zpOf) : [zpOf()],
      };
      const q =
        qType === 's8'
          ? Int8Array.from({ length: n }, () => randInt(r, -128, 127))
          : qType === 'u8'
            ? Uint8Array.from({ length: n }, () => randInt(r, 0, 255))
            : Int32Array.from({ length: n }, () => (r() < 0.3 ? randInt(r, -(2 ** 31), 2 ** 31 - 1) : randInt(r, -3000, 3000)));
      const k = generateDequantizeLinear(s, cfg, { ...tilingFor(r, cfg), paramMode: r() < 0.5 ? 'auto' : 'rows' });
      const { out } = launchVector(cfg, k, { x: bytesOf(q) });
      const raw = out('y');
      const got = s.outType === 'f32' ? new Float32Array(raw.buffer) : Float32Array.from(new Uint16Array(raw.buffer), f16BitsToNumber);
      const want = dequantizeLinearReference(s, q);
      const at = firstDiff(got, want);
      expect(at, `n ${n} ${JSON.stringify({ dims, qType, out: s.outType, axis, perAxis })}: y[${at}] = ${got[at]}, want ${want[at]}`).toBe(-1);
    }
  });
});

describe('DequantizeLinear int32 fixed cases', () => {
  it('subtracts the zero point in int32 before the one rounding to float32, wrapping like ORT', () => {
    for (const preset of ['tiny', 'tiny-sep']) {
      const cfg = loadConfig(preset);
      const q = Int32Array.of(2 ** 31 - 1, -(2 ** 31), 16777217, 0, -5);
      const dq = (zeroPoint: number[], axis?: number, paramMode: ElementwiseTiling['paramMode'] = 'auto') => {
        const s: DequantizeLinearSpec = { dims: [5, 1], qType: 's32', scale: [1, 1, 1, 1, 1].slice(0, zeroPoint.length), zeroPoint, outType: 'f32', ...(axis === undefined ? {} : { axis }) };
        return Array.from(new Float32Array(launchVector(cfg, generateDequantizeLinear(s, cfg, { paramMode }), { x: bytesOf(q) }).out('y').buffer));
      };
      // (2^31 - 1) - (-1) wraps to -2^31; 16777217 + 1 = 2^24 + 2 is exact, whereas
      // fp32(16777217) + 1 would round to 2^24
      expect(dq([-1])).toEqual([-(2 ** 31), -(2 ** 31), 2 ** 24 + 2, 1, -4]);
      // -2^31 - (2^31 - 1) wraps to 1; -5 - (2^31 - 1) wraps to 2^31 - 4 (rounds to 2^31)
      expect(dq([2 ** 31 - 1])).toEqual([0, 1, Math.fround(16777217 - (2 ** 31 - 1)), -(2 ** 31), 2 ** 31]);
      // per axis; zero point -2^31 negates to itself in int32
      for (const mode of ['table', 'rows'] as const) expect(dq([0, -(2 ** 31), 1, -7, 2 ** 31 - 1], 0, mode)).toEqual([2 ** 31, 0, 2 ** 24, 7, 2 ** 31]);
    }
  });
});

describe.each(PRESETS)('AscendQuant and AscendDequant on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('AscendQuant matches the reference for every round mode, sqrt mode, per channel', () => {
    const r = rng(31 + preset.length);
    for (const n of SIZES) {
      const dims = dimsOf(r, n);
      const last = dims[dims.length - 1]!;
      const perChannel = r() < 0.4;
      const xType = r() < 0.5 ? 'f16' : 'f32';
      const s: AscendQuantSpec = {
        dims,
        xType,
        round: (['rint', 'round', 'floor', 'ceil', 'trunc'] as const)[randInt(r, 0, 4)]!,
        sqrtMode: r() < 0.3,
        scale: perChannel ? Array.from({ length: last }, () => pow2Scale(r)) : [r() < 0.5 ? pow2Scale(r) : anyScale(r)],
        offset: perChannel ? Array.from({ length: last }, () => randInt(r, -8, 8) / 2) : [r() < 0.3 ? 0 : f32(r() * 4 - 2)],
      };
      let x = floatData(r, n, 1, false);
      if (xType === 'f16') x = Float32Array.from(x, (v) => f16BitsToNumber(numberToF16Bits(v)));
      const k = generateAscendQuant(s, cfg, tilingFor(r, cfg));
      const { out } = launchVector(cfg, k, { x: xType === 'f32' ? bytesOf(x) : f16Bytes(x) });
      const got = new Int8Array(out('y').buffer);
      const want = ascendQuantReference(s, x);
      const at = firstDiff(got, want);
      expect(at, `n ${n} ${JSON.stringify({ ...s, scale: s.scale.length, offset: s.offset.length })}: y[${at}] = ${got[at]}, x = ${x[at]}, want ${want[at]}`).toBe(-1);
    }
  });
  it('AscendDequant matches the reference: fp16/fp32 out, relu, sqrt mode, per channel', () => {
    const r = rng(37 + preset.length);
    for (const n of SIZES) {
      const dims = dimsOf(r, n);
      const last = dims[dims.length - 1]!;
      const s = {
        dims,
        outType: r() < 0.5 ? ('f16' as const) : ('f32' as const),
        relu: r() < 0.5,
        sqrtMode: r() < 0.3,
        scale: r() < 0.4 ? Array.from({ length: last }, () => f32(anyScale(r) / 64)) : [f32(anyScale(r) / 64)],
      };
      const acc = Int32Array.from({ length: n }, () => (r() < 0.2 ? randInt(r, -(2 ** 31), 2 ** 31 - 1) : randInt(r, -100000, 100000)));
      const { out } = launchVector(cfg, generateAscendDequant(s, cfg, tilingFor(r, cfg)), { x: bytesOf(acc) });
      const raw = out('y');
      const got = s.outType === 'f32' ? new Float32Array(raw.buffer) : Float32Array.from(new Uint16Array(raw.buffer), f16BitsToNumber);
      const want = ascendDequantReference(s, acc);
      const at = firstDiff(got, want);
      expect(at, `n ${n}: y[${at}] = ${got[at]}, want ${want[at]}`).toBe(-1);
    }
  });
});

describe.each(PRESETS)('requant and u8 -> s8 shift on %s', (preset) => {
  const cfg = loadConfig(preset);
  it('requant matches the reference, per column and per tensor, in both parameter modes', () => {
    const r = rng(41 + preset.length);
    for (let c = 0; c < 8; c++) {
      const rows = randInt(r, 1, 70);
      const cols = randInt(r, 1, c < 4 ? 40 : 300);
      const outType = r() < 0.5 ? 's8' : 'u8';
      const perCol = r() < 0.7;
      const zp = () => (outType === 's8' ? randInt(r, -10, 10) : randInt(r, 0, 30));
      // case 0: multipliers of 1/2 land exactly on halves (ties)
      const m = () => (c === 0 ? 0.5 : f32(r() * 0.01));
      const s = {
        rows,
        cols,
        outType,
        multipliers: perCol ? Array.from({ length: cols }, m) : [m()],
        zeroPoints: perCol && r() < 0.5 ? Array.from({ length: cols }, zp) : [zp()],
      } as const;
      const acc = Int32Array.from({ length: rows * cols }, () => randInt(r, c === 0 ? -300 : -40000, c === 0 ? 300 : 40000));
      let k: VectorKernel;
      try {
        // immediates per element (inner = 1) are exact but slow: only on narrow matrices
        k = generateRequant(s, cfg, { ...tilingFor(r, cfg), paramMode: cols <= 40 && r() < 0.5 ? 'rows' : 'auto' });
      } catch (e) {
        expect(e).toBeInstanceOf(OpError);
        k = generateRequant(s, cfg, { ...tilingFor(r, cfg), paramMode: 'rows' });
      }
      const { out } = launchVector(cfg, k, { acc: bytesOf(acc) });
      const raw = out('y');
      const got = outType === 's8' ? new Int8Array(raw.buffer) : raw;
      const want = requantReference(s, acc);
      const at = firstDiff(got, want);
      expect(at, `case ${c} ${rows} x ${cols} ${outType}: y[${at}] = ${got[at]}, want ${want[at]} (${k.tiling.paramMode})`).toBe(-1);
    }
  });
  it('shift is x - 128 on every byte value', () => {
    const x = Uint8Array.from({ length: 1000 }, (_, i) => i % 256);
    const { out } = launchVector(cfg, generateShiftU8ToS8(x.length, cfg), { x });
    expect(Array.from(new Int8Array(out('y').buffer))).toEqual(Array.from(shiftU8ToS8Reference(x)));
  });
});

describe('quant timing', () => {
  it('timing-only cycles equal functional cycles', () => {
    for (const preset of PRESETS) {
      const cfg = loadConfig(preset);
      const s: QuantizeLinearSpec = { dims: [3, 700], xType: 'f32', scale: [0.5, 0.25, 0.125], zeroPoint: [1, 2, 3], outType: 's8', axis: 0 };
      const k = generateQuantizeLinear(s, cfg, { blocks: 2 });
      const x = floatData(rng(5), 2100, 0.5, false);
      const f = launchVector(cfg, k, { x: bytesOf(x) }).r;
      const t = launchVector(cfg, k, {}, 'timing').r;
      expect(t.cycles).toBe(f.cycles);
      expect(t.cores).toEqual(f.cores);
    }
  });
});

describe('quant errors', () => {
  const cfg = loadConfig('tiny');
  it('rejects unsupported dtypes, bad zero points and mismatched per-axis lengths', () => {
    const base: QuantizeLinearSpec = { dims: [4, 8], xType: 'f32', scale: [1], zeroPoint: [0], outType: 's8' };
    expect(() => generateQuantizeLinear({ ...base, xType: 's32' as never }, cfg)).toThrow(/x must be float32 or float16/);
    expect(() => generateQuantizeLinear({ ...base, outType: 's32' as never }, cfg)).toThrow(/y must be int8 or uint8/);
    expect(() => generateQuantizeLinear({ ...base, zeroPoint: [200] }, cfg)).toThrow(/zero point 200 is not a s8 value/);
    expect(() => generateQuantizeLinear({ ...base, scale: [1, 2, 3] }, cfg)).toThrow(/3 values but axis 1 has 8 channels/);
    expect(() => generateQuantizeLinear({ ...base, scale: [0.1] }, cfg)).toThrow(/not a float32 value/);
    expect(() => generateDequantizeLinear({ dims: [4], qType: 's32', scale: [1], zeroPoint: [2 ** 31], outType: 'f32' }, cfg)).toThrow(/zero point 2147483648 is not a s32 value/);
    expect(() => generateRequant({ rows: 2, cols: 3, multipliers: [1, 1], zeroPoints: [0], outType: 's8' }, cfg)).toThrow(OpError);
    expect(() => generateQuantizeLinear(base, cfg, { chunk: 100 })).toThrow(/multiple of 128/);
    expect(() => generateQuantizeLinear({ ...base, dims: [1 << 16] }, cfg, { chunk: 1 << 14 })).toThrow(/UB needs \d+ bytes but tiny has 32768 \(over by \d+\)/);
  });
});

const tensor = (dtype: HostTensor['dtype'], dims: number[], data: HostTensor['data']): HostTensor => ({ dtype, dims, data });

describe('QuantizeLinear and DequantizeLinear runners', () => {
  it('equal the references, with ONNX defaults for missing inputs', () => {
    for (const preset of ['tiny-sep', 'ascend910']) {
      const cfg = loadConfig(preset);
      const r = rng(3);
      const x = floatData(r, 2 * 3 * 50, 0.25, true);
      const scale = Float32Array.from([0.25, 0.5, 0.125]);
      const zp = Int8Array.from([-3, 0, 5]);
      const res = runOnnx('QuantizeLinear', { x: tensor('float32', [2, 3, 50], x), y_scale: tensor('float32', [3], scale), y_zero_point: tensor('int8', [3], zp) }, { axis: 1 }, cfg);
      const want = quantizeLinearReference({ dims: [2, 3, 50], xType: 'f32', scale: [...scale], zeroPoint: [...zp], outType: 's8', axis: 1 }, x);
      expect(res.y.dtype).toBe('int8');
      expect(Array.from(res.y.data)).toEqual(Array.from(want));
      expect(res.cycles).toBeGreaterThan(0);
      // no zero point: uint8 output, zero point 0
      const noZp = runOnnx('QuantizeLinear', { x: tensor('float32', [300], x), y_scale: tensor('float32', [], Float32Array.of(0.5)) }, {}, cfg);
      expect(noZp.y.dtype).toBe('uint8');
      expect(Array.from(noZp.y.data)).toEqual(Array.from(quantizeLinearReference({ dims: [300], xType: 'f32', scale: [0.5], zeroPoint: [], outType: 'u8' }, x)));
      const q = Uint8Array.from({ length: 300 }, () => randInt(r, 0, 255));
      const deq = runOnnx('DequantizeLinear', { x: tensor('uint8', [3, 100], q), x_scale: tensor('float32', [3], scale), x_zero_point: tensor('uint8', [3], Uint8Array.of(0, 128, 255)) }, { axis: 0 }, cfg);
      const wantD = dequantizeLinearReference({ dims: [3, 100], qType: 'u8', scale: [...scale], zeroPoint: [0, 128, 255], outType: 'f32', axis: 0 }, q);
      expect(deq.y.dtype).toBe('float32');
      expect(firstDiff(deq.y.data, wantD)).toBe(-1);
    }
  });
  it('reject mismatched zero point types and bad per-axis lengths with clear OpErrors', () => {
    const cfg = loadConfig('tiny');
    const x = tensor('float32', [4], Float32Array.of(1, 2, 3, 4));
    expect(() => runOnnx('QuantizeLinear', { x, y_scale: tensor('float32', [], Float32Array.of(1)), y_zero_point: tensor('int32', [], Int32Array.of(0)) }, {}, cfg)).toThrow('input y_zero_point of QuantizeLinear: dtype int32 is not accepted (int8 or uint8)');
    expect(() => runOnnx('QuantizeLinear', { x, y_scale: tensor('float32', [3], Float32Array.of(1, 1, 1)) }, { axis: 0 }, cfg)).toThrow(OpError);
    expect(() => runOnnx('DequantizeLinear', { x: tensor('int8', [4], Int8Array.of(1, 2, 3, 4)), x_scale: tensor('float32', [], Float32Array.of(1)), x_zero_point: tensor('uint8', [], Uint8Array.of(1)) }, {}, cfg)).toThrow('DequantizeLinear: x_zero_point must have the dtype of x (int8), got uint8');
  });
});

describe('QuantizeLinear and DequantizeLinear from plain data', () => {
  it('a float16 QuantizeLinear and a per-axis DequantizeLinear run end to end', () => {
    const cfg = loadConfig('tiny-sep');
    const t = (json: unknown, name: string) => tensorFromJson(json, name);
    const q = runOnnx(
      'QuantizeLinear',
      { x: t({ dtype: 'float16', dims: [2, 3], data: [0.5, 1.5, -2.5, 100, -100, 0.25] }, 'x'), y_scale: t({ dtype: 'float16', dims: [], data: [0.5] }, 'y_scale'), y_zero_point: t({ dtype: 'int8', dims: [], data: [1] }, 'y_zero_point') },
      {},
      cfg,
    );
    const d = runOnnx(
      'DequantizeLinear',
      { x: t({ dtype: 'int8', dims: [2, 2], data: [-128, 127, 5, -5] }, 'x'), x_scale: t({ dtype: 'float32', dims: [2], data: [0.5, 0.25] }, 'x_scale'), x_zero_point: t({ dtype: 'int8', dims: [2], data: [0, 1] }, 'x_zero_point') },
      { axis: 0 },
      cfg,
    );
    expect(q.y.dtype).toBe('int8');
    expect(Array.from(q.y.data)).toEqual([2, 4, -4, 127, -128, 1]);
    expect(q.kernels[0]!.notes).toContain('host: float16 values encoded as binary16 for GM');
    expect(d.y.dtype).toBe('float32');
    expect(Array.from(d.y.data)).toEqual([-64, 63.5, 1, -1.5]);
  });
});
