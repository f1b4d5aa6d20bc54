/**
 * A small step language for chunk bodies: each kernel is a list of steps over named UB buffers
 * (`in0`, `out0`, `tmp1`, ...), compiled here into vector instructions for the chunk's parameter
 * mode. A step whose value is a parameter becomes an immediate over the whole chunk (per tensor), an
 * immediate per row (per channel, rows mode) or a vector op against the parameter's UB table (table
 * mode). pipe_barrier V is inserted only where a step touches a buffer an earlier, unbarriered step
 * wrote (or writes one it read): inside one pipe a later instruction may start before an earlier
 * one completes.
 */
import type { Dtype, RoundMode } from '../../isa/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { ub } from '../emitter.js';
import type { ChunkCtx } from './elementwise.js';
import { convLanes, lanesOf, vBinary, vBinaryStrided, vConv, vDup, vScalar, vUnary, type BinaryOp, type ScalarOp } from './ops.js';

/** A UB buffer of the chunk: an input slot, an output slot or a scratch region. */
export type Ref = `in${number}` | `out${number}` | `tmp${number}`;
/** A constant, or a parameter by name (per tensor or per channel). */
export type Value = number | { readonly param: string };

/** One step of a chunk body (see the module header). */
export type Step =
  | { readonly op: 'conv'; readonly to: Dtype; readonly from: Dtype; readonly round?: RoundMode; readonly dst: Ref; readonly src: Ref }
  | { readonly op: 'adds' | 'muls' | 'maxs' | 'mins' | 'divs'; readonly dtype: Dtype; readonly dst: Ref; readonly src: Ref; readonly value: Value }
  | { readonly op: 'add' | 'sub' | 'mul' | 'max' | 'min'; readonly dtype: Dtype; readonly dst: Ref; readonly src0: Ref; readonly src1: Ref }
  | { readonly op: 'relu' | 'abs'; readonly dtype: Dtype; readonly dst: Ref; readonly src: Ref }
  | { readonly op: 'dup'; readonly dtype: Dtype; readonly dst: Ref; readonly scalar: number }
  // dst = src * scalar + dst, fused (vaxpy)
  | { readonly op: 'axpy'; readonly dtype: Dtype; readonly dst: Ref; readonly src: Ref; readonly scalar: number };

type ScalarStep = Extract<Step, { value: Value }>;

/** Scalar-step opcodes, and the vector x vector opcode used with a parameter table. */
const SCALAR_OPS: Readonly<Record<ScalarStep['op'], { readonly imm: ScalarOp | null; readonly table: BinaryOp }>> = {
  adds: { imm: 'vadds', table: 'vadd' },
  muls: { imm: 'vmuls', table: 'vmul' },
  maxs: { imm: 'vmaxs', table: 'vmax' },
  mins: { imm: 'vmins', table: 'vmin' },
  divs: { imm: null, table: 'vdiv' }, // a true division needs a vector divisor
};

const BINARY_OPS: Readonly<Record<Extract<Step, { src1: Ref }>['op'], BinaryOp>> = { add: 'vadd', sub: 'vsub', mul: 'vmul', max: 'vmax', min: 'vmin' };
const UNARY_OPS = { relu: 'vrelu', abs: 'vabs' } as const;

function addr(ctx: ChunkCtx, ref: Ref): number {
  const m = /^(in|out|tmp)(\d+)$/.exec(ref)!;
  const list = m[1] === 'in' ? ctx.ins : m[1] === 'out' ? ctx.outs : ctx.temps;
  const at = list[Number(m[2])];
  if (at === undefined) throw new Error(`internal: the kernel has no buffer ${ref}`);
  return at;
}

/** The single-valued parameters a step list divides by (they need a UB vector of the value). */
export function divisorsOf(steps: readonly Step[]): string[] {
  return steps.flatMap((s) => (s.op === 'divs' && typeof s.value !== 'number' ? [s.value.param] : []));
}

/** The buffers a step reads and writes, for barrier placement. */
function touches(s: Step): { reads: string[]; writes: string[] } {
  if ('src1' in s) return { reads: [s.src0, s.src1], writes: [s.dst] };
  if (s.op === 'dup') return { reads: [], writes: [s.dst] };
  if (s.op === 'axpy') return { reads: [s.src, s.dst], writes: [s.dst] };
  const extra = s.op === 'divs' ? ['rowScratch'] : [];
  return { reads: [s.src, ...extra], writes: [s.dst, ...extra] };
}

/** A scalar step with a per-channel parameter in rows mode: one instruction group per row. */
function perRow(ctx: ChunkCtx, s: ScalarStep, values: readonly number[], dst: number, src: number): void {
  const { e } = ctx;
  const rowBytes = ctx.pitch * DTYPE_BYTES[s.dtype];
  const op = SCALAR_OPS[s.op];
  if (op.imm) {
    for (let i = 0; i < ctx.rows; i++) vScalar(e, op.imm, s.dtype, dst + i * rowBytes, src + i * rowBytes, values[ctx.channel(i)]!, ctx.pitch);
    return;
  }
  // Division: broadcast each row's divisor into 32 B (8 lanes) of scratch, then divide the row by
  // that block read with zero strides.
  e.b.emit('set_mask_count', { count: 32 / DTYPE_BYTES[s.dtype] });
  for (let i = 0; i < ctx.rows; i++)
    e.b.emit('vdup', { dtype: s.dtype, dst: ub(ctx.rowScratch + i * 32), scalar: values[ctx.channel(i)]!, repeat: 1, dstBlkStride: 1, dstRepStride: 8 });
  e.b.emit('set_mask_count', { count: 128 });
  e.barrier('V');
  for (let i = 0; i < ctx.rows; i++) vBinary(e, op.table, s.dtype, dst + i * rowBytes, src + i * rowBytes, ctx.rowScratch + i * 32, ctx.pitch, { blk: 0, rep: 0 });
}

/** A scalar step against a per-channel table: by row, or by column group down the rows (fewer instructions wins). */
function perTable(ctx: ChunkCtx, s: ScalarStep, table: number, dst: number, src: number): void {
  const { e } = ctx;
  const op = SCALAR_OPS[s.op].table;
  const size = DTYPE_BYTES[s.dtype];
  const lanes = lanesOf(s.dtype);
  const groups = ctx.pitch / lanes;
  const byRow = ctx.rows * Math.ceil(groups / 255);
  const byGroup = groups * Math.ceil(ctx.rows / 255);
  if (byRow <= byGroup) {
    for (let i = 0; i < ctx.rows; i++) vBinary(e, op, s.dtype, dst + i * ctx.pitch * size, src + i * ctx.pitch * size, table, ctx.pitch);
    return;
  }
  const rowBlocks = (ctx.pitch * size) / 32;
  for (let g = 0; g < groups; g++)
    vBinaryStrided(
      e,
      op,
      s.dtype,
      { dst: dst + g * 256, src0: src + g * 256, src1: table + g * 256 },
      { dst: { blk: 1, rep: rowBlocks }, src0: { blk: 1, rep: rowBlocks }, src1: { blk: 1, rep: 0 } },
      ctx.rows,
    );
}

function scalarStep(ctx: ChunkCtx, s: ScalarStep): void {
  const dst = addr(ctx, s.dst);
  const src = addr(ctx, s.src);
  const imm = SCALAR_OPS[s.op].imm;
  if (typeof s.value === 'number') {
    if (!imm) throw new Error('internal: divide by a parameter, not a constant');
    vScalar(ctx.e, imm, s.dtype, dst, src, s.value, ctx.elems);
    return;
  }
  const name = s.value.param;
  const p = ctx.params[name];
  if (!p) throw new Error(`internal: no parameter ${name}`);
  if (p.dtype !== s.dtype) throw new Error(`internal: parameter ${name} is ${p.dtype}, used as ${s.dtype}`);
  if (p.values.length === 1) {
    if (imm) vScalar(ctx.e, imm, s.dtype, dst, src, p.values[0]!, ctx.elems);
    else vBinary(ctx.e, SCALAR_OPS[s.op].table, s.dtype, dst, src, ctx.consts[name]!, ctx.elems, { blk: 1, rep: 0 });
    return;
  }
  // per-channel ops run on 32-bit lanes so a row (a multiple of 64 elements) is whole repeats
  if (lanesOf(s.dtype) !== 64) throw new Error(`internal: per-channel ${s.op} must be on a 32-bit type, not ${s.dtype}`);
  if (ctx.mode === 'rows') perRow(ctx, s, p.values, dst, src);
  else perTable(ctx, s, ctx.tables[name]!, dst, src);
}

/** Emits one step over the chunk. */
function emitStep(ctx: ChunkCtx, s: Step): void {
  const { e } = ctx;
  if (s.op === 'conv') {
    const lanes = convLanes(s.to, s.from);
    vConv(e, s.to, s.from, s.round ?? 'rint', addr(ctx, s.dst), addr(ctx, s.src), Math.ceil(ctx.elems / lanes) * lanes);
  } else if (s.op === 'dup') vDup(e, s.dtype, addr(ctx, s.dst), s.scalar, ctx.elems);
  else if (s.op === 'axpy') vScalar(e, 'vaxpy', s.dtype, addr(ctx, s.dst), addr(ctx, s.src), s.scalar, ctx.elems);
  else if ('src1' in s) vBinary(e, BINARY_OPS[s.op], s.dtype, addr(ctx, s.dst), addr(ctx, s.src0), addr(ctx, s.src1), ctx.elems);
  else if ('value' in s) scalarStep(ctx, s);
  else vUnary(e, UNARY_OPS[s.op], s.dtype, addr(ctx, s.dst), addr(ctx, s.src), ctx.elems);
}

/** A chunk body running `steps` in order, with barriers where a step depends on an earlier one. */
export function stepsBody(steps: readonly Step[]): (ctx: ChunkCtx) => void {
  return (ctx) => {
    let written = new Set<string>();
    let read = new Set<string>();
    for (const s of steps) {
      const t = touches(s);
      if (t.reads.some((x) => written.has(x)) || t.writes.some((x) => written.has(x) || read.has(x))) {
        ctx.e.barrier('V');
        written = new Set();
        read = new Set();
      }
      emitStep(ctx, s);
      t.reads.forEach((x) => read.add(x));
      t.writes.forEach((x) => written.add(x));
    }
  };
}
