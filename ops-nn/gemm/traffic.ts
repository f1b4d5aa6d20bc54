/**
 * GM -> L1 bytes of one block's tiles, counted the way the generator loads them (generator.ts,
 * main-loop.ts): B and a streamed A per K chunk of every tile, a resident A (img2col feature map or
 * slab, or matrix A panel) only when a tile needs a different one than the tile before it.
 * The feature-map plan and the tiler's cost estimate both read it.
 *
 * The tiler asks for every block of every candidate tiling, so the count is a closed form over the
 * tile order (batch entry, tile row, tile column) rather than a walk over the tiles: every tile but
 * those of the last tile row and column has the same size, and the resident A only changes where a
 * tile row starts, the same way in every batch entry. All figures are integers, so the sums are
 * exactly the walk's.
 */
import { ceilDiv, roundUp } from '../kernel.js';
import { aPanelBytes, elemBytes, featureMapBytes, mapRowBytes } from './sizes.js';
import { bandOf, slabOf } from './slab.js';
import type { Tile } from './blocks.js';
import type { GemmProblem } from './spec.js';
import type { GemmTiling } from './tiling.js';

/** How an img2col A sits in L1: the whole feature map of a batch entry, or the input rows of each tile row. */
export type MapMode = 'whole' | 'slabs';

export interface BlockTraffic {
  readonly tiles: number;
  /** GM -> L1 bytes of A and of B */
  readonly a: number;
  readonly b: number;
}

type TileShape = Pick<GemmTiling, 'baseM' | 'baseN' | 'aResident'>;

/**
 * The loads of a resident A along the groups of tiles that share a tile row (group g = entry *
 * rows + row, in tile order): `first[r]` is the A bytes of row r, `enter[r]` what entering row r
 * from row r - 1 of the same entry loads (0 when both read the same A), `boundary` what entering
 * row 0 of an entry from the last row of the entry before loads, and `before[r]` the sum of
 * enter[1 .. r - 1].
 */
interface ResidentLoads {
  readonly rows: number;
  readonly first: readonly number[];
  readonly before: readonly number[];
  /** sum of enter[1 .. rows - 1]: one whole entry after its first row */
  readonly entry: number;
  readonly boundary: number;
}

/** Resident-A loads per problem, by tile height and map mode; the tiler asks again for every candidate. */
const loadsCache = new WeakMap<GemmProblem, Map<number, ResidentLoads | undefined>>();

/** The resident A loads of `t` (undefined when A streams), from the resident A each tile row needs. */
function residentLoads(p: GemmProblem, t: TileShape, mode: MapMode): ResidentLoads | undefined {
  const img2col = p.aSource.kind === 'img2col';
  if (!img2col && !t.aResident) return undefined;
  // only the tile height, the mode (img2col) and aResident (matrix) change the answer
  const key = img2col ? t.baseM * 2 + (mode === 'slabs' ? 1 : 0) : t.baseM;
  let byShape = loadsCache.get(p);
  if (!byShape) loadsCache.set(p, (byShape = new Map()));
  if (byShape.has(key)) return byShape.get(key);
  const loads = computeLoads(p, t, mode);
  byShape.set(key, loads);
  return loads;
}

function computeLoads(p: GemmProblem, t: TileShape, mode: MapMode): ResidentLoads {
  const rows = ceilDiv(p.m, t.baseM);
  const first: number[] = [];
  // same[r]: row r reads the A of row r - 1 (same resident key within one entry)
  const same: boolean[] = [false];
  let lastOfEntrySameAsFirst: boolean;
  if (p.aSource.kind === 'img2col' && mode === 'slabs') {
    const cv = p.aSource.conv;
    const slabs = [];
    for (let r = 0; r < rows; r++) {
      const m0 = r * t.baseM;
      const s = slabOf(cv, m0, Math.min(t.baseM, p.m - m0));
      slabs.push(s);
      first.push(mapRowBytes(p, s.rows));
      if (r > 0) same.push(s.first === slabs[r - 1]!.first && s.rows === slabs[r - 1]!.rows);
    }
    lastOfEntrySameAsFirst = slabs[0]!.first === slabs[rows - 1]!.first && slabs[0]!.rows === slabs[rows - 1]!.rows;
  } else if (p.aSource.kind === 'img2col') {
    // the whole map of the entry: one key per entry
    for (let r = 0; r < rows; r++) {
      first.push(featureMapBytes(p));
      if (r > 0) same.push(true);
    }
    lastOfEntrySameAsFirst = true;
  } else {
    // a matrix A panel per tile row (key: entry and first row)
    for (let r = 0; r < rows; r++) {
      first.push(aPanelBytes(p, t));
      if (r > 0) same.push(false);
    }
    lastOfEntrySameAsFirst = rows === 1;
  }
  const before = [0, 0];
  let entry = 0;
  for (let r = 1; r < rows; r++) {
    entry += same[r] ? 0 : first[r]!;
    before.push(entry);
  }
  // a new entry reads a different A when A differs per entry, else whatever its first row reads
  const boundary = !p.aPerBatch && lastOfEntrySameAsFirst ? 0 : first[0]!;
  return { rows, first, before, entry, boundary };
}

/** Resident-A bytes of the groups [0, x) after the first group's load (see ResidentLoads). */
function loadsBefore(l: ResidentLoads, x: number): number {
  const q = Math.floor(x / l.rows);
  const r = x % l.rows;
  const whole = q * l.entry + Math.max(0, q - 1) * l.boundary;
  return r > 0 ? whole + (q > 0 ? l.boundary : 0) + l.before[r]! : whole;
}

/** Indices i in [0, x) with i % period >= from (from < period): the tiles of a last row or column. */
const countTail = (x: number, period: number, from: number): number => Math.floor(x / period) * (period - from) + Math.max(0, (x % period) - from);

/** GM -> L1 bytes of the tiles [start, end) run by one block. */
export function blockTraffic(p: GemmProblem, t: TileShape, mode: MapMode, range: { start: number; end: number }): BlockTraffic {
  const { start, end } = range;
  const tiles = end - start;
  if (tiles <= 0) return { tiles, a: 0, b: 0 };
  const size = elemBytes(p);
  const rows = ceilDiv(p.m, t.baseM);
  const cols = ceilDiv(p.n, t.baseN);
  const perEntry = rows * cols;
  const perRowOfK = p.pieces * p.k * size;
  // the last tile column is narrower (and the last tile row shorter) when baseN (baseM) does not divide n (m)
  const lastCols = countTail(end, cols, cols - 1) - countTail(start, cols, cols - 1);
  const hn = roundUp(t.baseN, 16);
  const hnLast = roundUp(Math.min(t.baseN, p.n - (cols - 1) * t.baseN), 16);
  const b = perRowOfK * ((tiles - lastCols) * hn + lastCols * hnLast);
  const resident = residentLoads(p, t, mode);
  if (!resident) {
    const lastRows = countTail(end, perEntry, (rows - 1) * cols) - countTail(start, perEntry, (rows - 1) * cols);
    const h = roundUp(t.baseM, 16);
    const hLast = roundUp(Math.min(t.baseM, p.m - (rows - 1) * t.baseM), 16);
    return { tiles, a: perRowOfK * ((tiles - lastRows) * h + lastRows * hLast), b };
  }
  // the first tile always loads its A; later groups load where their A differs from the one before
  const g0 = Math.floor(start / cols);
  const g1 = Math.floor((end - 1) / cols);
  const a = resident.first[g0 % rows]! + loadsBefore(resident, g1 + 1) - loadsBefore(resident, g0 + 1);
  return { tiles, a, b };
}

/**
 * GM -> L1 bytes of one block's own list of tiles (a core grid's rectangle), as the generator loads
 * them: with whole maps, each batch entry's band (the input rows the block's output rows read, plus
 * the halo) once; with slabs, each tile row's slab; a matrix A per tile row when resident, else per
 * tile; B per tile. A grid block's tiles are few, so this walks them.
 */
export function tilesTraffic(p: GemmProblem, t: TileShape, mode: MapMode, tiles: readonly Tile[]): BlockTraffic {
  const size = elemBytes(p);
  const bands = p.aSource.kind === 'img2col' && mode === 'whole' ? bandBytes(p, tiles) : undefined;
  let a = 0;
  let b = 0;
  let loaded = '';
  for (const tile of tiles) {
    b += p.pieces * tile.hn * p.k * size;
    const entry = p.aPerBatch ? tile.e : 0;
    // the resident A the tile reads (its entry's band, its slab or its A panel), or none: A streams
    let key = '';
    let bytes = 0;
    if (bands) [key, bytes] = [`${entry}`, bands.get(tile.e)!];
    else if (p.aSource.kind === 'img2col') {
      const s = slabOf(p.aSource.conv, tile.m0, tile.rows);
      [key, bytes] = [`${entry}:${s.first}:${s.rows}`, mapRowBytes(p, s.rows)];
    } else if (t.aResident) [key, bytes] = [`${entry}:${tile.m0}`, aPanelBytes(p, t)];
    if (key === '') a += p.pieces * tile.h * p.k * size;
    else if (key !== loaded) {
      a += bytes;
      loaded = key;
    }
  }
  return { tiles: tiles.length, a, b };
}

/** Bytes of each batch entry's band of a block's tiles (the whole map when the band is all of it). */
function bandBytes(p: GemmProblem, tiles: readonly Tile[]): Map<number, number> {
  const cv = (p.aSource as { conv: Parameters<typeof slabOf>[0] }).conv;
  const spans = new Map<number, { first: number; end: number }>();
  for (const x of tiles) {
    const s = spans.get(x.e);
    spans.set(x.e, { first: Math.min(s?.first ?? x.m0, x.m0), end: Math.max(s?.end ?? 0, x.m0 + x.rows) });
  }
  const out = new Map<number, number>();
  for (const [e, s] of spans) {
    const band = bandOf(cv, s.first, s.end);
    out.set(e, band ? mapRowBytes(p, band.rows) : featureMapBytes(p));
  }
  return out;
}
