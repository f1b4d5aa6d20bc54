/**
 * Simulated vs measured: every measured point of the curves in curves.ts is reproduced by simulating
 * one instruction on the preset (harness.ts), never by evaluating a cost formula, so the comparison
 * covers the engine's rules (bandwidth caps, floors, latencies) as well as the preset's numbers.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../../hw/config/load.js';
import type { HwConfig } from '../../hw/config/types.js';
import { rejectOutliers } from '../calibration/fit.js';
import { loadDma, loadLoadRepeat, loadMmad, loadVector, vectorCycles } from '../calibration/measured.js';
import { runOne } from './harness.js';
import { MMAD_CURVE, PATH_CURVES, VECTOR_CURVES, VECTOR_PART, type PathCurve, type VectorCurve, type VectorFamily } from './curves.js';

export interface PointCompare {
  /** bytes (transfers), n (mmad) or repeats (vector) */
  readonly x: number;
  readonly measured: number;
  readonly simulated: number;
  /** (simulated - measured) / measured */
  readonly relErr: number;
}

export interface PathCompare {
  readonly curve: PathCurve;
  readonly points: readonly PointCompare[];
}

export interface MmadPoint extends PointCompare {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

export interface MmadCompare {
  readonly part: string;
  /** the dimensions that vary across the part's rows, e.g. "n" */
  readonly varies: string;
  readonly points: readonly MmadPoint[];
  /** root-mean-square and largest |simulated - measured|, cycles */
  readonly rmsCycles: number;
  readonly maxAbsCycles: number;
}

export interface FamilyCompare {
  readonly family: VectorFamily;
  readonly points: readonly PointCompare[];
  /** points the calibration drops as gross outliers of the table (scripts/calibration/fit.ts rejectOutliers) */
  readonly outliers: readonly PointCompare[];
}

export interface ClassCompare {
  readonly curve: VectorCurve;
  readonly families: readonly FamilyCompare[];
}

export interface Comparison {
  readonly paths: readonly PathCompare[];
  readonly mmad: MmadCompare;
  /** the other parts' mmad curves against the same simulation, for information */
  readonly mmadOthers: readonly MmadCompare[];
  readonly vector: readonly ClassCompare[];
}

/** UB of the measuring config: room for every measured GM <-> UB size (up to 200 KiB). */
export const MEASURING_UB_BYTES = 256 * 1024;

/**
 * The configuration measured points are simulated on: the preset itself, except that ascend910b's
 * AIV UB is raised to MEASURING_UB_BYTES so the largest GM -> UB points fit in one instruction (the
 * preset has 184 KiB: 192 KiB less 8 KiB reserved). Buffer sizes never change timing.
 */
export function measuringConfig(preset: string): HwConfig {
  if (preset !== 'ascend910b') return loadConfig(preset);
  return loadConfig(preset, { coreKinds: { aiv: { buffers: { UB: { bytes: MEASURING_UB_BYTES, align: 32 } } } } });
}

/** Fails with a message that says where the tables are expected (never a silent skip). */
export function checkMeasuredDir(dir: string): void {
  if (!existsSync(dir))
    throw new Error(`measured vendor tables not found at ${dir}: the timing comparison needs the measured tables (docs/measured in the repository)`);
}

const relErr = (sim: number, meas: number) => (sim - meas) / meas;

/** Memoised one-instruction runs: tables repeat sizes, and load-repeat shares load2d with dma.csv. */
class Bench {
  private readonly configs = new Map<string, HwConfig>();
  private readonly cache = new Map<string, number>();

  cycles(preset: string, kind: 'aic' | 'aiv' | 'coupled', insn: string): number {
    const key = `${preset}|${kind}|${insn}`;
    let c = this.cache.get(key);
    if (c === undefined) {
      let cfg = this.configs.get(preset);
      if (!cfg) this.configs.set(preset, (cfg = measuringConfig(preset)));
      c = runOne(cfg, kind, insn).cycles;
      this.cache.set(key, c);
    }
    return c;
  }
}

/** The core kind that owns a path's instruction: UB work runs on the AIV of a separated chip. */
export const kindOf = (c: PathCurve): 'aic' | 'aiv' | 'coupled' => (c.preset === 'ascend910' ? 'coupled' : c.path === 'GM_UB' || c.path === 'UB_GM' ? 'aiv' : 'aic');

function comparePath(dir: string, c: PathCurve, bench: Bench): PathCompare {
  const rows = c.table === 'dma' ? loadDma(dir) : loadLoadRepeat(dir);
  const mine = rows.filter((r) => r.path === c.curve && r.part === c.part);
  if (mine.length === 0) throw new Error(`${c.table}.csv has no rows for ${c.curve} [${c.part}]`);
  const points = mine.map((r) => {
    const simulated = bench.cycles(c.preset, kindOf(c), c.insn(r.bytes));
    return { x: r.bytes, measured: r.cycles, simulated, relErr: relErr(simulated, r.cycles) };
  });
  // stable order: by size, repeated measurements in table order
  return { curve: c, points: points.map((p, i) => ({ p, i })).sort((a, b) => a.p.x - b.p.x || a.i - b.i).map((e) => e.p) };
}

function compareMmad(dir: string, part: string, bench: Bench): MmadCompare {
  const rows = loadMmad(dir).filter((r) => r.part === part);
  if (rows.length === 0) throw new Error(`mmad.csv has no rows for [${part}]`);
  const varies = (['m', 'k', 'n'] as const).filter((d) => new Set(rows.map((r) => r[d])).size > 1).join(',') || '-';
  const points = rows.map((r) => {
    const simulated = bench.cycles('ascend910b', 'aic', `mmad L0C[0], L0A[0], L0B[0], BT[0], ${r.m}, ${r.k}, ${r.n}, f16, f16, zero`);
    return { x: r.m * r.k * r.n, m: r.m, k: r.k, n: r.n, measured: r.cycles, simulated, relErr: relErr(simulated, r.cycles) };
  });
  const res = points.map((p) => p.simulated - p.measured);
  return {
    part,
    varies,
    points,
    rmsCycles: Math.sqrt(res.reduce((s, v) => s + v * v, 0) / res.length),
    maxAbsCycles: Math.max(...res.map(Math.abs)),
  };
}

function compareVector(dir: string, bench: Bench): ClassCompare[] {
  const rows = loadVector(dir).filter((r) => r.part === VECTOR_PART);
  return VECTOR_CURVES.map((curve) => ({
    curve,
    families: curve.families.map((family) => {
      const mine = rows.filter((r) => r.family === family.family);
      if (mine.length === 0) throw new Error(`vector.csv has no rows for ${family.family} [${VECTOR_PART}]`);
      const all = mine.map((r) => ({ x: r.repeats, y: vectorCycles(r).cycles }));
      const { rejected } = rejectOutliers(all);
      const pts = all.map((p) => {
        const simulated = bench.cycles('ascend910b', 'aiv', family.insn(p.x));
        return { x: p.x, measured: p.y, simulated, relErr: relErr(simulated, p.y) };
      });
      const isOutlier = (p: PointCompare) => rejected.some((q) => q.x === p.x && q.y === p.measured);
      return { family, points: pts.filter((p) => !isOutlier(p)), outliers: pts.filter(isOutlier) };
    }),
  }));
}

/** Runs every comparison against the tables in `dir`. */
export function compareAll(dir: string): Comparison {
  checkMeasuredDir(dir);
  const bench = new Bench();
  const parts = [...new Set(loadMmad(dir).map((r) => r.part))].sort();
  return {
    paths: PATH_CURVES.map((c) => comparePath(dir, c, bench)),
    mmad: compareMmad(dir, MMAD_CURVE.part, bench),
    mmadOthers: parts.filter((p) => p !== MMAD_CURVE.part).map((p) => compareMmad(dir, p, bench)),
    vector: compareVector(dir, bench),
  };
}
