/**
 * The limits of a launch, checked before anything is allocated or run: how long a run may go
 * (cycles, instructions) and how much memory it may ask for (a timing-only GM size, the bytes a
 * functional run allocates). Every error is one SimError saying what was asked, the limit and the fix.
 */
import type { CoreKind, HwConfig } from './config/types.js';
import { SimError } from './engine/errors.js';

/** Default cycle limit: far beyond any kernel (2^40 cycles is ~10 minutes of chip time at 1.8 GHz). */
export const DEFAULT_MAX_CYCLES = 2 ** 40;

/**
 * Default instruction limit (scalar instructions executed plus instructions issued, all cores). A
 * scalar loop that never exits costs no event-queue work and runs at ~10^8 instructions per second,
 * so it stops here in about 0.1 s (scripts/bench.ts prints the figure); the largest kernel of the
 * golden table and the 2048^3 benchmark matmul on 24 blocks execute ~56k.
 */
export const DEFAULT_MAX_INSTRUCTIONS = 10_000_000;

/** Largest timing-only GM size: 1 TiB, above any device's memory; keeps every address a safe integer. */
export const MAX_TIMING_GM_BYTES = 2 ** 40;

/**
 * Most bytes a functional launch may hold: the copied GM image plus every launched core's on-chip
 * buffers. 4 GiB is ~100x what the largest preset on all its blocks needs (~30 MB of buffers).
 */
export const MAX_FUNCTIONAL_BYTES = 2 ** 32;

/** A run limit given by the caller: a positive safe integer (default when undefined). */
export function runLimit(value: number | undefined, fallback: number, name: string, flag: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new SimError(`${name} must be a positive integer, got ${value} (--${flag} N)`);
  return value;
}

/** A timing-only GM size: a whole number of bytes within MAX_TIMING_GM_BYTES. */
export function checkTimingGm(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_TIMING_GM_BYTES)
    throw new SimError(`timing-only GM size ${bytes} must be an integer number of bytes in 0..${MAX_TIMING_GM_BYTES} (2^40); give the size the kernel addresses`);
}

/** The bytes a functional launch allocates, before it allocates them. */
export function checkFunctionalBytes(cfg: HwConfig, gmBytes: number, kinds: readonly CoreKind[]): void {
  const perKind = (k: CoreKind) => Object.values(cfg.coreKinds[k]!.buffers).reduce((s, b) => s + b.bytes, 0);
  const buffers = kinds.reduce((s, k) => s + perKind(k), 0);
  const total = gmBytes + buffers;
  if (total > MAX_FUNCTIONAL_BYTES)
    throw new SimError(
      `functional launch needs ${total} bytes (GM image ${gmBytes}, on-chip buffers of ${kinds.length} cores ${buffers}), more than ${MAX_FUNCTIONAL_BYTES} (2^32); launch fewer blocks, use smaller buffers or run timing-only`,
    );
}
