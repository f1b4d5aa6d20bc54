/**
 * Section 5 of docs/timing-model.md: L2 hit and miss microbenchmarks, simulated on every preset. One
 * core reads 64 KiB from GM into L1 on a flushed L2 (every line misses) and again on the L2 the first run
 * left (every line hits); then every core of the chip reads its own 1 MB at once on a flushed L2 (the
 * chip's HBM shared by all). Each figure comes from a timing-only simulation; the derivation next to it
 * is the rule of section 1.5 with the preset's numbers.
 */
import { assemble } from '../../isa/asm.js';
import { loadConfig } from '../../hw/config/load.js';
import { simulate } from '../../hw/simulate.js';
import { levelTotals } from '../../hw/stats.js';
import type { HwConfig } from '../../hw/config/types.js';
import { mdTable, num } from './markdown.js';

export const MICRO_PRESETS = ['ascend910b', 'ascend910', 'ascend310p'] as const;
const ONE_CORE_BYTES = 64 * 1024;
const PER_CORE_BYTES = 1024 * 1024;
/** bursts of 32 KiB (the DataCopy burst length limit is 2 MB; 32 KiB keeps L1 room on every preset) */
const BURST = 32 * 1024;

export interface ReadRun {
  readonly cycles: number;
  readonly bytes: number;
  readonly hbmRead: number;
  readonly l2Hit: number;
}

/** Streaming cycles of the reads only (the load's latency and the launch's scalar issue taken out). */
function readProgram(bytesPerCore: number): string {
  const lines = ['bidx x1', `li x2, ${bytesPerCore}`, 'mul x3, x1, x2'];
  for (let off = 0; off < bytesPerCore; off += BURST) lines.push(`copy_gm_l1 L1[${off % (256 * 1024)}], GM[x3+${off}], 1, ${BURST}, 0, 0`);
  return [...lines, 'end', ''].join('\n');
}

/** `cores` cores each read `bytesPerCore` of their own GM; returns cycles and bytes by level. */
export function runReads(cfg: HwConfig, cores: number, bytesPerCore: number, warmFrom?: ReturnType<typeof simulate>['l2']): ReadRun & { l2: ReturnType<typeof simulate>['l2'] } {
  const kind = cfg.organisation === 'coupled' ? 'coupled' : 'aic';
  const r = simulate({ config: cfg, programs: { [kind]: assemble(readProgram(bytesPerCore), 'L2 microbenchmark') }, blockDim: cores, gm: cores * bytesPerCore, mode: 'timing', ...(warmFrom ? { l2: warmFrom } : {}) });
  const lv = levelTotals(r.cores);
  return { cycles: r.cycles, bytes: cores * bytesPerCore, hbmRead: lv.hbmRead, l2Hit: lv.l2Hit, l2: r.l2 };
}

export interface MicroRow {
  readonly preset: string;
  readonly cold: ReadRun;
  readonly warm: ReadRun;
  readonly chip: ReadRun;
  readonly cores: number;
}

export function l2Micro(preset: string): MicroRow {
  const cfg = loadConfig(preset);
  const cold = runReads(cfg, 1, ONE_CORE_BYTES);
  const warm = runReads(cfg, 1, ONE_CORE_BYTES, cold.l2);
  const chip = runReads(cfg, cfg.cores, PER_CORE_BYTES);
  return { preset, cold, warm, chip, cores: cfg.cores };
}

export function l2MicroSection(): string {
  const rows = MICRO_PRESETS.map(l2Micro);
  const table = mdTable(
    ['preset', '64 KiB, flushed L2: cycles (bytes / cycles)', 'HBM bytes read', '64 KiB, warm L2: cycles (bytes / cycles)', 'L2 hit bytes', 'all cores x 1 MB, flushed: cycles (chip bytes / cycles)'],
    rows.map((r) => [
      r.preset,
      `${r.cold.cycles} (${num(r.cold.bytes / r.cold.cycles, 1)})`,
      String(r.cold.hbmRead),
      `${r.warm.cycles} (${num(r.warm.bytes / r.warm.cycles, 1)})`,
      String(r.warm.l2Hit),
      `${r.chip.cycles} on ${r.cores} cores (${num(r.chip.bytes / r.chip.cycles, 1)})`,
    ]),
    'lrrrrr',
  );
  const params = mdTable(
    ['preset', 'GM -> L1 path', 'port', 'core miss rate', 'HBM', 'L2 bandwidth', 'L2'],
    MICRO_PRESETS.map((p) => {
      const c = loadConfig(p);
      return [p, num(c.paths.GM_L1.bytesPerCycle, 1), num(c.gm.coreBytesPerCycle), num(c.gm.coreMissBytesPerCycle), num(c.gm.chipBytesPerCycle), num(c.l2.chipBytesPerCycle), `${c.l2.bytes / 2 ** 20} MiB, ${c.l2.lineBytes} B lines, ${c.l2.ways} ways`];
    }),
    'lrrrrrl',
  );
  return `## 5. L2 hit and miss microbenchmarks

Each core reads its own GM with 32 KiB \`copy_gm_l1\` bursts (timing-only). Cycles are the whole launch:
the streaming time plus one GM -> L1 latency and a few scalar cycles. Rates in bytes/cycle:

${params}

${table}

Derivation (section 1.5): a read on a flushed L2 misses every line and fills whole lines, so one core
streams at \`min(path, port, coreMiss / 1)\` = the core miss rate; the same read again hits every line and
streams at \`min(path, port, L2)\`, the path's own rate, as in the vendor's single-core tables (taken on a
warm L2). With every core reading at once the cores' draws exceed the chip's HBM, which is split evenly:
the chip streams at about \`gm.chipBytesPerCycle\`. The hit / miss gap on one core is the presets'
choice \`coreMiss = port / 2\` (msKPP: "2x or more" measured).
`;
}
