/**
 * The tiler's cost estimate of a GEMM tiling: cycles of the busiest block from its cube work at the
 * cube rate, its L1 -> L0 and GM -> L1 bytes at the preset's path rates and its epilogue, against
 * the chip-wide limits every block shares (the L2's bandwidth, and HBM for the bytes that must come
 * from it once). A rough model of what the simulator times, meant only to rank tilings.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { ceilDiv, roundUp } from '../kernel.js';
import { blockRange, gridBlockTiles, gridUnitN, tileAt, tileGrid, type Tile } from './blocks.js';
import { elemBytes, featureMapBytes, k0Of } from './sizes.js';
import { columnsOf, outTypeOf, type GemmEpilogue, type GemmProblem } from './spec.js';
import type { GemmTiling } from './tiling.js';
import { blockTraffic, tilesTraffic, type MapMode } from './traffic.js';
import { copyConversionOf } from './copy-deq.js';

/** What bounds an estimate: one pipe of the busiest block, or a chip-wide bandwidth. */
export type Bound = 'cube' | 'MTE1' | 'MTE2' | 'epilogue' | 'L2' | 'HBM';

export interface GemmEstimate {
  readonly cycles: number;
  readonly bound: Bound;
  /** blocks with work (all launched blocks: tiles are dealt evenly) */
  readonly cores: number;
  /** tiles and GM -> L1 bytes of the busiest block */
  readonly tilesPerCore: number;
  readonly bytesPerCore: number;
  /** GM -> L1 bytes of every block together */
  readonly chipBytes: number;
  /** busy cycles of each limit (pipes: the busiest block) */
  readonly busy: Readonly<Record<Bound, number>>;
  /** K split: the estimated cycles of the reduction launch (included in `cycles`) */
  readonly reduceCycles?: number;
}

/**
 * Vector passes over a tile's 32-bit accumulators in the UB epilogue (vector-epilogue.ts), in
 * unary-repeat units (a binary op counts 2): Nz -> ND copy and bias add, then the conversion chain.
 * Where the L0C -> UB copy dequantises (copy-deq.ts, 'deq-f16' on presets with
 * features.enhancedL0cUb) only the f16 passes are left: the cast to 8 bit that also reorders Nz ->
 * ND (half a unit: 128 lanes a repeat) and, with a zero point, five more like it; they are counted
 * as whole passes for the barrier each one ends with. Where the copy converts f32 -> f16 (the f16
 * epilogue there) one pass is left: the f16 bit copy that reorders Nz -> ND, counted likewise.
 */
const UB_PASSES: Readonly<Record<GemmEpilogue['kind'] | 'deqOnCopy' | 'deqOnCopyZp' | 'f16OnCopy', number>> = { int32: 3, f16: 4, requant: 14, deqOnCopy: 1, deqOnCopyZp: 6, f16OnCopy: 1 };
/** Cycles each vector pass costs beyond its repeats: the barrier between passes drains the pipe. */
const PASS_OVERHEAD = 8;
/** Elements of one 256-byte vector repeat of 32-bit values. */
const REPEAT_ELEMS = 64;

/** Epilogue cycles of one tile of h x hn accumulators on its busiest pipe. */
function tileEpilogue(p: GemmProblem, cfg: HwConfig, h: number, hn: number): number {
  const ep = p.epilogue;
  const outBytes = DTYPE_BYTES[outTypeOf(ep)];
  const fix = cfg.paths.L0C_GM;
  const fixpipe = (bytes: number) => Math.max(fix.minCycles, fix.fixedLatency + bytes / fix.bytesPerCycle);
  const onCopy = copyConversionOf(p, cfg);
  const passes = onCopy === 'f16' ? UB_PASSES.f16OnCopy : onCopy === 'deq' && ep.kind === 'requant' ? UB_PASSES[ep.offsets[0] !== 0 ? 'deqOnCopyZp' : 'deqOnCopy'] : UB_PASSES[ep.kind];
  const vector = (elems: number) => passes * (ceilDiv(elems, REPEAT_ELEMS) * cfg.vector.classes.unary.cyclesPerRepeat + PASS_OVERHEAD);
  const npad = roundUp(hn, 32);
  if (cfg.organisation === 'coupled') {
    const toUb = (h * hn * 4) / cfg.paths.L0C_UB.bytesPerCycle;
    // the bias broadcast into L0C (the next tile's, on the same pipe) writes the tile's 32-bit fractals
    const bias = onCopy && p.bias ? (h * hn * 4) / cfg.paths.UB_L0C.bytesPerCycle : 0;
    return toUb + bias + vector(h * npad);
  }
  // mixed kernel: the fixpipe writes int32, two AIVs convert half the rows each
  if (p.place === 'ub') return Math.max(fixpipe(h * npad * 4), vector((h * npad) / 2));
  return fixpipe(h * hn * outBytes);
}

/** The estimate of tiling `t` (blockDim blocks), with img2col maps kept in L1 as `mapMode`. */
export function estimateGemm(p: GemmProblem, t: GemmTiling, cfg: HwConfig, mapMode: MapMode): GemmEstimate {
  const size = elemBytes(p);
  const kPad = roundUp(p.k, k0Of(p));
  const grid = tileGrid(p, t);
  const count = grid.count;
  const blocks = t.gridN ? t.blockDim : Math.max(1, Math.min(t.blockDim, count));
  const gmRate = Math.min(cfg.paths.GM_L1.bytesPerCycle, cfg.gm.coreBytesPerCycle);
  const l0a = cfg.paths.L1_L0A.bytesPerCycle;
  const l0b = cfg.paths.L1_L0B.bytesPerCycle;
  let worst = { cycles: -1, cube: 0, mte1: 0, mte2: 0, epilogue: 0, tiles: 0, bytes: 0 };
  let chipBytes = 0;
  // one tile's cube, L1 -> L0, chunk-stall and epilogue cycles, by its rounded height and width
  const figures = (h: number, hn: number) => ({
    cube: p.pieces * (h / 16) * (hn / 16) * (kPad / k0Of(p)),
    mte1: p.pieces * kPad * size * (h / l0a + hn / l0b),
    stall: chunkStall(p, t, cfg, gmRate, h, hn),
    epilogue: tileEpilogue(p, cfg, h, hn),
  });
  // In tile order every tile has one of four sizes (the last tile row is shorter, the last column
  // narrower): each figure is worked out once per size, then summed tile by tile in tile order, so
  // the floating-point sums keep their bits.
  const perSize = [false, true].flatMap((lastRow) =>
    [false, true].map((lastCol) =>
      figures(roundUp(Math.min(t.baseM, lastRow ? p.m - (grid.rows - 1) * t.baseM : t.baseM), 16), roundUp(Math.min(t.baseN, lastCol ? p.n - (grid.cols - 1) * t.baseN : t.baseN), 16)),
    ),
  );
  for (let b = 0; b < blocks; b++) {
    // a core grid's rectangle, or a run of tiles in tile order
    const own = t.gridN ? gridBlockTiles(p, t, t.gridN, gridUnitN(cfg.organisation), b) : undefined;
    const range = own ? { start: 0, end: 0 } : blockRange(count, blocks, b);
    const traffic = own ? tilesTraffic(p, t, mapMode, own) : blockTraffic(p, t, mapMode, range);
    let cube = 0;
    let mte1 = 0;
    let chunkStalls = 0;
    let epilogue = 0;
    let lastEpilogue = 0;
    const add = (f: ReturnType<typeof figures>) => {
      cube += f.cube;
      mte1 += f.mte1;
      chunkStalls += f.stall;
      lastEpilogue = f.epilogue;
      epilogue += lastEpilogue;
    };
    for (const x of own ?? []) add(figures(x.h, x.hn));
    const at = tileAt(p, t, range.start);
    let row = at.m0 / t.baseM;
    let col = at.n0 / t.baseN;
    for (let i = range.start; i < range.end; i++) {
      add(perSize[(row === grid.rows - 1 ? 2 : 0) + (col === grid.cols - 1 ? 1 : 0)]!);
      if (++col === grid.cols) {
        col = 0;
        if (++row === grid.rows) row = 0;
      }
    }
    const bytes = traffic.a + traffic.b;
    chipBytes += bytes;
    // A resident A is loaded whole before the first mmad can start: that part of MTE2 does not overlap.
    const hasTiles = own ? own.length > 0 : range.end > range.start;
    const firstA = (p.aSource.kind === 'img2col' || t.aResident) && hasTiles ? (own ? firstOwnBytes(p, t, mapMode, own) : firstResidentBytes(p, t, mapMode)) / gmRate : 0;
    // this block's share of the bytes that miss in L2 streams at the core's miss rate, not its port rate
    // On a core grid a block's B columns are read by the blocks of its column range and its A rows
    // by those of its row range, so it takes about its share of each as misses (an uneven split
    // leaves the wider blocks with more); in tile order, an even share of the compulsory bytes.
    const missBytes = own && t.gridN ? ownMissBytes(p, own, traffic.a, t.blockDim / t.gridN, t.gridN) : compulsoryBytes(p) / blocks;
    const missExtra = missBytes * (1 / cfg.gm.coreMissBytesPerCycle - 1 / gmRate);
    const mte2 = bytes / gmRate + chunkStalls + Math.max(0, missExtra);
    const steady = Math.max(cube, mte1, mte2 - firstA, epilogue - lastEpilogue);
    const cycles = cfg.paths.GM_L1.fixedLatency + firstA + steady + lastEpilogue + cfg.cube.fixedLatency;
    if (cycles > worst.cycles) worst = { cycles, cube, mte1, mte2, epilogue, tiles: traffic.tiles, bytes };
  }
  // Bytes that must come from HBM once: every distinct A and the weights. A core's misses are
  // limited to its miss rate, so more cores draw HBM faster up to the chip's bandwidth.
 const hbm = compulsoryBytes(p) / Math.min(cfg.gm.chipBytesPerCycle, blocks * cfg.gm.coreMissBytesPerCycle);
  const l2 = chipBytes / cfg.l2.chipBytesPerCycle;
  const busy: Record<Bound, number> = { cube: worst.cube, MTE1: worst.mte1, MTE2: worst.mte2, epilogue: worst.epilogue, L2: l2, HBM: hbm };
  const bound = (Object.keys(busy) as Bound[]).reduce((x, y) => (busy[y] > busy[x] ? y : x));
  return { cycles: Math.round(Math.max(worst.cycles, l2, hbm)), bound, cores: blocks, tilesPerCore: worst.tiles, bytesPerCore: worst.bytes, chipBytes, busy };
}

/** Bytes that must come from HBM once: every distinct A (matrix or feature map) and the weights. */
function compulsoryBytes(p: GemmProblem): number {
  const aCount = p.aPerBatch ? p.batch : 1;
  const size = elemBytes(p);
  return aCount * (p.aSource.kind === 'img2col' ? featureMapBytes(p) : p.m * p.k * size) + p.pieces * p.bCount * p.n * p.k * size;
}

/**
 * MTE2 cycles a tile's K chunks lose to the GM latency beyond their streaming time: with nL1 slots,
 * a chunk's load can only start once the chunk nL1 back has left L1, so each round trip (latency,
 * streaming, the L1 -> L0 loads) is shared by nL1 chunks; small chunks are latency-bound.
 */
function chunkStall(p: GemmProblem, t: GemmTiling, cfg: HwConfig, gmRate: number, h: number, hn: number): number {
  const size = elemBytes(p);
  const kL1 = t.stepK * t.baseK;
  const rows = hn + (p.aSource.kind === 'matrix' && !t.aResident ? h : 0);
  const stream = (rows * kL1 * size) / gmRate;
  const toL0 = (kL1 * size * (h / cfg.paths.L1_L0A.bytesPerCycle + hn / cfg.paths.L1_L0B.bytesPerCycle));
  const roundTrip = cfg.paths.GM_L1.fixedLatency + stream + toL0;
  const chunks = p.pieces * ceilDiv(p.k, kL1);
  return chunks * Math.max(0, roundTrip / (t.dbL1 ? 2 : 1) - stream);
}

/** Bytes of the first resident A a block loads (a whole map, the largest slab, or an A panel). */
function firstResidentBytes(p: GemmProblem, t: GemmTiling, mapMode: MapMode): number {
  return blockTraffic(p, t, mapMode, { start: 0, end: 1 }).a;
}

/** Bytes of the first resident A a core-grid block loads: its first entry's band, or its first tile's slab or panel. */
function firstOwnBytes(p: GemmProblem, t: GemmTiling, mapMode: MapMode, own: readonly Tile[]): number {
  const first = own[0]!;
  return tilesTraffic(p, t, mapMode, mapMode === 'whole' ? own.filter((x) => x.e === first.e) : [first]).a;
}

/** A core-grid block's expected L2 misses: its distinct B columns over the blocks sharing them, plus its A over those sharing it. */
function ownMissBytes(p: GemmProblem, own: readonly Tile[], aBytes: number, rowRanges: number, colRanges: number): number {
  const columns = new Map<string, number>();
  for (const x of own) columns.set(`${x.e % p.bCount}:${x.n0}`, x.hn);
  let b = 0;
  for (const hn of columns.values()) b += p.pieces * hn * p.k * elemBytes(p);
  return b / rowRanges + aBytes / colRanges;
}

/** Elements a streaming vector kernel gives each block before another block is worth it (ops-nn/vector/elementwise.ts). */
const REDUCE_MIN_PER_BLOCK = 4096;

/**
 * The estimate of a K split (split.ts): the partial launch is costed as a GEMM whose batch entries
 * are the slices (each slice's own K, its own part of B, an int32 epilogue into the workspace, the
 * bias with the first slice only), dealt to blocks in the same order as blocks.ts deals (tile, slice)
 * units; then the reduction launch, which reads every slice of the workspace and writes the output.
 */
export function estimateSplitGemm(p: GemmProblem, t: GemmTiling, cfg: HwConfig, mapMode: MapMode): GemmEstimate {
  const slices = t.splitK ?? 1;
  const kL1 = t.stepK * t.baseK;
  const perSlice = Math.ceil(Math.ceil(p.k / kL1) / slices);
  const partial: GemmProblem = {
    ...p,
    batch: p.batch * slices,
    k: Math.min(p.k, perSlice * kL1),
    bCount: slices * p.bCount,
    aPerBatch: true,
    epilogue: { kind: 'int32' },
    place: cfg.organisation === 'coupled' ? 'ub' : 'fixpipe',
  };
  const { splitK: _s, ...unsplit } = t;
  const g = estimateGemm(partial, unsplit, cfg, mapMode);
  const reduceCycles = Math.round(estimateReduce(p, slices, cfg));
  return { ...g, cycles: g.cycles + reduceCycles, reduceCycles };
}

/**
 * Cycles of the reduction launch: the workspace (every slice) streamed in and the output out over
 * the vector blocks' GM ports, or the L2's bandwidth if that is less, the adds and the epilogue's
 * passes, and one GM round trip; counted one after the other (the outputs a split is for are small).
 */
function estimateReduce(p: GemmProblem, slices: number, cfg: HwConfig): number {
  const elems = (p.batch / p.groups) * p.m * columnsOf(p);
  const separated = cfg.organisation === 'separated';
  const maxBlocks = cfg.cores * (separated ? cfg.aivPerAic : 1);
  const blocks = Math.max(1, Math.min(maxBlocks, Math.ceil(elems / REDUCE_MIN_PER_BLOCK)));
  const outBytes = DTYPE_BYTES[outTypeOf(p.epilogue)];
  const inRate = Math.min(blocks * Math.min(cfg.paths.GM_UB.bytesPerCycle, cfg.gm.coreBytesPerCycle), cfg.l2.chipBytesPerCycle);
  const outRate = Math.min(blocks * Math.min(cfg.paths.UB_GM.bytesPerCycle, cfg.gm.coreBytesPerCycle), cfg.l2.chipBytesPerCycle);
  const stream = (slices * elems * 4) / inRate + (elems * outBytes) / outRate;
  const passes = slices - 1 + (p.epilogue.kind === 'requant' ? (p.epilogue.semantics === 'onnx' ? 8 : 11) : 0);
  const vector = passes * (Math.ceil(elems / blocks / REPEAT_ELEMS) * cfg.vector.classes.unary.cyclesPerRepeat + PASS_OVERHEAD);
  // a small output is one or two chunks per block: its loads, passes and store hardly overlap
  return cfg.paths.GM_UB.fixedLatency + cfg.paths.UB_GM.fixedLatency + stream + vector;
}
