/**
 * Expected streaming rates of a lone GM transfer, by the rules of docs/timing-model.md §L2 cache and
 * HBM, written out here from the config's numbers (not taken from the engine):
 * - a transfer streams at min(path rate, core port, chip L2);
 * - if it draws HBM (`hbmPerByte` bytes of HBM traffic per byte moved: line fills, write-backs,
 *   bypassed bytes), also at most min(core miss rate, chip HBM) / hbmPerByte.
 */
import type { HwConfig, PathName } from '../../hw/config/types.js';

const isGm = (p: PathName) => p.startsWith('GM') || p.endsWith('GM');

export function loneRate(cfg: HwConfig, path: PathName, hbmPerByte: number): number {
  const own = cfg.paths[path].bytesPerCycle;
  if (!isGm(path)) return own;
  const l2 = cfg.l2.mode === 'disabled' ? Infinity : cfg.l2.chipBytesPerCycle;
  const hbm = hbmPerByte > 0 ? Math.min(cfg.gm.coreMissBytesPerCycle, cfg.gm.chipBytesPerCycle) / hbmPerByte : Infinity;
  return Math.min(own, cfg.gm.coreBytesPerCycle, l2, hbm);
}

/** HBM bytes per byte of a read of `bytes` from `addr` on a flushed L2: every line it touches is filled whole. */
export function coldReadHbmPerByte(cfg: HwConfig, bytes: number, addr = 0): number {
  if (cfg.l2.mode === 'disabled') return 1;
  const L = cfg.l2.lineBytes;
  const lines = Math.floor((addr + bytes - 1) / L) - Math.floor(addr / L) + 1;
  return (lines * L) / bytes;
}

/** HBM bytes per byte for `path` moving `bytes` from line-aligned `addr` on a flushed L2 (writes allocate without a fill). */
export function coldHbmPerByte(cfg: HwConfig, path: PathName, bytes: number, addr = 0): number {
  if (!isGm(path)) return 0;
  if (path.endsWith('GM')) return cfg.l2.mode === 'disabled' ? 1 : 0;
  return coldReadHbmPerByte(cfg, bytes, addr);
}

/** Streaming cycles plus latency of a lone transfer on a flushed L2, at least the path's minCycles. */
export function coldTransferCycles(cfg: HwConfig, path: PathName, bytes: number, addr = 0): number {
  const p = cfg.paths[path];
  const rate = loneRate(cfg, path, coldHbmPerByte(cfg, path, bytes, addr));
  return Math.max(p.minCycles, p.fixedLatency + Math.max(1, Math.ceil(bytes / rate - 1e-9)));
}
