/**
 * Names shared by the whole ISA: pipes, on-chip buffers and the small enumerations that appear as
 * instruction operands. Each is an `as const` list so the assembler can parse it and the compiler
 * can check exhaustive tables over it.
 */
export type { Dtype } from './numeric/dtype.js';
export type { RoundMode } from './numeric/round-mode.js';

/** Hardware pipes. S is the scalar unit itself; every other pipe runs its queue in order. */
export const PIPES = ['S', 'MTE1', 'MTE2', 'MTE3', 'M', 'V', 'FIX'] as const;
export type Pipe = (typeof PIPES)[number];

/**
 * The vendor profiler's name of each pipe: what every output (traces, summaries, --json, stats)
 * calls it. The short names above are the ISA's aliases, used in assembly and the program builder.
 */
export const PIPE_NAMES: Readonly<Record<Pipe, string>> = { S: 'SCALAR', MTE1: 'MTE1', MTE2: 'MTE2', MTE3: 'MTE3', M: 'CUBE', V: 'VECTOR', FIX: 'FIXP' };

/** Address spaces. GM is shared by all cores; the rest exist per core, depending on its kind. */
export const BUFFERS = ['GM', 'L1', 'L0A', 'L0B', 'L0C', 'UB', 'BT', 'FB'] as const;
export type BufferName = (typeof BUFFERS)[number];

/**
 * Fixpipe conversion on the way out of L0C (docs/hardware.md §Fixpipe quantisation).
 * none: s32/f32 unchanged; f322f16: f32 -> f16; deqf16/vdeqf16: s32 -> f16 with a scalar / per-channel
 * scale; req8/vreq8: s32 -> s8/u8 with a scalar / per-channel scale word.
 */
export const QUANT_MODES = ['none', 'f322f16', 'deqf16', 'vdeqf16', 'req8', 'vreq8'] as const;
export type QuantMode = (typeof QUANT_MODES)[number];

/** How mmad initialises its L0C tile: accumulate onto it, start from zero, or start from the bias table. */
export const INIT_MODES = ['acc', 'zero', 'bias'] as const;
export type InitMode = (typeof INIT_MODES)[number];

/**
 * L2 cache hint of GM transfers (Ascend C GlobalTensor::SetL2CacheHint): normal allocates lines in
 * the L2, disable bypasses it (resident lines still serve, none is allocated). The 950 generation's
 * persistent mode is not modelled.
 */
export const L2_HINTS = ['normal', 'disable'] as const;
export type L2Hint = (typeof L2_HINTS)[number];

/** A memory operand as written: `L1[x3+256]` is { buf: 'L1', base: 3, off: 256 }; base -1 means none. */
export interface MemRef {
  readonly buf: BufferName;
  /** scalar register holding the base address, or -1 */
  readonly base: number;
  /** byte offset added to the base */
  readonly off: number;
}

/** Number of scalar registers x0..x31. */
export const NUM_REGS = 32;
