/**
 * The L2 cache and HBM (docs/timing-model.md §1.5): residency by address, whole-line fills, write-back
 * of dirty victims, write-allocate, the disabled mode, warm launches, and the rates a lone transfer
 * gets from them. Expected figures are derived here from the config's numbers.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { loadConfig } from '../hw/config/load.js';
import { simulate, type SimResult } from '../hw/simulate.js';
import { levelTotals } from '../hw/stats.js';
import { L2Cache, emptyOutcome } from '../hw/memory/l2-cache.js';
import type { HwConfig } from '../hw/config/types.js';
import { coldTransferCycles, loneRate } from './support/gm-rate.js';
import { runReads } from '../scripts/timing/l2-micro.js';

const lines = (...xs: string[]) => xs.join('\n') + '\n';
const run = (cfg: HwConfig, text: string, more: { blockDim?: number; l2?: L2Cache; functional?: boolean } = {}): SimResult =>
  simulate({
    config: cfg,
    programs: { coupled: assemble(text) },
    blockDim: more.blockDim ?? 1,
    gm: more.functional ? new Uint8Array(1 << 21) : 1 << 21,
    mode: more.functional ? 'functional' : 'timing',
    ...(more.l2 ? { l2: more.l2 } : {}),
  });

describe('L2 residency (tiny: 256 KiB, 128 B lines, 4 ways)', () => {
  const cfg = loadConfig('tiny');
  const L = cfg.l2.lineBytes;

  it('a read misses every line once and fills whole lines; the same read again hits', () => {
    const cache = new L2Cache(cfg);
    const o = emptyOutcome();
    cache.access(64, 1000, false, false, o); // bytes 64..1063: lines 0..8
    expect(o).toEqual({ hitBytes: 0, missBytes: 1000, hbmReadBytes: 9 * L, hbmWriteBytes: 0 });
    const again = emptyOutcome();
    cache.access(64, 1000, false, false, again);
    expect(again).toEqual({ hitBytes: 1000, missBytes: 0, hbmReadBytes: 0, hbmWriteBytes: 0 });
    expect(cache.residentBytes()).toBe(9 * L);
  });

  it('bursts that share a line: the second touch hits', () => {
    const cache = new L2Cache(cfg);
    const o = emptyOutcome();
    cache.access(0, { count: 4, stride: 32, each: 32 }, false, false, o);
    expect(o).toEqual({ hitBytes: 96, missBytes: 32, hbmReadBytes: L, hbmWriteBytes: 0 });
  });

  it('writes allocate without a fill; evicting a dirty line writes it back', () => {
    const cache = new L2Cache(cfg);
    const w = emptyOutcome();
    cache.access(0, cfg.l2.bytes, true, false, w); // fill the whole cache with dirty lines
    expect(w).toEqual({ hitBytes: 0, missBytes: cfg.l2.bytes, hbmReadBytes: 0, hbmWriteBytes: 0 });
    expect(cache.dirtyBytes()).toBe(cfg.l2.bytes);
    // reading as much again elsewhere evicts every dirty line: each is written back once
    const r = emptyOutcome();
    cache.access(cfg.l2.bytes * 4, cfg.l2.bytes, false, false, r);
    expect(r.hbmWriteBytes).toBe(cfg.l2.bytes);
    expect(r.hbmReadBytes).toBe(cfg.l2.bytes);
    expect(cache.dirtyBytes()).toBe(0);
  });

  it('least recently used lines go first, and a working set over the capacity misses on every pass', () => {
    const cache = new L2Cache(cfg);
    const pass = () => {
      const o = emptyOutcome();
      cache.access(0, 2 * cfg.l2.bytes, false, false, o);
      return o;
    };
    pass();
    expect(pass().hitBytes).toBe(0); // streaming twice the capacity through LRU keeps nothing useful
    const small = new L2Cache(cfg);
    const half = () => {
      const o = emptyOutcome();
      small.access(0, cfg.l2.bytes / 2, false, false, o);
      return o;
    };
    half();
    expect(half().hitBytes).toBe(cfg.l2.bytes / 2);
  });

  it('the bypass hint uses resident lines but allocates none', () => {
    const cache = new L2Cache(cfg);
    const o = emptyOutcome();
    cache.access(0, 1024, false, true, o);
    expect(o).toEqual({ hitBytes: 0, missBytes: 1024, hbmReadBytes: 1024, hbmWriteBytes: 0 });
    expect(cache.residentBytes()).toBe(0);
    cache.access(0, 1024, false, false, emptyOutcome());
    const hit = emptyOutcome();
    cache.access(0, 1024, true, true, hit);
    expect(hit).toEqual({ hitBytes: 1024, missBytes: 0, hbmReadBytes: 0, hbmWriteBytes: 0 });
  });

  it('a flush empties it', () => {
    const cache = new L2Cache(cfg);
    cache.access(0, 4096, true, false, emptyOutcome());
    cache.flush();
    expect([cache.residentBytes(), cache.dirtyBytes()]).toEqual([0, 0]);
  });
});

describe('L2 timing on a coupled preset with a slower miss (ascend910)', () => {
  const cfg = loadConfig('ascend910');
  const copy = (bytes: number, at = 0) => lines(`copy_gm_l1 L1[0], GM[${at}], 1, ${bytes}, 0, 0`, 'end');

  it('a lone cold read streams at the core miss rate; the same launch warm at the path rate', () => {
    const bytes = 32 * 1024;
    const cold = run(cfg, copy(bytes));
    expect(cold.l2Start).toBe('flushed');
    expect(cold.cycles).toBe(coldTransferCycles(cfg, 'GM_L1', bytes));
    expect(loneRate(cfg, 'GM_L1', 1)).toBe(cfg.gm.coreMissBytesPerCycle);
    const warm = run(cfg, copy(bytes), { l2: cold.l2 });
    expect(warm.l2Start).toBe('warm');
    expect(warm.cycles).toBe(cfg.paths.GM_L1.fixedLatency + Math.ceil(bytes / loneRate(cfg, 'GM_L1', 0)));
    expect(levelTotals(cold.cores)).toEqual({ l2Hit: 0, l2Miss: bytes, hbmRead: bytes, hbmWrite: 0 });
    expect(levelTotals(warm.cores)).toEqual({ l2Hit: bytes, l2Miss: 0, hbmRead: 0, hbmWrite: 0 });
  });

  it('a partial line is filled whole, and the read slows by the overfetch', () => {
    const r = run(cfg, copy(200, 64)); // bytes 64..263: lines 0..2
    expect(levelTotals(r.cores).hbmRead).toBe(3 * cfg.l2.lineBytes);
    expect(r.cycles).toBe(coldTransferCycles(cfg, 'GM_L1', 200, 64));
  });

  it('functional and timing-only runs see the same hits and misses', () => {
    const text = lines('copy_gm_ub UB[0], GM[0], 4, 3000, 100, 0', 'copy_ub_gm GM[65536], UB[0], 2, 5000, 0, 7', 'copy_gm_ub UB[0], GM[65536], 1, 9000, 0, 0', 'end');
    const t = run(cfg, text);
    const f = run(cfg, text, { functional: true });
    expect(f.cycles).toBe(t.cycles);
    expect(f.cores[0]!.levelBytes).toEqual(t.cores[0]!.levelBytes);
    expect(t.cores[0]!.levelBytes.GM_UB!.l2Hit).toBe(9000); // it reads what it wrote: the lines are resident
  });

  it('all cores reading their own data at once share the chip HBM', () => {
    const r = runReads(cfg, cfg.cores, 1 << 20);
    expect(r.hbmRead).toBe(cfg.cores << 20);
    expect(r.cycles).toBeGreaterThanOrEqual(r.bytes / cfg.gm.chipBytesPerCycle);
    expect(r.cycles).toBeLessThan((r.bytes / cfg.gm.chipBytesPerCycle) * 1.05);
  });

  it('a warm L2 from another geometry is refused', () => {
    const other = loadConfig('ascend910', { l2: { bytes: 64 * 2 ** 20 } });
    expect(() => run(other, copy(64), { l2: new L2Cache(cfg) })).toThrow(/warm L2 given to the launch has geometry .* the config has/);
  });
});

describe('the L2 disabled (a what-if)', () => {
  const cfg = loadConfig('ascend910', { l2: { mode: 'disabled' } });

  it('every byte read or written is an HBM byte, on every run', () => {
    const text = lines('copy_gm_ub UB[0], GM[0], 1, 4000, 0, 0', 'copy_ub_gm GM[0], UB[0], 1, 4000, 0, 0', 'copy_gm_ub UB[0], GM[0], 1, 4000, 0, 0', 'end');
    const first = run(cfg, text);
    const second = run(cfg, text, { l2: first.l2 });
    for (const r of [first, second]) expect(levelTotals(r.cores)).toEqual({ l2Hit: 0, l2Miss: 12000, hbmRead: 8000, hbmWrite: 4000 });
    expect(second.cycles).toBe(first.cycles);
  });
});

describe('L2 configuration checks', () => {
  it('refuses lines under 32 B, more lines than the residency state allows, and partial sets', () => {
    expect(() => loadConfig('ascend910b', { l2: { lineBytes: 16 } })).toThrow(/config field l2.lineBytes must be at least 32, got 16/);
    expect(() => loadConfig('ascend910b', { l2: { bytes: 2 ** 32, lineBytes: 32 } })).toThrow(/config field l2.bytes holds 134217728 lines .* at most 16777216/);
    expect(() => loadConfig('ascend910b', { l2: { bytes: 128 * 16 * 3 + 128 } })).toThrow(/config field l2.bytes must be a multiple of l2.lineBytes x l2.ways = 2048/);
    expect(() => loadConfig('ascend910b', { l2: { mode: 'off' } })).toThrow(/config field l2.mode must be one of normal, disabled/);
  });
});

describe('L2Cache against a plain reference model', () => {
  /** The same rules written the plain way: per set a list of lines, most recent first, and a dirty set. */
  class Reference {
    private readonly sets = new Map<number, { line: number; dirty: boolean }[]>();
    constructor(
      private readonly cache: L2Cache,
      private readonly setOf: (line: number) => number,
    ) {}
    access(base: number, bytes: number, write: boolean, bypass: boolean) {
      const L = this.cache.lineBytes;
      const out = emptyOutcome();
      for (let line = Math.floor(base / L); line * L < base + bytes; line++) {
        const inLine = Math.min(base + bytes, (line + 1) * L) - Math.max(base, line * L);
        const ways = this.sets.get(this.setOf(line)) ?? [];
        this.sets.set(this.setOf(line), ways);
        const at = ways.findIndex((w) => w.line === line);
        if (at >= 0) {
          out.hitBytes += inLine;
          const [w] = ways.splice(at, 1);
          ways.unshift({ line, dirty: w!.dirty || write });
          continue;
        }
        out.missBytes += inLine;
        if (bypass) {
          if (write) out.hbmWriteBytes += inLine;
          else out.hbmReadBytes += inLine;
          continue;
        }
        if (ways.length === this.cache.ways && ways.pop()!.dirty) out.hbmWriteBytes += L;
        ways.unshift({ line, dirty: write });
        if (!write) out.hbmReadBytes += L;
      }
      return out;
    }
    dirtyBytes() {
      return [...this.sets.values()].flat().filter((w) => w.dirty).length * this.cache.lineBytes;
    }
  }

  it('random reads, writes and bypasses on a small L2: the same outcome for every access', () => {
    // 8 KiB, 128 B lines, 4 ways: 16 sets, so a few hundred accesses overflow sets and evict dirty lines
    const cfg = loadConfig('tiny', { l2: { bytes: 8192, lineBytes: 128, ways: 4 } });
    const cache = new L2Cache(cfg);
    const setOf = (line: number) => (cache as unknown as { setOf(l: number): number }).setOf(line);
    const ref = new Reference(cache, setOf);
    let x = 12345;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % n;
    };
    for (let i = 0; i < 3000; i++) {
      const base = rand(64 * 1024);
      const bytes = 1 + rand(700);
      const write = rand(3) === 0;
      const bypass = rand(10) === 0;
      const got = emptyOutcome();
      cache.access(base, bytes, write, bypass, got);
      expect(got, `access ${i}: [${base}, +${bytes}) ${write ? 'write' : 'read'}${bypass ? ' bypass' : ''}`).toEqual(ref.access(base, bytes, write, bypass));
    }
    expect(cache.dirtyBytes()).toBe(ref.dirtyBytes());
  });
});
