/**
 * Timing of one instruction on an idle core, from the preset's tables: how long it occupies its pipe
 * (the next instruction of that pipe may start after `occupancy`) and how much later its results
 * are complete (`latency` after the occupancy ends). GM transfers give their bytes and path instead:
 * their streaming time depends on the other transfers sharing GM bandwidth (hw/engine/bandwidth.ts).
 * Costs depend only on immediates, never on register values or data, so they are computed once
 * when a program is decoded.
 */
import type { Family } from '../../isa/opcodes.js';
import type { Insn, InsnOf } from '../../isa/program.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import type { HwConfig, PathName, VecClass } from '../config/types.js';
import { BLOCK, FRACTAL_AB, FRACTAL_C } from '../exec/context.js';

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
  /** multiply-accumulates performed (cube only) */
  macs: number;
  /** cycles the useful MACs would take at the cube's peak rate for these types (cube only) */
  idealCycles: number;
}

/** A data movement: its cost follows from the path table (transfer below). */
interface Move {
  path: PathName;
  bytes: number;
}
type CostFn = (insn: Insn, cfg: HwConfig) => Cost | Move;

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const NONE: Cost = { occupancy: 0, latency: 0, minCycles: 0, path: null, bytes: 0, macs: 0, idealCycles: 0 };

/** Which path a copy uses, by (source buffer, destination buffer). */
const COPY_PATH: Readonly<Record<string, PathName>> = {
  'GM>L1': 'GM_L1',
  'GM>UB': 'GM_UB',
  'UB>GM': 'UB_GM',
  'UB>L1': 'UB_L1',
  'L1>UB': 'L1_UB',
  'L1>BT': 'L1_BT',
  'L1>FB': 'L1_FB',
  'L1>L0A': 'L1_L0A',
  'L1>L0B': 'L1_L0B',
  'L0C>GM': 'L0C_GM',
  'L0C>L1': 'L0C_L1',
  'L0C>UB': 'L0C_UB',
};

/** A transfer of `bytes` on `path`: streaming at the path's rate, then the path's fixed latency. */
function transfer(path: PathName, bytes: number, cfg: HwConfig): Cost {
  const p = cfg.paths[path];
  return { occupancy: Math.max(1, ceilDiv(bytes, p.bytesPerCycle)), latency: p.fixedLatency, minCycles: p.minCycles, path, bytes, macs: 0, idealCycles: 0 };
}

const pathOf = (src: string, dst: string): PathName => {
  const p = COPY_PATH[`${src}>${dst}`];
  if (!p) throw new Error(`internal: no data path ${src} -> ${dst}`);
  return p;
};

/** A vector instruction of `cls`: one repeat per cyclesPerRepeat, done after at least minCycles. */
function vector(cls: VecClass, repeat: number, cfg: HwConfig): Cost {
  const v = cfg.vector.classes[cls];
  return { occupancy: Math.max(1, repeat) * v.cyclesPerRepeat, latency: 0, minCycles: v.minCycles, path: null, bytes: repeat * 256, macs: 0, idealCycles: 0 };
}

const VECTOR_CLASS_OF: Readonly<Record<string, VecClass>> = { vdiv: 'div' };

export const COST: Readonly<Record<Family, CostFn>> = {
  scalar: () => NONE,
  branch: () => NONE,
  sync: () => NONE,
  dma: (insn) => {
    const i = insn as InsnOf<'copy_gm_l1'>;
    return { path: pathOf(i.src.buf, i.dst.buf), bytes: i.blockCount * i.blockLen };
  },
  nd2nz: (insn) => {
    const i = insn as InsnOf<'copy_gm_l1_nd2nz'>;
    return { path: 'GM_L1', bytes: i.nValue * i.dValue * DTYPE_BYTES[i.dtype] };
  },
  load2d: (insn) => {
    const i = insn as InsnOf<'load2d'>;
    return { path: pathOf('L1', i.dst.buf), bytes: i.repeat * FRACTAL_AB };
  },
  load3d: (insn) => {
    const i = insn as InsnOf<'load3d'>;
    const c0 = BLOCK / DTYPE_BYTES[i.dtype];
    const bytes = ceilDiv(i.mExtension, 16) * ceilDiv(i.kExtension, c0) * FRACTAL_AB;
    return { path: pathOf('L1', i.dst.buf), bytes };
  },
  mmad: (insn, cfg) => {
    const i = insn as InsnOf<'mmad'>;
    const c = cfg.cube;
    const k0 = c.k0Bytes / DTYPE_BYTES[i.aType];
    const slow = i.aType === 'f32' ? c.fp32Slowdown : 1;
    const cycles = ceilDiv(i.m, c.m0) * ceilDiv(i.k, k0) * ceilDiv(i.n, c.n0) * slow;
    const macs = i.m * i.k * i.n;
    const idealCycles = (macs / (c.m0 * c.n0 * k0)) * slow;
    return { occupancy: cycles, latency: c.fixedLatency, minCycles: 0, path: null, bytes: 0, macs, idealCycles };
  },
  fixpipe: (insn) => {
    const i = insn as InsnOf<'fixpipe'>;
    // Fixpipe throughput is counted in L0C bytes read (4 B per element), whatever the output type.
    return { path: pathOf('L0C', i.dst.buf), bytes: i.m * i.n * 4 };
  },
  'l0c-ub': (insn) => {
    const i = insn as InsnOf<'copy_l0c_ub'>;
    return { path: 'L0C_UB', bytes: i.blockCount * i.blockLen * FRACTAL_C };
  },
  'vec-mask': (_i, cfg) => vector('mask', 1, cfg),
  'vec-binary': (insn, cfg) => vector(VECTOR_CLASS_OF[insn.op] ?? 'binary', (insn as InsnOf<'vadd'>).repeat, cfg),
  'vec-scalar': (insn, cfg) => vector('unary', (insn as InsnOf<'vadds'>).repeat, cfg),
  'vec-axpy': (insn, cfg) => vector('axpy', (insn as InsnOf<'vaxpy'>).repeat, cfg),
  'vec-unary': (insn, cfg) => vector('unary', (insn as InsnOf<'vrelu'>).repeat, cfg),
  'vec-dup': (insn, cfg) => vector('dup', (insn as InsnOf<'vdup'>).repeat, cfg),
  'vec-conv': (insn, cfg) => vector('conv', (insn as InsnOf<'vconv'>).repeat, cfg),
  'vec-reduce': (insn, cfg) => vector('reduce', (insn as InsnOf<'vcadd'>).repeat, cfg),
};

/** The cost of `insn` under `cfg`; data-path costs are filled in from the path table. */
export function costOf(insn: Insn, family: Family, cfg: HwConfig): Cost {
  const c = COST[family](insn, cfg);
  return 'occupancy' in c ? c : transfer(c.path, c.bytes, cfg);
}

/** True for paths that read or write GM and so share GM bandwidth. */
export const isGmPath = (p: PathName | null): boolean => p !== null && (p.startsWith('GM') || p.endsWith('GM'));
