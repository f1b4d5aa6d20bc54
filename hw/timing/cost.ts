/**
 * Timing of one instruction on an idle core: how long it occupies its pipe (the next instruction of
 * that pipe may start after `occupancy`) and how much later its results are complete (`latency` after
 * the occupancy ends). The work comes from the instruction's shape (isa/shapes.ts: bytes on the path
 * its opcode row names, repeats of the vector class its row names, cube fractals); the numbers come
 * from the preset's tables. GM transfers give their bytes and path instead: their streaming time
 * depends on the other transfers sharing GM bandwidth (hw/engine/bandwidth.ts). Costs depend only on
 * immediates, never on register values or data, so they are computed once when a program is decoded.
 */
import type { Insn } from '../../isa/program.js';
import { FRACTAL_ROWS, REPEAT_BYTES, shapeOf, type CubeShape, type InsnShape } from '../../isa/shapes.js';
import type { HwConfig, PathName, VecClass } from '../config/types.js';

export interface Cost {
  /** cycles the instruction occupies its pipe (for GM paths: the streaming time on an idle chip) */
  occupancy: number;
  /** cycles from the end of the occupancy until its results are complete */
  latency: number;
  /** the instruction completes no earlier than this many cycles after it starts */
  minCycles: number;
  /** data path and bytes moved, for statistics and (GM paths) bandwidth sharing */
  path: PathName | null;
  bytes: number;
  /** GM paths: the transfer's own streaming rate in its `bytes` per cycle, before any sharing */
  cap: number;
  /** multiply-accumulates performed (cube only) */
  macs: number;
  /** cycles the useful MACs would take at the cube's peak rate for these types (cube only) */
  idealCycles: number;
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const NONE: Cost = { occupancy: 0, latency: 0, minCycles: 0, path: null, bytes: 0, cap: 0, macs: 0, idealCycles: 0 };

/**
 * A transfer of `bytes` on `path`: streaming `rateBytes` at the path's rate, then the path's fixed
 * latency. Its own rate in moved bytes scales by bytes / rateBytes (an int8 fixpipe writes a quarter
 * of what it reads).
 */
function transfer(path: PathName, bytes: number, rateBytes: number, cfg: HwConfig): Cost {
  const p = cfg.paths[path];
  const cap = rateBytes > 0 ? (p.bytesPerCycle * bytes) / rateBytes : p.bytesPerCycle;
  return { occupancy: Math.max(1, ceilDiv(rateBytes, p.bytesPerCycle)), latency: p.fixedLatency, minCycles: p.minCycles, path, bytes, cap, macs: 0, idealCycles: 0 };
}

/** A vector instruction of `cls`: one repeat per cyclesPerRepeat, done after at least minCycles. */
function vector(cls: VecClass, repeats: number, cfg: HwConfig): Cost {
  const v = cfg.vector.classes[cls];
  return { occupancy: Math.max(1, repeats) * v.cyclesPerRepeat, latency: 0, minCycles: v.minCycles, path: null, bytes: repeats * REPEAT_BYTES, cap: 0, macs: 0, idealCycles: 0 };
}

/** An mmad: one cycle per 16 x K0 x 16 fractal step (f32 inputs fp32Slowdown times slower), then the cube latency. */
function cube(s: CubeShape, cfg: HwConfig): Cost {
  const c = cfg.cube;
  const slow = s.aType === 'f32' ? c.fp32Slowdown : 1;
  const idealCycles = (s.macs / (FRACTAL_ROWS * FRACTAL_ROWS * s.k0)) * slow;
  return { occupancy: s.m1 * s.k1 * s.n1 * slow, latency: c.fixedLatency, minCycles: 0, path: null, bytes: 0, cap: 0, macs: s.macs, idealCycles };
}

/** The cost of a shape under `cfg`. Every family's shape is one of these kinds, so a new opcode or family needs no entry here. */
export function costOfShape(s: InsnShape, cfg: HwConfig): Cost {
  switch (s.kind) {
    case 'transfer':
      return transfer(s.path, s.bytes, s.rateBytes ?? s.bytes, cfg);
    case 'vector':
      return vector(s.cls, s.repeats, cfg);
    case 'cube':
      return cube(s, cfg);
    case 'none':
      return NONE;
  }
}

/** The cost of `insn` under `cfg`, from its family's shape (isa/shapes.ts) and the preset's tables. */
export const costOf = (insn: Insn, cfg: HwConfig): Cost => costOfShape(shapeOf(insn, cfg.cube.k0Bytes), cfg);

/** True for paths that read or write GM and so share GM bandwidth. */
export const isGmPath = (p: PathName | null): boolean => p !== null && (p.startsWith('GM') || p.endsWith('GM'));
