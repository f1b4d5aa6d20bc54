/**
 * Hardware parameters. A preset is plain data of type `HwParams`; `deriveConfig` validates it and adds
 * derived values, giving the frozen `HwConfig` every model component receives at construction.
 */
import type { Dtype, Pipe, QuantMode } from '../../isa/types.js';

export const CORE_KINDS = ['coupled', 'aic', 'aiv'] as const;
/** coupled: one scalar unit drives cube and vector (910, 310P); aic / aiv: the cube and vector cores of arch 2201. */
export type CoreKind = (typeof CORE_KINDS)[number];

export const ON_CHIP_BUFFERS = ['L1', 'L0A', 'L0B', 'L0C', 'UB', 'BT', 'FB'] as const;
export type OnChipBuffer = (typeof ON_CHIP_BUFFERS)[number];

export interface BufferParams {
  /** capacity in bytes */
  bytes: number;
  /** every access must start on a multiple of this many bytes */
  align: number;
}

export interface CoreKindParams {
  /** buffers this kind of core has */
  buffers: Partial<Record<OnChipBuffer, BufferParams>>;
  /** pipes this kind of core has (S always) */
  pipes: Pipe[];
}

/** Data paths with their own timing; GM paths also share the GM bandwidth. */
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
] as const;
export type PathName = (typeof PATHS)[number];

/** Cost of one transfer on an idle core: max(minCycles, fixedLatency + ceil(bytes / bytesPerCycle)). */
export interface PathParams {
  /** cycles from the end of streaming until the last byte lands */
  fixedLatency: number;
  /** streaming rate of this path on one core, bytes per cycle */
  bytesPerCycle: number;
  /** no transfer completes in fewer cycles than this (small transfers cost a floor, not a latency) */
  minCycles: number;
}

/** Vector instruction classes with their own cost (measured/vector.csv). */
export const VEC_CLASSES = ['unary', 'binary', 'axpy', 'div', 'conv', 'reduce', 'dup', 'mask'] as const;
export type VecClass = (typeof VEC_CLASSES)[number];

/** Cost of a vector instruction: it occupies the pipe repeats * cyclesPerRepeat cycles and
 * completes max(minCycles, that) cycles after it starts (measured: a single repeat costs ~3). */
export interface VecCost {
  /** cycles one repeat occupies the vector pipe */
  cyclesPerRepeat: number;
  /** no instruction of the class completes in fewer cycles */
  minCycles: number;
}

export interface HwParams {
  name: string;
  /** __NPU_ARCH__ this preset models; 0 for synthetic presets */
  arch: number;
  description: string;
  clockMHz: number;
  /** 'coupled' chips have only coupled cores; 'separated' chips have AIC and AIV cores */
  organisation: 'coupled' | 'separated';
  /** coupled cores, or AIC cores on a separated chip */
  cores: number;
  /** AIV cores per AIC on a separated chip (0 on coupled chips) */
  aivPerAic: number;
  coreKinds: Partial<Record<CoreKind, CoreKindParams>>;
  /** set_flag/wait_flag event ids per (src, dst) pipe pair */
  eventIds: number;
  /** depth of each pipe's instruction queue; a full queue stalls the scalar unit */
  queueDepth: number;
  scalar: {
    /** cycles per scalar ALU instruction */
    aluCycles: number;
    /** extra cycles when a branch is taken */
    branchTakenCycles: number;
    /** cycles the scalar unit spends issuing one instruction to another pipe */
    issueCycles: number;
  };
  cube: {
    /** rows of the cube per cycle (M of the fractal) */
    m0: number;
    /** columns of the cube per cycle (N of the fractal) */
    n0: number;
    /** bytes of K consumed per cycle per row: K0 = k0Bytes / element size */
    k0Bytes: number;
    /** f32 inputs run this many times slower than f16 */
    fp32Slowdown: number;
    /** pipeline latency of an mmad after its last fractal is issued */
    fixedLatency: number;
    /** legal (aType, bType) pairs */
    dtypePairs: [Dtype, Dtype][];
  };
  fixpipe: {
    /** quant modes the fixpipe supports (empty on chips without a fixpipe) */
    quantModes: QuantMode[];
  };
  gm: {
    /** chip-wide GM bandwidth shared by all cores, bytes per cycle */
    chipBytesPerCycle: number;
    /** GM bandwidth of one core's port, shared by that core's concurrent GM transfers */
    coreBytesPerCycle: number;
  };
  paths: Record<PathName, PathParams>;
  vector: {
    classes: Record<VecClass, VecCost>;
  };
  /** hardware features that change which instructions are legal */
  features: {
    /** DataCopy GM -> L1 with ND -> NZ conversion */
    nd2nz: boolean;
  };
}

/** A validated, frozen configuration with derived values. */
export interface HwConfig extends Readonly<HwParams> {
  readonly derived: {
    /** MACs per cycle for int8 inputs and for f16 inputs */
    readonly macsPerCycleInt8: number;
    readonly macsPerCycleF16: number;
    /** total number of core instances on the chip, all kinds */
    readonly totalCores: number;
  };
}
