import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrateDma, calibrateMmad, calibrateVector, report } from '../scripts/calibrate.js';
import {
  bestConstant,
  errorNear,
  fitAffine,
  fitChunked,
  fitCoefficient,
  fitFixedPerUnit,
  fitFixedThroughput,
  fitFloor,
  fitSplitThroughput,
  pointErrors,
  rejectOutliers,
  roundTo,
  throughputModel,
  type Point,
} from '../scripts/calibration/fit.js';
import {
  defaultMeasuredDir,
  loadDma,
  loadLoadRepeat,
  loadMmad,
  loadVector,
  parseInstrKey,
  parsePlainCsv,
  vectorCycles,
  type VectorRow,
} from '../scripts/calibration/measured.js';

const SIZES = [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288];

function synth(model: (x: number) => number, xs: readonly number[] = SIZES): Point[] {
  return xs.map((x) => ({ x, y: model(x) }));
}

describe('parsePlainCsv', () => {
  it('splits CRLF text and checks the header and field counts', () => {
    expect(parsePlainCsv('a,b\r\n1,2\r\n3,4\r\n', ['a', 'b'])).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(() => parsePlainCsv('a,b\n1,2,3\n', ['a', 'b'])).toThrow(/fields/);
    expect(() => parsePlainCsv('a,c\n1,2\n', ['a', 'b'])).toThrow(/header/);
    expect(() => parsePlainCsv('a,b\n"1,5",2\n', ['a', 'b'])).toThrow(/quote/);
  });

  it('parses instruction keys', () => {
    expect(parseInstrKey('VCONV_FP32_FP16_1_core_910b1')).toEqual({ op: 'VCONV', dtypes: ['FP32', 'FP16'], cores: 1, part: '910b1' });
    expect(parseInstrKey('MMAD_FP16_FP16_FP32_1_core_91095').part).toBe('91095');
  });
});

describe('fitFixedThroughput', () => {
  it('recovers fixed = 100, bw = 64 B/cycle from exact points (minimax and lsq)', () => {
    const pts = synth(throughputModel(100, 64));
    for (const objective of ['minimax', 'lsq'] as const) {
      const f = fitFixedThroughput(pts, { objective });
      expect(f.fixed).toBe(100);
      expect(f.throughput).toBe(64);
      expect(f.maxAbsRelErr).toBe(0);
      expect(f.errors).toHaveLength(pts.length);
    }
  });

  it('ignores points below minWork but still reports their error', () => {
    const pts = [{ x: 256, y: 1000 }, ...synth(throughputModel(173, 156.5))];
    const f = fitFixedThroughput(pts);
    expect(f.fixed).toBe(173);
    expect(f.throughput).toBeCloseTo(156.5, 6);
    expect(f.nFit).toBe(SIZES.length);
    const small = f.errors[0];
    expect(small?.inFit).toBe(false);
    expect(small?.relErr).toBeCloseTo((173 + 2 - 1000) / 1000, 9);
    expect(f.maxAbsRelErr).toBe(0);
  });

  it('minimax bounds the worst relative error of noisy points and rounds to the grid', () => {
    const noise = [0.03, -0.03, 0.02, -0.02, 0.03, -0.03, 0.01, -0.01, 0.03, -0.03];
    const pts = SIZES.map((x, i) => ({ x, y: (200 + x / 100) * (1 + (noise[i] ?? 0)) }));
    const f = fitFixedThroughput(pts);
    expect(f.maxAbsRelErr).toBeLessThan(0.035);
    expect(Number.isInteger(f.fixed)).toBe(true);
    expect(roundTo(f.throughput, 0.1)).toBe(f.throughput);
  });
});

describe('fitAffine / fitFixedPerUnit', () => {
  it('recovers fixed = 3, 2 cycles per repeat', () => {
    const pts = synth((r) => 3 + 2 * r, [1, 2, 3, 5, 8, 13, 21, 34]);
    const raw = fitAffine(pts);
    expect(raw.fixed).toBeCloseTo(3, 6);
    expect(raw.slope).toBeCloseTo(2, 6);
    const f = fitFixedPerUnit(pts, { objective: 'lsq' });
    expect([f.fixed, f.cyclesPerUnit, f.maxAbsRelErr]).toEqual([3, 2, 0]);
  });

  it('keeps the intercept non-negative', () => {
    const f = fitAffine(synth((x) => x / 100 - 5));
    expect(f.fixed).toBeGreaterThanOrEqual(0);
  });
});

describe('extensions', () => {
  it('fitFloor recovers max(85, ceil(B / 120))', () => {
    const xs = [1024, 2048, 4096, 6144, 8192, 12288, 16384, 32768, 65536, 131072];
    const f = fitFloor(synth((x) => Math.max(85, Math.ceil(x / 120)), xs), { rateKind: 'throughput', minX: 1024 });
    expect(f.floor).toBe(85);
    expect(f.base.fixed).toBe(0);
    expect(f.base.rate).toBeCloseTo(120, 6);
    expect(f.maxAbsRelErr).toBe(0);
  });

  it('fitSplitThroughput finds a bandwidth change at 16 KiB', () => {
    const m = (x: number): number => (x <= 16384 ? 150 + Math.ceil(x / 800) : 300 + Math.ceil(x / 200));
    const xs = [1024, 2048, 4096, 8192, 12288, 16384, 20480, 24576, 32768, 65536, 131072];
    const f = fitSplitThroughput(synth(m, xs));
    expect(f.threshold).toBe(16384);
    expect(f.maxAbsRelErr).toBe(0);
    expect(f.above).toEqual({ fixed: 300, throughput: 200 });
    // below 16 KiB ceil(x / 800) only takes the values 2..21, which 795 B/cycle reproduces exactly too
    expect(f.below.fixed).toBe(150);
    expect(Math.abs(f.below.throughput / 800 - 1)).toBeLessThan(0.01);
  });

  it('fitChunked recovers a per-16KB latency', () => {
    const m = (x: number): number => 300 * Math.ceil(x / 16384) + Math.ceil(x / 200);
    const xs = [1024, 2048, 4096, 8192, 16384, 20480, 24576, 32768, 49152, 65536];
    const f = fitChunked(synth(m, xs));
    expect([f.chunk, f.fixedPerChunk, f.throughput, f.maxAbsRelErr]).toEqual([16384, 300, 200, 0]);
  });

  it('rejectOutliers drops glitches but keeps a small-work floor', () => {
    const pts = [
      { x: 1, y: 3 },
      { x: 2, y: 4 },
      { x: 3, y: 2700 },
      { x: 4, y: 8 },
      { x: 5, y: 10 },
      { x: 6, y: 12 },
    ];
    const { kept, rejected } = rejectOutliers(pts);
    expect(rejected).toEqual([{ x: 3, y: 2700 }]);
    expect(kept).toHaveLength(5);
  });

  it('fitCoefficient and bestConstant', () => {
    const rows = [4, 8, 16, 64].map((f) => ({ feature: 1, known: f, measured: f + 23 }));
    expect(fitCoefficient(rows).c).toBeCloseTo(23, 6);
    expect(fitCoefficient(rows, 'lsq').c).toBeCloseTo(23, 9);
    expect(bestConstant([80, 120], 'minimax')).toBeCloseTo(96, 9); // 20% either side
  });

  it('errorNear picks the nearest size in log scale', () => {
    const errs = pointErrors(synth((x) => x, [1024, 16384, 65536]), (x) => x * 1.1);
    expect(errorNear(errs, 524288)?.x).toBe(65536);
    expect(errorNear(errs, 20000)?.x).toBe(16384);
  });
});

describe('vectorCycles', () => {
  const row = (cycles: number, bytesPerCycle: number): VectorRow => ({
    instr: 'VMULS_FP16_FP16_FP16_1_core_910b1',
    op: 'VMULS',
    dtypes: ['FP16', 'FP16', 'FP16'],
    family: 'VMULS_FP16_FP16_FP16',
    part: '910b1',
    elements: 128,
    bytesPerCycle,
    repeats: 1,
    cycles,
  });
  it('keeps consistent rows and repairs zero and 1000x cycles', () => {
    expect(vectorCycles(row(3.03, 84.5))).toEqual({ cycles: 3.03, source: 'reported' });
    expect(vectorCycles(row(3030, 84.5)).source).toBe('reported/1000');
    expect(vectorCycles(row(3030, 84.5)).cycles).toBeCloseTo(3.03, 9);
    expect(vectorCycles(row(0, 64)).cycles).toBeCloseTo(4, 9);
  });
});

describe('measured tables (docs/measured, part of the repository)', () => {
  it('loads the CSVs and fits them', () => {
    const dir = defaultMeasuredDir();
    expect(existsSync(dir), `measured vendor tables not found at ${dir}`).toBe(true);
    const dma = loadDma(dir);
    const lr = loadLoadRepeat(dir);
    const mmad = loadMmad(dir);
    const vec = loadVector(dir);
    expect(dma.length).toBeGreaterThan(800);
    expect(lr.length).toBe(80);
    expect(mmad.length).toBe(253);
    expect(vec.length).toBeGreaterThan(2400);
    expect(dma.find((r) => r.path === 'GM_TO_L1' && r.part === '910b1' && r.bytes === 1024)?.cycles).toBe(172.8);

    const cals = calibrateDma(dir);
    const l0a = cals.find((c) => c.table === 'dma' && c.path === 'L1_TO_L0A' && c.part === '910b1');
    expect(l0a?.fit.throughput).toBeGreaterThan(250);
    expect(l0a?.fit.throughput).toBeLessThan(270);
    expect(l0a?.fit.maxAbsRelErr).toBeLessThan(0.05);
    for (const c of cals) {
      expect(c.fit.throughput).toBeGreaterThan(0);
      if (c.fit.maxAbsRelErr > 0.1) expect(c.extension).toBeDefined();
    }

    const mm = calibrateMmad(dir);
    expect(mm.find((m) => m.part === '910b3')?.fixedRaw).toBeCloseTo(23.5, 0);
    expect(mm.find((m) => m.part === '91095')?.maxAbsResidual).toBeLessThan(0.5);

    const v = calibrateVector(dir);
    const vadd = v.find((c) => c.family === 'VADD_FP32_FP32_FP32');
    expect(vadd?.floor.base.rate).toBeCloseTo(2, 1);
    expect(v.find((c) => c.family === 'VMUL_INT16_INT16_INT16')?.rejected.length).toBeGreaterThan(0);

    if (process.env['CALIBRATE_PRINT']) console.log(report(dir));
  });
});
