/**
 * The opcode table: the single source of truth of the ISA. Assembler, disassembler, validator,
 * functional dispatch and the timing table are all derived from it or checked against it. A row also
 * says how it is timed: a vector row names its cost class, a data movement its data path, so the cost
 * table, the footprint check and docs/timing-model.md read them from here.
 * Each entry mirrors an Ascend C intrinsic (or a scalar instruction of the AI Core scalar unit);
 * deviations are written in isa/README.md.
 */
import type { BufferName, Pipe, Dtype } from './types.js';
import type { PathName, VecClass } from './timing.js';
import {
  operand as op,
  REPEAT,
  dstBlk,
  dstRep,
  src0Blk,
  src0Rep,
  src1Blk,
  src1Rep,
  UB_ONLY,
  COPY_SHAPE,
  type OperandSpec,
} from './operands.js';

/**
 * What kind of work an opcode is. Semantics, timing and the issue logic dispatch on the family;
 * a family shares one operand layout.
 */
export const FAMILIES = [
  'scalar', // register ALU, runs on the scalar unit
  'branch', // control flow on the scalar unit
  'sync', // set_flag / wait_flag / pipe_barrier / barrier_all / cross-core flags
  'dma', // DataCopy between buffers
  'nd2nz', // DataCopy GM (ND) -> L1 (NZ fractals)
  'load2d', // LoadData 2D, L1 -> L0A/L0B
  'load3d', // LoadData 3D (img2col), L1 -> L0A/L0B
  'mmad', // cube
  'fixpipe', // L0C -> GM/L1 with conversion
  'l0c-ub', // L0C -> UB through the vector unit (coupled cores)
  'l0c-ub-deq', // L0C -> UB converting s32 -> f16 on the way, one scale (310P enhanced DataCopy, DEQ)
  'l0c-ub-vdeq', // L0C -> UB converting s32 -> f16 on the way, a scale per column (310P enhanced DataCopy, VDEQ)
  'l0c-ub-f322f16', // L0C -> UB converting f32 -> f16 on the way (310P enhanced DataCopy, float L0C to half UB)
  'ub-l0c-bcast', // UB -> L0C, each 16-element vector repeated over the 16 rows of a fractal (310P BroadCastVecToMM)
  'vec-mask', // set the vector mask
  'vec-binary',
  'vec-scalar',
  'vec-axpy', // vec-scalar's layout, but the destination is also read (the addend)
  'vec-unary',
  'vec-dup',
  'vec-conv',
  'vec-deq', // s32 -> f16 times a scalar scale (kept as f16)
  'vec-vdeq', // s32 -> f16 times a per-lane f16 scale read from UB
  'vec-reduce',
] as const;
export type Family = (typeof FAMILIES)[number];

/** Families that move bytes on one data path: each of their rows names its path. */
export const COPY_FAMILIES = ['dma', 'nd2nz', 'load2d', 'load3d', 'fixpipe', 'l0c-ub', 'l0c-ub-deq', 'l0c-ub-vdeq', 'l0c-ub-f322f16', 'ub-l0c-bcast'] as const satisfies readonly Family[];
export type CopyFamily = (typeof COPY_FAMILIES)[number];
/** Families run by the vector unit: each of their rows names its cost class. */
export type VectorFamily = Extract<Family, `vec-${string}`>;

/**
 * The data path of a data movement row: one path, or, when the destination buffer decides it (load2d
 * into L0A or L0B), the path per destination buffer.
 */
export type PathChoice = PathName | { readonly [B in BufferName]?: PathName };

interface OpSpecBase {
  readonly pipe: Pipe;
  readonly operands: readonly OperandSpec[];
  /** legal element types for the opcode's `dtype` operand, if it has one */
  readonly dtypes?: readonly Dtype[];
  readonly doc: string;
}
/** A data movement: its cost is its bytes on `path` (hw/timing/cost.ts). */
export interface CopyOpSpec extends OpSpecBase {
  readonly family: CopyFamily;
  readonly path: PathChoice;
}
/** A vector instruction: its cost is its repeats at the cost of class `timing`. */
export interface VectorOpSpec extends OpSpecBase {
  readonly family: VectorFamily;
  readonly timing: VecClass;
}
/** Scalar, control, synchronisation and cube rows: their timing follows from the family alone. */
export interface PlainOpSpec extends OpSpecBase {
  readonly family: Exclude<Family, CopyFamily | VectorFamily>;
}
/** One row of the opcode table; the family decides which timing field the row must carry. */
export type OpSpec = CopyOpSpec | VectorOpSpec | PlainOpSpec;

const rd = op('rd', 'reg', 'destination register');
const rs1 = op('rs1', 'reg', 'first source register');
const rs2 = op('rs2', 'reg', 'second source register');
const target = op('target', 'label', 'branch target');
const dtype = op('dtype', 'dtype', 'element type');

const alu = (doc: string) => ({ pipe: 'S', family: 'scalar', operands: [rd, rs1, rs2], doc }) as const;
const aluImm = (doc: string) =>
  ({ pipe: 'S', family: 'scalar', operands: [rd, rs1, op('imm', 'imm', 'immediate')], doc }) as const;
const branch = (doc: string) => ({ pipe: 'S', family: 'branch', operands: [rs1, rs2, target], doc }) as const;

/** The repeat and the strides of a vector op with one source (UNARY) or two (BINARY), in operand order. */
const UNARY_STRIDES = [REPEAT, dstBlk, src0Blk, dstRep, src0Rep] as const;
const BINARY_STRIDES = [REPEAT, dstBlk, src0Blk, src1Blk, dstRep, src0Rep, src1Rep] as const;

const VEC_ARITH: readonly Dtype[] = ['f16', 'f32', 's16', 's32'];
const VEC_FLOAT: readonly Dtype[] = ['f16', 'f32'];

const vecBinary = <const T extends VecClass>(doc: string, timing: T, dtypes: readonly Dtype[] = VEC_ARITH) =>
  ({
    pipe: 'V',
    family: 'vec-binary',
    timing,
    dtypes,
    operands: [
      dtype,
      op('dst', 'mem', 'destination', { bufs: UB_ONLY }),
      op('src0', 'mem', 'first source', { bufs: UB_ONLY }),
      op('src1', 'mem', 'second source', { bufs: UB_ONLY }),
      ...BINARY_STRIDES,
    ],
    doc,
  }) as const;

const vecScalar = <const T extends VecClass>(doc: string, timing: T, dtypes: readonly Dtype[] = VEC_ARITH) =>
  ({
    pipe: 'V',
    family: 'vec-scalar',
    timing,
    dtypes,
    operands: [
      dtype,
      op('dst', 'mem', 'destination', { bufs: UB_ONLY }),
      op('src0', 'mem', 'source', { bufs: UB_ONLY }),
      op('scalar', 'fimm', 'scalar operand (converted to the element type)'),
      ...UNARY_STRIDES,
    ],
    doc,
  }) as const;

/** Axpy: vec-scalar's operands, but dst is read as well as written, so it is a family of its own. */
const vecAxpy = <const T extends VecClass>(doc: string, timing: T) =>
  ({
    pipe: 'V',
    family: 'vec-axpy',
    timing,
    dtypes: VEC_FLOAT,
    operands: [
      dtype,
      op('dst', 'mem', 'destination and addend', { bufs: UB_ONLY }),
      op('src0', 'mem', 'source multiplied by the scalar', { bufs: UB_ONLY }),
      op('scalar', 'fimm', 'scalar factor (converted to the element type)'),
      ...UNARY_STRIDES,
    ],
    doc,
  }) as const;

const vecUnary = <const T extends VecClass>(doc: string, timing: T, dtypes: readonly Dtype[] = VEC_ARITH) =>
  ({
    pipe: 'V',
    family: 'vec-unary',
    timing,
    dtypes,
    operands: [
      dtype,
      op('dst', 'mem', 'destination', { bufs: UB_ONLY }),
      op('src0', 'mem', 'source', { bufs: UB_ONLY }),
      ...UNARY_STRIDES,
    ],
    doc,
  }) as const;

const vecReduce = <const T extends VecClass>(doc: string, timing: T, dtypes: readonly Dtype[]) =>
  ({
    pipe: 'V',
    family: 'vec-reduce',
    timing,
    dtypes,
    operands: [
      dtype,
      op('dst', 'mem', 'destination: one element per repeat, written contiguously', { bufs: UB_ONLY }),
      op('src0', 'mem', 'source', { bufs: UB_ONLY }),
      REPEAT,
      src0Blk,
      src0Rep,
    ],
    doc,
  }) as const;

/**
 * The DataCopyParams of an enhanced L0C -> UB copy in BLOCK_MODE_MATRIX (ADK, enhanced DataCopy):
 * bursts of whole fractals, L0C gaps in 1 KiB fractals, UB gaps in 32 B blocks.
 */
const l0cUbConvertShape = <const S extends string>(srcType: S) =>
  [
    op('dst', 'mem', 'UB destination: f16 Nz fractals of 512 B', { bufs: UB_ONLY }),
    op('src', 'mem', `L0C source: ${srcType} Nz fractals of 1 KiB`, { bufs: ['L0C'] }),
    op('blockCount', 'imm', 'number of bursts', { range: [1, 4095] }),
    op('blockLen', 'imm', 'fractals per burst', { range: [1, 65535] }),
    op('srcGap', 'imm', 'gap between source bursts, in 1 KiB fractals', { range: [0, 65535] }),
    op('dstGap', 'imm', 'gap between destination bursts, in 32 B blocks', { range: [0, 65535] }),
  ] as const;
const L0C_UB_DEQ_SHAPE = l0cUbConvertShape('s32');
const L0C_UB_RELU = op('relu', 'imm', '1 = ReLU on the converted value (isRelu)', { range: [0, 1] });

/** A DataCopy row; its path is named by its buffers (`satisfies OpSpec` rejects a pair with no path). */
const dma = <const F extends 'GM' | 'L1' | 'UB', const T extends 'GM' | 'L1' | 'UB' | 'BT' | 'FB'>(pipe: Pipe, from: F, to: T, doc: string) =>
  ({
    pipe,
    family: 'dma',
    path: `${from}_${to}` as const,
    operands: [op('dst', 'mem', 'destination', { bufs: [to] }), op('src', 'mem', 'source', { bufs: [from] }), ...COPY_SHAPE],
    doc,
  }) as const;

export const OPCODES = {
  // ---- scalar unit -------------------------------------------------------------------------
  li: { pipe: 'S', family: 'scalar', operands: [rd, op('imm', 'imm', 'value')], doc: 'rd = imm' },
  mov: { pipe: 'S', family: 'scalar', operands: [rd, rs1], doc: 'rd = rs1' },
  add: alu('rd = rs1 + rs2'),
  sub: alu('rd = rs1 - rs2'),
  mul: alu('rd = rs1 * rs2'),
  div: alu('rd = trunc(rs1 / rs2); division by zero is an error'),
  rem: alu('rd = rs1 - trunc(rs1 / rs2) * rs2'),
  min: alu('rd = min(rs1, rs2)'),
  max: alu('rd = max(rs1, rs2)'),
  and: alu('rd = rs1 & rs2 (32-bit)'),
  or: alu('rd = rs1 | rs2 (32-bit)'),
  xor: alu('rd = rs1 ^ rs2 (32-bit)'),
  slt: alu('rd = rs1 < rs2 ? 1 : 0'),
  addi: aluImm('rd = rs1 + imm'),
  muli: aluImm('rd = rs1 * imm'),
  shli: aluImm('rd = rs1 * 2^imm'),
  shri: aluImm('rd = floor(rs1 / 2^imm)'),
  bidx: { pipe: 'S', family: 'scalar', operands: [rd], doc: 'rd = this core\'s block index' },
  bdim: { pipe: 'S', family: 'scalar', operands: [rd], doc: 'rd = number of blocks (cores of this kind) in the launch' },
  nop: { pipe: 'S', family: 'scalar', operands: [], doc: 'one scalar cycle' },
  set_l2_hint: {
    pipe: 'S',
    family: 'scalar',
    operands: [op('mode', 'l2hint', 'normal: GM transfers allocate in the L2; disable: they bypass it (resident lines serve, none is allocated)')],
    doc: 'SetL2CacheHint: the L2 mode of every GM transfer issued after it, until the next set_l2_hint (normal at launch)',
  },
  beq: branch('if rs1 == rs2 goto target'),
  bne: branch('if rs1 != rs2 goto target'),
  blt: branch('if rs1 < rs2 goto target'),
  bge: branch('if rs1 >= rs2 goto target'),
  jmp: { pipe: 'S', family: 'branch', operands: [target], doc: 'goto target' },
  end: { pipe: 'S', family: 'branch', operands: [], doc: 'stop fetching; the core finishes when every pipe has drained' },

  // ---- synchronisation -----------------------------------------------------------------------
  set_flag: {
    pipe: 'S',
    family: 'sync',
    operands: [op('src', 'pipe', 'pipe whose earlier work the flag waits for'), op('dst', 'pipe', 'pipe that waits'), op('id', 'imm', 'event id', { range: [0, 15] })],
    doc: 'SetFlag: queued on src; sets the flag once all earlier src work is complete',
  },
  wait_flag: {
    pipe: 'S',
    family: 'sync',
    operands: [op('src', 'pipe', 'pipe that sets the flag'), op('dst', 'pipe', 'pipe that waits'), op('id', 'imm', 'event id', { range: [0, 15] })],
    doc: 'WaitFlag: queued on dst; blocks dst until the flag is set, then clears it',
  },
  pipe_barrier: {
    pipe: 'S',
    family: 'sync',
    operands: [op('pipe', 'pipe', 'pipe to drain')],
    doc: 'PipeBarrier: queued on pipe; later work of that pipe starts after all its earlier work completed',
  },
  barrier_all: { pipe: 'S', family: 'sync', operands: [], doc: 'PipeBarrier<PIPE_ALL>: the scalar unit waits until every pipe has drained' },
  cross_set: {
    pipe: 'S',
    family: 'sync',
    operands: [op('pipe', 'pipe', 'pipe whose earlier work must complete first'), op('id', 'imm', 'cross-core flag id', { range: [0, 10] })],
    doc: 'CrossCoreSetFlag: increments flag id on the other cores of this core\'s group (AIC <-> its AIVs)',
  },
  cross_wait: {
    pipe: 'S',
    family: 'sync',
    operands: [op('pipe', 'pipe', 'pipe that waits'), op('id', 'imm', 'cross-core flag id', { range: [0, 10] })],
    doc: 'CrossCoreWaitFlag: blocks pipe until flag id is non-zero, then decrements it',
  },

  // ---- data movement -------------------------------------------------------------------------
  copy_gm_l1: dma('MTE2', 'GM', 'L1', 'DataCopy GM -> L1'),
  copy_gm_ub: dma('MTE2', 'GM', 'UB', 'DataCopy GM -> UB'),
  copy_ub_gm: dma('MTE3', 'UB', 'GM', 'DataCopy UB -> GM'),
  copy_ub_l1: dma('MTE3', 'UB', 'L1', 'DataCopy UB -> L1'),
  copy_l1_ub: dma('MTE2', 'L1', 'UB', 'DataCopy L1 -> UB'),
  copy_l1_bt: dma('MTE1', 'L1', 'BT', 'DataCopy L1 -> bias table (arch 2201)'),
  copy_l1_fb: dma('FIX', 'L1', 'FB', 'DataCopy L1 -> fixpipe buffer (arch 2201): per-channel quant words'),
  copy_gm_l1_nd2nz: {
    pipe: 'MTE2',
    family: 'nd2nz',
    path: 'GM_L1',
    operands: [
      op('dst', 'mem', 'L1 destination, start of the NZ block', { bufs: ['L1'] }),
      op('src', 'mem', 'GM source, first element of the ND matrix', { bufs: ['GM'] }),
      dtype,
      op('nValue', 'imm', 'rows to copy', { range: [1, 16384] }),
      op('dValue', 'imm', 'elements per row to copy', { range: [1, 65535] }),
      op('srcDValue', 'imm', 'GM row stride, in elements', { range: [1, 1048575] }),
      op('dstNzC0Stride', 'imm', 'height of the NZ block in 32 B rows (distance between C0 columns)', { range: [1, 16384] }),
    ],
    dtypes: ['s8', 'u8', 'f16', 'f32', 's32'],
    doc: 'DataCopy with Nd2NzParams: an ND matrix into L1 as columns of C0 = 32 B, each column nValue rows high',
  },
  load2d: {
    pipe: 'MTE1',
    family: 'load2d',
    path: { L0A: 'L1_L0A', L0B: 'L1_L0B' },
    operands: [
      op('dst', 'mem', 'L0A or L0B destination', { bufs: ['L0A', 'L0B'] }),
      op('src', 'mem', 'L1 source', { bufs: ['L1'] }),
      dtype,
      op('repeat', 'imm', 'number of 512 B fractals', { range: [1, 255] }),
      op('srcStride', 'imm', 'distance between source fractals, in fractals', { range: [0, 65535] }),
      op('dstGap', 'imm', 'gap between destination fractals, in fractals', { range: [0, 65535] }),
      op('transpose', 'imm', '1 = transpose each fractal (16-bit types only)', { range: [0, 1] }),
    ],
    dtypes: ['s8', 'u8', 'f16', 'f32'],
    doc: 'LoadData 2D: copies fractals from L1 into L0A/L0B, optionally transposing each',
  },
  load3d: {
    pipe: 'MTE1',
    family: 'load3d',
    path: 'L1_L0A',
    operands: [
      op('dst', 'mem', 'L0A destination (Zz fractals)', { bufs: ['L0A'] }),
      op('src', 'mem', 'L1 feature map in C1HWC0 (one batch image)', { bufs: ['L1'] }),
      dtype,
      op('l1H', 'imm', 'feature map height in L1', { range: [1, 32767] }),
      op('l1W', 'imm', 'feature map width in L1', { range: [1, 32767] }),
      op('channelSize', 'imm', 'channels in L1 (a multiple of C0)', { range: [1, 65535] }),
      op('kExtension', 'imm', 'columns (k) to produce', { range: [1, 65535] }),
      op('mExtension', 'imm', 'rows (output positions) to produce', { range: [1, 65535] }),
      op('kStartPt', 'imm', 'first k column', { range: [0, 65535] }),
      op('mStartPt', 'imm', 'first output position', { range: [0, 65535] }),
      op('strideW', 'imm', 'filter stride along W', { range: [1, 63] }),
      op('strideH', 'imm', 'filter stride along H', { range: [1, 63] }),
      op('filterW', 'imm', 'filter width', { range: [1, 255] }),
      op('filterH', 'imm', 'filter height', { range: [1, 255] }),
      op('dilationW', 'imm', 'dilation along W', { range: [1, 255] }),
      op('dilationH', 'imm', 'dilation along H', { range: [1, 255] }),
      op('padLeft', 'imm', 'left padding', { range: [0, 255] }),
      op('padRight', 'imm', 'right padding', { range: [0, 255] }),
      op('padTop', 'imm', 'top padding', { range: [0, 255] }),
      op('padBottom', 'imm', 'bottom padding', { range: [0, 255] }),
      op('padValue', 'imm', 'value of padded elements (x zero point for int8)', { range: [-32768, 65535] }),
    ],
    dtypes: ['s8', 'u8', 'f16'],
    doc: 'LoadData 3D (img2col): builds the im2col matrix rows mStart.. and columns kStart.. in Zz fractals',
  },
  mmad: {
    pipe: 'M',
    family: 'mmad',
    operands: [
      op('dst', 'mem', 'L0C destination (Nz)', { bufs: ['L0C'] }),
      op('a', 'mem', 'L0A left matrix (Zz)', { bufs: ['L0A'] }),
      op('b', 'mem', 'L0B right matrix (Zn)', { bufs: ['L0B'] }),
      op('bias', 'mem', 'bias table row (read only when init = bias)', { bufs: ['BT'] }),
      op('m', 'imm', 'rows of A and C', { range: [1, 4095] }),
      op('k', 'imm', 'columns of A, rows of B', { range: [1, 4095] }),
      op('n', 'imm', 'columns of B and C', { range: [1, 4095] }),
      op('aType', 'dtype', 'A element type'),
      op('bType', 'dtype', 'B element type'),
      op('init', 'init', 'acc: C += A*B; zero: C = A*B; bias: C = bias + A*B'),
    ],
    doc: 'Mmad: C = A x B (+ C or + bias), int8 -> s32 or f16 -> f32',
  },
  fixpipe: {
    pipe: 'FIX',
    family: 'fixpipe',
    path: { GM: 'L0C_GM', L1: 'L0C_L1' },
    operands: [
      op('dst', 'mem', 'GM or L1 destination', { bufs: ['GM', 'L1'] }),
      op('src', 'mem', 'L0C source (Nz)', { bufs: ['L0C'] }),
      op('srcType', 'dtype', 'L0C element type (s32 or f32)'),
      op('dstType', 'dtype', 'output element type'),
      op('m', 'imm', 'rows', { range: [1, 65535] }),
      op('n', 'imm', 'columns', { range: [1, 4095] }),
      op('srcStride', 'imm', 'rows between the starts of two 16-column groups in L0C (a multiple of 16)', { range: [16, 65535] }),
      op('dstStride', 'imm', 'ND: elements between output rows; NZ: rows between 16-column groups', { range: [1, 1048575] }),
      op('quant', 'quant', 'conversion mode'),
      op('scale', 'fimm', 'scalar scale (deqf16, req8); the hardware keeps 10 mantissa bits'),
      op('offset', 'imm', 'scalar offset added after rounding (req8)', { range: [-256, 255] }),
      op('table', 'mem', 'per-channel quant words in FB (vdeqf16, vreq8): 8 B per column', { bufs: ['FB'] }),
      op('relu', 'imm', '1 = ReLU before conversion', { range: [0, 1] }),
      op('nz2nd', 'imm', '1 = write row-major (ND), 0 = keep Nz', { range: [0, 1] }),
    ],
    doc: 'Fixpipe: L0C -> GM/L1 with quantisation, ReLU and Nz -> ND',
  },
  copy_l0c_ub: {
    pipe: 'V',
    family: 'l0c-ub',
    path: 'L0C_UB',
    operands: [
      op('dst', 'mem', 'UB destination', { bufs: UB_ONLY }),
      op('src', 'mem', 'L0C source', { bufs: ['L0C'] }),
      op('blockCount', 'imm', 'number of bursts', { range: [1, 4095] }),
      op('blockLen', 'imm', 'fractals (16x16 elements of 4 B = 1 KiB) per burst', { range: [1, 65535] }),
      op('srcGap', 'imm', 'gap between source bursts, in fractals', { range: [0, 65535] }),
      op('dstGap', 'imm', 'gap between destination bursts, in fractals', { range: [0, 65535] }),
    ],
    doc: 'DataCopy L0C -> UB on coupled cores (910/310P): keeps the Nz layout, 32-bit elements',
  },
  // DataCopy CO1 -> CO2 with DataCopyEnhancedParams (blockMode MATRIX, deqScale DEQ / VDEQ): the
  // copy converts s32 -> f16 on the way, with the arithmetic of vconv_deq (isa/numeric/deq.ts).
  // Legal only where features.enhancedL0cUb is set (310P: docs/hardware.md, L0C -> UB conversion).
  copy_l0c_ub_deq: {
    pipe: 'V',
    family: 'l0c-ub-deq',
    path: 'L0C_UB',
    operands: [...L0C_UB_DEQ_SHAPE, op('scale', 'fimm', 'DEQ scale M (kept as f16, as deqValue bits 15..0 hold a half)'), L0C_UB_RELU],
    doc: 'Enhanced DataCopy L0C -> UB, DEQ: dst f16 Nz = deq(src s32 Nz, f16(scale)), optional ReLU',
  },
  copy_l0c_ub_vdeq: {
    pipe: 'V',
    family: 'l0c-ub-vdeq',
    path: 'L0C_UB',
    operands: [...L0C_UB_DEQ_SHAPE, op('table', 'mem', 'VDEQ vector: 16 f16 scales (32 B) per burst, one per column of its fractals; burst b reads the 32 B at table + 32 b', { bufs: UB_ONLY }), L0C_UB_RELU],
    doc: 'Enhanced DataCopy L0C -> UB, VDEQ: dst f16 Nz = deq(src s32 Nz, scale of the column), optional ReLU',
  },
  // DataCopy CO1 -> CO2 with DataCopyEnhancedParams (blockMode MATRIX) from float L0C to half UB: the
  // arch-200 DataCopy implementation picks CRMODE_F32toF16_NONE (or _RELU with isRelu) whatever
  // deqScale says; the conversion is the fixpipe's F322F16 (isa/numeric/fixpipe-quant.ts).
  copy_l0c_ub_f322f16: {
    pipe: 'V',
    family: 'l0c-ub-f322f16',
    path: 'L0C_UB',
    operands: [...l0cUbConvertShape('f32'), L0C_UB_RELU],
    doc: 'Enhanced DataCopy L0C -> UB, float to half: dst f16 Nz = RNE_f16(src f32 Nz), optional ReLU first',
  },
  // BroadCastVecToMM (broadcast_ub_to_cc): how a bias enters L0C on 310P before the mmads accumulate.
  bcast_ub_l0c: {
    pipe: 'V',
    family: 'ub-l0c-bcast',
    path: 'UB_L0C',
    dtypes: ['s32', 'f32', 'f16'],
    operands: [
      op('dst', 'mem', 'L0C destination (Nz fractals)', { bufs: ['L0C'] }),
      op('src', 'mem', 'UB source: blockLen vectors of 16 elements per burst', { bufs: UB_ONLY }),
      dtype,
      op('blockCount', 'imm', 'number of bursts', { range: [1, 255] }),
      op('blockLen', 'imm', 'fractals per burst, each the broadcast of the next 16 source elements', { range: [1, 255] }),
      op('srcGap', 'imm', 'gap after each source burst, in 32 B blocks', { range: [0, 255] }),
      op('dstGap', 'imm', 'gap after each destination burst, in fractals (256 elements)', { range: [0, 255] }),
    ],
    doc: 'BroadCastVecToMM: every 16 source elements fill the 16 rows of one L0C fractal',
  },

  // ---- vector unit ---------------------------------------------------------------------------
  set_mask_count: {
    pipe: 'V',
    family: 'vec-mask',
    timing: 'mask',
    operands: [op('count', 'imm', 'first `count` lanes of every repeat are active', { range: [1, 128] })],
    doc: 'SetVectorMask, counter form',
  },
  set_mask_bits: {
    pipe: 'V',
    family: 'vec-mask',
    timing: 'mask',
    operands: [
      op('w3', 'imm', 'lanes 127..96', { range: [0, 0xffffffff] }),
      op('w2', 'imm', 'lanes 95..64', { range: [0, 0xffffffff] }),
      op('w1', 'imm', 'lanes 63..32', { range: [0, 0xffffffff] }),
      op('w0', 'imm', 'lanes 31..0', { range: [0, 0xffffffff] }),
    ],
    doc: 'SetVectorMask, bit form: bit i enables lane i of every repeat',
  },
  vadd: vecBinary('dst = src0 + src1', 'binary'),
  vsub: vecBinary('dst = src0 - src1', 'binary'),
  vmul: vecBinary('dst = src0 * src1', 'binary'),
  vmax: vecBinary('dst = max(src0, src1)', 'binary'),
  vmin: vecBinary('dst = min(src0, src1)', 'binary'),
  vdiv: vecBinary('dst = src0 / src1', 'div', VEC_FLOAT),
  vadds: vecScalar('dst = src0 + scalar', 'unary'),
  vmuls: vecScalar('dst = src0 * scalar', 'unary'),
  vmaxs: vecScalar('dst = max(src0, scalar)', 'unary'),
  vmins: vecScalar('dst = min(src0, scalar)', 'unary'),
  vaxpy: vecAxpy('Axpy: dst = src0 * scalar + dst, fused (one rounding)', 'axpy'),
  vrelu: vecUnary('dst = max(src0, 0)', 'unary'),
  vabs: vecUnary('dst = |src0|', 'unary'),
  vcopy: vecUnary('dst = src0', 'unary', ['f16', 'f32', 's16', 's32', 'u16', 'u32']),
  vdup: {
    pipe: 'V',
    family: 'vec-dup',
    timing: 'dup',
    dtypes: ['f16', 'f32', 's16', 's32', 'u16', 'u32'],
    operands: [dtype, op('dst', 'mem', 'destination', { bufs: UB_ONLY }), op('scalar', 'fimm', 'value to broadcast'), REPEAT, dstBlk, dstRep],
    doc: 'Duplicate: dst = scalar',
  },
  vconv: {
    pipe: 'V',
    family: 'vec-conv',
    timing: 'conv',
    operands: [
      op('dstType', 'dtype', 'destination element type'),
      op('srcType', 'dtype', 'source element type'),
      op('round', 'round', 'round mode'),
      op('dst', 'mem', 'destination', { bufs: UB_ONLY }),
      op('src0', 'mem', 'source', { bufs: UB_ONLY }),
      ...UNARY_STRIDES,
    ],
    doc: 'Cast: one repeat converts 256 B / max(element sizes) elements',
  },
  // s32 -> f16 with a scale on the way (isa/numeric/deq.ts); 64 lanes per repeat (the s32 side)
  vconv_deq: {
    pipe: 'V',
    family: 'vec-deq',
    timing: 'conv', // a unary conversion: 1 cycle per repeat in steady state (docs/hardware.md, vconvdeq)
    operands: [
      op('dst', 'mem', 'f16 destination', { bufs: UB_ONLY }),
      op('src0', 'mem', 's32 source', { bufs: UB_ONLY }),
      op('scale', 'fimm', 'deq scale (rounded to f16, as SetDeqScale(half) keeps it)'),
      ...UNARY_STRIDES,
    ],
    doc: 'Cast s32 -> f16 after SetDeqScale: dst = f16(fp32(src0) * f16(scale)), saturating',
  },
  vconv_vdeq: {
    pipe: 'V',
    family: 'vec-vdeq',
    timing: 'binary', // reads a second operand per lane; not measured, so costed like a binary op
    operands: [
      op('dst', 'mem', 'f16 destination', { bufs: UB_ONLY }),
      op('src0', 'mem', 's32 source', { bufs: UB_ONLY }),
      op('src1', 'mem', 'f16 scale of each lane', { bufs: UB_ONLY }),
      ...BINARY_STRIDES,
    ],
    doc: 'Per-lane dequantising cast s32 -> f16: dst = f16(fp32(src0) * src1), saturating',
  },
  vcadd: vecReduce('dst[r] = sum of the active lanes of repeat r (fixed pairwise order)', 'reduce', ['f16', 'f32', 's32']),
  vcmax: vecReduce('dst[r] = max of the active lanes of repeat r', 'reduce', ['f16', 'f32', 's16', 's32']),
} as const satisfies Record<string, OpSpec>;

export type Mnemonic = keyof typeof OPCODES;
export const MNEMONICS = Object.keys(OPCODES) as Mnemonic[];
export const opSpec = (m: Mnemonic): OpSpec => OPCODES[m];
