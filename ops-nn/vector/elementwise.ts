/**
 * Streaming element-wise vector kernels: same-length tensors in GM (one or more inputs, one or more
 * outputs) are split over vector blocks (`aiv` cores on separated presets, `coupled` cores
 * elsewhere); each block streams its tiles through UB with double buffering (pipeline.ts) and runs
 * a per-chunk body of vector instructions over the slot's UB regions. Tiles are padded in UB to
 * whole 256 B repeats; GM copies move exact byte lengths.
 *
 * Parameters (scales, zero points, ...) are per tensor or per channel of an axis (the tensor is
 * outer x channels x inner). Per channel, a kernel runs in one of two modes:
 * - `rows`: each (outer, channel) run of `inner` elements is one UB row and the body emits that
 *   channel's values as immediates, one instruction group per row: exact and table-free, good when
 *   runs are long;
 * - `table`: the channel values are expanded on the host to one value per column of an
 *   outer-row (channels * inner columns) and loaded once into UB; the body combines them with
 *   vector x vector ops: good when runs are short (inner = 1 is the per-column case).
 * GM addresses of a block are relative to per-stream base registers, so blocks whose work has the
 * same shape (and the same immediates) share one body.
 */
import type { Program } from '../../isa/program.js';
import type { Dtype } from '../../isa/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { mem } from '../../isa/builder.js';
import type { CoreKind, HwConfig } from '../../hw/config/types.js';
import { Emitter, ub } from '../emitter.js';
import { GmAllocator, OpError, roundUp } from '../kernel.js';
import { BASE_REG, emitBlocks, type BlockCode } from './dispatch.js';
import { blockRange, tileTensor, type Tile } from './geometry.js';
import { vDup } from './ops.js';
import { emitPipeline, streamQueues } from './pipeline.js';
import { UbAllocator } from './ub.js';
import { checkParams, resolveParams, tableBytes, type Resolved } from './params.js';
import { launchDim, launchedBlocks, vectorTarget } from './target.js';

/** One tensor streamed through the kernel: element type and GM byte offset of element 0. */
export interface StreamSpec {
  readonly dtype: Dtype;
  readonly gm: number;
}

/** A scalar parameter: one value (per tensor) or one per channel of the axis. */
export interface ParamSpec {
  /** element type of the vector ops that use it (its UB table is written in this type) */
  readonly dtype: 'f32' | 's32';
  readonly values: readonly number[];
}

/** The per-channel axis: the tensor is outer x channels x inner. */
export interface AxisSpec {
  readonly channels: number;
  readonly inner: number;
}

/** How parameters reach the vector ops: per tensor, per channel as immediates, per channel as UB tables. */
export type ParamMode = 'tensor' | 'rows' | 'table';

/** Serialisable tiling of a streaming kernel. */
export interface ElementwiseTiling {
  /** vector blocks to spread the tensor over (AIV cores on separated chips) */
  readonly blocks: number;
  /** most elements one UB chunk holds, a multiple of 128; 0 = as many as UB allows */
  readonly chunk: number;
  /** two buffer slots so loads, compute and stores of consecutive chunks overlap */
  readonly doubleBuffer: boolean;
  /** per-channel parameters as immediates per run ('rows') or UB tables ('table'); 'auto' picks */
  readonly paramMode: 'auto' | 'rows' | 'table';
}

/** What a chunk body sees: UB addresses of this slot's buffers and how the chunk is laid out. */
export interface ChunkCtx {
  readonly e: Emitter;
  readonly ins: readonly number[];
  readonly outs: readonly number[];
  readonly temps: readonly number[];
  /** elements the body's ops cover: rows * pitch rounded up to 128 (whole repeats for any type) */
  readonly elems: number;
  readonly rows: number;
  /** UB elements between row starts */
  readonly pitch: number;
  readonly mode: ParamMode;
  /** channel of row i (rows mode) */
  readonly channel: (row: number) => number;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** UB table (pitch elements) of each per-channel parameter (table mode) */
  readonly tables: Readonly<Record<string, number>>;
  /** UB: 256 B holding the value, for each single-valued divisor parameter */
  readonly consts: Readonly<Record<string, number>>;
  /** UB scratch of 32 B per row (plus one repeat of slack) for per-row broadcasts (rows mode) */
  readonly rowScratch: number;
}

/** A streaming kernel: its streams, scratch, parameters and chunk body. */
export interface ElementwiseSpec {
  /** kernel name, used for GM table names */
  readonly name: string;
  /** elements in every stream */
  readonly count: number;
  readonly inputs: readonly StreamSpec[];
  readonly outputs: readonly StreamSpec[];
  /** scratch regions by element type, each sized like a chunk */
  readonly temps: readonly Dtype[];
  readonly axis?: AxisSpec;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** single-valued parameters the body divides by (they get a 256 B vector in UB) */
  readonly divisors?: readonly string[];
  readonly body: (ctx: ChunkCtx) => void;
}

/** A block of bytes the host writes into GM before the launch (parameter tables). */
export interface ParamBlob {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** The generated programs, launch size, resolved tiling, notes and GM tables. */
export interface ElementwiseProgram {
  readonly programs: Partial<Record<CoreKind, Program>>;
  /** simulate()'s blockDim */
  readonly blockDim: number;
  readonly tiling: Readonly<Record<string, number | boolean | string>>;
  readonly notes: readonly string[];
  readonly blobs: readonly ParamBlob[];
}

/** Default: at least this many elements per block before another block is worth its launch. */
const MIN_PER_BLOCK = 4096;
/** Default chunking: aim for this many chunks per block, each at least MIN_CHUNK elements. */
const CHUNKS_PER_BLOCK = 8;
const MIN_CHUNK = 2048;

/** UB regions of one block. */
interface UbPlan {
  readonly ins: readonly (readonly number[])[];
  readonly outs: readonly (readonly number[])[];
  readonly temps: readonly number[];
  readonly tables: Readonly<Record<string, number>>;
  readonly consts: Readonly<Record<string, number>>;
  readonly rowScratch: number;
}

/** The UB a block needs: chunk buffers of `chunk` elements in `slots` slots, tallest tile `maxRows` rows. */
interface UbRequest {
  readonly chunk: number;
  readonly maxRows: number;
  readonly slots: number;
}

function planUb(spec: ElementwiseSpec, r: Resolved, { chunk, maxRows, slots }: UbRequest, a: UbAllocator): UbPlan {
  const region = (dt: Dtype) => a.alloc(chunk * DTYPE_BYTES[dt]);
  const slotted = (dt: Dtype) => Array.from({ length: slots }, () => region(dt));
  const plan: UbPlan = {
    ins: spec.inputs.map((s) => slotted(s.dtype)),
    outs: spec.outputs.map((s) => slotted(s.dtype)),
    temps: spec.temps.map(region),
    tables: Object.fromEntries(r.mode === 'table' ? r.varying.map((k) => [k, a.alloc(roundUp(r.cols, r.align) * 4)]) : []),
    consts: Object.fromEntries((spec.divisors ?? []).filter((k) => !r.varying.includes(k)).map((k) => [k, a.alloc(256)])),
    rowScratch: r.mode === 'rows' ? a.alloc(maxRows * 32 + 256) : 0,
  };
  a.check('use a smaller chunk or turn off double buffering');
  return plan;
}

/**
 * Largest chunk (elements, a multiple of 128) that fits UB next to the fixed regions: `tables`
 * bytes of parameter tables, a 256 B vector per divisor, and 256 B of slack.
 */
function maxChunk(spec: ElementwiseSpec, mode: ParamMode, tables: number, slots: number, ubBytes: number): number {
  const size = (s: { dtype: Dtype }) => DTYPE_BYTES[s.dtype];
  const perElem =
    slots * (spec.inputs.reduce((t, s) => t + size(s), 0) + spec.outputs.reduce((t, s) => t + size(s), 0)) +
    spec.temps.reduce((t, d) => t + DTYPE_BYTES[d], 0) +
    (mode === 'rows' ? 32 / 64 : 0); // row scratch: 32 B per row of at least 64 elements
  const fixed = tables + (spec.divisors ?? []).length * 256 + 256;
  return Math.floor((ubBytes - fixed) / perElem / 128) * 128;
}

/** Bytes of the UB tables of `count` parameters over `cols` columns. */
const tableBytesOf = (cols: number, count: number) => count * roundUp(cols, 64) * 4;

/** GM copy shapes between a tile's rows in GM and its padded rows in UB. */
function copyShape(t: Tile, cols: number, size: number) {
  if (t.nr === 1) return { blockCount: 1, blockLen: t.nc * size, gmGap: 0, ubGap: 0 };
  const padBlocks = (t.pitch * size - roundUp(t.nc * size, 32)) / 32;
  return { blockCount: t.nr, blockLen: t.nc * size, gmGap: (cols - t.nc) * size, ubGap: padBlocks };
}

/**
 * The chunk size: the user's, or about CHUNKS_PER_BLOCK chunks per block (a block's first load and
 * last store are not overlapped, so more, smaller chunks hide them), at least MIN_CHUNK, at most
 * what UB holds; a table row must fit one chunk.
 */
function chooseChunk(spec: ElementwiseSpec, r: Resolved, wanted: number | undefined, most: number, blocks: number): number {
  const even = roundUp(Math.ceil(spec.count / blocks / CHUNKS_PER_BLOCK), 128);
  const tableRow = r.mode === 'table' ? roundUp(roundUp(r.cols, r.align), 128) : 128;
  const chunk = wanted ? wanted : Math.min(most, Math.max(MIN_CHUNK, even, tableRow));
  if (!Number.isSafeInteger(chunk) || chunk < 128 || chunk % 128 !== 0) throw new OpError(`${spec.name}: chunk ${chunk} must be a positive multiple of 128 elements`);
  if (r.mode === 'table' && roundUp(r.cols, r.align) > chunk)
    throw new OpError(`${spec.name}: a table row of ${r.cols} elements does not fit a chunk of ${chunk}; use paramMode 'rows'`);
  return chunk;
}

/**
 * Each launched block's code: its tiles with GM addresses relative to per-stream base registers,
 * keyed by their shape so equal blocks share a body; blocks past `blocks` end at once.
 */
function blockCodes(
  spec: ElementwiseSpec,
  r: Resolved,
  tiles: readonly Tile[],
  blocks: number,
  launched: number,
  emit: (e: Emitter, mine: readonly Tile[], base: number) => void,
): BlockCode[] {
  const streams = [...spec.inputs, ...spec.outputs];
  return Array.from({ length: launched }, (_, b): BlockCode => {
    const [first, end] = b < blocks ? blockRange(tiles.length, blocks, b) : [0, 0];
    const mine = tiles.slice(first, end);
    if (mine.length === 0) return { key: 'empty', regs: [], emit: (e) => e.b.emit('end', {}) };
    const base = mine[0]!.r0 * r.cols + mine[0]!.c0;
    const shape = mine.map((t) => [t.r0 * r.cols + t.c0 - base, t.nr, t.nc, r.mode === 'rows' ? t.r0 % r.channels : 0]);
    return {
      key: JSON.stringify(shape),
      regs: streams.map((s, i) => [BASE_REG + i, s.gm + base * DTYPE_BYTES[s.dtype]] as const),
      emit: (e) => emit(e, mine, base),
    };
  });
}

/**
 * Generates the programs of a streaming kernel. GM tables for per-channel parameters (table mode)
 * are allocated in `alloc` and returned as blobs for the host to write.
 */
export function generateElementwise(spec: ElementwiseSpec, cfg: HwConfig, alloc: GmAllocator, tiling?: Partial<ElementwiseTiling>): ElementwiseProgram {
  if (!Number.isSafeInteger(spec.count) || spec.count < 1) throw new OpError(`${spec.name}: element count ${spec.count} must be a positive integer`);
  checkParams(spec);
  const target = vectorTarget(cfg);
  const slots = tiling?.doubleBuffer === false ? 1 : 2;
  // a table row must fit one chunk next to the tables themselves
  const fits = (cols: number, count: number) => {
    const row = roundUp(cols, 64);
    return maxChunk(spec, 'table', tableBytesOf(cols, count), slots, target.ubBytes) >= row && (!tiling?.chunk || tiling.chunk >= row);
  };
  const r = resolveParams(spec, tiling?.paramMode ?? 'auto', fits);
  const most = maxChunk(spec, r.mode, r.mode === 'table' ? tableBytesOf(r.cols, r.varying.length) : 0, slots, target.ubBytes);
  const wantBlocks = tiling?.blocks ?? Math.min(target.maxBlocks, Math.max(1, Math.ceil(spec.count / MIN_PER_BLOCK)));
  if (!Number.isSafeInteger(wantBlocks) || wantBlocks < 1 || wantBlocks > target.maxBlocks)
    throw new OpError(`${spec.name}: blocks ${wantBlocks} is outside 1..${target.maxBlocks} (${cfg.name} has ${target.maxBlocks} vector cores)`);
  const chunk = chooseChunk(spec, r, tiling?.chunk, most, wantBlocks);
  const tiles = tileTensor(r.rows, r.cols, chunk, r.align, wantBlocks, r.mode === 'table');
  const blocks = Math.min(wantBlocks, tiles.length);
  const maxRows = Math.max(...tiles.map((t) => t.nr));
  const plan = planUb(spec, r, { chunk, maxRows, slots }, new UbAllocator(target.ubBytes, cfg.name));

  const blobs: ParamBlob[] = [];
  const tableGm: Record<string, number> = {};
  for (const k of r.mode === 'table' ? r.varying : []) {
    const bytes = tableBytes(spec.params![k]!, r);
    const d = alloc.alloc({ name: `${spec.name}_${k}_table`, role: 'param', dtype: spec.params![k]!.dtype, dims: [r.cols], layout: 'VECTOR', bytes: bytes.length });
    tableGm[k] = d.offset;
    blobs.push({ offset: d.offset, bytes });
  }

  const code = blockCodes(spec, r, tiles, blocks, launchedBlocks(target, blocks), (e, mine, base) => emitBlock(e, { spec, r, plan, tableGm, tiles: mine, base, slots }));
  const e = new Emitter(cfg);
  emitBlocks(e, code);
  const sharedBodies = new Set(code.map((c) => c.key)).size;
  const notes = [
    `${spec.count} elements in ${tiles.length} tile(s) over ${blocks} ${target.kind} block(s), chunks of up to ${chunk} elements${slots === 2 ? ', double-buffered' : ''}; ${sharedBodies} distinct block bodies`,
    r.mode === 'tensor'
      ? 'per-tensor parameters as immediates'
      : r.mode === 'rows'
        ? `per-channel parameters as immediates: one instruction group per (outer, channel) run of ${r.inner} elements`
        : `per-channel parameters as UB tables: host-side expansion of ${r.varying.join(', ')} to one value per column of a ${r.channels} x ${r.inner} row`,
  ];
  return {
    programs: { [target.kind]: e.b.build() },
    blockDim: launchDim(target, blocks),
    tiling: { blocks, chunk, doubleBuffer: slots === 2, paramMode: r.mode, tiles: tiles.length },
    notes,
    blobs,
  };
}

/** What one block body streams. */
interface BlockArgs {
  readonly spec: ElementwiseSpec;
  readonly r: Resolved;
  readonly plan: UbPlan;
  /** GM offset of each per-channel parameter table */
  readonly tableGm: Readonly<Record<string, number>>;
  /** the block's tiles; `base` is the element its GM base registers point at */
  readonly tiles: readonly Tile[];
  readonly base: number;
  readonly slots: 1 | 2;
}

/** One block: tables and constants, the chunk pipeline, end. */
function emitBlock(e: Emitter, { spec, r, plan, tableGm, tiles, base, slots }: BlockArgs): void {
  const ev = e.startBlock();
  const io = streamQueues(ev, slots);
  const tablesLoaded = ev.signal('MTE2', 'V', 'parameter tables loaded');
  const params = spec.params ?? {};
  for (const [k, at] of Object.entries(plan.consts)) vDup(e, 'f32', at, params[k]!.values[0]!, 64);
  if (Object.keys(plan.consts).length > 0) e.barrier('V');
  const tableNames = Object.keys(plan.tables);
  for (const k of tableNames)
    e.b.emit('copy_gm_ub', { dst: ub(plan.tables[k]!), src: mem('GM', tableGm[k]!), blockCount: 1, blockLen: r.cols * 4, srcGap: 0, dstGap: 0 });
  if (tableNames.length > 0) {
    tablesLoaded.set();
    tablesLoaded.wait();
  }
  const nIn = spec.inputs.length;
  const chunks = tiles.map((t) => {
    const rel = t.r0 * r.cols + t.c0 - base;
    return {
      load: (s: number) =>
        spec.inputs.forEach((st, i) => {
          const c = copyShape(t, r.cols, DTYPE_BYTES[st.dtype]);
          e.b.emit('copy_gm_ub', { dst: ub(plan.ins[i]![s]!), src: mem('GM', rel * DTYPE_BYTES[st.dtype], BASE_REG + i), blockCount: c.blockCount, blockLen: c.blockLen, srcGap: c.gmGap, dstGap: c.ubGap });
        }),
      compute: (s: number) =>
        spec.body({
          e,
          ins: plan.ins.map((x) => x[s]!),
          outs: plan.outs.map((x) => x[s]!),
          temps: plan.temps,
          elems: roundUp(t.nr * t.pitch, 128),
          rows: t.nr,
          pitch: t.pitch,
          mode: r.mode,
          channel: (row) => (t.r0 + row) % r.channels,
          params,
          tables: plan.tables,
          consts: plan.consts,
          rowScratch: plan.rowScratch,
        }),
      store: (s: number) =>
        spec.outputs.forEach((st, o) => {
          const c = copyShape(t, r.cols, DTYPE_BYTES[st.dtype]);
          e.b.emit('copy_ub_gm', { dst: mem('GM', rel * DTYPE_BYTES[st.dtype], BASE_REG + nIn + o), src: ub(plan.outs[o]![s]!), blockCount: c.blockCount, blockLen: c.blockLen, srcGap: c.ubGap, dstGap: c.gmGap });
        }),
    };
  });
  emitPipeline(e, io, chunks);
  e.b.emit('end', {});
}
