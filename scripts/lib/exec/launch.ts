/**
 * Running one generated kernel functionally for `exec`: build GM, simulate, return GM after the run
 * and the kernel's record (cycles, GM bytes moved, notes).
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { simulate } from '../../../hw/simulate.js';
import type { Kernel } from '../../../ops-nn/kernel.js';
import type { KernelRun, RunOptions } from './types.js';

/** GM bytes a run moved: every path that reads or writes GM, over all cores. */
export const gmTraffic = (cores: readonly { pathBytes: Readonly<Record<string, number>> }[]): number =>
  cores.reduce((s, c) => s + Object.entries(c.pathBytes).reduce((t, [path, b]) => t + (path.startsWith('GM') || path.endsWith('GM') ? b : 0), 0), 0);

export function launch(cfg: HwConfig, k: Kernel, image: Uint8Array, opts: RunOptions): { gm: Uint8Array; run: KernelRun } {
  const r = simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: image, mode: 'functional', ...(opts.maxCycles ? { maxCycles: opts.maxCycles } : {}) });
  return { gm: r.gm!, run: { name: k.name, cycles: r.cycles, gmBytes: gmTraffic(r.cores), notes: k.notes } };
}
