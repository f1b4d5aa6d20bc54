/**
 * The chip's L2 cache: residency by GM address at line granularity, shared by every core of a chip.
 * It decides, for each GM transfer, how many of its bytes hit, how many miss and what that costs in
 * HBM traffic (line fills, write-backs of dirty victims, bypassed bytes). It holds addresses only,
 * never data, so functional and timing-only runs see the same hits and misses.
 *
 * Rules (docs/timing-model.md §L2 cache and HBM):
 * - set-associative, `ways` lines per set, least-recently-used replacement; the set of a line comes
 *   from a fold of its line index (real L2s hash addresses so power-of-two strides spread);
 * - a read that misses allocates the line and fills all of it from HBM;
 * - a write allocates without a fill (byte-enabled writes merge into the line) and marks it dirty;
 * - evicting a dirty line writes it back to HBM first;
 * - a transfer with the bypass hint (SetL2CacheHint DISABLE) uses a resident line but does not
 *   allocate one: its missing reads and writes go straight to HBM.
 * The state survives a launch, so a later launch can start warm (`flush` empties it).
 */
import type { Layout } from '../../isa/shapes.js';
import type { L2Hint } from '../../isa/types.js';
import type { HwConfig } from '../config/types.js';

/** Whether a transfer issued under each hint (set_l2_hint) bypasses the L2: the `bypass` of `access`. */
export const L2_HINT_BYPASS: Readonly<Record<L2Hint, boolean>> = { normal: false, disable: true };

/** What one access costs, in bytes: filled by `access`, so the hot path allocates nothing. */
export interface L2Outcome {
  /** bytes of the request served by resident lines */
  hitBytes: number;
  /** bytes of the request whose line was not resident */
  missBytes: number;
  /** bytes read from HBM: whole lines filled, plus bypassed read bytes */
  hbmReadBytes: number;
  /** bytes written to HBM: dirty victims written back, plus bypassed write bytes */
  hbmWriteBytes: number;
}

export const emptyOutcome = (): L2Outcome => ({ hitBytes: 0, missBytes: 0, hbmReadBytes: 0, hbmWriteBytes: 0 });

export class L2Cache {
  readonly lineBytes: number;
  readonly ways: number;
  readonly sets: number;
  /**
   * Each set's ways in recency order, most recent first: (line index + 1) * 2, plus 1 when dirty; 0
   * marks an empty way (empties are always last). A hit moves its line to the front, a fill evicts the
   * last way: exact LRU with no stamps. Stored way by way (plane w holds way w of every set, made on
   * first use): a run that keeps few lines per set touches a plane or two, not the whole L2, and the
   * most recent way of a set, where hits usually are, is one load.
   */
  private planes: (Float64Array | null)[];
  private dirtyLines = 0;
  private residentLines = 0;
  /** identifies the geometry, so a warm L2 is only reused by a chip with the same one */
  readonly geometry: string;

  constructor(cfg: HwConfig) {
    const l2 = cfg.l2;
    this.lineBytes = l2.lineBytes;
    this.ways = l2.ways;
    this.sets = Math.max(1, Math.floor(l2.bytes / (l2.lineBytes * l2.ways)));
    this.geometry = L2Cache.geometryOf(cfg);
    this.planes = this.noPlanes();
  }

  /** A packed array of missing planes (a holey one is slower to index on the hot path). */
  private noPlanes(): (Float64Array | null)[] {
    return new Array<Float64Array | null>(this.ways).fill(null);
  }

  static geometryOf(cfg: HwConfig): string {
    return `${cfg.l2.bytes}/${cfg.l2.lineBytes}/${cfg.l2.ways}`;
  }

  /** Empties the cache (dirty lines are dropped: the caller counts them first if it cares). */
  flush(): void {
    this.planes = this.noPlanes();
    this.dirtyLines = this.residentLines = 0;
  }

  /** Bytes of dirty lines resident now: what a flush would write back to HBM. */
  dirtyBytes(): number {
    return this.dirtyLines * this.lineBytes;
  }

  /** Bytes of resident lines. */
  residentBytes(): number {
    return this.residentLines * this.lineBytes;
  }

  /**
   * Looks up every line `layout` touches from GM address `base`, in address order, and adds the
   * outcome to `out`. `write`: the transfer writes GM; `bypass`: the DISABLE hint.
   */
  access(base: number, layout: Layout, write: boolean, bypass: boolean, out: L2Outcome): void {
    if (typeof layout === 'number') this.rows(base, 1, 0, layout, write, bypass, out);
    else if (typeof layout.each === 'number') this.rows(base, layout.count, layout.stride, layout.each, write, bypass, out);
    else for (let i = 0; i < layout.count; i++) this.access(base + i * layout.stride, layout.each, write, bypass, out);
  }

  /**
   * `count` runs of `len` bytes, `stride` apart from `base`, line by line: the hot path of every GM
   * transfer, so the lookup is written out here with everything in locals.
   */
  private rows(base: number, count: number, stride: number, len: number, write: boolean, bypass: boolean, out: L2Outcome): void {
    if (len <= 0) return;
    const L = this.lineBytes;
    const ways = this.ways;
    const planes = this.planes;
    let hit = 0;
    let miss = 0;
    let hbmRead = 0;
    let hbmWrite = 0;
    for (let r = 0; r < count; r++) {
      const start = base + r * stride;
      const end = start + len;
      const lastLine = Math.floor((end - 1) / L);
      // below 2^31 the line index stays a small integer, which keeps the loop's arithmetic integer
      for (let line = end <= 0x7fffffff ? (start / L) | 0 : Math.floor(start / L); line <= lastLine; line++) {
        const lineStart = line * L;
        const inLine = (line === lastLine ? end : lineStart + L) - (lineStart > start ? lineStart : start);
        const set = this.setOf(line);
        const key = (line + 1) * 2;
        // most recent first: a hit is usually in way 0, where it changes nothing unless it dirties a clean line
        const p0 = planes[0]!;
        if (p0 !== null) {
          const v0 = p0[set]!;
          if (v0 === key + 1 || (v0 === key && !write)) {
            hit += inLine;
            continue;
          }
        }
        let at = -1;
        let empty = ways - 1; // the way a fill evicts: the first empty one, else the least recently used
        for (let w = 0; w < ways; w++) {
          const plane = planes[w]!;
          const v = plane === null ? 0 : plane[set]!;
          if (v === key || v === key + 1) {
            at = w;
            break;
          }
          if (v === 0) {
            empty = w;
            break;
          }
        }
        if (at >= 0) {
          hit += inLine;
          let now = planes[at]![set]!;
          if (write && now === key) {
            now = key + 1;
            this.dirtyLines++;
          }
          if (at > 0 || now !== planes[0]![set]) {
            for (let j = at; j > 0; j--) planes[j]![set] = planes[j - 1]![set]!;
            planes[0]![set] = now;
          }
          continue;
        }
        miss += inLine;
        if (bypass) {
          if (write) hbmWrite += inLine;
          else hbmRead += inLine;
          continue;
        }
        const victim = (planes[empty] ?? this.newPlane(empty))[set]!;
        if (victim === 0) this.residentLines++;
        else if (victim % 2 === 1) {
          hbmWrite += L;
          this.dirtyLines--;
        }
        for (let j = empty; j > 0; j--) planes[j]![set] = planes[j - 1]![set]!;
        planes[0]![set] = write ? key + 1 : key;
        if (write) this.dirtyLines++;
        else hbmRead += L;
      }
    }
    out.hitBytes += hit;
    out.missBytes += miss;
    out.hbmReadBytes += hbmRead;
    out.hbmWriteBytes += hbmWrite;
  }

  private newPlane(w: number): Float64Array {
    const plane = new Float64Array(this.sets);
    this.planes[w] = plane;
    return plane;
  }

  /** Set of a line: its index folded with its higher bits, so 2^k strides do not pile into one set. */
  private setOf(line: number): number {
    // int32 arithmetic below 2^31 lines (256 GiB of 128 B lines): the same fold, faster
    if (line < 0x80000000) {
      const lo = line & 0xfffff;
      return (lo ^ (lo >>> 11) ^ (line >>> 20)) % this.sets;
    }
    const lo = line % 0x100000;
    const hi = Math.floor(line / 0x100000);
    return ((lo ^ (lo >>> 11) ^ hi) >>> 0) % this.sets;
  }
}
