/**
 * The queue helper (ops-nn/queue.ts): the instructions each queue step emits, how ids are handed out
 * (per unordered pipe pair, two per queue, restarting per block), the preset's id limit, the
 * cross-core queue, and that a generated kernel which needs more ids than a preset has fails with
 * an error naming the handoff.
 */
import { describe, expect, it } from 'vitest';
import type { Insn } from '../isa/program.js';
import { loadConfig } from '../hw/config/load.js';
import { Emitter } from '../ops-nn/emitter.js';
import { OpError } from '../ops-nn/kernel.js';
import { generateMatmul } from '../ops-nn/matmul/index.js';
import { CrossQueue } from '../ops-nn/queue.js';
import { launchKernel } from './support/launch.js';

/** The flag instructions as "op src>dst#id" (cross flags as "op pipe#id"). */
function flags(e: Emitter): string[] {
  return e.b.build().insns.map((i: Insn) => {
    const x = i as unknown as Record<string, unknown>;
    return 'src' in x ? `${i.op} ${x['src']}>${x['dst']}#${x['id']}` : `${i.op} ${x['pipe']}#${x['id']}`;
  });
}

describe('Queue', () => {
  it('emits the TQue discipline: prime / alloc / enque / deque / free / drain', () => {
    const e = new Emitter({ eventIds: 8 });
    const q = e.startBlock().queue('MTE2', 'V', { depth: 2, what: 'input' });
    q.prime();
    q.alloc(1);
    q.enque(1);
    q.deque(1);
    q.free(1);
    q.drain(0);
    expect(flags(e)).toEqual([
      'set_flag V>MTE2#0',
      'set_flag V>MTE2#1',
      'wait_flag V>MTE2#1',
      'set_flag MTE2>V#1',
      'wait_flag MTE2>V#1',
      'set_flag V>MTE2#1',
      'wait_flag V>MTE2#0',
    ]);
  });

  it('counts ids per unordered pipe pair and keeps two per queue whatever its depth', () => {
    const e = new Emitter({ eventIds: 8 });
    const ev = e.startBlock();
    const single = ev.queue('MTE2', 'MTE1', { depth: 1, what: 'chunk' });
    const back = ev.signal('MTE1', 'MTE2', 'done');
    const other = ev.queue('MTE1', 'M', { depth: 2, what: 'tile' });
    single.enque(0);
    back.set();
    other.enque(1);
    expect(flags(e)).toEqual(['set_flag MTE2>MTE1#0', 'set_flag MTE1>MTE2#2', 'set_flag MTE1>M#1']);
  });

  it('a slot freed by a third pipe takes its ids on both pairs', () => {
    const e = new Emitter({ eventIds: 8 });
    const ev = e.startBlock();
    ev.signal('MTE3', 'MTE2', 'earlier');
    const ring = ev.queue('MTE2', 'V', { depth: 2, what: 'rows', freedBy: 'MTE3' });
    ring.prime(0);
    ring.enque(0);
    expect(flags(e)).toEqual(['set_flag MTE3>MTE2#1', 'set_flag MTE2>V#1']);
  });

  it('ids start over in each block', () => {
    const e = new Emitter({ eventIds: 8 });
    e.startBlock().signal('MTE2', 'V', 'a').set();
    e.startBlock().signal('MTE2', 'V', 'b').set();
    expect(flags(e)).toEqual(['set_flag MTE2>V#0', 'set_flag MTE2>V#0']);
  });

  it('checks the preset has the id when the handoff is first used, naming it', () => {
    const e = new Emitter({ eventIds: 2 });
    const ev = e.startBlock();
    ev.queue('MTE2', 'V', { depth: 2, what: 'input' });
    const late = ev.signal('MTE2', 'V', 'tables loaded');
    expect(() => late.set()).toThrow(OpError);
    expect(() => late.wait()).toThrow(/tables loaded needs event id 2 of MTE2 -> V, but the preset has ids 0\.\.1 \(config field eventIds\)/);
    expect(flags(e)).toEqual([]);
  });

  it('rejects slots and depths outside the queue', () => {
    const ev = new Emitter({ eventIds: 8 }).startBlock();
    expect(() => ev.queue('MTE2', 'V', { depth: 3, what: 'x' })).toThrow(/depth 3 is outside 1\.\.2/);
    expect(() => ev.queue('MTE2', 'V', { depth: 1, what: 'x' }).enque(1)).toThrow(/slot 1 is outside 0\.\.0/);
  });
});

describe('CrossQueue', () => {
  it('full ids first, free ids after, one free wait per reader', () => {
    const aic = new Emitter({ eventIds: 8 });
    const aiv = new Emitter({ eventIds: 8 });
    const q = new CrossQueue(2, 2);
    q.enque(aic, 'FIX', 1);
    q.alloc(aic, 'FIX', 1);
    q.deque(aiv, 'MTE2', 1);
    q.free(aiv, 'MTE2', 1);
    expect(flags(aic)).toEqual(['cross_set FIX#1', 'cross_wait FIX#3', 'cross_wait FIX#3']);
    expect(flags(aiv)).toEqual(['cross_wait MTE2#1', 'cross_set MTE2#3']);
  });

  it('refuses more slots than the ISA has cross-core ids', () => {
    expect(() => new CrossQueue(6, 1)).toThrow(/needs 12 cross-core ids; the ISA has 11/);
  });
});

describe('generated kernels and the preset id count', () => {
  const spec = { m: 64, k: 64, n: 32, bias: true, quant: { scale: 0.0078125, offset: 0 }, outType: 's8', relu: false } as const;

  it('the bias handoff of a separated GEMM needs id 2: fewer ids is an error naming it', () => {
    const cfg = loadConfig('tiny-sep', { eventIds: 2 });
    expect(() => generateMatmul(spec, cfg)).toThrow(/bias table in L1 needs event id 2 of MTE2 -> MTE1/);
  });

  it('without bias the same GEMM fits two ids and runs', () => {
    const cfg = loadConfig('tiny-sep', { eventIds: 2 });
    const k = generateMatmul({ ...spec, bias: false }, cfg);
    expect(launchKernel(cfg, k).cycles).toBeGreaterThan(0);
  });
});
