/**
 * set_l2_hint (Ascend C GlobalTensor::SetL2CacheHint, docs/timing-model.md §1.5): GM transfers issued
 * under `disable` use resident L2 lines but allocate none, so their missing reads and writes go straight
 * to HBM. The hint is per core, normal at launch, and captured when the scalar unit issues a transfer,
 * not when its pipe starts it. Expected bytes follow from the transfers' sizes (whole, aligned lines).
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { disassemble } from '../isa/disasm.js';
import { loadConfig } from '../hw/config/load.js';
import { simulate, type SimMode, type SimResult } from '../hw/simulate.js';
import type { LevelBytes } from '../hw/stats.js';
import type { InsnRecord } from '../hw/engine/records.js';
import type { CoreKind } from '../hw/config/types.js';

const cfg = loadConfig('ascend910');
const GM_BYTES = 1 << 21;
const N = 4096; // bytes per transfer: 32 whole 128 B lines from GM[0]

interface Run extends SimResult {
  readonly records: InsnRecord[];
}

const lines = (...xs: string[]) => xs.join('\n') + '\n';
function run(text: string, opts: { blockDim?: number; mode?: SimMode; sanitize?: boolean } = {}): Run {
  const records: InsnRecord[] = [];
  const mode = opts.mode ?? 'timing';
  const r = simulate({
    config: cfg,
    programs: { coupled: assemble(text) },
    blockDim: opts.blockDim ?? 1,
    gm: mode === 'functional' ? new Uint8Array(GM_BYTES) : GM_BYTES,
    mode,
    sink: { insn: (rec) => records.push(rec) },
    ...(opts.sanitize ? { sanitize: true } : {}),
  });
  return { ...r, records };
}

const read = (gm = 0, ub = 0, bytes = N) => `copy_gm_ub UB[${ub}], GM[${gm}], 1, ${bytes}, 0, 0`;
const write = (gm = 0) => `copy_ub_gm GM[${gm}], UB[0], 1, ${N}, 0, 0`;
const bytesOf = (r: SimResult, path: string, core = 0): LevelBytes => r.cores[core]!.levelBytes[path]!;
const level = (l2Hit: number, l2Miss: number, hbmRead: number, hbmWrite: number): LevelBytes => ({ l2Hit, l2Miss, hbmRead, hbmWrite });

describe('set_l2_hint disable: no allocation in the L2', () => {
  it('a read under disable allocates nothing: the same read again misses, where without the hint it hits', () => {
    const hinted = run(lines('set_l2_hint disable', read(), 'set_l2_hint normal', read(), 'end'));
    expect(bytesOf(hinted, 'GM_UB')).toEqual(level(0, 2 * N, 2 * N, 0));
    const plain = run(lines(read(), read(), 'end'));
    expect(bytesOf(plain, 'GM_UB')).toEqual(level(N, N, N, 0));
  });

  it('a read under disable is still served by lines already resident', () => {
    const r = run(lines(read(), 'set_l2_hint disable', read(), 'end'));
    expect(bytesOf(r, 'GM_UB')).toEqual(level(N, N, N, 0));
  });

  it('a write under disable goes to HBM and leaves nothing in the L2; without the hint it stays as a dirty line', () => {
    const hinted = run(lines('set_l2_hint disable', write(), 'set_l2_hint normal', read(), 'end'));
    expect(bytesOf(hinted, 'UB_GM')).toEqual(level(0, N, 0, N));
    expect(bytesOf(hinted, 'GM_UB')).toEqual(level(0, N, N, 0)); // the written lines were never allocated
    expect(hinted.l2DirtyBytes).toBe(0);
    const plain = run(lines(write(), read(), 'end'));
    expect(bytesOf(plain, 'UB_GM')).toEqual(level(0, N, 0, 0));
    expect(bytesOf(plain, 'GM_UB')).toEqual(level(N, 0, 0, 0));
    expect(plain.l2DirtyBytes).toBe(N);
  });

  it('a bypassed read costs its own bytes from HBM, not whole lines', () => {
    const partial = read(8, 0, 100); // bytes 8..107: inside the first line
    expect(bytesOf(run(lines('set_l2_hint disable', partial, 'end')), 'GM_UB')).toEqual(level(0, 100, 100, 0));
    expect(bytesOf(run(lines(partial, 'end')), 'GM_UB')).toEqual(level(0, 100, cfg.l2.lineBytes, 0));
  });

  it('costs one scalar ALU cycle, like any scalar instruction', () => {
    const r = run(lines('set_l2_hint disable', 'set_l2_hint normal', 'end'));
    const hints = r.records.filter((x) => x.op === 'set_l2_hint');
    expect(hints.map((x) => [x.pipe, x.start, x.end - x.start])).toEqual([
      ['S', 0, cfg.scalar.aluCycles],
      ['S', cfg.scalar.aluCycles, cfg.scalar.aluCycles],
    ]);
    const end = r.records.find((x) => x.op === 'end')!;
    expect(end.start).toBe(2 * cfg.scalar.aluCycles);
  });
});

/**
 * Every family that moves GM bytes carries the hint, on the preset that has it: the same transfer
 * twice under disable never touches the L2 (reads miss both times, writes go to HBM both times).
 */
const GM_FAMILIES: readonly { preset: string; kind: CoreKind; insn: string; path: string }[] = [
  { preset: 'ascend910', kind: 'coupled', insn: `copy_gm_l1 L1[0], GM[0], 1, ${N}, 0, 0`, path: 'GM_L1' },
  { preset: 'ascend910', kind: 'coupled', insn: `copy_ub_gm GM[0], UB[0], 1, ${N}, 0, 0`, path: 'UB_GM' },
  { preset: 'ascend910b', kind: 'aic', insn: 'copy_gm_l1_nd2nz L1[0], GM[0], f16, 40, 32, 32, 40', path: 'GM_L1' },
  { preset: 'ascend910b', kind: 'aic', insn: 'fixpipe GM[0], L0C[0], s32, s32, 32, 48, 32, 48, none, 1, 0, FB[0], 0, 1', path: 'L0C_GM' },
];

describe('every GM transfer family carries the hint', () => {
  it.each(GM_FAMILIES)('$insn', ({ preset, kind, insn, path }) => {
    const c = loadConfig(preset);
    const once = (text: string) => simulate({ config: c, programs: { [kind]: assemble(text) }, blockDim: 1, gm: GM_BYTES, mode: 'timing' }).cores[0]!;
    const r = once(lines('set_l2_hint disable', insn, insn, 'end'));
    const bytes = r.pathBytes[path]!;
    const writes = insn.startsWith('copy_ub_gm') || insn.startsWith('fixpipe');
    expect(bytes).toBeGreaterThan(0);
    expect(r.levelBytes[path]).toEqual(writes ? level(0, bytes, 0, bytes) : level(0, bytes, bytes, 0));
    const plain = once(lines(insn, insn, 'end')).levelBytes[path]!;
    expect(plain.hbmRead + plain.hbmWrite).toBeLessThan(bytes); // allocated: the second one hits
  });
});

describe('the hint belongs to one core and to the moment of issue', () => {
  it('is per core: block 0 disables, block 1 keeps normal; each reads its own lines twice', () => {
    const text = lines(
      'bidx x1',
      'li x2, 65536',
      'mul x3, x1, x2', // each block its own 64 KiB of GM, so one block's lines never serve the other
      'bne x1, x0, go',
      'set_l2_hint disable',
      'go:',
      `copy_gm_ub UB[0], GM[x3], 1, ${N}, 0, 0`,
      `copy_gm_ub UB[0], GM[x3], 1, ${N}, 0, 0`,
      'end',
    );
    const r = run(text, { blockDim: 2 });
    expect(bytesOf(r, 'GM_UB', 0)).toEqual(level(0, 2 * N, 2 * N, 0));
    expect(bytesOf(r, 'GM_UB', 1)).toEqual(level(N, N, N, 0));
  });

  it('is normal at every launch, whatever the previous launch left', () => {
    const first = run(lines('set_l2_hint disable', 'end'));
    const again = simulate({ config: cfg, programs: { coupled: assemble(lines(read(), read(), 'end')) }, blockDim: 1, gm: GM_BYTES, mode: 'timing', l2: first.l2 });
    expect(bytesOf(again, 'GM_UB')).toEqual(level(N, N, N, 0));
  });

  it('is captured at issue: a transfer issued under disable bypasses even when its pipe starts it after the hint is back to normal', () => {
    const BIG = 65536;
    const text = lines(
      read(1 << 20, 0, BIG), // keeps MTE2 busy, so the next transfer waits in the queue
      'set_l2_hint disable',
      read(0, BIG),
      'set_l2_hint normal',
      read(0, BIG), // misses: the bypassed read before it allocated nothing
      'end',
    );
    const r = run(text);
    const transfers = r.records.filter((x) => x.op === 'copy_gm_ub');
    const backToNormal = r.records.filter((x) => x.op === 'set_l2_hint')[1]!;
    expect(transfers[1]!.issue).toBeLessThan(backToNormal.start);
    expect(transfers[1]!.start).toBeGreaterThan(backToNormal.end);
    expect(bytesOf(r, 'GM_UB')).toEqual(level(0, BIG + 2 * N, BIG + 2 * N, 0));
  });
});

describe('set_l2_hint in the toolchain', () => {
  const text = lines('set_l2_hint disable', read(), write(), 'set_l2_hint normal', read(), write(), 'end');

  it('round-trips: assemble -> disassemble -> assemble gives the same program and text', () => {
    const p = assemble(text);
    const printed = disassemble(p);
    expect(printed).toContain('  set_l2_hint disable\n');
    expect(printed).toContain('  set_l2_hint normal\n');
    expect(assemble(printed).insns).toEqual(p.insns);
    expect(disassemble(assemble(printed))).toBe(printed);
  });

  it('rejects a mode it does not know, with the legal ones as the hint', () => {
    expect(() => assemble('set_l2_hint persistent\n')).toThrow(/bad l2hint 'persistent'.*one of normal, disable/);
    expect(() => assemble('set_l2_hint DISABLE\n')).toThrow(/write 'disable'/);
  });

  it('gives the same cycles and level bytes in functional and timing-only runs', () => {
    const f = run(text, { mode: 'functional' });
    const t = run(text, { mode: 'timing' });
    expect(f.cycles).toBe(t.cycles);
    expect(f.cores.map((c) => c.levelBytes)).toEqual(t.cores.map((c) => c.levelBytes));
  });

  it('is accepted by the sanitizer as an instruction with no memory access, and changes no cycle under it', () => {
    const checked = run(text, { mode: 'functional', sanitize: true });
    const unhinted = run(lines(read(), write(), read(), write(), 'end'), { mode: 'functional', sanitize: true });
    expect(checked.sanitizer!.counts).toEqual(unhinted.sanitizer!.counts);
    expect(checked.cycles).toBe(run(text, { mode: 'functional' }).cycles);
  });
});
