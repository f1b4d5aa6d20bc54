/**
 * GM -> L1 bytes of one block's tiles, counted the way the generator loads them (generator.ts,
 * main-loop.ts): B and a streamed A per K chunk of every tile, a resident A (img2col feature map or
 * slab, or matrix A panel) only when a tile needs a different one than the tile before it.
 * The feature-map plan and the tiler's cost estimate both read it.
 */
import { roundUp } from '../kernel.js';
import { tileAt, type Tile } from './blocks.js';
import { aPanelBytes, elemBytes, featureMapBytes, mapRowBytes } from './sizes.js';
import { bandOf, slabOf } from './slab.js';
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

/** The resident A a tile needs (same key, no reload) and its bytes; undefined when A streams. */
function residentA(p: GemmProblem, t: TileShape, mode: MapMode, e: number, m0: number): { key: string; bytes: number } | undefined {
  const entry = p.aPerBatch ? e : 0;
  if (p.aSource.kind === 'img2col') {
    if (mode === 'whole') return { key: `${entry}`, bytes: featureMapBytes(p) };
    const s = slabOf(p.aSource.conv, m0, Math.min(t.baseM, p.m - m0));
    return { key: `${entry}:${s.first}:${s.rows}`, bytes: mapRowBytes(p, s.rows) };
  }
  return t.aResident ? { key: `${entry}:${m0}`, bytes: aPanelBytes(p, t) } : undefined;
}

/** GM -> L1 bytes of the tiles [start, end) run by one block. */
export function blockTraffic(p: GemmProblem, t: TileShape, mode: MapMode, range: { start: number; end: number }): BlockTraffic {
  const size = elemBytes(p);
  let a = 0;
  let b = 0;
  let loaded = '';
  for (let i = range.start; i < range.end; i++) {
    const { e, m0, n0 } = tileAt(p, t, i);
    const h = roundUp(Math.min(t.baseM, p.m - m0), 16);
    const hn = roundUp(Math.min(t.baseN, p.n - n0), 16);
    b += p.pieces * hn * p.k * size;
    const r = residentA(p, t, mode, e, m0);
    if (!r) a += p.pieces * h * p.k * size;
    else if (r.key !== loaded) {
      a += r.bytes;
      loaded = r.key;
    }
  }
  return { tiles: range.end - range.start, a, b };
}

/**
 * GM -> L1 bytes of one block's own list of tiles (a core grid's rectangle), as the generator loads
 * them: with whole maps, each batch entry's band (the input rows the block's output rows read, plus
 * the halo) once; with slabs, each tile row's slab; a matrix A per tile row when resident, else per
 * tile; B per tile.
 */
export function tilesTraffic(p: GemmProblem, t: TileShape, mode: MapMode, tiles: readonly Tile[]): BlockTraffic {
  const size = elemBytes(p);
  let a = 0;
  let b = 0;
  let loaded = '';
  const bands = p.aSource.kind === 'img2col' && mode === 'whole' ? bandBytes(p, tiles) : undefined;
  for (const tile of tiles) {
    b += p.pieces * tile.hn * p.k * size;
    const entry = p.aPerBatch ? tile.e : 0;
    if (bands) {
      const key = `${entry}`;
      if (key !== loaded) a += bands.get(tile.e)!;
      loaded = key;
      continue;
    }
    const r = residentA(p, t, mode, tile.e, tile.m0);
    if (!r) a += p.pieces * tile.h * p.k * size;
    else if (r.key !== loaded) {
      a += r.bytes;
      loaded = r.key;
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
