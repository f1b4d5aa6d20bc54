/**
 * Footprints: how many bytes each mem operand of an instruction touches from its resolved address.
 * The engine checks every range [address, address + extent) against the buffer's size and alignment at
 * issue time, in both functional and timing-only mode, so an illegal access is the same error in
 * either. Extents come from the instruction's shape (isa/shapes.ts), the same one its cost reads; they
 * depend only on immediates, so they are computed once when a program is decoded.
 */
import type { Insn } from '../../isa/program.js';
import { extentOf, shapeOf } from '../../isa/shapes.js';
import type { HwConfig } from '../config/types.js';

/** Extent in bytes of each mem operand of `insn`, in operand order; 0 marks an operand that is not used. */
export const extentsOf = (insn: Insn, cfg: HwConfig): Float64Array => Float64Array.from(shapeOf(insn, cfg.cube.k0Bytes).operands, extentOf);
