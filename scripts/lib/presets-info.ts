/**
 * The key numbers of each preset, for `aicore-sim presets`: organisation, cores, clock, buffer sizes
 * per core kind, int8 MAC rate, HBM bandwidth and L2 size, derived from the validated configs.
 */
import { loadConfig, presetNames } from '../../hw/config/load.js';
import { ON_CHIP_BUFFERS, type CoreKind, type HwConfig } from '../../hw/config/types.js';
import { textTable } from './text-table.js';

/** One preset's headline figures. */
export interface PresetInfo {
  readonly name: string;
  readonly arch: number;
  readonly organisation: HwConfig['organisation'];
  /** e.g. '24 AIC + 48 AIV' or '32 AI cores' */
  readonly cores: string;
  readonly clockMHz: number;
  /** int8 MACs per cycle of one cube */
  readonly macsPerCycleInt8: number;
  /** all cubes at the preset clock, 1e12 int8 ops per second */
  readonly peakInt8Tops: number;
  /** chip-wide HBM / DDR bandwidth in GB/s (1e9 bytes) */
  readonly gmGBps: number;
  /** the shared L2: its size in bytes (0 when disabled) */
  readonly l2Bytes: number;
  /** buffer capacities in bytes per core kind */
  readonly buffers: Readonly<Partial<Record<CoreKind, Readonly<Record<string, number>>>>>;
  readonly description: string;
}

const coresText = (c: HwConfig) => (c.organisation === 'coupled' ? `${c.cores} AI cores` : `${c.cores} AIC + ${c.cores * c.aivPerAic} AIV`);

/** Headline figures of a validated config. */
export function presetInfo(c: HwConfig): PresetInfo {
  const buffers: Partial<Record<CoreKind, Record<string, number>>> = {};
  for (const [kind, params] of Object.entries(c.coreKinds) as [CoreKind, NonNullable<HwConfig['coreKinds'][CoreKind]>][])
    buffers[kind] = Object.fromEntries(ON_CHIP_BUFFERS.filter((b) => params.buffers[b]).map((b) => [b, params.buffers[b]!.bytes]));
  const macs = c.derived.macsPerCycleInt8;
  return {
    name: c.name,
    arch: c.arch,
    organisation: c.organisation,
    cores: coresText(c),
    clockMHz: c.clockMHz,
    macsPerCycleInt8: macs,
    peakInt8Tops: (2 * macs * c.cores * c.clockMHz) / 1e6,
    gmGBps: (c.gm.chipBytesPerCycle * c.clockMHz) / 1e3,
    l2Bytes: c.l2.mode === 'disabled' ? 0 : c.l2.bytes,
    buffers,
    description: c.description,
  };
}

/** Headline figures of every built-in preset. */
export const allPresetInfo = (): PresetInfo[] => presetNames().map((n) => presetInfo(loadConfig(n)));

const kib = (b: number) => (b % 1024 === 0 ? `${b / 1024}K` : `${b}B`);
const buffersText = (i: PresetInfo) =>
  Object.entries(i.buffers)
    .map(([kind, bufs]) => `${kind}: ${Object.entries(bufs).map(([b, n]) => `${b} ${kib(n)}`).join(' ')}`)
    .join('; ');

/** The presets as a text table, one row each. */
export function presetTable(infos: readonly PresetInfo[]): string {
  const head = ['preset', 'arch', 'organisation', 'cores', 'clock MHz', 'int8 MACs/cycle', 'peak int8 TOPS', 'HBM GB/s', 'L2', 'buffers per core'];
  const rows = infos.map((i) => [
    i.name,
    String(i.arch),
    i.organisation,
    i.cores,
    String(i.clockMHz),
    String(i.macsPerCycleInt8),
    i.peakInt8Tops.toFixed(1),
    i.gmGBps.toFixed(0),
    i.l2Bytes === 0 ? 'off' : i.l2Bytes >= 1 << 20 ? `${i.l2Bytes / (1 << 20)}M` : kib(i.l2Bytes),
    buffersText(i),
  ]);
  return textTable([head, ...rows], 'lrllrrrrrl').join('\n');
}
