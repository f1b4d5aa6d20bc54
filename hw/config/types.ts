/**
 * Hardware parameters. A preset is plain data of type `HwParams`; `deriveConfig` validates it and adds
 * derived values, giving the frozen `HwConfig` every model component receives at construction.
 */
import type { Dtype, Pipe, QuantMode } from '../../isa/types.js';
import type { PathName, VecClass } from '../../isa/timing.js';

export const CORE_KINDS = ['coupled', 'aic', 'aiv'] as const;
/** coupled: one scalar unit drives cube and vector (910, 310P); aic / aiv: the cube and vector cores of arch 2201. */
export type CoreKind = (typeof CORE_KINDS)[number];

export const ON_CHIP_BUFFERS = ['L1', 'L0A', 'L0B', 'L0C', 'UB', 'BT', 'FB'] as const;
export type OnChipBuffer = (typeof ON_CHIP_BUFFERS)[number];

export interface BufferParams {
  bytes: number;
  align: number;
}

export interface CoreKindParams {
  buffers: Partial<Record<OnChipBuffer, BufferParams>>;
  pipes: Pipe[];
}

/** Path and vector class names belong to the ISA (an opcode row names its own); their costs are preset data. */
export { PATHS, VEC_CLASSES, type PathName, type VecClass } from '../../isa/timing.js';

/** Cost of one transfer on an idle core: max(minCycles, fixedLatency + ceil(bytes / bytesPerCycle)). */
export interface PathParams {
  fixedLatency: number;
  bytesPerCycle: number;
  minCycles: number;
}

/** Cost of a vector instruction: it occupies the pipe repeats * cyclesPerRepeat cycles and
 * completes max(minCycles, that) cycles after it starts (measured: a single repeat costs ~3). */
export interface VecCost {
  cyclesPerRepeat: number;
  minCycles: number;
}

/**
 * The parameters of one chip. Each field's unit, legal values, meaning and source are declared once,
 * in FIELDS of hw/config/fields.ts (rendered as docs/config.md); validation reads the same table.
 */
export const L2_MODES = ['normal', 'disabled'] as const;
export type L2Mode = (typeof L2_MODES)[number];

export interface HwParams {
  name: string;
  arch: number;
  description: string;
  clockMHz: number;
  /** time between two launches of a network on one stream, added per launch to its latency */
  launchOverheadUs: number;
  organisation: 'coupled' | 'separated';
  cores: number;
  aivPerAic: number;
  coreKinds: Partial<Record<CoreKind, CoreKindParams>>;
  eventIds: number;
  queueDepth: number;
  scalar: {
    aluCycles: number;
    branchTakenCycles: number;
    issueCycles: number;
  };
  cube: {
    k0Bytes: number;
    fp32Slowdown: number;
    fixedLatency: number;
    dtypePairs: [Dtype, Dtype][];
  };
  fixpipe: {
    quantModes: QuantMode[];
  };
  gm: {
    /** HBM / DDR bandwidth of the chip: L2 misses, write-backs and bypassed bytes share it */
    chipBytesPerCycle: number;
    /** one core's GM port: every GM transfer of the core (hits and misses) shares it */
    coreBytesPerCycle: number;
    /** the most HBM traffic one core's misses can draw (a lone core cannot saturate HBM) */
    coreMissBytesPerCycle: number;
  };
  /** the chip's L2 cache, shared by all cores (hw/memory/l2-cache.ts) */
  l2: {
    /** 'normal': GM accesses go through the L2; 'disabled': every access goes to HBM (a what-if) */
    mode: L2Mode;
    bytes: number;
    lineBytes: number;
    ways: number;
    /** chip-wide L2 bandwidth, shared by all cores' GM transfers */
    chipBytesPerCycle: number;
  };
  paths: Record<PathName, PathParams>;
  vector: {
    classes: Record<VecClass, VecCost>;
  };
  /** on-chip buffer banks that slow accesses down when they collide */
  banks: {
    ub: UbBankParams | null;
    l1: L1BankParams | null;
  };
  /** hardware features that change which instructions are legal */
  features: {
    nd2nz: boolean;
    /** the L0C <-> UB path converts: copy_l0c_ub_deq / copy_l0c_ub_vdeq / copy_l0c_ub_f322f16 and bcast_ub_l0c exist */
    enhancedL0cUb: boolean;
  };
}

/**
 * UB bank structure and the cost of a conflict (docs/hardware.md §UB and L1 banks). The UB is rows of
 * `rowBytes`; consecutive rows go to consecutive bank groups, a bank holds `bankRows` rows of each
 * group, and the banks of a group follow each other (hw/timing/banks.ts). `null` on presets whose
 * structure is not public: no conflicts are modelled.
 */
export interface UbBankParams {
  /** bank groups; two reads or two writes to one group in one cycle conflict */
  groups: number;
  /** banks in each group; a read and a write to one bank in one cycle conflict */
  banksPerGroup: number;
  /** rows of one bank */
  bankRows: number;
  /** bytes of one row, the unit consecutive addresses move from group to group in */
  rowBytes: number;
  /** extra cycles a vector repeat takes for each access it has to serialise behind a conflict */
  conflictCycles: number;
}

/**
 * L1 bank structure (docs/hardware.md §UB and L1 banks), with the UB's address map: rows of `rowBytes`
 * go to consecutive groups, a bank holds `bankRows` rows of each group, the banks of a group follow
 * each other. A bank serves one read or one write per cycle, so a read that streams while another
 * pipe writes the same bank shares it (hw/timing/l1-banks.ts). `null`: not modelled.
 */
export interface L1BankParams {
  groups: number;
  banksPerGroup: number;
  bankRows: number;
  rowBytes: number;
  /** extra cycles of a read for each cycle it streams beside a write to one of its banks (no cost is published) */
  conflictCycles: number;
}

/** A validated, frozen configuration with derived values. */
export interface HwConfig extends Readonly<HwParams> {
  readonly derived: {
    /** MACs per cycle for int8 inputs and for f16 inputs: 16 x 16 fractal rows x K0 */
    readonly macsPerCycleInt8: number;
    readonly macsPerCycleF16: number;
    /** total number of core instances on the chip, all kinds */
    readonly totalCores: number;
  };
}
