/**
 * UB bank conflicts (hw/timing/banks.ts): on a 2201 preset a vector instruction whose accesses collide
 * in a bank group (two reads, two writes) or a bank (a read and a write) takes exactly the configured
 * penalty longer per serialised access; presets without a public bank structure have no conflicts; the
 * extra cycles are a pipe stall reason; and the memoised, periodic computation agrees with a plain
 * count over every repeat. The vendor's worked examples (docs/hardware.md §UB and L1 banks) are cases here.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assemble } from '../isa/asm.js';
import { loadConfig } from '../hw/config/load.js';
import { simulate, type SimMode } from '../hw/simulate.js';
import type { HwConfig } from '../hw/config/types.js';
import { decodeProgram } from '../hw/engine/decode.js';
import { bankExtraCycles } from '../hw/timing/banks.js';
import { OPCODES } from '../isa/opcodes.js';

/** Runs one vector program on the first vector-capable core of `cfg`; returns cycles and V's bank stall. */
function runVec(cfg: HwConfig, lines: readonly string[], mode: SimMode = 'timing') {
  const kind = cfg.organisation === 'coupled' ? 'coupled' : 'aiv';
  const gm = 1 << 16;
  const r = simulate({ config: cfg, programs: { [kind]: assemble([...lines, 'end'].join('\n')) }, blockDim: 1, gm: mode === 'functional' ? new Uint8Array(gm) : gm, mode });
  const core = r.cores.find((c) => c.kind === kind)!;
  return { cycles: r.cycles, bank: core.pipes.V!.stallBankCycles, stat: r.stats.find((s) => s.name === `core${core.core}.pipe.VECTOR.stall.bank`)?.value };
}

/** vadd f16 of `repeats` contiguous repeats: dst, src0, src1 at the given UB byte addresses. */
const vadd = (dst: number, src0: number, src1: number, repeats: number) => `vadd f16, UB[${dst}], UB[${src0}], UB[${src1}], ${repeats}, 1, 1, 1, 8, 8, 8`;
const vadds = (dst: number, src: number, repeats: number) => `vadds f16, UB[${dst}], UB[${src}], 1, ${repeats}, 1, 1, 8, 8`;

// ascend910b UB map (docs/timing-model.md 1.7): 32 B row n is in group n mod 16, and the bank of the
// group is the 64 KiB block. So 256 B on = groups 8..15 from 0; 512 B on = the same groups and bank;
// 64 KiB on = the same groups, the next bank.
describe('UB bank conflicts on ascend910b', () => {
  const penalty = 3; // not the preset's 1, so a test that ignored the configured penalty would fail
  const cfg = loadConfig('ascend910b', { banks: { ub: { conflictCycles: penalty } } });
  const KB64 = 65536;

  it('two sources in the same bank group cost the penalty once per repeat; in different groups nothing', () => {
    const apart = runVec(cfg, [vadd(0, KB64 + 256, 2 * KB64, 10)]); // src0 groups 8..15, src1 0..7 (dst too, but in another bank)
    const together = runVec(cfg, [vadd(0, KB64 + 256, 2 * KB64 + 256, 10)]); // both sources in groups 8..15, other banks: read-read
    expect(apart.bank).toBe(0);
    expect(together.bank).toBe(10 * penalty);
    expect(together.cycles - apart.cycles).toBe(10 * penalty);
  });

  it('a read and a write conflict in the same bank, not merely in the same group', () => {
    const sameGroup = runVec(cfg, [vadds(0, KB64, 6)]); // src in groups 0..7 of the next bank
    const sameBank = runVec(cfg, [vadds(0, 512, 6)]); // src in groups 0..7 of the bank dst writes
    const inPlace = runVec(cfg, [vadds(0, 0, 6)]);
    expect(sameGroup.bank).toBe(0);
    expect(sameBank.bank).toBe(6 * penalty);
    expect(sameBank.cycles - sameGroup.cycles).toBe(6 * penalty);
    expect(inPlace.bank).toBe(6 * penalty); // a repeat's reads are compared with its own writes
    // vaxpy reads and writes its destination (the addend): one read-modify-write of the bank, in the
    // class cost; but it reads two operands, so they need different groups
    expect(runVec(cfg, [`vaxpy f16, UB[0], UB[${KB64 + 256}], 2, 6, 1, 1, 8, 8`]).bank).toBe(0);
    expect(runVec(cfg, [`vaxpy f16, UB[0], UB[${KB64}], 2, 6, 1, 1, 8, 8`]).bank).toBe(6 * penalty); // read-read
  });

  it("the vendor's examples: 0x10020 and 0x10E20 share bank 17, 0x10020 and 0x20020 share group 1, 0x10000 and 0x10020 share neither", () => {
    const one = (dst: number, src: number) => runVec(cfg, [`vadds f16, UB[${dst}], UB[${src}], 1, 1, 1, 1, 8, 8`]).bank;
    const reads = (a: number, b: number) => runVec(cfg, [`vadd f16, UB[0x8000], UB[${a}], UB[${b}], 1, 1, 1, 1, 8, 8, 8`]).bank;
    // each operand is 8 rows, so a pair whose first rows share a bank (group) shares 8 banks (groups)
    expect(one(0x10e20, 0x10020)).toBe(penalty); // read-write, same bank
    expect(one(0x20020, 0x10020)).toBe(0); // read-write, same group, other bank: no conflict
    expect(reads(0x10020, 0x20020)).toBe(penalty); // read-read, same group
    expect(reads(0x10000, 0x10100)).toBe(0); // groups 0..7 and 8..15
  });

  it("eight blocks of one repeat in one group take 8 cycles (blkStride 16), blkStride 8 takes 4 (the vendor's examples)", () => {
    const spread = runVec(cfg, ['vdup f16, UB[0x1FE00], 1, 4, 1, 8']);
    const stride16 = runVec(cfg, ['vdup f16, UB[0x1FE00], 1, 4, 16, 128']);
    const stride8 = runVec(cfg, ['vdup f16, UB[0x1FE00], 1, 4, 8, 64']);
    expect(spread.bank).toBe(0);
    expect(stride16.bank).toBe(4 * 7 * penalty);
    expect(stride8.bank).toBe(4 * 3 * penalty);
    expect(stride16.cycles - spread.cycles).toBe(4 * 7 * penalty);
  });

  it('shows the extra cycles as the stall reason <core>.pipe.VECTOR.stall.bank', () => {
    const r = runVec(cfg, [vadd(0, KB64 + 256, 2 * KB64 + 256, 5)]);
    expect(r.stat).toBe(5 * penalty);
  });

  it('functional and timing-only runs give the same cycles and bank stalls', () => {
    const prog = [vadd(0, KB64 + 256, 2 * KB64 + 256, 7), vadds(2048, 2048, 3), 'vcadd f16, UB[4096], UB[0], 4, 1, 8', vadds(0, 512, 2)];
    const t = runVec(cfg, prog, 'timing');
    const f = runVec(cfg, prog, 'functional');
    expect(t.bank).toBeGreaterThan(0);
    expect(f).toEqual(t);
  });

  it('the preset penalty is 1 cycle, and banks.ub null switches conflicts off', () => {
    expect(runVec(loadConfig('ascend910b'), [vadd(0, KB64 + 256, 2 * KB64 + 256, 10)]).bank).toBe(10);
    const off = loadConfig('ascend910b', { banks: { ub: null } });
    expect(off.banks.ub).toBeNull();
    expect(runVec(off, [vadd(0, 256, 768, 10)]).cycles).toBe(runVec(off, [vadd(0, KB64 + 256, 2 * KB64, 10)]).cycles);
  });
});

describe('presets without a public UB bank structure', () => {
  it.each(['ascend310p', 'ascend910'])('%s: no conflict cost', (preset) => {
    const cfg = loadConfig(preset);
    expect(cfg.banks.ub).toBeNull();
    const apart = runVec(cfg, [vadd(0, 256, 512, 10)]);
    const together = runVec(cfg, [vadd(0, 256, 768, 10), vadds(0, 0, 4)]); // conflicting on ascend910b
    expect(together.bank).toBe(0);
    expect(together.cycles - apart.cycles).toBe(4 * cfg.vector.classes.unary.cyclesPerRepeat); // only the added vadds
  });
});

describe('the banks.ub config section', () => {
  it('a config that sets part of it keeps the rest of the preset', () => {
    const cfg = loadConfig('ascend910b', { banks: { ub: { conflictCycles: 2 } } });
    expect(cfg.banks.ub).toEqual({ groups: 16, banksPerGroup: 3, bankRows: 128, rowBytes: 32, conflictCycles: 2 });
    expect(loadConfig('ascend910b', { clockMHz: 1000 }).banks.ub?.groups).toBe(16);
  });

  it('a section set on a preset without one must be complete', () => {
    expect(() => loadConfig('ascend310p', { banks: { ub: { groups: 16 } } })).toThrow(/config field banks\.ub\.banksPerGroup must be a positive integer/);
    expect(loadConfig('ascend310p', { banks: { ub: { groups: 16, banksPerGroup: 3, bankRows: 128, rowBytes: 32, conflictCycles: 1 } } }).banks.ub?.groups).toBe(16);
  });

  it('rejects rows wider than the UB alignment, and non-objects', () => {
    expect(() => loadConfig('ascend910b', { banks: { ub: { rowBytes: 64 } } })).toThrow(/config field banks\.ub\.rowBytes must be at most the UB alignment 32/);
    expect(() => loadConfig('ascend910b', { banks: { ub: 5 } })).toThrow(/config field banks\.ub must be an object/);
  });
});

/** Plain count: every repeat, every row, no memo and no period (the rule of docs/timing-model.md 1.7). */
function naiveExtra(cfg: HwConfig, ops: { base: number; blk: number; rep: number; reads: boolean; writes: boolean }[], repeats: number): number {
  const { groups, bankRows, rowBytes, conflictCycles } = cfg.banks.ub!;
  let extra = 0;
  for (let r = 0; r < repeats; r++) {
    const reads = new Map<number, number>();
    const writes = new Map<number, number>();
    const bank = new Map<string, number>();
    const bump = <K,>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
    for (const o of ops)
      for (let k = 0; k < 8; k++) {
        const row = (o.base + (r * o.rep + k * o.blk) * 32) / rowBytes;
        const group = row % groups;
        const bankId = `${group}/${Math.floor(row / (groups * bankRows))}`;
        if (o.reads) bump(reads, group), bump(bank, bankId);
        if (o.writes) bump(writes, group), bump(bank, bankId);
      }
    const worst = Math.max(...reads.values(), ...writes.values(), ...bank.values());
    extra += (worst - 1) * conflictCycles;
  }
  return extra;
}

describe('the bank check agrees with a plain count over every repeat', () => {
  const cfg = loadConfig('ascend910b');
  it('for random vadd layouts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2500 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        (bases, strides, repeats) => {
          const [blkD, blkA, blkB, repD, repA, repB] = strides as [number, number, number, number, number, number];
          const text = `vadd f16, UB[${bases[0]! * 32}], UB[${bases[1]! * 32}], UB[${bases[2]! * 32}], ${repeats}, ${blkD}, ${blkA}, ${blkB}, ${repD}, ${repA}, ${repB}\nend`;
          const d = decodeProgram(assemble(text), 'aiv', cfg, 'test').insns[0]!;
          const addr = Float64Array.from(bases.map((b) => b * 32));
          const got = d.banks === null ? 0 : bankExtraCycles(d.banks, addr);
          const again = d.banks === null ? 0 : bankExtraCycles(d.banks, addr); // from the memo
          const want = naiveExtra(
            cfg,
            [
              { base: bases[0]! * 32, blk: blkD, rep: repD, reads: false, writes: true },
              { base: bases[1]! * 32, blk: blkA, rep: repA, reads: true, writes: false },
              { base: bases[2]! * 32, blk: blkB, rep: repB, reads: true, writes: false },
            ],
            repeats,
          );
          expect(got).toBe(want);
          expect(again).toBe(want);
        },
      ),
      { numRuns: 300, seed: 9 },
    );
  });
});

describe('L1 banks (not modelled: docs/timing-model.md 1.9)', () => {
  it('no instruction has two operands that can be in L1, so none can conflict with itself in L1', () => {
    let touching = 0;
    for (const [op, spec] of Object.entries(OPCODES)) {
      const inL1 = spec.operands.filter((o) => o.kind === 'mem' && 'bufs' in o && (o.bufs as readonly string[] | undefined)?.includes('L1'));
      expect(inL1.length, op).toBeLessThanOrEqual(1);
      touching += inL1.length;
    }
    expect(touching).toBeGreaterThan(5); // the check sees the L1 operands (copies, loads, fixpipe)
  });
});
