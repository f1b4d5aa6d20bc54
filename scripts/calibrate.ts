/**
 * Calibration report: fits the simulator's timing models to the measured vendor tables
 * (`<repo>/docs/measured`, see docs/measured/README.md and scripts/calibration/measured.ts) and prints the fitted
 * parameters with their relative errors.
 *
 *   npm run build && node dist/scripts/calibrate.js [measured-dir] [--lsq] [--all-vector]
 *
 * Fits minimise the MAXIMUM relative error (--lsq: the sum of squared relative errors) over the
 * points with bytes >= 1 KiB for transfers, and over all points for mmad and vector ops.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  errorNear,
  fitAffine,
  fitCoefficient,
  fitFixedPerUnit,
  fitChunked,
  fitFixedThroughput,
  fitFloor,
  fitSplitThroughput,
  rejectOutliers,
  type ChunkFit,
  type FloorFit,
  type Objective,
  type PerUnitFit,
  type Point,
  type PointError,
  type SplitFit,
  type ThroughputFit,
} from './calibration/fit.js';
import {
  defaultMeasuredDir,
  loadDma,
  loadLoadRepeat,
  loadMmad,
  loadVector,
  vectorCycles,
  type VectorCyclesSource,
} from './calibration/measured.js';

/** The relative error a single affine model must stay within before an extension is proposed. */
export const TOLERANCE = 0.1;
/** Sizes the report quotes errors at (nearest measured size is used). */
export const REPORT_SIZES = [1024, 16384, 65536, 524288] as const;
export const MIN_WORK = 1024;

export interface DmaCalibration {
  table: 'dma' | 'load-repeat';
  path: string;
  part: string;
  /** The fitted lower size bound: MIN_WORK, or the smallest size if fewer than 2 points reach it. */
  minWork: number;
  fit: ThroughputFit;
  /** Error at each REPORT_SIZES entry (nearest size present). */
  at: { size: number; nearest: number; relErr: number }[];
  /** Present when the plain fit misses TOLERANCE somewhere at or above minWork. */
  extension?: Extensions;
}

export interface Extensions {
  chunked?: ChunkFit;
  floor?: FloorFit;
  split?: SplitFit;
  /**
   * The smallest extension within TOLERANCE (fewest numbers: chunked 3 = fixed, throughput and the
   * chunk size; floor 3; split 5 = threshold and two pairs; ties go to the smaller error), or, when
   * none is within it, the one with the smallest error.
   */
  proposed?: 'chunked' | 'floor' | 'split';
  proposedWithinTolerance: boolean;
}

const EXTENSION_SIZE = { chunked: 3, floor: 3, split: 5 } as const;

function propose(ext: Omit<Extensions, 'proposed' | 'proposedWithinTolerance'>): Extensions {
  const cands = (['chunked', 'floor', 'split'] as const)
    .map((k) => ({ k, f: ext[k] }))
    .filter((c): c is { k: 'chunked' | 'floor' | 'split'; f: ChunkFit | FloorFit | SplitFit } => c.f !== undefined);
  const within = cands
    .filter((c) => c.f.maxAbsRelErr <= TOLERANCE)
    .sort((a, b) => EXTENSION_SIZE[a.k] - EXTENSION_SIZE[b.k] || a.f.maxAbsRelErr - b.f.maxAbsRelErr);
  if (within[0]) return { ...ext, proposed: within[0].k, proposedWithinTolerance: true };
  const best = [...cands].sort((a, b) => a.f.maxAbsRelErr - b.f.maxAbsRelErr)[0];
  return { ...ext, ...(best ? { proposed: best.k } : {}), proposedWithinTolerance: false };
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Fit one transfer curve (x = bytes, y = cycles). */
export function calibrateTransfer(
  table: 'dma' | 'load-repeat',
  path: string,
  part: string,
  points: readonly Point[],
  objective: Objective = 'minimax',
): DmaCalibration {
  const large = points.filter((p) => p.x >= MIN_WORK);
  const minWork = large.length >= 2 ? MIN_WORK : Math.min(...points.map((p) => p.x));
  const fit = fitFixedThroughput(points, { objective, minWork });
  const at = REPORT_SIZES.map((size) => {
    const e = errorNear(
      fit.errors.filter((x) => x.inFit),
      size,
    );
    return { size, nearest: e?.x ?? NaN, relErr: e?.relErr ?? NaN };
  });
  const out: DmaCalibration = { table, path, part, minWork, fit, at };
  if (fit.maxAbsRelErr > TOLERANCE) {
    const n = points.filter((p) => p.x >= minWork).length;
    out.extension = propose({
      chunked: fitChunked(points, { objective, minWork }),
      ...(n >= 3 ? { floor: fitFloor(points, { objective, minX: minWork, rateKind: 'throughput' }) } : {}),
      ...(n >= 6 ? { split: fitSplitThroughput(points, { objective, minWork }) } : {}),
    });
  }
  return out;
}

export function calibrateDma(dir: string, objective: Objective = 'minimax'): DmaCalibration[] {
  const out: DmaCalibration[] = [];
  for (const rows of groupBy(loadDma(dir), (r) => `${r.path}\u0000${r.part}`).values()) {
    const r0 = rows[0];
    if (r0 === undefined) continue;
    const pts = rows.map((r) => ({ x: r.bytes, y: r.cycles }));
    out.push(calibrateTransfer('dma', r0.path, r0.part, pts, objective));
  }
  for (const rows of groupBy(loadLoadRepeat(dir), (r) => `${r.path}\u0000${r.part}`).values()) {
    const r0 = rows[0];
    if (r0 === undefined) continue;
    const pts = rows.map((r) => ({ x: r.bytes, y: r.cycles }));
    out.push(calibrateTransfer('load-repeat', r0.path, r0.part, pts, objective));
  }
  return out.sort((a, b) => a.table.localeCompare(b.table) || a.path.localeCompare(b.path) || a.part.localeCompare(b.part));
}

export interface MmadCalibration {
  part: string;
  n: number;
  /** Which dimensions vary in the table, e.g. "n" (m, k fixed). */
  varies: string;
  /** cycles = fixed + fractals, fixed a whole cycle (the better neighbour of fixedRaw). */
  fixed: number;
  fixedRaw: number;
  /** Max |relErr| and max |residual| (cycles) of the rounded per-call model. */
  maxAbsRelErr: number;
  maxAbsResidual: number;
  rmsResidual: number;
  /**
   * Alternative single-term explanations of the residual: cycles = fractals + c * feature (the last
   * one with max(fractals, 2), a two-cycle minimum per call).
   */
  alternatives: { name: string; c: number; maxAbsRelErr: number; maxAbsResidual: number }[];
  /** Free affine fit cycles = fixed + fractals * cyclesPerFractal, to check the 1-per-cycle peak. */
  free: { fixed: number; cyclesPerFractal: number };
}

const ceil16 = (v: number): number => Math.ceil(v / 16);

export function calibrateMmad(dir: string, objective: Objective = 'minimax'): MmadCalibration[] {
  const out: MmadCalibration[] = [];
  for (const [part, rows] of groupBy(loadMmad(dir), (r) => r.part)) {
    const fr = rows.map((r) => ({
      frac: ceil16(r.m) * ceil16(r.k) * ceil16(r.n),
      kSteps: ceil16(r.k),
      outTiles: ceil16(r.m) * ceil16(r.n),
      y: r.cycles,
    }));
    const varies = (['m', 'k', 'n'] as const).filter((d) => new Set(rows.map((r) => r[d])).size > 1).join(',') || '-';
    const perCall = fitCoefficient(
      fr.map((r) => ({ feature: 1, known: r.frac, measured: r.y })),
      objective,
    );
    // the better of the two neighbouring whole cycles under the same objective
    const intScore = (f: number): number => {
      const e = fr.map((r) => (f + r.frac - r.y) / r.y);
      return objective === 'minimax' ? Math.max(...e.map(Math.abs)) : e.reduce((acc, v) => acc + v * v, 0);
    };
    const lo = Math.max(0, Math.floor(perCall.c));
    const fixed = intScore(lo) <= intScore(lo + 1) ? lo : lo + 1;
    const res = fr.map((r) => fixed + r.frac - r.y);
    const alt = (name: string, feature: (r: (typeof fr)[number]) => number, minFrac = 0) => {
      const f = fitCoefficient(
        fr.map((r) => ({ feature: feature(r), known: Math.max(r.frac, minFrac), measured: r.y })),
        objective,
      );
      return { name, c: f.c, maxAbsRelErr: f.maxAbsRelErr, maxAbsResidual: f.maxAbsResidual };
    };
    const free = fitAffine(
      fr.map((r) => ({ x: r.frac, y: r.y })),
      { objective },
    );
    out.push({
      part,
      n: rows.length,
      varies,
      fixed,
      fixedRaw: perCall.c,
      maxAbsRelErr: Math.max(...fr.map((r, i) => Math.abs((res[i] ?? 0) / r.y))),
      maxAbsResidual: Math.max(...res.map(Math.abs)),
      rmsResidual: Math.sqrt(res.reduce((s, v) => s + v * v, 0) / res.length),
      alternatives: [
        alt('per call', () => 1),
        alt('per k-step', (r) => r.kSteps),
        alt('per output 16x16 tile', (r) => r.outTiles),
        alt('per fractal (slope 1+c)', (r) => r.frac),
        alt('per call, at least 2 fractal cycles', () => 1, 2),
      ],
      free: { fixed: free.fixed, cyclesPerFractal: free.slope },
    });
  }
  return out.sort((a, b) => a.part.localeCompare(b.part));
}

/** Vector families reported by default (op_dtypes as in vector.csv, without the core/part suffix). */
export const VECTOR_OPS = ['VADD', 'VMUL', 'VMAX', 'VMIN', 'VSUB', 'VADDS', 'VMULS', 'VRELU', 'VECTORDUP', 'VCOPY', 'VCONVDEQ', 'VCADD', 'VCMAX', 'VAXPY'] as const;
export const VECTOR_CONVS = [
  'VCONV_FP32_FP16',
  'VCONV_FP16_FP32',
  'VCONV_FP32_INT32',
  'VCONV_INT32_FP32',
  'VCONV_FP16_INT8',
  'VCONV_FP16_UINT8',
  'VCONV_INT8_FP16',
] as const;

export interface VectorCalibration {
  family: string;
  part: string;
  n: number;
  maxRepeats: number;
  /** Rows whose cycles had to be repaired, by how (see measured.ts vectorCycles). */
  repaired: Partial<Record<VectorCyclesSource, number>>;
  /** Gross outliers left out of the fit (repeats and cycles), see fit.ts rejectOutliers. */
  rejected: Point[];
  linear: PerUnitFit;
  /** cycles = max(floor, fixed + repeats * cyclesPerRepeat) */
  floor: FloorFit;
}

export function calibrateVector(
  dir: string,
  objective: Objective = 'minimax',
  select: (family: string, op: string) => boolean = (family, op) =>
    (VECTOR_OPS as readonly string[]).includes(op) || (VECTOR_CONVS as readonly string[]).includes(family),
): VectorCalibration[] {
  const out: VectorCalibration[] = [];
  for (const rows of groupBy(loadVector(dir), (r) => r.instr).values()) {
    const r0 = rows[0];
    if (r0 === undefined || !select(r0.family, r0.op)) continue;
    const repaired: Partial<Record<VectorCyclesSource, number>> = {};
    const all = rows.map((r) => {
      const c = vectorCycles(r);
      if (c.source !== 'reported') repaired[c.source] = (repaired[c.source] ?? 0) + 1;
      return { x: r.repeats, y: c.cycles };
    });
    const { kept, rejected } = rejectOutliers(all);
    out.push({
      family: r0.family,
      part: r0.part,
      n: rows.length,
      maxRepeats: Math.max(...rows.map((r) => r.repeats)),
      repaired,
      rejected,
      linear: fitFixedPerUnit(kept, { objective }),
      floor: fitFloor(kept, { objective, rateKind: 'cyclesPerUnit' }),
    });
  }
  return out.sort((a, b) => a.family.localeCompare(b.family) || a.part.localeCompare(b.part));
}

// ---------------------------------------------------------------------------------------------
// Text report

const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '-');
const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e5 ? 'inf' : v.toFixed(d)) : '-');
const kb = (bytes: number): string => (bytes >= 1024 ? `${+(bytes / 1024).toFixed(2)}K` : `${bytes}B`);

/** Left-aligned text table. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function formatDma(cals: readonly DmaCalibration[]): string {
  const head = ['table', 'path', 'part', 'fixed', 'B/cyc', 'maxErr', ...REPORT_SIZES.map((s) => `@${kb(s)}`), 'pts', 'fit from'];
  const rows = cals.map((c) => [
    c.table,
    c.path,
    c.part,
    String(c.fit.fixed),
    fmt(c.fit.throughput),
    pct(c.fit.maxAbsRelErr) + (c.fit.maxAbsRelErr > TOLERANCE ? ' !' : ''),
    ...c.at.map((a) => `${pct(a.relErr)}${a.nearest !== a.size ? `(${kb(a.nearest)})` : ''}`),
    String(c.fit.nFit),
    kb(c.minWork),
  ]);
  const ext: string[] = [];
  for (const c of cals) {
    const e = c.extension;
    if (!e) continue;
    const parts: string[] = [
      `${c.table} ${c.path} ${c.part}: plain ${c.fit.fixed} + ceil(B/${fmt(c.fit.throughput)}) max ${pct(c.fit.maxAbsRelErr)}; ` +
        `proposed: ${e.proposed ?? '-'}${e.proposedWithinTolerance ? '' : ` (none within ${pct(TOLERANCE)})`}`,
    ];
    const errs = (f: { errors: readonly PointError[] }): string =>
      [
        ...new Set(
          REPORT_SIZES.map((sz) => {
            const near = errorNear(
              f.errors.filter((x) => x.inFit),
              sz,
            );
            return near ? `@${kb(near.x)} ${pct(near.relErr)}` : '';
          }),
        ),
      ].join(' ');
    const k = e.chunked;
    if (k) {
      parts.push(
        `  chunked: ${k.fixedPerChunk}*ceil(B/${kb(k.chunk)}) + ceil(B/${fmt(k.throughput)}) -> max ${pct(k.maxAbsRelErr)}, rms ${pct(
          k.rmsRelErr,
        )}; ${errs(k)}`,
      );
    }
    const f = e.floor;
    if (f && f.floor === 0) parts.push('  floor:   no floor beats the plain fit');
    else if (f) {
      parts.push(
        `  floor:   max(${f.floor}, ${f.base.fixed} + ceil(B/${fmt(f.base.rate)})) -> max ${pct(f.maxAbsRelErr)}, rms ${pct(
          f.rmsRelErr,
        )}; ${errs(f)}`,
      );
    }
    const s = e.split;
    if (s) {
      parts.push(
        `  split:   B <= ${kb(s.threshold)}: ${s.below.fixed} + ceil(B/${fmt(s.below.throughput)}), else ${s.above.fixed} + ceil(B/${fmt(
          s.above.throughput,
        )}) -> max ${pct(s.maxAbsRelErr)}, rms ${pct(s.rmsRelErr)}; ${errs(s)}`,
      );
    }
    ext.push(parts.join('\n'));
  }
  return textTable([head, ...rows]) + (ext.length ? `\n\nExtensions (plain fit > ${pct(TOLERANCE)}):\n${ext.join('\n')}` : '');
}

export function formatMmad(cals: readonly MmadCalibration[]): string {
  const rows = cals.map((c) => [
    c.part,
    String(c.n),
    c.varies,
    String(c.fixed),
    fmt(c.fixedRaw, 2),
    pct(c.maxAbsRelErr),
    fmt(c.maxAbsResidual, 2),
    fmt(c.rmsResidual, 2),
    `${fmt(c.free.fixed, 2)} + ${fmt(c.free.cyclesPerFractal, 4)}*f`,
    c.alternatives.map((a) => `${a.name}: c=${fmt(a.c, 3)} max ${pct(a.maxAbsRelErr)} / ${fmt(a.maxAbsResidual, 2)}cyc`).join('; '),
  ]);
  return textTable([
    ['part', 'pts', 'varies', 'fixed', 'raw', 'maxErr', 'max|res|', 'rms res', 'free fit', 'alternatives (cycles = f + c*feature)'],
    ...rows,
  ]);
}

export function formatVector(cals: readonly VectorCalibration[]): string {
  const rows = cals.map((c) => [
    c.family,
    c.part,
    `${c.n}/${c.maxRepeats}`,
    String(c.linear.fixed),
    fmt(c.linear.cyclesPerUnit, 2),
    pct(c.linear.maxAbsRelErr),
    `${fmt(c.linear.raw.fixed, 2)}+${fmt(c.linear.raw.cyclesPerUnit, 3)}r`,
    c.floor.floor > 0 ? `max(${c.floor.floor}, ${c.floor.base.fixed}+${fmt(c.floor.base.rate, 2)}r)` : 'no floor better',
    pct(c.floor.maxAbsRelErr),
    [
      ...Object.entries(c.repaired).map(([k, v]) => `${v} ${k}`),
      ...(c.rejected.length ? [`dropped r=${c.rejected.map((p) => `${p.x}:${fmt(p.y, 0)}`).join(',')}`] : []),
    ].join('; '),
  ]);
  return textTable([
    ['family', 'part', 'pts/maxRep', 'fixed', 'cyc/rep', 'maxErr', 'raw', 'floor model', 'maxErr', 'data notes'],
    ...rows,
  ]);
}

export function report(dir: string, objective: Objective = 'minimax', allVector = false): string {
  const sel = allVector ? () => true : undefined;
  return [
    `Measured tables: ${dir}  (objective: ${objective === 'minimax' ? 'max |relative error|' : 'sum of squared relative errors'})`,
    '',
    `## Transfers: cycles = fixed + ceil(bytes / B_per_cycle), fitted on bytes >= ${kb(MIN_WORK)}`,
    formatDma(calibrateDma(dir, objective)),
    '',
    '## mmad fp16: cycles = fixed + ceil(m/16)*ceil(k/16)*ceil(n/16)',
    formatMmad(calibrateMmad(dir, objective)),
    '',
    '## Vector: cycles = fixed + repeats * cyclesPerRepeat (and the floor variant)',
    formatVector(calibrateVector(dir, objective, sel)),
  ].join('\n');
}

export function main(argv: readonly string[]): number {
  const flags = argv.filter((a) => a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--lsq' && f !== '--all-vector' && f !== '--help');
  if (flags.includes('--help') || unknown.length > 0) {
    process.stderr.write('usage: calibrate [measured-dir] [--lsq] [--all-vector]\n');
    return unknown.length > 0 ? 2 : 0;
  }
  const dir = argv.find((a) => !a.startsWith('--')) ?? defaultMeasuredDir();
  if (!existsSync(dir)) {
    process.stderr.write(`calibrate: no such directory ${dir}\n`);
    return 1;
  }
  process.stdout.write(report(dir, flags.includes('--lsq') ? 'lsq' : 'minimax', flags.includes('--all-vector')) + '\n');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
