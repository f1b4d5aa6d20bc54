/**
 * The capacities the buffer study resizes, as config overrides of a preset (hw/config/load.ts merges
 * them): each on-chip buffer on every core kind that has it, and the chip's L2. A resized capacity is
 * rounded down to what the config accepts (a buffer to its alignment, the L2 to whole sets), so
 * every multiplier gives a legal config.
 */
import { presetParams } from '../../hw/config/load.js';
import type { HwParams } from '../../hw/config/types.js';

export interface Knob {
  /** the line's name in the table and the plots */
  readonly name: string;
  /** the buffers it resizes together (the L0A and L0B of one cube move as a pair), or the L2 */
  readonly target: readonly string[] | 'l2';
  /** capacity multipliers over the preset's, 1 included */
  readonly multipliers: readonly number[];
}

const BUFFER_MULTIPLIERS = [1 / 8, 1 / 4, 1 / 2, 1, 2] as const;
/** L1 also at 1/32 (16 KiB), where no tiling of the GEMM or the 56x56 layer fits: the study's refusal rows. */
const L1_MULTIPLIERS = [1 / 32, ...BUFFER_MULTIPLIERS] as const;
/** The L2 is swept further down: at the preset's 192 MiB every working set of the study fits many times. */
const L2_MULTIPLIERS = [1 / 128, 1 / 32, 1 / 8, 1 / 2, 1, 2] as const;

export const KNOBS: readonly Knob[] = [
  { name: 'L1', target: ['L1'], multipliers: L1_MULTIPLIERS },
  { name: 'L0A+L0B', target: ['L0A', 'L0B'], multipliers: BUFFER_MULTIPLIERS },
  { name: 'L0C', target: ['L0C'], multipliers: BUFFER_MULTIPLIERS },
  { name: 'UB', target: ['UB'], multipliers: BUFFER_MULTIPLIERS },
  { name: 'L2', target: 'l2', multipliers: L2_MULTIPLIERS },
];

const roundDownTo = (bytes: number, unit: number) => Math.max(unit, Math.floor(bytes / unit) * unit);

/** The overrides that resize `knob` by `multiplier` on `preset`, and the capacity that gives (bytes, per core for buffers). */
export function knobOverrides(preset: string, knob: Knob, multiplier: number): { overrides: unknown; bytes: number } {
  const p: HwParams = presetParams(preset);
  if (knob.target === 'l2') {
    const bytes = roundDownTo(p.l2.bytes * multiplier, p.l2.lineBytes * p.l2.ways);
    return { overrides: { l2: { bytes } }, bytes };
  }
  const coreKinds: Record<string, { buffers: Record<string, { bytes: number }> }> = {};
  let bytes = 0;
  for (const [kind, k] of Object.entries(p.coreKinds))
    for (const name of knob.target) {
      const b = (k.buffers as Record<string, { bytes: number; align: number } | undefined>)[name];
      if (!b) continue;
      const resized = roundDownTo(b.bytes * multiplier, b.align);
      (coreKinds[kind] ??= { buffers: {} }).buffers[name] = { bytes: resized };
      bytes += resized;
    }
  if (bytes === 0) throw new Error(`internal: ${preset} has no ${knob.target.join(' or ')} buffer`);
  return { overrides: { coreKinds }, bytes };
}
