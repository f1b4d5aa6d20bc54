/**
 * Engine behaviour on small assembled programs: cross-core flags, block index / dimension, shared GM
 * bandwidth, queue depth, barriers and determinism. Every expected cycle is derived here from the
 * preset's numbers (see the timing rules in the header of hw/engine/chip.ts), so a test fails if the
 * engine adds, drops or overlaps cycles.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import type { Program } from '../isa/program.js';
import { loadConfig } from '../hw/config/load.js';
import { coldTransferCycles } from './support/gm-rate.js';
import type { CoreKind, HwConfig, VecClass } from '../hw/config/types.js';
import { simulate, type Launch, type SimMode, type SimResult } from '../hw/simulate.js';
import type { InsnRecord } from '../hw/engine/records.js';
import { rng } from './support/rng.js';
import { randomBytes } from './support/exec-kit.js';

interface Run extends SimResult {
  records: InsnRecord[];
}

function run(cfg: HwConfig, programs: Partial<Record<CoreKind, string>>, opts: { blockDim?: number; mode?: SimMode; gm?: Uint8Array | number; runAhead?: boolean } = {}): Run {
  const records: InsnRecord[] = [];
  const progs: Partial<Record<CoreKind, Program>> = {};
  for (const [k, text] of Object.entries(programs) as [CoreKind, string][]) progs[k] = assemble(text, `${k} program`);
  const mode = opts.mode ?? 'timing';
  const launch: Launch = {
    config: cfg,
    programs: progs,
    blockDim: opts.blockDim ?? 1,
    gm: opts.gm ?? (mode === 'timing' ? 1 << 20 : new Uint8Array(1 << 16)),
    mode,
    sink: { insn: (rec) => records.push(rec) },
    ...(opts.runAhead === undefined ? {} : { runAhead: opts.runAhead }),
  };
  return { ...simulate(launch), records };
}

const lines = (...xs: string[]) => xs.join('\n') + '\n';
/** The trace records of one opcode on one core, in record order. */
const recs = (r: Run, core: number, op: string) => r.records.filter((x) => x.core === core && x.op === op);

/** A lone vector instruction: it completes max(minCycles, repeats * cyclesPerRepeat) after it starts. */
const vecCycles = (cfg: HwConfig, cls: VecClass, repeats: number) => Math.max(cfg.vector.classes[cls].minCycles, repeats * cfg.vector.classes[cls].cyclesPerRepeat);
/** mmad occupancy: one cycle per (16, K0, 16) fractal triple (16 = fractal rows). */
const mmadOcc = (cfg: HwConfig, m: number, k: number, n: number) => Math.ceil(m / 16) * Math.ceil(k / cfg.cube.k0Bytes) * Math.ceil(n / 16);

// ---- cross-core flags ---------------------------------------------------------------------------------

describe('cross-core flags on tiny-sep', () => {
  const cfg = loadConfig('tiny-sep');
  const { aluCycles: alu, branchTakenCycles: taken } = cfg.scalar;
  const shapes = [
    [32, 64, 32],
    [64, 64, 64],
  ] as const;
  // Block 0's AIC runs the first mmad, block 1's the second, then each sets cross flag 3 from M.
  const aic = lines(
    'bidx x1',
    'li x2, 0',
    'bne x1, x2, other',
    `mmad L0C[0], L0A[0], L0B[0], BT[0], ${shapes[0].join(', ')}, s8, s8, zero`,
    'cross_set M, 3',
    'end',
    'other:',
    `mmad L0C[0], L0A[0], L0B[0], BT[0], ${shapes[1].join(', ')}, s8, s8, zero`,
    'cross_set M, 3',
    'end',
  );
  const aiv = lines('cross_wait V, 3', 'vadds f16, UB[256], UB[0], 1, 4, 1, 1, 8, 8', 'end');

  it('the AIVs of a group start their vector op exactly when their AIC\'s flag fires; the other group is not released', () => {
    const r = run(cfg, { aic, aiv }, { blockDim: 2 });
    // AIC: bidx, li, then bne (not taken on block 0, taken on block 1) before the mmad issues.
    const mmadIssue = [3 * alu, 3 * alu + taken];
    // The M pipe starts the mmad at its issue; cross_set (issued right after) fires when the mmad completes.
    const fire = shapes.map((s, b) => mmadIssue[b]! + mmadOcc(cfg, s[0], s[1], s[2]) + cfg.cube.fixedLatency);
    expect(fire).toEqual([3 + 8 + 4, 4 + 32 + 4]); // tiny-sep: 1-cycle scalar ops, cube latency 4
    const done = fire.map((f) => f + vecCycles(cfg, 'unary', 4));
    // cores in id order: AIC 0, AIV 0, AIV 1, AIC 1, AIV 2, AIV 3
    expect(r.coreInfo.map((c) => `${c.kind}${c.blockIdx}`)).toEqual(['aic0', 'aiv0', 'aiv1', 'aic1', 'aiv2', 'aiv3']);
    for (const [core, group] of [[1, 0], [2, 0], [4, 1], [5, 1]] as const) {
      const v = recs(r, core, 'vadds');
      expect(v.length).toBe(1);
      expect(v[0]!.start, `vadds of core ${core}`).toBe(fire[group]);
      const wait = recs(r, core, 'cross_wait')[0]!;
      expect(wait.end, `cross_wait of core ${core} released`).toBe(fire[group]);
      expect(wait.flowFrom, 'the release points at the setting cross_set').toBe(recs(r, group * 3, 'cross_set')[0]!.id);
      expect(r.cores[core]!.cycles).toBe(done[group]);
      // the wait was queued on V at cycle 0 and held the pipe until the flag fired
      expect(r.cores[core]!.pipes.V!.stallFlagCycles).toBe(fire[group]);
    }
    expect(r.cores[0]!.cycles).toBe(fire[0]);
    expect(r.cores[3]!.cycles).toBe(fire[1]);
    expect(r.cycles).toBe(done[1]);
  });

  it('a set from an AIV reaches only its own AIC, which counts both AIVs\' sets', () => {
    // Each AIV sets flag 5 after its vector op; the AIC waits twice on M, then runs an mmad.
    const aivSet = lines('vadds f16, UB[256], UB[0], 1, 6, 1, 1, 8, 8', 'cross_set V, 5', 'end');
    const aicWait = lines('cross_wait M, 5', 'cross_wait M, 5', 'mmad L0C[0], L0A[0], L0B[0], BT[0], 16, 32, 16, s8, s8, zero', 'end');
    const r = run(cfg, { aic: aicWait, aiv: aivSet }, { blockDim: 2 });
    const fire = vecCycles(cfg, 'unary', 6); // both AIVs start at 0 and complete at the same cycle
    for (const aicCore of [0, 3]) {
      expect(recs(r, aicCore, 'mmad')[0]!.start).toBe(fire);
      expect(r.cores[aicCore]!.cycles).toBe(fire + mmadOcc(cfg, 16, 32, 16) + cfg.cube.fixedLatency);
    }
  });

  it('a cross_wait that is never satisfied is reported as a deadlock naming the blocked pipe', () => {
    expect(() => run(cfg, { aic: lines('end'), aiv })).toThrow(/deadlock.*V blocked at pc 0 \(cross_wait V, 3\)/);
    // the other group's set does not help
    const onlyBlock1 = lines('bidx x1', 'li x2, 1', 'bne x1, x2, skip', 'cross_set M, 3', 'skip:', 'end');
    expect(() => run(cfg, { aic: onlyBlock1, aiv }, { blockDim: 2 })).toThrow(/deadlock.*core 1 \(aiv block 0\).*cross_wait V, 3/);
  });

  it('a counting flag holds at most 15 pending sets: the 16th is an error', () => {
    const sets = (n: number) => lines(...Array.from({ length: n }, () => 'cross_set M, 2'), 'end');
    expect(() => run(cfg, { aic: sets(15), aiv: lines('end') })).not.toThrow();
    expect(() => run(cfg, { aic: sets(16), aiv: lines('end') })).toThrow(/core 1 \(aiv block 0\): cross-core flag 2 would exceed 15 pending sets/);
  });

  it('cross-core flags on a coupled preset are rejected with a clear error', () => {
    const tiny = loadConfig('tiny');
    expect(() => run(tiny, { coupled: lines('cross_set V, 3', 'end') })).toThrow(/cross-core flags exist only on separated \(AIC\/AIV\) chips; tiny is coupled/);
    expect(() => run(tiny, { coupled: lines('cross_wait V, 3', 'end') })).toThrow(/pc 0 \(cross_wait V, 3\).*coupled/);
  });

  it('a cross flag on a pipe the core does not have is rejected', () => {
    expect(() => run(cfg, { aic: lines('cross_set V, 3', 'end') })).toThrow(/aic core has no V pipe/);
  });
});

// ---- block index and dimension ----------------------------------------------------------------------------

describe('bidx / bdim', () => {
  /**
   * Each block writes two 32-byte records at GM[64 * bidx]: eight s32 of 1000 + bidx (chosen by a
   * branch ladder on bidx) and eight s32 of 2000 + bdim (a ladder on bdim); anything else writes -1.
   */
  const program = (maxBlocks: number) => {
    const out = ['bidx x1', 'bdim x3'];
    for (let k = 0; k < maxBlocks; k++) out.push(`li x4, ${k}`, `beq x1, x4, idx${k}`);
    out.push('vdup s32, UB[0], -1, 1, 1, 8', 'jmp dims');
    for (let k = 0; k < maxBlocks; k++) out.push(`idx${k}:`, `vdup s32, UB[0], ${1000 + k}, 1, 1, 8`, 'jmp dims');
    out.push('dims:');
    for (let k = 1; k <= maxBlocks; k++) out.push(`li x4, ${k}`, `beq x3, x4, dim${k}`);
    out.push('vdup s32, UB[256], -1, 1, 1, 8', 'jmp store');
    for (let k = 1; k <= maxBlocks; k++) out.push(`dim${k}:`, `vdup s32, UB[256], ${2000 + k}, 1, 1, 8`, 'jmp store');
    out.push('store:', 'muli x2, x1, 64', 'set_flag V, MTE3, 0', 'wait_flag V, MTE3, 0', 'copy_ub_gm GM[x2+0], UB[0], 2, 32, 7, 0', 'end');
    return lines(...out);
  };

  const check = (gm: Uint8Array, blocks: number) => {
    const v = new DataView(gm.buffer);
    for (let b = 0; b < blocks; b++)
      for (let e = 0; e < 8; e++) {
        expect(v.getInt32(b * 64 + e * 4, true), `block ${b} index record`).toBe(1000 + b);
        expect(v.getInt32(b * 64 + 32 + e * 4, true), `block ${b} dim record`).toBe(2000 + blocks);
      }
    // nothing beyond the last block's records
    expect(gm.subarray(blocks * 64).every((x) => x === 0)).toBe(true);
  };

  it.each([1, 2, 3, 4])('coupled tiny with 4 cores, blockDim %i: every block writes its own region', (blockDim) => {
    const cfg = loadConfig('tiny', { cores: 4 });
    const r = run(cfg, { coupled: program(4) }, { blockDim, mode: 'functional', gm: new Uint8Array(1024) });
    check(r.gm!, blockDim);
    expect(r.cores.map((c) => c.blockIdx)).toEqual(Array.from({ length: blockDim }, (_, b) => b));
  });

  it('tiny-sep: AIV blocks number 0..blockDim*aivPerAic-1; AIC blocks number the groups', () => {
    const cfg = loadConfig('tiny-sep');
    // AIC: counts down bidx then bdim in a loop, so its finish cycle encodes both
    const aic = lines('bidx x1', 'bdim x2', 'add x1, x1, x2', 'li x3, 0', 'loop:', 'beq x1, x3, done', 'addi x1, x1, -1', 'jmp loop', 'done:', 'end');
    const r = run(cfg, { aic, aiv: program(4) }, { blockDim: 2, mode: 'functional', gm: new Uint8Array(1024) });
    check(r.gm!, 4);
    const { aluCycles: alu, branchTakenCycles: taken } = cfg.scalar;
    // 4 ALU ops; per iteration beq (not taken) + addi + jmp (taken); the last beq is taken; end
    const aicCycles = (iters: number) => 4 * alu + iters * (3 * alu + taken) + (alu + taken) + alu;
    expect(r.cores.filter((c) => c.kind === 'aic').map((c) => c.cycles)).toEqual([aicCycles(0 + 2), aicCycles(1 + 2)]);
  });
});

// ---- scalar unit -------------------------------------------------------------------------------------------

describe('scalar unit', () => {
  it('nop takes one scalar ALU cycle and changes nothing', () => {
    const cfg = loadConfig('tiny');
    const r = run(cfg, { coupled: lines('li x1, 5', 'nop', 'nop', 'addi x1, x1, 1', 'end') });
    expect(r.cycles).toBe(5 * cfg.scalar.aluCycles);
    expect(recs(r, 0, 'nop').map((x) => x.start)).toEqual([1, 2]);
    expect(r.cores[0]!.scalarInsns).toBe(5);
  });
});

// ---- shared GM bandwidth -----------------------------------------------------------------------------------

describe('shared GM bandwidth (max-min fair)', () => {
  // path GM_UB 40 B/cycle, a core port of 50, a chip of 60 < 2 * 40: two cores get 30 each
  // the L2 is disabled, so every byte is an HBM byte and the figures follow from the GM rates alone
  const cfg = loadConfig('tiny', {
    gm: { chipBytesPerCycle: 60, coreBytesPerCycle: 50 },
    l2: { mode: 'disabled' },
    paths: { GM_UB: { bytesPerCycle: 40, fixedLatency: 7 }, UB_GM: { bytesPerCycle: 40, fixedLatency: 5 } },
  });
  const path = cfg.paths.GM_UB;
  const lone = (bytes: number) => Math.ceil(bytes / Math.min(path.bytesPerCycle, cfg.gm.coreBytesPerCycle, cfg.gm.chipBytesPerCycle));
  const copy = (bytes: number) => lines(`copy_gm_ub UB[0], GM[0], 1, ${bytes}, 0, 0`, 'end');

  it('one core alone streams at min(path, core, chip)', () => {
    const r = run(cfg, { coupled: copy(3000) });
    expect(lone(3000)).toBe(75);
    expect(r.cycles).toBe(path.fixedLatency + lone(3000));
    expect(r.cores[0]!.pipes.MTE2!.stallBandwidthCycles).toBe(0);
  });

  it('two cores at once share the chip: each streams at chip / 2 and both finish at fixedLatency + ceil(B / (chip / 2))', () => {
    const r = run(cfg, { coupled: copy(3000) }, { blockDim: 2 });
    const share = cfg.gm.chipBytesPerCycle / 2; // 30 < path 40 < core 50
    const streaming = Math.ceil(3000 / share);
    expect(streaming).toBe(100);
    for (const c of r.cores) {
      expect(c.cycles).toBe(path.fixedLatency + streaming);
      expect(c.pipes.MTE2!.stallBandwidthCycles).toBe(streaming - lone(3000));
    }
  });

  it('when the smaller transfer ends, the other speeds up to its lone rate', () => {
    // Core 0 moves 3000 B, core 1 moves 1200 B; both start at 0 and get 30 B/cycle.
    // Core 1 ends at 1200 / 30 = 40; core 0 has 3000 - 1200 = 1800 B left, alone at 40 B/cycle: 45 more.
    const prog = lines('bidx x1', 'li x2, 0', 'bne x1, x2, small', 'li x5, 0', 'copy_gm_ub UB[0], GM[0], 1, 3000, 0, 0', 'end', 'small:', 'copy_gm_ub UB[0], GM[0], 1, 1200, 0, 0', 'end');
    // block 0: bidx, li, bne (not taken), li; block 1: bidx, li, bne (taken): both issue at 4 on tiny
    const { aluCycles: alu, branchTakenCycles: taken } = cfg.scalar;
    expect(4 * alu).toBe(3 * alu + taken);
    const r = run(cfg, { coupled: prog }, { blockDim: 2 });
    const start = 4 * alu;
    expect(recs(r, 0, 'copy_gm_ub')[0]!.start).toBe(start);
    expect(recs(r, 1, 'copy_gm_ub')[0]!.start).toBe(start);
    const end1 = start + 1200 / 30;
    const end0 = end1 + (3000 - 1200) / path.bytesPerCycle;
    expect([end1, end0]).toEqual([44, 89]);
    expect(r.cores[1]!.cycles).toBe(end1 + path.fixedLatency);
    expect(r.cores[0]!.cycles).toBe(end0 + path.fixedLatency);
    expect(r.cores[1]!.pipes.MTE2!.stallBandwidthCycles).toBe(end1 - start - lone(1200));
    expect(r.cores[0]!.pipes.MTE2!.stallBandwidthCycles).toBe(end0 - start - lone(3000));
  });

  it('two GM transfers of one core on different pipes share the core port', () => {
    // MTE2 GM->UB of 2000 B issues at 0, MTE3 UB->GM of 1000 B issues at 1 (different UB areas).
    // 0..1: MTE2 alone at min(40, 50, 60) = 40 -> 1960 B left.
    // from 1: the core's demand 40 + 40 is capped by its port (50): 25 each (chip 60 is not binding).
    // MTE3 ends at 1 + 1000 / 25 = 41; MTE2 then has 1960 - 40 * 25 = 960 B left alone at 40: 24 more -> 65.
    const r = run(cfg, { coupled: lines('copy_gm_ub UB[0], GM[0], 1, 2000, 0, 0', 'copy_ub_gm GM[8192], UB[4096], 1, 1000, 0, 0', 'end') });
    const port = cfg.gm.coreBytesPerCycle / 2;
    const mte3End = cfg.scalar.issueCycles + 1000 / port;
    const mte2End = mte3End + (2000 - 40 * cfg.scalar.issueCycles - port * (mte3End - cfg.scalar.issueCycles)) / 40;
    expect([mte3End, mte2End]).toEqual([41, 65]);
    const c = r.cores[0]!;
    expect(recs(r, 0, 'copy_ub_gm')[0]!.end).toBe(mte3End + cfg.paths.UB_GM.fixedLatency);
    expect(recs(r, 0, 'copy_gm_ub')[0]!.end).toBe(mte2End + path.fixedLatency);
    expect(c.cycles).toBe(mte2End + path.fixedLatency);
    expect(c.pipes.MTE3!.stallBandwidthCycles).toBe(mte3End - 1 - lone(1000));
    expect(c.pipes.MTE2!.stallBandwidthCycles).toBe(mte2End - lone(2000));
  });
});

// ---- queue depth --------------------------------------------------------------------------------------------

describe('queue depth', () => {
  it('tiny (depth 4): ten long vector ops stall the scalar unit on the full V queue for the derived cycles', () => {
    const cfg = loadConfig('tiny');
    const R = 20; // repeats per vadds: each occupies V for R cycles
    const text = lines(...Array.from({ length: 10 }, () => `vadds f16, UB[0], UB[0], 1, ${R}, 1, 1, 8, 8`), 'li x1, 7', 'end');
    const r = run(cfg, { coupled: text });
    const depth = cfg.queueDepth;
    const occ = R * cfg.vector.classes.unary.cyclesPerRepeat;
    // The rule: op j may issue once op j - depth has started; op j starts at max(issue j, start j-1 + occ).
    const issueAt: number[] = [];
    const startAt: number[] = [];
    let t = 0;
    let stall = 0;
    for (let j = 0; j < 10; j++) {
      if (j >= depth && startAt[j - depth]! > t) {
        stall += startAt[j - depth]! - t;
        t = startAt[j - depth]!;
      }
      issueAt.push(t);
      startAt.push(Math.max(t, j > 0 ? startAt[j - 1]! + occ : 0));
      t += cfg.scalar.issueCycles;
    }
    // by hand on tiny: ops start at 0, 20, 40, ...; op 4 issues at 4 (op 0 started), op 5 waits for 20,
    // ops 6..9 for 40, 60, 80, 100: 15 + 4 * 19 = 91 cycles
    expect(stall).toBe(91);
    expect(issueAt[9]).toBe(100);
    expect(r.cores[0]!.scalarStall.queueFull).toBe(stall);
    expect(recs(r, 0, 'li')[0]!.start).toBe(t);
    expect(recs(r, 0, 'vadds').map((x) => x.start)).toEqual(startAt);
    expect(recs(r, 0, 'vadds').map((x) => x.issue)).toEqual(issueAt);
    expect(r.cycles).toBe(startAt[9]! + vecCycles(cfg, 'unary', R));
  });
});

// ---- barriers --------------------------------------------------------------------------------------------------

describe('barriers', () => {
  const cfg = loadConfig('tiny');
  const gmRate = Math.min(cfg.paths.GM_UB.bytesPerCycle, cfg.gm.coreBytesPerCycle, cfg.gm.chipBytesPerCycle);
  const dma = cfg.paths.GM_UB.fixedLatency + Math.ceil(1024 / gmRate); // 10 + 16 on tiny

  it('barrier_all holds the scalar unit until every pipe has completed', () => {
    const r = run(cfg, { coupled: lines('copy_gm_ub UB[0], GM[0], 1, 1024, 0, 0', 'vadds f16, UB[4096], UB[4096], 1, 5, 1, 1, 8, 8', 'barrier_all', 'li x1, 1', 'vadds f16, UB[4096], UB[4096], 1, 2, 1, 1, 8, 8', 'end') });
    const issue = cfg.scalar.issueCycles;
    const vecDone = issue + vecCycles(cfg, 'unary', 5);
    const release = Math.max(dma, vecDone);
    expect(release).toBe(26);
    expect(recs(r, 0, 'barrier_all')[0]!.start).toBe(release);
    expect(recs(r, 0, 'li')[0]!.start).toBe(release + issue);
    const second = recs(r, 0, 'vadds')[1]!;
    expect(second.issue).toBe(release + issue + cfg.scalar.aluCycles);
    expect(second.start).toBe(second.issue);
    expect(r.cores[0]!.scalarStall.barrierAll).toBe(release - 2 * issue); // barrier_all was reached at 2 * issue
    expect(r.cycles).toBe(second.start + vecCycles(cfg, 'unary', 2));
  });

  it('pipe_barrier V waits for V\'s own completion only, not for MTE2', () => {
    const text = (barrier: boolean) =>
      lines('copy_gm_ub UB[0], GM[0], 1, 1024, 0, 0', 'vadds f16, UB[4096], UB[4096], 1, 2, 1, 1, 8, 8', ...(barrier ? ['pipe_barrier V'] : []), 'vadds f16, UB[4096], UB[4096], 1, 2, 1, 1, 8, 8', 'end');
    const first = cfg.scalar.issueCycles; // the first vadds starts at its issue
    const occ = 2 * cfg.vector.classes.unary.cyclesPerRepeat;
    const firstDone = first + vecCycles(cfg, 'unary', 2); // minCycles 3 > occupancy 2 on tiny
    const withBarrier = run(cfg, { coupled: text(true) });
    const v = recs(withBarrier, 0, 'vadds');
    expect(v[1]!.start).toBe(firstDone);
    expect(v[1]!.start).toBeLessThan(dma);
    expect(withBarrier.cores[0]!.pipes.V!.stallBarrierCycles).toBe(firstDone - (first + occ));
    expect(withBarrier.cycles).toBe(dma);
    // without the barrier the second op starts when the first one's occupancy ends
    const without = run(cfg, { coupled: text(false) });
    expect(recs(without, 0, 'vadds')[1]!.start).toBe(first + occ);
  });
});

// ---- flags set twice -------------------------------------------------------------------------------------------

describe('a flag set again before its wait has consumed it', () => {
  // MTE2 sets MTE2 -> V flag 0 at cycle 0 and again once its small copy completes (issued at 3; on a
  // flushed L2 its 64 B fill a whole 128 B line, so it streams at half rate: 2 + 10 cycles). V reaches the first wait_flag only when its 20-repeat vadds ends (cycle 21), so the second
  // set lands while the flag is still set: undefined on hardware, an error in the simulator. The
  // answer must not depend on the runAhead optimisation.
  const cfg = loadConfig('tiny');
  const text = lines(
    'set_flag MTE2, V, 0',
    'vadds f16, UB[0], UB[0], 1, 20, 1, 1, 8, 8',
    'wait_flag MTE2, V, 0',
    'copy_gm_ub UB[4096], GM[0], 1, 64, 0, 0',
    'set_flag MTE2, V, 0',
    'wait_flag MTE2, V, 0',
    'vadds f16, UB[0], UB[0], 1, 2, 1, 1, 8, 8',
    'end',
  );
  it.each([false, true])('is reported with runAhead %s', (runAhead) => {
    const secondSet = 3 * cfg.scalar.issueCycles + coldTransferCycles(cfg, 'GM_UB', 64);
    expect(secondSet).toBe(15);
    expect(() => run(cfg, { coupled: text }, { runAhead })).toThrow(new RegExp(`flag MTE2 -> V id 0 was set at cycle ${secondSet} while still set`));
  });
});

// ---- determinism ---------------------------------------------------------------------------------------------

describe('determinism', () => {
  const program = lines(
    'bidx x1',
    'muli x1, x1, 1024',
    'copy_gm_ub UB[0], GM[x1+0], 4, 100, 28, 1',
    'set_flag MTE2, V, 0',
    'wait_flag MTE2, V, 0',
    'vadds s32, UB[0], UB[0], 3, 3, 1, 1, 8, 8',
    'vmul s32, UB[1024], UB[0], UB[0], 2, 1, 1, 1, 8, 8, 8',
    'set_flag V, MTE3, 1',
    'wait_flag V, MTE3, 1',
    'copy_ub_gm GM[x1+8192], UB[1024], 2, 300, 0, 5',
    'end',
  );
  const gm = randomBytes(1 << 16, rng(99));
  const launch = (cfg: HwConfig, mode: SimMode, runAhead?: boolean) =>
    run(cfg, { coupled: program }, { blockDim: 2, mode, gm: mode === 'functional' ? gm : gm.length, ...(runAhead === undefined ? {} : { runAhead }) });

  it('the same launch twice gives deep-equal results', () => {
    const cfg = loadConfig('tiny');
    const a = launch(cfg, 'functional');
    const b = launch(cfg, 'functional');
    expect(b.cycles).toBe(a.cycles);
    expect(b.gm).toEqual(a.gm);
    expect(b.cores).toEqual(a.cores);
    expect(b.stats).toEqual(a.stats);
    expect(b.records).toEqual(a.records);
    expect(a.gm).not.toEqual(gm); // the program did write GM
  });

  it('functional and timing-only modes give equal core summaries and records; so does runAhead off', () => {
    const cfg = loadConfig('tiny');
    const f = launch(cfg, 'functional');
    const t = launch(cfg, 'timing');
    const slow = launch(cfg, 'timing', false);
    expect(t.cores).toEqual(f.cores);
    expect(t.records).toEqual(f.records);
    expect(t.cycles).toBe(f.cycles);
    expect(slow.cores).toEqual(t.cores);
    expect(slow.cycles).toBe(t.cycles);
  });
});
