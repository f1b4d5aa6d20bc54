/**
 * What an HTML report is drawn from: report-data.json, written into every --out folder beside the
 * trace and CSVs. It holds the op summary, the kernel's notes and tiling, the downsampled timeline
 * (traces/timeline.ts), the chip's roofs and, for a network run, its layers. `aicore-sim report DIR`
 * renders report.html again from it; the format marker tells an aicore-sim folder from any other.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import type { OpSummary } from '../../../traces/summary.js';
import type { Timeline } from '../../../traces/timeline.js';

/** `format` of every report-data.json; `version` changes when the shape does. */
export const REPORT_FORMAT = 'aicore-sim-report-data';
export const REPORT_VERSION = 1;

/** The report files of an output folder. */
export const REPORT_FILES = { data: 'report-data.json', html: 'report.html' } as const;

/** The ceilings a roofline draws, from the preset. */
export interface ChipRoofs {
  readonly preset: string;
  readonly clockMHz: number;
  /** cubes of the chip (coupled cores, or AICs) */
  readonly cubes: number;
  /** int8 MACs per cycle of one cube */
  readonly macsPerCycleInt8: number;
  /** 2 * MACs/cycle * cubes * clock */
  readonly peakOpsPerSecond: number;
  /** chip-wide L2 bandwidth; null when the L2 is disabled */
  readonly l2BytesPerSecond: number | null;
  /** chip-wide HBM / DDR bandwidth */
  readonly hbmBytesPerSecond: number;
}

/** One traced launch: its figures, what the kernel says about itself and its timeline. */
export interface KernelReport {
  readonly label: string;
  readonly summary: OpSummary;
  readonly notes: readonly string[];
  readonly tiling: Readonly<Record<string, unknown>> | null;
  readonly timeline: Timeline;
}

/** One layer of a network run, as the report draws it. */
export interface LayerReport {
  readonly name: string;
  readonly op: string;
  readonly shape: string;
  readonly host: string | null;
  readonly fusion: string | null;
  readonly cycles: number;
  readonly timeUs: number;
  readonly launches: number;
  readonly bound: string;
  readonly chipCubeUtilization: number;
  /** useful MACs of its launches (0 without a cube) */
  readonly macs: number;
  readonly bytes: { readonly l2Hit: number; readonly l2Miss: number; readonly hbmRead: number; readonly hbmWrite: number };
}

export interface NetworkReport {
  readonly network: string;
  readonly batch: number;
  readonly seq: number | null;
  readonly cycles: number;
  readonly launches: number;
  readonly latencyUs: number;
  readonly launchOverheadUs: number;
  readonly imagesPerSecond: number;
  readonly layers: readonly LayerReport[];
}

export interface ReportData {
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly title: string;
  readonly chip: ChipRoofs;
  /** traced launches: one for run / asm, the --trace-layers launches of a network */
  readonly kernels: readonly KernelReport[];
  readonly network: NetworkReport | null;
}

/** The roofs of a validated config. */
export function chipRoofs(c: HwConfig): ChipRoofs {
  const hz = c.clockMHz * 1e6;
  return {
    preset: c.name,
    clockMHz: c.clockMHz,
    cubes: c.cores,
    macsPerCycleInt8: c.derived.macsPerCycleInt8,
    peakOpsPerSecond: 2 * c.derived.macsPerCycleInt8 * c.cores * hz,
    l2BytesPerSecond: c.l2.mode === 'disabled' ? null : c.l2.chipBytesPerCycle * hz,
    hbmBytesPerSecond: c.gm.chipBytesPerCycle * hz,
  };
}

/** report-data.json's text: compact (the timeline is most of it), deterministic key order. */
export const reportDataText = (d: ReportData): string => `${JSON.stringify(d)}\n`;

/** Whether parsed JSON is report data this version reads. */
export function isReportData(v: unknown): v is ReportData {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.format === REPORT_FORMAT && o.version === REPORT_VERSION && Array.isArray(o.kernels) && typeof o.chip === 'object' && o.chip !== null;
}

/** The report data of a single traced launch (run matmul, asm, demo). */
export const kernelReportData = (cfg: HwConfig, k: KernelReport): ReportData => ({
  format: REPORT_FORMAT,
  version: REPORT_VERSION,
  title: `${k.label} on ${cfg.name}`,
  chip: chipRoofs(cfg),
  kernels: [k],
  network: null,
});

/** The report data of a network run, with the launches it traced. */
export const networkReportData = (cfg: HwConfig, n: NetworkReport, kernels: readonly KernelReport[]): ReportData => ({
  format: REPORT_FORMAT,
  version: REPORT_VERSION,
  title: `${n.network} on ${cfg.name}, batch ${n.batch}`,
  chip: chipRoofs(cfg),
  kernels,
  network: n,
});
