/**
 * L1 bank conflicts between pipes (hw/timing/l1-banks.ts, docs/timing-model.md section 1.7): an L1
 * read streaming beside another pipe's write into one of its banks is counted, and costs
 * banks.l1.conflictCycles per cycle (0 on the presets, so a what-if prices it here).
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { loadConfig } from '../hw/config/load.js';
import { simulate, type SimResult } from '../hw/simulate.js';
import { l1Span } from '../hw/timing/l1-banks.js';
import type { HwConfig } from '../hw/config/types.js';
import type { InsnRecord } from '../hw/engine/records.js';
import { generateMatmul } from '../ops-nn/matmul/index.js';

const KB = 1024;
const lines = (...xs: string[]) => xs.join('\n') + '\n';

function run(cfg: HwConfig, text: string, more: { functional?: boolean; runAhead?: boolean } = {}): { r: SimResult; recs: InsnRecord[] } {
  const recs: InsnRecord[] = [];
  const r = simulate({
    config: cfg,
    programs: { aic: assemble(text) },
    blockDim: 1,
    gm: more.functional ? new Uint8Array(1 << 20) : 1 << 20,
    mode: more.functional ? 'functional' : 'timing',
    runAhead: more.runAhead ?? true,
    sink: { insn: (x) => recs.push(x) },
  });
  return { r, recs };
}

/** A 64 KiB GM -> L1 copy into L1[0], then a load2d of 16 fractals from L1[at] that does not wait for it. */
const program = (at: number) => lines('copy_gm_l1 L1[0], GM[0], 1, 65536, 0, 0', `load2d L0A[0], L1[${at}], s8, 16, 1, 0, 0`, 'end');

describe('l1Span: the (bank, group) pairs of a range on 2201', () => {
  const b = loadConfig('ascend910b').banks.l1!;
  it('maps rows to groups and address bit 18 to the bank of a group', () => {
    expect(l1Span(b, 0, 256)).toBe(0xff); // 8 rows: every group of bank 0
    expect(l1Span(b, 0, 64)).toBe(0b11); // groups 0 and 1
    expect(l1Span(b, 7 * 32, 64)).toBe(0b1000_0001); // groups 7 and 0 (wrapping)
    expect(l1Span(b, 256 * KB, 32)).toBe(1 << 8); // bank 1, group 0
    expect(l1Span(b, 256 * KB - 32, 64)).toBe((1 << 7) | (1 << 8)); // across the bank boundary
    expect(l1Span(b, 0, 512 * KB)).toBe(0xffff);
  });
});

describe('an L1 read beside an MTE2 write (ascend910b AIC)', () => {
  const cfg = loadConfig('ascend910b');
  const loadOf = (recs: InsnRecord[]) => recs.find((x) => x.op === 'load2d')!;
  const occupancy = Math.ceil((16 * 512) / cfg.paths.L1_L0A.bytesPerCycle);

  it('in the same bank: its whole streaming time is counted, and costs nothing on the preset', () => {
    const { r, recs } = run(cfg, program(64 * KB));
    const mte1 = r.cores[0]!.pipes.MTE1!;
    expect(mte1.l1BankOverlapCycles).toBe(occupancy);
    expect(mte1.stallBankCycles).toBe(0);
    const load = loadOf(recs);
    expect(load.end - load.start).toBe(occupancy + cfg.paths.L1_L0A.fixedLatency);
  });

  it('in the other bank of the groups: nothing', () => {
    const { r } = run(cfg, program(256 * KB));
    expect(r.cores[0]!.pipes.MTE1!.l1BankOverlapCycles).toBe(0);
  });

  it('priced at 1 cycle per overlapped cycle, the read takes that much longer, as a bank stall', () => {
    const priced = loadConfig('ascend910b', { banks: { l1: { conflictCycles: 1 } } });
    const { r, recs } = run(priced, program(64 * KB));
    const load = loadOf(recs);
    expect(load.end - load.start).toBe(2 * occupancy + priced.paths.L1_L0A.fixedLatency);
    expect(r.cores[0]!.pipes.MTE1!.stallBankCycles).toBe(occupancy);
    const other = run(priced, program(256 * KB));
    expect(loadOf(other.recs).end - loadOf(other.recs).start).toBe(occupancy + priced.paths.L1_L0A.fixedLatency);
  });

  it('functional and timing-only, run-ahead on and off: the same cycles and counts', () => {
    const priced = loadConfig('ascend910b', { banks: { l1: { conflictCycles: 1 } } });
    const base = run(priced, program(64 * KB)).r;
    for (const more of [{ functional: true }, { runAhead: false }]) {
      const r = run(priced, program(64 * KB), more).r;
      expect(r.cycles).toBe(base.cycles);
      expect(r.cores[0]!.pipes.MTE1!.l1BankOverlapCycles).toBe(base.cores[0]!.pipes.MTE1!.l1BankOverlapCycles);
    }
  });

  it('the library GEMM shows its layout: MTE1 reads one L1 chunk while MTE2 fills the next, in the same bank', () => {
    const k = generateMatmul({ m: 256, k: 1024, n: 256, bias: false, quant: { scale: 0.0078125, offset: 0 }, outType: 's8', relu: false }, cfg, { blockDim: 1 });
    const r = simulate({ config: cfg, programs: k.programs, blockDim: 1, gm: k.gmBytes, mode: 'timing' });
    const mte1 = r.cores.find((c) => c.kind === 'aic')!.pipes.MTE1!;
    expect(mte1.l1BankOverlapCycles).toBeGreaterThan(0);
    expect(mte1.l1BankOverlapCycles).toBeLessThanOrEqual(mte1.busyCycles);
    expect(mte1.stallBankCycles).toBe(0);
  });
});

describe('presets without a public L1 bank structure', () => {
  it.each(['ascend910', 'ascend310p', 'tiny'])('%s models none', (preset) => {
    expect(loadConfig(preset).banks.l1).toBeNull();
  });
});
