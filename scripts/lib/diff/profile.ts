/**
 * What `aicore-sim diff` compares: a run reduced to named figures in a few sections (cycles, pipes,
 * stalls, opcodes, bytes; for networks, per layer). Kernel runs come from a `--out` folder or a
 * `run ... --json` / `asm --json` object, network runs from `network --json`; both readers produce
 * this one shape, so the comparison never knows where a figure came from.
 */

/** A figure: a count (cycles, bytes, MACs) or a label (a layer's bound). */
export type Figure = number | string;

/** The sections of a profile, in report order, each with the unit of its figures (totals: mixed). */
export const SECTIONS = {
  total: { title: 'totals', unit: '' },
  pipes: { title: 'pipe busy cycles (mean over the cores that have the pipe)', unit: 'cycles' },
  stalls: { title: 'stall cycles by reason (summed over cores)', unit: 'cycles' },
  opcodes: { title: 'cycles per opcode (summed over cores)', unit: 'cycles' },
  bytes: { title: 'bytes per data path and GM level', unit: 'bytes' },
  layerCycles: { title: 'cycles per layer', unit: 'cycles' },
  layerTime: { title: 'time per layer in us, launch overhead included', unit: 'us' },
  layerBound: { title: 'bound per layer', unit: '' },
  layerBytes: { title: 'GM bytes per layer and level', unit: 'bytes' },
} as const;

export type SectionId = keyof typeof SECTIONS;

export type RunKind = 'kernel' | 'network';

export interface Profile {
  readonly kind: RunKind;
  /** the file or folder it was read from, and what it is (for messages) */
  readonly source: string;
  readonly describe: string;
  /** what was run (preset, shape, tiling, ...): shown when it differs, never counted as a change */
  readonly setup: Readonly<Record<string, Figure>>;
  /** sections the source has; a section one side lacks (opcodes in a JSON file) is not compared */
  readonly sections: Readonly<Partial<Record<SectionId, Readonly<Record<string, Figure>>>>>;
}

/** Flattens nested plain objects of figures into dotted names (`tiling.baseM`); other values are dropped. */
export function flatten(o: unknown, prefix = '', out: Record<string, Figure> = {}): Record<string, Figure> {
  if (typeof o === 'number' || typeof o === 'string') out[prefix] = o;
  else if (typeof o === 'boolean') out[prefix] = String(o);
  else if (typeof o === 'object' && o !== null && !Array.isArray(o))
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** Adds profiles of launches run one after another (a folder of several traced launches). */
export function addFigures(tables: readonly Readonly<Record<string, Figure>>[]): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  for (const t of tables)
    for (const [k, v] of Object.entries(t)) {
      const have = out[k];
      out[k] = typeof v === 'number' && typeof have === 'number' ? have + v : have === undefined ? v : have === v ? v : `${String(have)}, ${String(v)}`;
    }
  return out;
}
