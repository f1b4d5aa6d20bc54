/**
 * The chip-level curves of the README: square GEMMs on every AIC of ascend910b, INT8 and FP16, with
 * their chip-wide cube utilisation and HBM reads against the compulsory bytes; and one GEMM with the
 * L2 resized down to nothing, to show where the working set stops fitting. Every figure is a
 * timing-only run of `run matmul --cores all` (what a user types to get the same row).
 */
import { runMatmul } from './run-matmul.js';

export const CURVE_SIZES = [1024, 2048, 4096, 8192] as const;
export const CURVE_DTYPES = ['int8', 'f16'] as const;
/** L2 sizes (MiB; 0 = disabled) of the resize table, at L2_SWEEP_SIZE */
export const L2_SWEEP_MIB = [192, 16, 8, 4, 2, 0] as const;
export const L2_SWEEP_SIZE = 2048;
const PRESET = 'ascend910b';
const MiB = 1024 * 1024;

export interface CurvePoint {
  readonly size: number;
  readonly dtype: 'int8' | 'f16';
  /** L2 size in bytes, 0 when disabled */
  readonly l2Bytes: number;
  readonly cycles: number;
  readonly cores: number;
  readonly chipCubeUtilization: number;
  readonly hbmRead: number;
  /** A and B once: what any schedule must read from HBM */
  readonly compulsory: number;
}

/** One square GEMM on every AIC, optionally with the L2 resized (MiB; 0 disables it). */
export function curvePoint(size: number, dtype: 'int8' | 'f16', l2MiB?: number): CurvePoint {
  const l2 = l2MiB === undefined ? undefined : l2MiB === 0 ? { l2: { mode: 'disabled' } } : { l2: { bytes: l2MiB * MiB } };
  const j = runMatmul({ m: size, k: size, n: size, dtype, preset: PRESET, mode: 'timing', ...(l2 ? { configOverrides: l2 } : {}) });
  const elem = dtype === 'f16' ? 2 : 1;
  return {
    size,
    dtype,
    l2Bytes: j.config.l2.mode === 'disabled' ? 0 : j.config.l2.bytes,
    cycles: j.summary.cycles,
    cores: j.summary.cores,
    chipCubeUtilization: j.summary.chipCubeUtilization!,
    hbmRead: j.summary.memory.hbmRead,
    compulsory: 2 * size * size * elem,
  };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const times = (p: CurvePoint) => `${(p.hbmRead / p.compulsory).toFixed(2)}x`;

/** A row of the size table: size, then per dtype its utilisation, cycles and HBM reads over compulsory. */
export function curveRow(size: number, points: readonly CurvePoint[]): string {
  const cells = CURVE_DTYPES.flatMap((d) => {
    const p = points.find((x) => x.size === size && x.dtype === d)!;
    return [pct(p.chipCubeUtilization), String(p.cycles), times(p)];
  });
  return `| ${size}^3 | ${cells.join(' | ')} |`;
}

export const CURVE_HEAD = ['| M = K = N | INT8 chip cube util | INT8 cycles | INT8 HBM read / compulsory | FP16 chip cube util | FP16 cycles | FP16 HBM read / compulsory |', '|---|---:|---:|---:|---:|---:|---:|'];

/** A row of the L2 resize table. */
export function sweepRow(p: CurvePoint): string {
  return `| ${p.l2Bytes === 0 ? 'disabled' : `${p.l2Bytes / MiB} MiB`} | ${pct(p.chipCubeUtilization)} | ${p.cycles} | ${times(p)} |`;
}

export const SWEEP_HEAD = ['| L2 | INT8 chip cube util | cycles | HBM read / compulsory |', '|---|---:|---:|---:|'];

/** Both tables as markdown, sizes up to `maxSize` (the 8192^3 runs need a large heap: npm run curve). */
export function curveTables(maxSize = 8192, log: (s: string) => void = () => {}): string {
  const points: CurvePoint[] = [];
  for (const size of CURVE_SIZES.filter((s) => s <= maxSize))
    for (const d of CURVE_DTYPES) {
      points.push(curvePoint(size, d));
      log(`${d} ${size}^3 done`);
    }
  const sizes = CURVE_SIZES.filter((s) => s <= maxSize);
  const sweep = L2_SWEEP_MIB.map((mib) => curvePoint(L2_SWEEP_SIZE, 'int8', mib));
  return [
    ...CURVE_HEAD,
    ...sizes.map((s) => curveRow(s, points)),
    '',
    ...SWEEP_HEAD,
    ...sweep.map(sweepRow),
    '',
  ].join('\n');
}
