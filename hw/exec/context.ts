/**
 * What an instruction's functional semantics sees: the bytes of the buffers of its core (and GM),
 * element accessors by dtype, and the vector mask. Semantics are pure functions over this context;
 * timing is elsewhere (hw/timing) and never looks at data.
 */
import type { BufferName, Dtype } from '../../isa/types.js';
import type { Family } from '../../isa/opcodes.js';
import type { InsnOfFamily } from '../../isa/families.js';
import type { HwConfig } from '../config/types.js';
import { f16BitsToNumber, numberToF16Bits } from '../../isa/numeric/float16.js';

/** Resolved byte addresses of an instruction's mem operands, in operand order. */
export type Addrs = Float64Array;

/** Semantics of a whole family: `a[i]` is the resolved byte address of the i-th mem operand. */
export type FamilyExec<F extends Family> = (ctx: ExecContext, insn: InsnOfFamily<F>, a: Addrs) => void;

export interface ExecContext {
  readonly config: HwConfig;
  /** DataView over a buffer of this core (or GM); only called for buffers the core has */
  view(buf: BufferName): DataView;
  /** bytes of a buffer of this core (or GM) */
  bytes(buf: BufferName): Uint8Array;
  /** vector mask: lane i of every repeat is active when mask[i] === 1 (128 lanes) */
  readonly mask: Uint8Array;
}

type Reader = (v: DataView, at: number) => number;
type Writer = (v: DataView, at: number, x: number) => void;

/** Reads an element's numeric value (f16 decoded to its exact value). Little-endian, as on the device. */
export const READ: Readonly<Record<Dtype, Reader>> = {
  s8: (v, a) => v.getInt8(a),
  u8: (v, a) => v.getUint8(a),
  s16: (v, a) => v.getInt16(a, true),
  u16: (v, a) => v.getUint16(a, true),
  s32: (v, a) => v.getInt32(a, true),
  u32: (v, a) => v.getUint32(a, true),
  f16: (v, a) => f16BitsToNumber(v.getUint16(a, true)),
  f32: (v, a) => v.getFloat32(a, true),
};

/**
 * Writes an element. The value must already be representable (semantics round and saturate first);
 * f16 and f32 writes round to nearest even as a last resort, integers wrap like the storage does.
 */
export const WRITE: Readonly<Record<Dtype, Writer>> = {
  s8: (v, a, x) => v.setInt8(a, x),
  u8: (v, a, x) => v.setUint8(a, x),
  s16: (v, a, x) => v.setInt16(a, x, true),
  u16: (v, a, x) => v.setUint16(a, x, true),
  s32: (v, a, x) => v.setInt32(a, x, true),
  u32: (v, a, x) => v.setUint32(a, x, true),
  f16: (v, a, x) => v.setUint16(a, numberToF16Bits(x), true),
  f32: (v, a, x) => v.setFloat32(a, x, true),
};

/** The ISA's block and fractal sizes, which every semantics addresses by. */
export { BLOCK, FRACTAL_AB, FRACTAL_C } from '../../isa/shapes.js';
