/**
 * How a streaming kernel cuts its tensor into chunks. The tensor is viewed as `rows` x `cols`
 * (row-major, contiguous): one row for per-tensor parameters; one row per (outer, channel) run of
 * `inner` elements when per-channel parameters are immediates; one row per outer index when they
 * are UB tables over the `channels * inner` columns. A tile is `nr` rows x `nc` columns starting at
 * (r0, c0); in UB its rows sit `pitch` elements apart so every row starts on a whole vector repeat.
 */
import { ceilDiv, roundUp } from '../kernel.js';

/** A tile: rows r0.. (nr of them) x columns c0.. (nc), rows `pitch` elements apart in UB. */
export interface Tile {
  readonly r0: number;
  readonly nr: number;
  readonly c0: number;
  readonly nc: number;
  /** UB elements between row starts (nc rounded up to the row alignment) */
  readonly pitch: number;
}

/** Most rows one DataCopy moves (blockCount). */
const MAX_BURSTS = 4095;

/**
 * Tiles of a rows x cols tensor for `blocks` blocks, each tile at most `chunk` UB elements, rows
 * aligned to `align` elements. Whole rows go together when they fit and there are enough rows to
 * feed every block (or `wholeRows` demands it); otherwise rows are cut into equal column pieces,
 * as many as make the tile count a multiple of `blocks` so the blocks get equal work.
 */
export function tileTensor(rows: number, cols: number, chunk: number, align: number, blocks: number, wholeRows: boolean): Tile[] {
  const pitch = roundUp(cols, align);
  const out: Tile[] = [];
  if (pitch <= chunk && (rows >= blocks || wholeRows)) {
    const perBlock = ceilDiv(rows, blocks);
    const nrMax = Math.min(Math.floor(chunk / pitch), MAX_BURSTS);
    const nr = ceilDiv(perBlock, ceilDiv(perBlock, nrMax));
    for (let r0 = 0; r0 < rows; r0 += nr) out.push({ r0, nr: Math.min(nr, rows - r0), c0: 0, nc: cols, pitch });
    return out;
  }
  const fit = Math.floor(chunk / align) * align;
  const minPieces = Math.max(ceilDiv(cols, fit), ceilDiv(blocks, rows));
  const pieces = ceilDiv(roundUp(rows * minPieces, blocks), rows);
  const width = roundUp(ceilDiv(cols, pieces), align);
  for (let r0 = 0; r0 < rows; r0++)
    for (let c0 = 0; c0 < cols; c0 += width) {
      const nc = Math.min(width, cols - c0);
      out.push({ r0, nr: 1, c0, nc, pitch: roundUp(nc, align) });
    }
  return out;
}

/** Tiles [first, end) of block b when `count` tiles are split over `blocks` blocks as evenly as possible. */
export function blockRange(count: number, blocks: number, b: number): readonly [number, number] {
  return [Math.floor((b * count) / blocks), Math.floor(((b + 1) * count) / blocks)];
}

/** A band of output rows of one plane (a channel block of one image): what a pooling or depthwise block step computes. */
export interface RowBand {
  readonly plane: number;
  readonly oh0: number;
  readonly rows: number;
}

/** Every plane's output rows cut into bands of at most `rows`, in plane order. */
export function rowBands(planes: number, oh: number, rows: number): RowBand[] {
  const bands: RowBand[] = [];
  for (let p = 0; p < planes; p++) for (let oh0 = 0; oh0 < oh; oh0 += rows) bands.push({ plane: p, oh0, rows: Math.min(rows, oh - oh0) });
  return bands;
}

/** The bands block `b` runs when `blocks` blocks share them (none for a launched block past `blocks`). */
export function bandsOfBlock(bands: readonly RowBand[], blocks: number, b: number): RowBand[] {
  const [first, end] = b < blocks ? blockRange(bands.length, blocks, b) : [0, 0];
  return bands.slice(first, end);
}
