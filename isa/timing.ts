/**
 * The names an opcode row uses to say how it is timed: the vector cost class of a vector opcode and
 * the data path of a data movement. Only the names live here; the numbers behind each name are preset
 * data (hw/config/presets.ts), so the ISA stays independent of any chip.
 */

/** Data paths with their own timing, named SOURCE_DESTINATION; GM paths also share the GM bandwidth. */
export const PATHS = [
  'GM_L1',
  'GM_UB',
  'UB_GM',
  'UB_L1',
  'L1_UB',
  'L1_L0A',
  'L1_L0B',
  'L1_BT',
  'L1_FB',
  'L0C_GM',
  'L0C_L1',
  'L0C_UB',
  'UB_L0C',
] as const;
export type PathName = (typeof PATHS)[number];

/** Vector instruction classes with their own cost (docs/measured/vector.csv). */
export const VEC_CLASSES = ['unary', 'binary', 'axpy', 'div', 'conv', 'reduce', 'dup', 'mask'] as const;
export type VecClass = (typeof VEC_CLASSES)[number];
