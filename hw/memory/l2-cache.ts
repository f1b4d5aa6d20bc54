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
  /** line index + 1 per way (0: empty). Large typed arrays are zero pages until touched, so a big
   * L2 costs memory only for the sets a run uses. */
  private readonly tags: Float64Array;
  /** last-use stamp per way (LRU) */
  private readonly stamps: Float64Array;
  private readonly dirty: Uint8Array;
  private clock = 0;
  private dirtyLines = 0;
  private residentLines = 0;
  /** identifies the geometry, so a warm L2 is only reused by a chip with the same one */
  readonly geometry: string;

  constructor(cfg: HwConfig) {
    const l2 = cfg.l2;
    this.lineBytes = l2.lineBytes;
    this.ways = l2.ways;
    this.sets = Math.max(1, Math.floor(l2.bytes / (l2.lineBytes * l2.ways)));
    this.tags = new Float64Array(this.sets * this.ways);
    this.stamps = new Float64Array(this.sets * this.ways);
    this.dirty = new Uint8Array(this.sets * this.ways);
    this.geometry = L2Cache.geometryOf(cfg);
  }

  static geometryOf(cfg: HwConfig): string {
    return `${cfg.l2.bytes}/${cfg.l2.lineBytes}/${cfg.l2.ways}`;
  }

  /** Empties the cache (dirty lines are dropped: the caller counts them first if it cares). */
  flush(): void {
    this.tags.fill(0);
    this.stamps.fill(0);
    this.dirty.fill(0);
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
    if (typeof layout === 'number') {
      this.range(base, layout, write, bypass, out);
      return;
    }
    for (let i = 0; i < layout.count; i++) this.access(base + i * layout.stride, layout.each, write, bypass, out);
  }

  /** Bytes [start, start + bytes) line by line. */
  private range(start: number, bytes: number, write: boolean, bypass: boolean, out: L2Outcome): void {
    if (bytes <= 0) return;
    const L = this.lineBytes;
    const end = start + bytes;
    for (let line = Math.floor(start / L); line * L < end; line++) {
      const inLine = Math.min(end, (line + 1) * L) - Math.max(start, line * L);
      this.line(line, inLine, write, bypass, out);
    }
  }

  private line(line: number, inLine: number, write: boolean, bypass: boolean, out: L2Outcome): void {
    const ways = this.ways;
    const first = this.setOf(line) * ways;
    const tag = line + 1;
    const tags = this.tags;
    const stamp = ++this.clock;
    let victim = first;
    for (let w = first; w < first + ways; w++) {
      if (tags[w] === tag) {
        out.hitBytes += inLine;
        this.stamps[w] = stamp;
        if (write && this.dirty[w] === 0) {
          this.dirty[w] = 1;
          this.dirtyLines++;
        }
        return;
      }
      if (this.stamps[w]! < this.stamps[victim]!) victim = w;
    }
    out.missBytes += inLine;
    if (bypass) {
      if (write) out.hbmWriteBytes += inLine;
      else out.hbmReadBytes += inLine;
      return;
    }
    if (tags[victim] === 0) this.residentLines++;
    if (this.dirty[victim] === 1) {
      out.hbmWriteBytes += this.lineBytes;
      this.dirtyLines--;
    }
    tags[victim] = tag;
    this.stamps[victim] = stamp;
    this.dirty[victim] = write ? 1 : 0;
    if (write) this.dirtyLines++;
    if (!write) out.hbmReadBytes += this.lineBytes;
  }

  /** Set of a line: its index folded with its higher bits, so 2^k strides do not pile into one set. */
  private setOf(line: number): number {
    const lo = line % 0x100000;
    const hi = Math.floor(line / 0x100000);
    return ((lo ^ (lo >>> 11) ^ hi) >>> 0) % this.sets;
  }
}
