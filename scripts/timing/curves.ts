/**
 * Which measured vendor curve (docs/measured/*.csv) each timing parameter of the default preset is
 * compared against, and the one instruction that exercises it. The part of every path must be the one
 * its PATHS_910B row in hw/config/presets.ts cites (test/timing-model.test.ts checks the comments).
 */
import type { PathName, VecClass } from '../../hw/config/types.js';

/** Acceptance bound for transfers of MIN_BYTES and up: relative error of simulated vs measured cycles. */
export const TRANSFER_TOLERANCE = 0.1;
export const MIN_BYTES = 1024;

export interface PathCurve {
  /** the preset row under test */
  readonly path: PathName;
  /** measured table and its `path` column */
  readonly table: 'dma' | 'load-repeat';
  readonly curve: string;
  readonly part: string;
  /** whether the preset row cites this curve; the others are shown for information */
  readonly cited: boolean;
  /** preset the instruction runs on (ascend910b unless it has no core with the path) */
  readonly preset: 'ascend910b' | 'ascend910';
  /** the instruction that moves `bytes` on the path */
  readonly insn: (bytes: number) => string;
}

const copy = (op: string, dst: string, src: string) => (b: number) => `${op} ${dst}[0], ${src}[0], 1, ${b}, 0, 0`;
/** LoadData 2D of whole 512 B fractals, contiguous in L1. */
const load2d = (dst: string) => (b: number) => `load2d ${dst}[0], L1[0], f16, ${b / 512}, 1, 0, 0`;
/** Fixpipe of an s32 tile 16 columns wide without conversion: `b` bytes read from L0C and written out. */
const fixpipe = (dst: string) => (b: number) => {
  const m = b / 64;
  return `fixpipe ${dst}[0], L0C[0], s32, s32, ${m}, 16, ${Math.ceil(m / 16) * 16}, 16, none, 0, 0, FB[0], 0, 1`;
};

const curve = (path: PathName, table: PathCurve['table'], name: string, part: string, cited: boolean, insn: PathCurve['insn'], preset: PathCurve['preset'] = 'ascend910b'): PathCurve => ({
  path,
  table,
  curve: name,
  part,
  cited,
  preset,
  insn,
});

export const PATH_CURVES: readonly PathCurve[] = [
  curve('GM_L1', 'dma', 'GM_TO_L1', '910b1', true, copy('copy_gm_l1', 'L1', 'GM')),
  curve('GM_UB', 'dma', 'GM_TO_UB', '910b3', true, copy('copy_gm_ub', 'UB', 'GM')),
  curve('UB_GM', 'dma', 'UB_TO_GM', '910b1', true, copy('copy_ub_gm', 'GM', 'UB')),
  curve('L0C_GM', 'dma', 'L0C_TO_GM', '910b1', true, fixpipe('GM')),
  curve('L1_L0A', 'dma', 'L1_TO_L0A', '910b1', true, load2d('L0A')),
  curve('L1_L0B', 'dma', 'L1_TO_L0B', '910b1', true, load2d('L0B')),
  curve('L1_BT', 'dma', 'L1_TO_BT', '910b1', true, copy('copy_l1_bt', 'BT', 'L1')),
  curve('L1_FB', 'dma', 'L1_TO_FB', '910b1', true, copy('copy_l1_fb', 'FB', 'L1')),
  curve('L0C_L1', 'dma', 'L0C_TO_L1', '91095', true, fixpipe('L1')),
  // arch 2201 has no core with both UB and L1: these rows serve the coupled presets, which reuse PATHS_910B
  curve('UB_L1', 'dma', 'UB_TO_L1', '91095', true, copy('copy_ub_l1', 'L1', 'UB'), 'ascend910'),
  curve('L1_UB', 'dma', 'L1_TO_UB', '91095', true, copy('copy_l1_ub', 'UB', 'L1'), 'ascend910'),
  // not cited: the other parts and the load-repeat table, for information
  curve('GM_L1', 'dma', 'GM_TO_L1', '91095', false, copy('copy_gm_l1', 'L1', 'GM')),
  curve('GM_UB', 'dma', 'GM_TO_UB', '910b1', false, copy('copy_gm_ub', 'UB', 'GM')),
  curve('GM_UB', 'dma', 'GM_TO_UB', '91095', false, copy('copy_gm_ub', 'UB', 'GM')),
  curve('UB_GM', 'dma', 'UB_TO_GM', '91095', false, copy('copy_ub_gm', 'GM', 'UB')),
  curve('L0C_GM', 'dma', 'L0C_TO_GM', '91095', false, fixpipe('GM')),
  curve('L1_L0A', 'dma', 'L1_TO_L0A', '91095', false, load2d('L0A')),
  curve('L1_L0A', 'load-repeat', 'L1_TO_L0A', '910b1', false, load2d('L0A')),
  curve('L1_L0B', 'load-repeat', 'L1_TO_L0B', '910b1', false, load2d('L0B')),
];

/** Paths with no curve to compare against, and why. */
export const UNCOMPARED_PATHS: Readonly<Partial<Record<PathName, string>>> = {
  L0C_UB: 'no measured curve of an arch 1001/2002 part (the 91095 L0C_TO_UB row is a different architecture\'s datapath); the preset uses the INI rate',
  UB_L0C: 'no measured curve and no INI rate for UB -> L0C (BroadCastVecToMM, 310P only): the preset reuses the L0C -> UB INI rate',
};

/**
 * Points >= MIN_BYTES that no parameter choice can bring within TRANSFER_TOLERANCE, with the bound the
 * test holds them to. Each must really miss (so the list cannot outlive its reason).
 */
export interface KnownMiss {
  readonly path: PathName;
  readonly curve: string;
  readonly bytes: number;
  /** the test fails if |error| exceeds this */
  readonly bound: number;
  readonly why: string;
}

export const KNOWN_MISSES: readonly KnownMiss[] = [
  {
    path: 'GM_L1',
    curve: 'GM_TO_L1',
    bytes: 4096,
    bound: 0.11,
    why:
      'Measured 1 KiB 172.8, 4 KiB 234.1 and 8 KiB 236.8 cycles: 4 KiB costs 61 cycles more than 1 KiB, then 8 KiB only 3 more. ' +
      'A model max(minCycles, fixed + ceil(B / rate)) within 10% at both 1 KiB and 4 KiB needs a rate of at most 151.7 B/cycle, which then ' +
      'misses 480 KiB by 16.8% or more; a floor cannot lower the 1 KiB prediction. The preset row is the fit with the fewest points ' +
      'beyond 10% (then the smallest rms error): only this one.',
  },
];

/** mmad: the cited curve and the error its fit states (presets.ts CUBE_BASE.fixedLatency comment). */
export const MMAD_CURVE = { part: '910b1', statedRmsCycles: 0.28 } as const;

/** One measured vector family and the instruction that runs it for `r` repeats. */
export interface VectorFamily {
  /** op and dtypes as in vector.csv, without the core/part suffix */
  readonly family: string;
  readonly insn: (r: number) => string;
  /** the error the preset states for it (checked); undefined = shown for information only */
  readonly statedMaxErr?: number;
  /** why the simulation misses the stated error (the test checks it really does) */
  readonly knownMiss?: string;
}

export interface VectorCurve {
  readonly cls: VecClass;
  readonly families: readonly VectorFamily[];
  /** what the preset comment says the class was fitted on, and caveats */
  readonly note: string;
}

export const VECTOR_PART = '910b1';

interface Claim {
  readonly stated?: number;
  readonly miss?: string;
}

const DT: Readonly<Record<string, string>> = { FP16: 'f16', FP32: 'f32', INT8: 's8', UINT8: 'u8', INT16: 's16', UINT16: 'u16', INT32: 's32', UINT32: 'u32' };
/** The ISA dtype of the i-th dtype in a family name (VCONV_FP32_FP16: 0 -> f32, 1 -> f16). */
const dt = (family: string, i: number): string => DT[family.split('_')[i + 1] ?? ''] ?? '?';
const mnemonic = (family: string): string => (family.split('_')[0] ?? '').toLowerCase();
const fam = (family: string, insn: (r: number) => string, c: Claim = {}): VectorFamily => ({
  family,
  insn,
  ...(c.stated === undefined ? {} : { statedMaxErr: c.stated }),
  ...(c.miss === undefined ? {} : { knownMiss: c.miss }),
});

// One builder per operand layout (isa/opcodes.ts). Each operand has its own 64 KiB area, a UB bank of
// its groups on 2201, and the two sources of a binary op start 256 B apart in their areas, in other
// bank groups: no layout here has a bank conflict (hw/timing/banks.ts), so the fits are conflict-free costs.
const binary = (f: string, c?: Claim) => fam(f, (r) => `${mnemonic(f)} ${dt(f, 0)}, UB[0], UB[65792], UB[131072], ${r}, 1, 1, 1, 8, 8, 8`, c);
const scalar = (f: string, c?: Claim) => fam(f, (r) => `${mnemonic(f)} ${dt(f, 0)}, UB[0], UB[65536], 2, ${r}, 1, 1, 8, 8`, c);
// vaxpy reads its destination (the addend) as well as its source: the two start 256 B apart, in other groups
const axpy = (f: string, c?: Claim) => fam(f, (r) => `${mnemonic(f)} ${dt(f, 0)}, UB[0], UB[65792], 2, ${r}, 1, 1, 8, 8`, c);
const unary = (f: string, c?: Claim) => fam(f, (r) => `${mnemonic(f)} ${dt(f, 0)}, UB[0], UB[65536], ${r}, 1, 1, 8, 8`, c);
const conv = (f: string, c?: Claim) => fam(f, (r) => `vconv ${dt(f, 1)}, ${dt(f, 0)}, rint, UB[0], UB[65536], ${r}, 1, 1, 8, 8`, c);
const reduce = (f: string, c?: Claim) => fam(f, (r) => `${mnemonic(f)} ${dt(f, 0)}, UB[0], UB[65536], ${r}, 1, 8`, c);
const dup = (f: string, c?: Claim) => fam(f, (r) => `vdup ${dt(f, 0)}, UB[0], 1, ${r}, 1, 8`, c);

/** The preset's statement for the fitted classes: "Max error 3% for these classes". */
const FIT: Claim = { stated: 0.03 };
const FLOOR4: Claim = {
  stated: 0.03,
  miss: 'This dtype measures 4 cycles for 1 to 3 repeats (max(4, r)); the class floor is 3, so short instructions are 25% fast',
};

export const VECTOR_CURVES: readonly VectorCurve[] = [
  {
    cls: 'unary',
    note: 'The preset fits VADDS/VMULS/VRELU/VCOPY as max(3, r); vmaxs, vmins and vabs share the class',
    families: [
      scalar('VADDS_FP16_FP16_FP16', FIT),
      scalar('VADDS_FP32_FP32_FP32', FIT),
      scalar('VADDS_INT16_INT16_INT16', FLOOR4),
      scalar('VADDS_INT32_INT32_INT32', FLOOR4),
      scalar('VMULS_FP16_FP16_FP16', FIT),
      scalar('VMULS_FP32_FP32_FP32', FLOOR4),
      scalar('VMULS_INT32_INT32_INT32', FIT),
      scalar('VMAXS_FP16_FP16_FP16'),
      unary('VRELU_FP16_FP16', FIT),
      unary('VRELU_FP32_FP32', FIT),
      unary('VABS_FP16_FP16'),
      unary('VCOPY_INT16_INT16', FIT),
    ],
  },
  {
    cls: 'binary',
    note: 'The preset fits VADD/VSUB/VMUL/VMAX/VMIN for f32, s16, s32 as max(3, 2r); f16 vadd/vmul cycles are rebuilt from bytes/cycle (0 in the CSV)',
    families: [
      binary('VADD_FP16_FP16_FP16'),
      binary('VADD_FP32_FP32_FP32', FIT),
      binary('VADD_INT16_INT16_INT16', FIT),
      binary('VADD_INT32_INT32_INT32', FIT),
      binary('VSUB_FP32_FP32_FP32', FIT),
      binary('VMUL_FP16_FP16_FP16'),
      binary('VMUL_FP32_FP32_FP32', FIT),
      binary('VMUL_INT32_INT32_INT32', FIT),
      binary('VMAX_FP16_FP16_FP16'),
      binary('VMAX_FP32_FP32_FP32', FIT),
      binary('VMIN_INT16_INT16_INT16', FIT),
    ],
  },
  {
    cls: 'axpy',
    note: 'The preset fits VAXPY f32 as max(3, 2r), max error 1.4% (f16 1.1%)',
    families: [axpy('VAXPY_FP16_FP16_FP16', { stated: 0.011 }), axpy('VAXPY_FP32_FP32_FP32', { stated: 0.014 })],
  },
  {
    cls: 'div',
    note: 'Not fitted: docs/hardware.md §Vector unit says about 4 cycles per repeat',
    families: [binary('VDIV_FP16_FP16_FP16'), binary('VDIV_FP32_FP32_FP32')],
  },
  {
    cls: 'conv',
    note: 'The preset fits VCONV f16->f32, f32->s32, s32->f32, f16->s8/u8, s8->f16 as max(3, r) and states 8% for f32->f16',
    families: [
      conv('VCONV_FP16_FP32', FIT),
      conv('VCONV_FP32_FP16', {
        stated: 0.08,
        miss:
          'Conversion f32 -> f16 measures 0.49 cycles per repeat; the class costs 1 and cyclesPerRepeat is an integer, so long conversions take about twice ' +
          'the measured time (the 8% is the calibration fit max(3, 0.52r), which the table cannot hold)',
      }),
      conv('VCONV_FP32_INT32', FIT),
      conv('VCONV_INT32_FP32', FIT),
      conv('VCONV_FP16_INT8', FIT),
      conv('VCONV_FP16_UINT8', FIT),
      conv('VCONV_INT8_FP16', FIT),
      conv('VCONV_INT16_FP16'),
    ],
  },
  {
    cls: 'reduce',
    note: 'The preset fits VCADD f16 and VCMAX f32 at 7 cycles per repeat; VCADD f32 runs at 3 and is not modelled per dtype (preset comment)',
    families: [reduce('VCADD_FP16_FP16', FIT), reduce('VCADD_FP32_FP32'), reduce('VCMAX_FP16_FP16'), reduce('VCMAX_FP32_FP32', FIT)],
  },
  {
    cls: 'dup',
    note: 'The preset fits VECTORDUP f16, s16, s32 as max(3, r)',
    families: [dup('VECTORDUP_FP16_FP16', FIT), dup('VECTORDUP_FP32_FP32'), dup('VECTORDUP_INT16_INT16', FIT), dup('VECTORDUP_INT32_INT32', FIT)],
  },
];

/** Vector classes with no measured curve, and why. */
export const UNCOMPARED_VECTOR: Readonly<Partial<Record<VecClass, string>>> = {
  mask: 'no measured curve; docs/hardware.md §Vector unit: each mask change costs 1 cycle (ADK)',
};
