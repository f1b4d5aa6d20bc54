/**
 * The timing the opcode table carries: every vector row names a cost class, every data movement a data
 * path, and the names agree with the operands; every family has a shape, and the cost and the footprint
 * of an instruction read the same shape (bytes a transfer moves equal the bytes its operands span when
 * the operands are contiguous). The checks iterate the table, so a new row is covered without an edit.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { EXEC } from '../hw/exec/index.js';
import { extentsOf } from '../hw/exec/footprint.js';
import { costOf } from '../hw/timing/cost.js';
import { loadConfig } from '../hw/config/load.js';
import { opsOfClass, opsOnPath, pathsOfRow, vecClassOfRow, type FamilyTable } from '../isa/families.js';
import { COPY_FAMILIES, FAMILIES, MNEMONICS, OPCODES, type Family, type Mnemonic } from '../isa/opcodes.js';
import type { Insn } from '../isa/program.js';
import { DTYPE_BYTES } from '../isa/numeric/dtype.js';
import { FRACTAL_AB, FRACTAL_C, SHAPES, shapeOf } from '../isa/shapes.js';
import { PATHS, VEC_CLASSES } from '../isa/timing.js';

const isCopy = (op: Mnemonic) => (COPY_FAMILIES as readonly Family[]).includes(OPCODES[op].family);
const isVector = (op: Mnemonic) => OPCODES[op].family.startsWith('vec-');
const bufsOf = (op: Mnemonic, name: string) => OPCODES[op].operands.find((o) => o.name === name)?.bufs ?? [];

describe('timing names in the opcode rows', () => {
  it('every vector opcode names a cost class, every data movement a path, and no other row names either', () => {
    for (const op of MNEMONICS) {
      expect(vecClassOfRow(op) !== undefined, `${op}: a timing class exactly when it is a vector opcode`).toBe(isVector(op));
      expect(pathsOfRow(op).length > 0, `${op}: a data path exactly when it is a data movement`).toBe(isCopy(op));
    }
  });

  it('a path is named SOURCE_DESTINATION by the operand buffers, one path per destination buffer', () => {
    for (const op of MNEMONICS.filter(isCopy)) {
      const src = bufsOf(op, 'src');
      const dst = bufsOf(op, 'dst');
      expect(src, `${op} has one source buffer`).toHaveLength(1);
      expect(pathsOfRow(op), op).toEqual(dst.map((d) => `${src[0]}_${d}`));
    }
  });

  it('every path and every class is used by some opcode, and the opcodes of a path share its pipe', () => {
    for (const p of PATHS) {
      expect(opsOnPath(p), p).not.toEqual([]);
      expect(new Set(opsOnPath(p).map((op) => OPCODES[op].pipe)).size, `${p}: one pipe`).toBe(1);
    }
    for (const cls of VEC_CLASSES) expect(opsOfClass(cls), cls).not.toEqual([]);
  });
});

// ---- shapes: one per family, read by cost and footprint alike -----------------------------------------------

/** One instruction of each opcode, every operand contiguous: bursts without gaps, unit block strides, whole repeats. */
const CONTIGUOUS: Readonly<Record<Family, (op: Mnemonic) => string[]>> = {
  scalar: () => [],
  branch: () => [],
  sync: () => [],
  dma: (op) => [`${op} ${bufsOf(op, 'dst')[0]}[0], ${bufsOf(op, 'src')[0]}[0], 3, 256, 0, 0`],
  // 40 rows of 32 f16 (two C0 columns), the GM row stride = the row, the NZ block = 40 rows high
  nd2nz: (op) => [`${op} L1[0], GM[0], f16, 40, 32, 32, 40`],
  load2d: (op) => [`${op} L0A[0], L1[0], s8, 6, 1, 0, 0`, `${op} L0B[0], L1[0], f16, 5, 1, 0, 1`],
  load3d: (op) => [`${op} L0A[0], L1[0], s8, 8, 8, 32, 96, 32, 0, 0, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0`],
  mmad: (op) => [`${op} L0C[0], L0A[0], L0B[0], BT[0], 48, 64, 32, s8, s8, bias`, `${op} L0C[0], L0A[0], L0B[0], BT[0], 32, 48, 64, f16, f16, zero`],
  // whole 16 x 16 fractals, srcStride = the tile height
  fixpipe: (op) => [`${op} GM[0], L0C[0], s32, s32, 32, 48, 32, 48, none, 1, 0, FB[0], 0, 1`, `${op} L1[0], L0C[0], s32, s8, 32, 48, 32, 32, req8, 1, 0, FB[0], 0, 0`],
  'l0c-ub': (op) => [`${op} UB[0], L0C[0], 2, 3, 0, 0`],
  'l0c-ub-deq': (op) => [`${op} UB[0], L0C[0], 2, 3, 0, 0, 0.5, 0`],
  'l0c-ub-vdeq': (op) => [`${op} UB[0], L0C[0], 2, 3, 0, 0, UB[8192], 0`],
  'l0c-ub-f322f16': (op) => [`${op} UB[0], L0C[0], 2, 3, 0, 0, 1`],
  'ub-l0c-bcast': (op) => [`${op} L0C[0], UB[0], s32, 2, 3, 0, 0`],
  'vec-mask': (op) => [op === 'set_mask_count' ? `${op} 64` : `${op} 0, 0, 0, 255`],
  'vec-binary': (op) => [`${op} f32, UB[0], UB[8192], UB[16384], 7, 1, 1, 1, 8, 8, 8`],
  'vec-scalar': (op) => [`${op} f16, UB[0], UB[8192], 2, 7, 1, 1, 8, 8`],
  'vec-axpy': (op) => [`${op} f16, UB[0], UB[8192], 2, 7, 1, 1, 8, 8`],
  'vec-unary': (op) => [`${op} f16, UB[0], UB[8192], 7, 1, 1, 8, 8`],
  'vec-dup': (op) => [`${op} f16, UB[0], 1, 7, 1, 8`],
  // f16 -> f32: a repeat writes 8 blocks and reads 4
  'vec-conv': (op) => [`${op} f32, f16, rint, UB[0], UB[16384], 7, 1, 1, 8, 4`],
  // s32 -> f16: a repeat reads 8 blocks and writes 4 (and reads 4 blocks of f16 scales)
  'vec-deq': (op) => [`${op} UB[0], UB[16384], 0.5, 7, 1, 1, 4, 8`],
  'vec-vdeq': (op) => [`${op} UB[0], UB[16384], UB[32768], 7, 1, 1, 1, 4, 8, 4`],
  'vec-reduce': (op) => [`${op} f16, UB[0], UB[8192], 7, 1, 8`],
};
const samples = (op: Mnemonic): Insn[] => CONTIGUOUS[OPCODES[op].family](op).map((t) => assemble(t).insns[0]!);
const cfg = loadConfig('ascend910b');
const memCount = (op: Mnemonic) => OPCODES[op].operands.filter((o) => o.kind === 'mem').length;

describe('shapes', () => {
  it('every family has a shape and a semantics entry (typed tables: a new family does not compile without them)', () => {
    const shapes: FamilyTable<[number], unknown> = SHAPES;
    expect(Object.keys(shapes).sort()).toEqual([...FAMILIES].sort());
    expect(Object.keys(EXEC).sort()).toEqual([...FAMILIES].sort());
  });

  it.each(MNEMONICS.filter((op) => samples(op).length > 0))('%s: one layout per mem operand, its cost from the same shape', (op) => {
    for (const insn of samples(op)) {
      const shape = shapeOf(insn, cfg.cube.k0Bytes);
      expect(shape.operands, 'one layout per mem operand').toHaveLength(memCount(op));
      const cost = costOf(insn, cfg);
      const ext = [...extentsOf(insn, cfg)];
      if (shape.kind === 'transfer') {
        expect(cost.path).toBe(shape.path);
        expect(cost.bytes).toBe(shape.bytes);
        if (insn.op === 'fixpipe') {
          // it moves the bytes it writes; its rate counts the L0C bytes it reads (4 per element)
          expect(ext[0], 'destination extent = bytes moved').toBe(cost.bytes);
          expect(ext[1], 'L0C extent = bytes its rate counts').toBe((cost.bytes / DTYPE_BYTES[insn.dstType]) * 4);
          expect(cost.cap, 'its own rate, in bytes moved').toBeCloseTo((cfg.paths[cost.path!].bytesPerCycle * DTYPE_BYTES[insn.dstType]) / 4, 9);
          continue;
        }
        // contiguous: the bytes moved are exactly the bytes written, and read (load3d reads a feature map instead)
        expect(ext[0], 'destination extent = bytes moved').toBe(cost.bytes);
        if (insn.op === 'copy_l0c_ub_deq' || insn.op === 'copy_l0c_ub_vdeq' || insn.op === 'copy_l0c_ub_f322f16') {
          // f16 written from s32 / f32 read: the L0C extent, twice the bytes moved, is what the rate counts
          expect(ext[1], 'L0C extent = bytes its rate counts').toBe(2 * cost.bytes);
          expect(cost.occupancy).toBe(Math.ceil((2 * cost.bytes) / cfg.paths.L0C_UB.bytesPerCycle));
          if (insn.op === 'copy_l0c_ub_vdeq') expect(ext[2], 'one 32 B VDEQ vector per burst').toBe(insn.blockCount * 32);
          continue;
        }
        // 16 source elements fill a fractal of 256
        if (insn.op === 'bcast_ub_l0c') {
          expect(ext[1], 'UB extent = a sixteenth of the L0C bytes').toBe(cost.bytes / 16);
          continue;
        }
        if (insn.op !== 'load3d') expect(ext[1], 'source extent = bytes moved').toBe(cost.bytes);
      } else if (shape.kind === 'vector') {
        expect(cost.bytes).toBe(shape.repeats * 256);
        // a full-repeat operand spans the bytes the repeats process
        // (a dequantising cast writes f16 from s32: half the bytes)
        const dstShare = OPCODES[op].family === 'vec-deq' || OPCODES[op].family === 'vec-vdeq' ? 0.5 : 1;
        if (op !== 'vcadd' && op !== 'vcmax' && shape.operands.length > 0) expect(ext[0], 'destination extent').toBe(cost.bytes * dstShare);
      } else if (shape.kind === 'cube') {
        // A is m1 x k1 fractals, B k1 x n1, C m1 x n1: their product is (m1 k1 n1)^2, the occupancy squared
        const slow = insn.op === 'mmad' && insn.aType === 'f32' ? cfg.cube.fp32Slowdown : 1;
        expect((ext[1]! / FRACTAL_AB) * (ext[2]! / FRACTAL_AB) * (ext[0]! / FRACTAL_C)).toBe((cost.occupancy / slow) ** 2);
        // whole fractals: the ideal cycles are the cycles
        expect(cost.idealCycles).toBe(cost.occupancy);
      }
    }
  });

  it('an mmad steps through 16-row fractals whatever the preset', () => {
    const insn = assemble('mmad L0C[0], L0A[0], L0B[0], BT[0], 40, 100, 50, s8, s8, zero').insns[0]!;
    for (const preset of ['ascend910b', 'ascend910', 'ascend310p', 'tiny', 'tiny-sep']) {
      const c = loadConfig(preset);
      expect(costOf(insn, c).occupancy, preset).toBe(Math.ceil(40 / 16) * Math.ceil(100 / c.cube.k0Bytes) * Math.ceil(50 / 16));
    }
  });
});
