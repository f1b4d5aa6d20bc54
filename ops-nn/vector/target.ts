/**
 * Where streaming vector kernels run on a preset: `aiv` cores on separated chips (arch 2201), the
 * coupled cores elsewhere. simulate() counts a separated launch in AIC groups, so an aiv-only launch
 * of g groups runs g * aivPerAic vector cores, each with its own block index.
 */
import type { CoreKind, HwConfig } from '../../hw/config/types.js';
import { OpError } from '../kernel.js';

/** The vector cores of a preset. */
export interface VectorTarget {
  /** the core kind whose program does the vector work */
  readonly kind: Extract<CoreKind, 'aiv' | 'coupled'>;
  /** vector cores on the chip */
  readonly maxBlocks: number;
  /** vector cores per unit of simulate()'s blockDim (aivPerAic on separated chips, else 1) */
  readonly perUnit: number;
  /** UB bytes of one vector core */
  readonly ubBytes: number;
}

/** The vector cores of `cfg`. */
export function vectorTarget(cfg: HwConfig): VectorTarget {
  const separated = cfg.organisation === 'separated';
  const kind = separated ? 'aiv' : 'coupled';
  const ub = cfg.coreKinds[kind]?.buffers.UB;
  if (!ub) throw new OpError(`${cfg.name} has no UB on its ${kind} cores: streaming vector kernels need one`);
  const perUnit = separated ? cfg.aivPerAic : 1;
  return { kind, maxBlocks: cfg.cores * perUnit, perUnit, ubBytes: ub.bytes };
}

/** simulate()'s blockDim for `blocks` vector blocks (separated chips launch whole AIC groups). */
export const launchDim = (t: VectorTarget, blocks: number): number => Math.ceil(blocks / t.perUnit);

/** Vector blocks that actually run for `blocks` requested (a separated launch rounds up to whole groups). */
export const launchedBlocks = (t: VectorTarget, blocks: number): number => launchDim(t, blocks) * t.perUnit;
