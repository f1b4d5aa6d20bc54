/**
 * Presets: one HwParams per chip generation. Every number names its fact in docs/hardware.md
 * ("HW §<section>: <fact>", a section of that page) or says how it was derived. "open" marks values
 * where sources disagree. Path and vector costs of ascend910b are fitted to the measured vendor curves
 * ("fit <table>.csv ...", a table of docs/measured; scripts/calibrate.ts prints the fit and its error
 * per point); the coupled presets have no measured curves and reuse them. What each field means, its
 * unit and legal values: hw/config/fields.ts (docs/config.md).
 */
import type { HwParams, PathName, PathParams, UbBankParams, VecClass, VecCost } from './types.js';

const KB = 1024;
const MiB = 1024 * KB;

/**
 * L2 geometry no source gives (HW §Chip memory system, "not public"): chosen, the same on every
 * preset. 128 B lines: the smallest GM request size, so partial-line overfetch is the least any
 * choice would show; 16 ways with LRU replacement: a common choice for a large last-level cache.
 */
const L2_CHOSEN = { lineBytes: 128, ways: 16 } as const;

/**
 * HBM traffic one core can draw: half its port. msKPP gives the hit vs miss gap as 4.5x in theory and
 * "2x or more" measured (HW §Chip memory system); the measured bound is used. INI-B1's ddr_rate of
 * 32 B/cycle per core is the chip's HBM split over 24 cores, not a single core's limit.
 */
const MISS_PER_CORE = (port: number) => port / 2;

/**
 * Fitted to docs/measured/dma.csv and load-repeat.csv, minimising the largest relative error over sizes
 * >= 1 KiB (scripts/calibrate.ts prints each fit and its error per point). Part in brackets.
 * cost = max(minCycles, fixedLatency + ceil(bytes / bytesPerCycle)).
 */
const PATHS_910B: Record<PathName, PathParams> = {
  GM_L1: { fixedLatency: 183, bytesPerCycle: 163.8, minCycles: 0 }, // fit dma.csv GM_TO_L1 [910b1]: fewest points >= 1 KiB beyond 10%, then rms; only 4 KiB misses (-10.7%, no max(min, f + B/r) meets both 1 KiB and 4 KiB: docs/timing-model.md); HW §Data paths: GM -> L1 ~156-168, ~173 at 1 KiB
  GM_UB: { fixedLatency: 193, bytesPerCycle: 128, minCycles: 0 }, // fit dma.csv GM_TO_UB [910b3]; HW §Data paths: GM -> UB ~47 (B1) to ~110 (B3): open, B3 chosen (B1 halves above 16 KiB)
  UB_GM: { fixedLatency: 123, bytesPerCycle: 82.2, minCycles: 0 }, // fit dma.csv UB_TO_GM [910b1]; HW §Data paths: UB -> GM ~66 measured
  UB_L1: { fixedLatency: 0, bytesPerCycle: 118, minCycles: 0 }, // fit dma.csv UB_TO_L1 [91095: the only part measured]; HW §Data paths: UB -> L1 128 (INI)
  L1_UB: { fixedLatency: 0, bytesPerCycle: 118, minCycles: 0 }, // fit dma.csv L1_TO_UB [91095: the only part measured]; HW §Data paths: L1 -> UB 128 (INI)
  L1_L0A: { fixedLatency: 2, bytesPerCycle: 268, minCycles: 0 }, // fit dma.csv L1_TO_L0A [910b1]; HW §Data paths: L1 -> L0A 256 (ADK), 261 measured
  L1_L0B: { fixedLatency: 2, bytesPerCycle: 134, minCycles: 0 }, // fit dma.csv L1_TO_L0B [910b1]; HW §Data paths: L1 -> L0B 128 (ADK), 131 measured
  L1_BT: { fixedLatency: 0, bytesPerCycle: 33, minCycles: 3 }, // fit dma.csv L1_TO_BT [910b1], floor model (only sizes <= 1 KiB measured)
  L1_FB: { fixedLatency: 14, bytesPerCycle: 33, minCycles: 0 }, // fit dma.csv L1_TO_FB [910b1] (only sizes <= 1 KiB measured)
  L0C_GM: { fixedLatency: 0, bytesPerCycle: 118, minCycles: 86 }, // fit dma.csv L0C_TO_GM [910b1], floor model; HW §Data paths: L0C -> GM ~120, ~83 cycles
  L0C_L1: { fixedLatency: 0, bytesPerCycle: 234, minCycles: 8 }, // fit dma.csv L0C_TO_L1 [91095: the only part measured], floor model
  L0C_UB: { fixedLatency: 0, bytesPerCycle: 256, minCycles: 0 }, // HW §Data paths: L0C -> UB (910/310P, via vector) 256 (INI); not measured
  UB_L0C: { fixedLatency: 0, bytesPerCycle: 256, minCycles: 0 }, // open: HW §L0C <-> UB on 310P: no rate is public for UB -> L0C; the L0C -> UB INI rate (256) is reused, counted in L0C bytes written
};

/**
 * Fitted to docs/measured/vector.csv (910b1): an instruction occupies the pipe repeats * cyclesPerRepeat
 * and completes after max(minCycles, that). Max error about 3% for the fitted instructions; the
 * exceptions are named per row (docs/timing-model.md lists every point).
 */
const VECTOR_910B: Record<VecClass, VecCost> = {
  unary: { cyclesPerRepeat: 1, minCycles: 3 }, // fit VADDS/VMULS/VRELU/VCOPY: max(3, r); VADDS s16/s32, VMULS f32 floor at 4 (-26% at 1-3 repeats); HW §Vector unit: 1 cycle/repeat unary
  binary: { cyclesPerRepeat: 2, minCycles: 3 }, // fit VADD/VSUB/VMUL/VMAX/VMIN f32,s16,s32: max(3, 2r); HW §Vector unit: 2 cycles/repeat binary
  axpy: { cyclesPerRepeat: 2, minCycles: 3 }, // fit VAXPY_FP32_FP32_FP32: max(3, 2.00r), max error 1.4% (f16 1.1%)
  div: { cyclesPerRepeat: 4, minCycles: 3 }, // HW §Vector unit: vdiv ~4 cycles/repeat (not in the fitted set)
  conv: { cyclesPerRepeat: 1, minCycles: 3 }, // fit VCONV f16->f32, f32->s32, s32->f32, f16->s8/u8, s8->f16: max(3, r); f32->f16 measures ~0.5 r and is overestimated up to 2x (one class for all pairs)
  reduce: { cyclesPerRepeat: 7, minCycles: 0 }, // fit VCADD f16 7.0 r, VCMAX f32 7.0 r; HW §Vector unit: reductions ~7 (VCADD f32 is 3: not modelled per dtype)
  dup: { cyclesPerRepeat: 1, minCycles: 3 }, // fit VECTORDUP f16/s16/s32: max(3, r)
  mask: { cyclesPerRepeat: 1, minCycles: 1 }, // HW §Vector unit: each mask change costs 1 cycle (ADK)
};

/**
 * UB banks of arch 2201. The address map is not stated as such; it is the one the vendor's worked
 * examples imply (HW §UB and L1 banks: 0x10000 in bank 16, 0x10020 in bank 17, 0x20020 in bank 33,
 * group = bank mod 16): group = bits 8:5, row in the bank = bits 15:9, bank in the group = the 64 KiB
 * block. hw/timing/banks.ts.
 */
const UB_BANKS_2201: UbBankParams = {
  groups: 16, // HW §UB and L1 banks: UB on 2201 is 16 bank groups
  banksPerGroup: 3, // HW §UB and L1 banks: of 3 banks of 4 KiB each
  bankRows: 128, // HW §UB and L1 banks: a bank is 128 rows of 32 B
  rowBytes: 32, // HW §UB and L1 banks: a bank is 128 rows of 32 B
  conflictCycles: 1, // HW §UB and L1 banks: 8 blocks of a repeat in one group take 8 cycles, so 1 per serialised access
};

/**
 * L1 on 2201: 16 banks of 32 KiB in 8 groups of 2, address map {BANK[0], DEPTH[9:0], BG[2:0], WIDTH[4:0]}
 * (HW §UB and L1 banks): 32 B rows walk through the 8 groups, 1024 rows deep, and address bit 18 picks
 * the bank of the group. One read or one write per bank per cycle. No cycle penalty is published, so
 * the preset charges none: runs count the cycles reads stream beside writes to their banks
 * (`l1BankOverlap`), and `conflictCycles` prices them in a what-if.
 */
const L1_BANKS_2201 = {
  groups: 8, // HW §UB and L1 banks: 8 groups of 2 banks
  banksPerGroup: 2, // HW §UB and L1 banks: 8 groups of 2 banks
  bankRows: 1024, // HW §UB and L1 banks: DEPTH[9:0], banks of 32 KiB
  rowBytes: 32, // HW §UB and L1 banks: WIDTH[4:0]
  conflictCycles: 0, // HW §UB and L1 banks: no penalty is published
} as const;

/**
 * Assumed gap between two back-to-back kernel launches on one stream (docs/networks.md, "Launch
 * overhead"): no public figure; the public ones are of one launch + aclrtSynchronizeStream of a
 * trivial kernel (ascend-rs benchmarks: ~0.022-0.030 ms on 910B3, ~0.075 ms on 310P), which include
 * the host round trip a queued network does not pay, so they are an upper bound, not the value.
 */
const LAUNCH_OVERHEAD_US = 5;

const SCALAR = { aluCycles: 1, branchTakenCycles: 1, issueCycles: 1 }; // assumed: no public scalar timing

const CUBE_BASE = {
  k0Bytes: 32, // HW §Cube unit: K0 = 32 B (int8 32, fp16 16), a fractal row is 32 B
  fp32Slowdown: 4, // HW §Cube unit: fp32 cube rate is 1/4 of fp16 (ADK 2201 constraints)
  fixedLatency: 2, // fit mmad.csv [910b1]: ceil(m/16)ceil(k/16)ceil(n/16) + 2 (rms 0.28 cycles); 910b3 fits + 23: open
};

const COUPLED_BUFFERS = {
  UB: { bytes: 256 * KB, align: 32 }, // HW §Buffers: UB 256 KiB (1001/2002), 32 B alignment
  L1: { bytes: 1024 * KB, align: 32 }, // HW §Buffers: L1 1024 KiB (1001/2002), 32 B alignment
  L0A: { bytes: 64 * KB, align: 512 }, // HW §Buffers: L0A 64 KiB, 512 B alignment
  L0B: { bytes: 64 * KB, align: 512 }, // HW §Buffers: L0B 64 KiB, 512 B alignment
  L0C: { bytes: 256 * KB, align: 1024 }, // HW §Buffers: L0C 256 KiB (1001/2002); 1024 B = mmad destination alignment
};
const COUPLED_PIPES: HwParams['coreKinds']['coupled'] = {
  buffers: COUPLED_BUFFERS,
  pipes: ['S', 'MTE1', 'MTE2', 'MTE3', 'M', 'V'], // HW §Core organisation: coupled cores have no fixpipe
};

export const ascend910b: HwParams = {
  name: 'ascend910b',
  arch: 2201, // HW §Generations: 2201 Atlas A2/A3 (910B, 910C)
  description: 'Ascend 910B (Atlas A2), arch 2201: 24 cube cores (AIC) with 2 vector cores (AIV) each',
  clockMHz: 1800, // HW §Generations: 1.8-1.85 GHz; KPP curves are converted at 1.8 GHz
  launchOverheadUs: LAUNCH_OVERHEAD_US,
  organisation: 'separated', // HW §Generations: separated, AIC : AIV = 1 : 2
  cores: 24, // HW §Generations: 910B1 24/25 AIC
  aivPerAic: 2, // HW §Generations: AIC : AIV = 1 : 2
  coreKinds: {
    aic: {
      buffers: {
        L1: { bytes: 512 * KB, align: 32 }, // HW §Buffers: L1 512 KiB (2201), 32 B
        L0A: { bytes: 64 * KB, align: 512 }, // HW §Buffers: L0A 64 KiB, 512 B
        L0B: { bytes: 64 * KB, align: 512 }, // HW §Buffers: L0B 64 KiB, 512 B
        L0C: { bytes: 128 * KB, align: 1024 }, // HW §Buffers: L0C 128 KiB (2201); 1024 B mmad destination
        BT: { bytes: 1 * KB, align: 64 }, // HW §Buffers: BT 1 KiB, 64 B
        FB: { bytes: 2 * KB, align: 64 }, // HW §Buffers: FB 2 KiB (doc) or 7 KiB (INI): open, doc value chosen
      },
      pipes: ['S', 'MTE1', 'MTE2', 'M', 'FIX'], // HW §Core organisation: AIC = L1, L0A/B/C, BT, FB, MTE1, MTE2, M, FIX
    },
    aiv: {
      buffers: {
        UB: { bytes: 184 * KB, align: 32 }, // HW §Buffers: UB 192 KiB (2201) less the 8 KiB reserved by default
      },
      pipes: ['S', 'MTE2', 'MTE3', 'V'], // HW §Core organisation: AIV = UB, MTE2, MTE3, V
    },
  },
  eventIds: 8, // HW §Pipes and synchronisation: event ids 0-7 (2201, 310P)
  queueDepth: 32, // HW §Pipes and synchronisation: MTE1 and M queues are 32 deep (others assumed the same)
  scalar: SCALAR,
  cube: {
    ...CUBE_BASE,
    dtypePairs: [
      ['s8', 's8'], // HW §Cube unit: int8 x int8 -> int32
      ['f16', 'f16'], // HW §Cube unit: fp16 x fp16 -> fp32
      ['f32', 'f32'], // HW §Cube unit: fp32 cube rate 1/4 of fp16
    ],
  },
  fixpipe: { quantModes: ['none', 'f322f16', 'deqf16', 'vdeqf16', 'req8', 'vreq8'] }, // HW §Fixpipe quantisation: the modes of 2201
  gm: {
    chipBytesPerCycle: 639, // HW §Chip memory system: 910B ~1.15 TB/s HBM read measured; / 1.8 GHz
    coreBytesPerCycle: 168, // HW §Data paths: GM -> L1 ~156-168 measured (with L2 hits): one core's port, upper end
    coreMissBytesPerCycle: MISS_PER_CORE(168), // HW §Chip memory system: hit vs miss gap "2x or more" measured (msKPP)
  },
  l2: {
    mode: 'normal',
    bytes: 192 * MiB, // HW §Chip memory system: 192 MiB on the 24-AIC 910B parts (CATLASS L2CacheByte)
    ...L2_CHOSEN,
    chipBytesPerCycle: 3889, // HW §Chip memory system: L2 ~7 TB/s read/write mixed (ADK worked example); / 1.8 GHz
  },
  paths: PATHS_910B,
  vector: { classes: VECTOR_910B },
  banks: { ub: UB_BANKS_2201, l1: L1_BANKS_2201 },
  features: { nd2nz: true, enhancedL0cUb: false }, // HW §Data movement instructions: ND -> NZ DataCopy exists on 2201 (ADK); HW §L0C <-> UB on 310P: no L0C -> UB path on 2201
};

export const ascend910: HwParams = {
  name: 'ascend910',
  arch: 1001, // HW §Generations: 1001 Ascend 910
  description: 'Ascend 910 (training), arch 1001: 32 coupled AI cores',
  clockMHz: 1000, // HW §Generations: ~1.0 GHz (derived from 256 TFLOPS fp16)
  launchOverheadUs: LAUNCH_OVERHEAD_US,
  organisation: 'coupled',
  cores: 32, // HW §Generations: 32 cores
  aivPerAic: 0,
  coreKinds: { coupled: COUPLED_PIPES },
  eventIds: 4, // HW §Pipes and synchronisation: event ids 0-3 (910)
  queueDepth: 32, // HW §Pipes and synchronisation: MTE1 and M queues are 32 deep (others assumed the same)
  scalar: SCALAR,
  cube: { ...CUBE_BASE, dtypePairs: [['s8', 's8'], ['f16', 'f16']] }, // HW §Cube unit: int8 and fp16 modes
  fixpipe: { quantModes: [] }, // HW §Vendor INT8 operators: (de/re)quantisation on the vector unit on 910/310P
  gm: {
    chipBytesPerCycle: 1200, // HW §Chip memory system: 910 ~1.2 TB/s HBM; / 1.0 GHz
    coreBytesPerCycle: 168, // open: no per-core figure for 1001; the 2201 measured value is reused
    coreMissBytesPerCycle: MISS_PER_CORE(168), // open: the 2201 hit vs miss gap is reused
  },
  l2: {
    mode: 'normal',
    bytes: 32 * MiB, // HW §Chip memory system: 32 MiB, one third-party quote of the 910 INI: weak
    ...L2_CHOSEN,
    chipBytesPerCycle: 32 * 168, // open: no L2 bandwidth is public for 1001; set so it never binds (cores x port)
  },
  paths: PATHS_910B, // open: no measured curves for 1001; the 2201 fits are reused per cycle
  vector: { classes: VECTOR_910B }, // open: as above
  banks: { ub: null, l1: null }, // HW §UB and L1 banks: the UB and L1 banks of 910 and 310P are not public, so no conflicts are modelled
  features: { nd2nz: false, enhancedL0cUb: false }, // HW §Data movement instructions: ND -> NZ DataCopy is arch 2201 only; 1001 gets NZ data from the host; HW §L0C <-> UB on 310P: the training parts (910) do not convert on the path
};

export const ascend310p: HwParams = {
  ...ascend910,
  name: 'ascend310p',
  arch: 2002, // HW §Generations: 2002 Ascend 310P
  description: 'Ascend 310P (inference), arch 2002: 8 coupled AI cores',
  clockMHz: 1070, // HW §Generations: ~1.07 GHz (derived)
  cores: 8, // HW §Generations: 8 AI cores (OPSNN Ascend310P3_8_AiCore)
  eventIds: 8, // HW §Pipes and synchronisation: event ids 0-7 (2201, 310P)
  cube: {
    ...CUBE_BASE,
    dtypePairs: [
      ['s8', 's8'], // HW §Cube unit: int8 x int8 -> int32
      ['u8', 's8'], // HW §Cube unit: 310P also allows u8 x s8 (ADK Mmad page)
      ['u8', 'u8'], // HW §Cube unit: 310P also allows u8 x u8 (ADK Mmad page)
      ['f16', 'f16'], // HW §Cube unit: fp16 x fp16 -> fp32
    ],
  },
  gm: {
    chipBytesPerCycle: 190, // HW §Chip memory system: 310P ~204 GB/s LPDDR4X; / 1.07 GHz
    coreBytesPerCycle: 168, // open: no per-core figure for 2002; the 2201 measured value is reused
    coreMissBytesPerCycle: MISS_PER_CORE(168), // open: the 2201 hit vs miss gap is reused
  },
  l2: {
    mode: 'normal',
    bytes: 16 * MiB, // HW §Chip memory system: 16 MiB (ops-nn tiling fixtures for Ascend310P: L2_SIZE 16777216)
    ...L2_CHOSEN,
    chipBytesPerCycle: 8 * 168, // open: no L2 bandwidth is public for 2002; set so it never binds (cores x port)
  },
  features: { nd2nz: false, enhancedL0cUb: true }, // HW §L0C <-> UB on 310P: enhanced L0C -> UB DataCopy (DEQ / VDEQ) and BroadCastVecToMM exist on the inference AI Core only
};

/**
 * A small synthetic chip for tests: tiny buffers that overflow easily and round numbers that make
 * hand-derived cycle counts easy to follow. Not a real part.
 */
export const tiny: HwParams = {
  name: 'tiny',
  arch: 0,
  description: 'synthetic test chip: 2 coupled cores, small buffers, round latencies',
  clockMHz: 1000,
  launchOverheadUs: 0, // a test chip: network latencies are the kernels' cycles alone
  organisation: 'coupled',
  cores: 2,
  aivPerAic: 0,
  coreKinds: {
    coupled: {
      buffers: {
        UB: { bytes: 32 * KB, align: 32 },
        L1: { bytes: 64 * KB, align: 32 },
        L0A: { bytes: 8 * KB, align: 512 },
        L0B: { bytes: 8 * KB, align: 512 },
        L0C: { bytes: 16 * KB, align: 1024 },
      },
      pipes: ['S', 'MTE1', 'MTE2', 'MTE3', 'M', 'V'],
    },
  },
  eventIds: 4,
  queueDepth: 4,
  scalar: { aluCycles: 1, branchTakenCycles: 1, issueCycles: 1 },
  cube: { ...CUBE_BASE, fixedLatency: 4, dtypePairs: [['s8', 's8'], ['u8', 's8'], ['u8', 'u8'], ['f16', 'f16'], ['f32', 'f32']] },
  fixpipe: { quantModes: [] },
  // misses as fast as hits and an L2 as fast as the old GM, so hand-derived cycles of line-aligned
  // transfers do not depend on what is resident; the L2 is small so tests can overflow it
  gm: { chipBytesPerCycle: 96, coreBytesPerCycle: 64, coreMissBytesPerCycle: 64 },
  l2: { mode: 'normal', bytes: 256 * KB, lineBytes: 128, ways: 4, chipBytesPerCycle: 96 },
  paths: Object.fromEntries(
    (Object.keys(PATHS_910B) as PathName[]).map((p) => [p, { fixedLatency: 10, bytesPerCycle: p.startsWith('GM') || p.endsWith('GM') ? 64 : 128, minCycles: 0 }]),
  ) as Record<PathName, PathParams>,
  vector: { classes: VECTOR_910B },
  banks: { ub: null, l1: null }, // coupled like 910 and 310P, whose banks are not public
  features: { nd2nz: true, enhancedL0cUb: false }, // like 910: the vector epilogues of the test chip keep their separate passes
};

/** A separated (2201-style) version of `tiny`: 1 AIC + 2 AIV with small buffers and a fixpipe. */
export const tinySep: HwParams = {
  ...tiny,
  name: 'tiny-sep',
  description: 'synthetic test chip: 2 AIC with 2 AIV each, small buffers, round latencies',
  organisation: 'separated',
  aivPerAic: 2,
  coreKinds: {
    aic: {
      buffers: {
        L1: { bytes: 64 * KB, align: 32 },
        L0A: { bytes: 8 * KB, align: 512 },
        L0B: { bytes: 8 * KB, align: 512 },
        L0C: { bytes: 16 * KB, align: 1024 },
        BT: { bytes: 1 * KB, align: 64 },
        FB: { bytes: 2 * KB, align: 64 },
      },
      pipes: ['S', 'MTE1', 'MTE2', 'M', 'FIX'],
    },
    aiv: { buffers: { UB: { bytes: 32 * KB, align: 32 } }, pipes: ['S', 'MTE2', 'MTE3', 'V'] },
  },
  fixpipe: { quantModes: ['none', 'f322f16', 'deqf16', 'vdeqf16', 'req8', 'vreq8'] },
  // 2201-style banks scaled to the 32 KiB UB: 16 groups of 2 banks of 32 rows, mapped as on ascend910b
  banks: { ub: { ...UB_BANKS_2201, banksPerGroup: 2, bankRows: 32 }, l1: { ...L1_BANKS_2201, bankRows: 128 } }, // 2201's banks, scaled to its 64 KiB L1
};

export const PRESETS: Readonly<Record<string, HwParams>> = {
  ascend910b,
  ascend910,
  ascend310p,
  tiny,
  'tiny-sep': tinySep,
};
