/**
 * The memory plan of a GEMM kernel: GM tensors, L1/L0/UB slot addresses, and the output tiles.
 * Addresses are byte offsets into their buffer; slot arrays hold one address per buffer slot
 * (two when that level is double-buffered).
 */
import type { Slab } from './slab.js';
import type { HwConfig } from '../../hw/config/types.js';
import { GmAllocator, ceilDiv, roundUp, type TensorDesc } from '../kernel.js';
import { nzBytes } from '../layout.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { accType, columnsOf, outTypeOf, tableStride, type GemmProblem } from './spec.js';
import { aPanelBytes, elemBytes, featureMapBytes, featureMapPlan, k0Of, kSlices, type GemmTiling } from './tiling.js';
import type { UbPlan } from './vector-epilogue.js';
import { gridBlockTiles, gridUnitN, type Tile } from './blocks.js';

export type GmName = 'a' | 'b' | 'y' | 'bias' | 'words' | 'tables' | 'workspace';

export type { Tile } from './blocks.js';
export { tilesOf } from './blocks.js';

/**
 * A tile's turn in its block: `index` counts the block's tiles, `cslot` is its L0C slot, and
 * `newPanel` says the resident A was (re)loaded for it, so MTE1 must wait for it.
 */
export interface TileTurn {
  readonly tile: Tile;
  readonly index: number;
  readonly cslot: number;
  readonly newPanel: boolean;
  /** img2col: the feature-map rows in L1 while this tile runs, and its img2col parameters in them */
  readonly slab?: Slab;
  /** resident A: the l1A slot this tile reads */
  readonly aSlot: number;
  /**
   * resident B panel: `filling` on a column's first tile (its chunks arrive through the l1 queue,
   * allocations `fill`, `fill` + 1, ...), `last` on its last tile (MTE1 frees the column's last
   * allocations then, so the next column's chunks cannot overwrite the panel while it is read)
   */
  readonly bPanel?: { readonly filling: boolean; readonly fill: number; readonly last: boolean };
}

export interface Plan {
  readonly p: GemmProblem;
  readonly t: GemmTiling;
  readonly cfg: HwConfig;
  /** coupled core (cube and vector share L1 / UB; epilogue through UB) rather than AIC + AIV */
  readonly coupled: boolean;
  /** bytes per A / B element, and the K elements of one 32-byte fractal column (K0) */
  readonly size: number;
  readonly k0: number;
  readonly gm: Readonly<Record<GmName, TensorDesc | undefined>>;
  /** bytes of one A (matrix, or feature map) and one B piece-matrix in GM */
  readonly aBytes: number;
  readonly bBytes: number;
  /** L1 slots of the A and B K chunks (one A slot when A is resident) */
  readonly l1A: readonly number[];
  readonly l1B: readonly number[];
  /** L1 addresses of the bias table and the per-column quant words (separated chips) */
  readonly l1Bias: number;
  readonly l1Words: number;
  /** L0A / L0B / L0C slots */
  readonly l0a: readonly number[];
  readonly l0b: readonly number[];
  readonly l0c: readonly number[];
  /** UB regions of the coupled epilogue */
  readonly ub: UbPlan | null;
  /** buffer slots at L1, L0A/L0B and L0C (1 or 2, from the tiling's double-buffer switches) */
  readonly nL1: number;
  readonly nL0: number;
  readonly nL0C: number;
  /** per-column tables are per tensor */
  readonly uniform: boolean;
  /** mixed AIC + AIV kernel (UB epilogue on a separated chip) */
  readonly mixed: boolean;
  /** img2col: the whole feature map sits in L1 (else one slab of input rows per tile row) */
  readonly mapWhole: boolean;
  /**
   * img2col with the whole map in L1: a tile column's B panel (every piece, all of K) stays in L1 for
   * all the column's tiles of a block, in `l1B` slots (1 or 2) instead of K chunks; 0 when B streams
   */
  readonly bPanels: number;
  /** resident A (img2col map, band or slab, or A panel) slots: 2 lets MTE2 load the next while MTE1 reads this one */
  readonly aPanels: number;
  /** bytes of one B panel slot (every piece) and of one piece in it */
  readonly bPanelBytes: number;
  readonly bPieceBytes: number;
  /** bytes of one workspace slot (one int32 tile, rows of npad) */
  readonly slotBytes: number;
}

export const slots = (base: number, size: number, n: number) => Array.from({ length: n }, (_, i) => base + i * size);

export function plan(p: GemmProblem, t: GemmTiling, cfg: HwConfig): Plan {
  const coupled = cfg.organisation === 'coupled';
  const mixed = !coupled && p.place === 'ub';
  const size = elemBytes(p);
  const k0 = k0Of(p);
  const slotBytes = t.baseM * roundUp(t.baseN, 32) * 4;
  const cols16 = p.bCount * tableStride(p);
  const params = roundUp(cols16, 64) + 64;
  const img2col = p.aSource.kind === 'img2col';
  const aBytes = img2col ? featureMapBytes(p) : coupled ? nzBytes(p.m, p.k, p.aType) : p.m * p.k * size;
  const bBytes = coupled ? nzBytes(p.n, p.k, p.bType) : p.n * p.k * size;
  const ep = p.epilogue;
  const uniform = ep.kind !== 'requant' || (ep.scales.every((s) => s === ep.scales[0]) && ep.offsets.every((o) => o === ep.offsets[0]));
  const outBytes = DTYPE_BYTES[outTypeOf(ep)];
  const alloc = new GmAllocator();
  const slices = kSlices(t);
  const aCount = p.aPerBatch ? p.batch : 1;
  const rowsOut = (p.batch / p.groups) * p.m;
  const g: Record<GmName, TensorDesc | undefined> = {
    a: alloc.alloc({ name: 'a', role: 'input', dtype: p.aType, dims: img2col ? [aCount, ceilDiv(p.aSource.conv.c, k0), p.aSource.conv.h, p.aSource.conv.w, k0] : [aCount, p.m, p.k], layout: img2col ? 'NC1HWC0' : coupled ? 'NZ' : 'ND', bytes: aCount * aBytes }),
    b: alloc.alloc({ name: 'b', role: 'param', dtype: p.bType, dims: [p.pieces, p.bCount, p.n, p.k], layout: coupled ? 'NZ' : 'ND', bytes: p.pieces * p.bCount * bBytes }),
    bias: !coupled && p.bias ? alloc.alloc({ name: 'bias', role: 'param', dtype: accType(p.aType), dims: [cols16], layout: 'VECTOR', bytes: cols16 * 4 }) : undefined,
    words: !coupled && !mixed && ep.kind === 'requant' && !uniform ? alloc.alloc({ name: 'quant_words', role: 'param', dtype: 'u32', dims: [cols16, 2], layout: 'VECTOR', bytes: cols16 * 8 }) : undefined,
    tables: coupled || mixed ? alloc.alloc({ name: 'epilogue_tables', role: 'param', dtype: 's32', dims: [3, params], layout: 'VECTOR', bytes: 3 * params * 4 }) : undefined,
    workspace: mixed ? alloc.alloc({ name: 'workspace', role: 'param', dtype: 's32', dims: [t.blockDim, 2, t.baseM, roundUp(t.baseN, 32)], layout: 'ND', bytes: t.blockDim * 2 * slotBytes }) : undefined,
    // a K split's partial int32 tiles, one output-sized slice per K slice, for the reduction (split.ts)
    y: slices > 1
      ? alloc.alloc({ name: 'partials', role: 'output', dtype: 's32', dims: [slices, rowsOut, columnsOf(p)], layout: 'ND', bytes: slices * rowsOut * columnsOf(p) * 4 })
      : alloc.alloc({ name: 'y', role: 'output', dtype: outTypeOf(ep), dims: [rowsOut, columnsOf(p)], layout: 'ND', bytes: rowsOut * columnsOf(p) * outBytes }),
  };
  const nL1 = t.dbL1 ? 2 : 1;
  const nL0 = t.dbL0 ? 2 : 1;
  const nL0C = t.dbL0C ? 2 : 1;
  const kL1 = t.stepK * t.baseK * size;
  const resident = img2col || t.aResident;
  const aL1 = img2col ? featureMapPlan(p, t, cfg).bytes : t.aResident ? aPanelBytes(p, t) : nL1 * t.baseM * kL1;
  const tablesL1 = coupled ? 0 : (p.bias ? cols16 * 4 : 0) + (g.words ? g.words.bytes : 0);
  const l1Bytes = cfg.coreKinds[coupled ? 'coupled' : 'aic']?.buffers.L1?.bytes ?? 0;
  // a second resident-A slot needs room, and the panel queue's second event id (ids 3 and 4 of
  // MTE2 <-> MTE1: ascend910 has only 4)
  const aPanels = resident && cfg.eventIds > PANEL_SECOND_ID && 2 * aL1 + nL1 * t.baseN * kL1 + tablesL1 <= l1Bytes ? 2 : 1;
  const l1A = resident ? slots(0, aL1, aPanels) : slots(0, t.baseM * kL1, nL1);
  const whole = featureMapPlan(p, t, cfg).whole;
  const aTaken = (resident ? aPanels : 1) * aL1;
  // a panel arrives in K chunks through the l1 queue: it needs at least as many as the queue is deep
  const panelChunks = p.pieces * ceilDiv(p.k, t.stepK * t.baseK);
  // a K slice reads only its part of K, a panel holds all of it
  const panels = img2col && whole && slices === 1 && columnReuse(p, t, cfg) >= 2 && panelChunks >= nL1 ? residentBPanels(p, t, cfg, aTaken + tablesL1) : { count: 0, pieceBytes: 0 };
  const bPanelBytes = panels.pieceBytes * p.pieces;
  const l1B = panels.count > 0 ? slots(aTaken, bPanelBytes, panels.count) : slots(aTaken, t.baseN * kL1, nL1);
  const l1Bias = panels.count > 0 ? aTaken + panels.count * bPanelBytes : aTaken + nL1 * t.baseN * kL1;
  const l1Words = l1Bias + (p.bias ? cols16 * 4 : 0);
  const ubPlan: UbPlan | null = coupled
    ? {
        bias: 0,
        scale: params * 4,
        offset: 2 * params * 4,
        work: 3 * params * 4,
        nd: slots(3 * params * 4 + t.baseM * t.baseN * 4, t.baseM * roundUp(t.baseN, 32) * 4, 2),
      }
    : null;
  return {
    p,
    t,
    cfg,
    coupled,
    size,
    k0,
    gm: g,
    aBytes,
    bBytes,
    l1A,
    l1B,
    l1Bias,
    l1Words,
    l0a: slots(0, t.baseM * t.baseK * size, nL0),
    l0b: slots(0, t.baseK * t.baseN * size, nL0),
    l0c: slots(0, t.baseM * t.baseN * 4, nL0C),
    ub: ubPlan,
    nL1,
    nL0,
    nL0C,
    uniform,
    mixed,
    slotBytes,
    mapWhole: whole,
    bPanels: panels.count,
    aPanels: resident ? aPanels : 0,
    bPanelBytes,
    bPieceBytes: panels.pieceBytes,
  };
}

/** The second event id of the resident-A queue on MTE2 <-> MTE1 (after l1's two and bias's one): see queues.ts. */
const PANEL_SECOND_ID = 4;

/**
 * How many times a block runs each tile column, on average: its share of the tiles over the columns
 * it touches. A resident panel pays only when a column comes back (its first load is not overlapped
 * with compute the way streamed K chunks are).
 */
function columnReuse(p: GemmProblem, t: GemmTiling, cfg: HwConfig): number {
  if (t.gridN) {
    // the first block has the most tiles of the grid
    const tiles = gridBlockTiles(p, t, t.gridN, gridUnitN(cfg.organisation), 0);
    return tiles.length / new Set(tiles.map((x) => x.n0)).size;
  }
  const columns = ceilDiv(p.n, t.baseN);
  const per = ceilDiv(p.batch * ceilDiv(p.m, t.baseM) * columns, t.blockDim);
  return per / Math.min(per, columns);
}

/** Whether a resident B panel (a tile column's weights, every piece, all of K, in NZ) fits in L1 beside the feature map and the tables. */
function residentBPanels(p: GemmProblem, t: GemmTiling, cfg: HwConfig, taken: number): { count: number; pieceBytes: number } {
  const l1 = cfg.coreKinds[cfg.organisation === 'coupled' ? 'coupled' : 'aic']?.buffers.L1?.bytes ?? 0;
  const size = DTYPE_BYTES[p.bType];
  const pieceBytes = roundUp(t.baseN, 16) * roundUp(p.k * size, 32);
  const room = l1 - taken;
  // one panel: the next column's chunks wait for this column's last tile (see TileTurn.bPanel)
  const count = Math.min(1, Math.floor(room / (pieceBytes * p.pieces)));
  return { count: Math.max(0, count), pieceBytes };
}

/** GM -> L1 copy of one K chunk of a tile's rows of A or B^T (`base`: that matrix's GM offset). */
