/**
 * Launch sequences and the L2 between them (ops-nn/launch-sequence.ts, hw/memory/placement.ts): each
 * launch's GM image is placed apart in the chip's memory, a carried tensor is placed where the earlier
 * launch had it, and regress entries say how the L2 starts each launch.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { chipAddress } from '../hw/memory/placement.js';
import { simulate } from '../hw/simulate.js';
import { LaunchSequence } from '../ops-nn/launch-sequence.js';
import type { TensorDesc } from '../ops-nn/kernel.js';
import { parseManifest } from '../scripts/lib/regress/manifest.js';
import { runManifest } from '../scripts/lib/regress/run.js';

const tensor = (name: string, offset: number, bytes: number): TensorDesc => ({ name, role: 'input', dtype: 's8', dims: [bytes], layout: 'ND', offset, bytes });

describe('LaunchSequence', () => {
  it('places launches apart, and a carry where the earlier launch had the tensor', () => {
    const seq = new LaunchSequence('warm');
    const first = seq.launch([tensor('x', 0, 4096), tensor('y', 4096, 8192)], 12288);
    expect(first.l2Start).toBe('flushed');
    expect(first.gmPlacement).toEqual({ base: 0, segments: [] });
    const fake = simulate({ config: loadConfig('tiny'), programs: { coupled: { insns: [{ op: 'end' }], labels: new Map() } }, blockDim: 1, gm: 64, mode: 'timing' });
    seq.finished(fake);
    // the second launch reads y's second half as its 'acc', at its own offset 512
    const second = seq.launch([tensor('tables', 0, 512), tensor('acc', 512, 4096)], 4608, [{ tensor: 'acc', back: 1, from: 'y', offset: 4096 }]);
    expect(second.l2Start).toBe('warm');
    expect(second.l2).toBe(fake.l2);
    const p = second.gmPlacement;
    expect(p.base).toBeGreaterThanOrEqual(12288);
    expect(chipAddress(p, 512)).toBe(4096 + 4096); // acc[0] is y[4096]
    expect(chipAddress(p, 512 + 100)).toBe(8192 + 100);
    expect(chipAddress(p, 0)).toBe(p.base); // not carried: the launch's own image
  });

  it('flushed: every launch starts with an empty L2', () => {
    const seq = new LaunchSequence('flushed');
    seq.launch([tensor('x', 0, 64)], 64);
    const fake = simulate({ config: loadConfig('tiny'), programs: { coupled: { insns: [{ op: 'end' }], labels: new Map() } }, blockDim: 1, gm: 64, mode: 'timing' });
    seq.finished(fake);
    const next = seq.launch([tensor('x', 0, 64)], 64);
    expect(next.l2).toBeUndefined();
    expect(next.l2Start).toBe('flushed');
  });

  it('a carry from a tensor the earlier launch does not hold is an internal error, not a silent miss', () => {
    const seq = new LaunchSequence('warm');
    seq.launch([tensor('y', 0, 64)], 64);
    expect(() => seq.launch([tensor('acc', 0, 128)], 128, [{ tensor: 'acc', back: 1, from: 'y', offset: 0 }])).toThrow(/carries tensor 'acc' from 'y'/);
    expect(() => seq.launch([tensor('acc', 0, 32)], 32, [{ tensor: 'acc', back: 1, from: 'z', offset: 0 }])).toThrow(/does not hold it/);
  });
});

describe('regress: the L2 between an entry\'s launches', () => {
  const entry = (l2?: string) => ({ id: `q-${l2 ?? 'default'}`, kernel: 'qlinear-matmul', preset: 'ascend910b', params: { m: 128, k: 256, n: 256, fusion: 'gm' }, ...(l2 ? { l2 } : {}) });

  it('warm by default: the gm variant\'s requant reads the GEMM output from the L2; flushed: from HBM', () => {
    const [warm, flushed] = runManifest(parseManifest({ entries: [entry(), entry('flushed')] }, 'test'));
    expect(warm!.l2).toBe('warm');
    expect(flushed!.l2).toBe('flushed');
    expect(warm!.kernels.map((k) => k.l2Start)).toEqual(['flushed', 'warm']);
    expect(flushed!.kernels.map((k) => k.l2Start)).toEqual(['flushed', 'flushed']);
    expect(warm!.memory!.hbmRead).toBeLessThan(flushed!.memory!.hbmRead);
    expect(warm!.cycles).toBeLessThanOrEqual(flushed!.cycles);
    expect(warm!.usefulMacs).toBe(128 * 256 * 256);
  });

  it('an unknown policy is refused with the entry and field named', () => {
    expect(() => parseManifest({ entries: [entry('hot')] }, 'm.json')).toThrow(/l2 must be one of warm, flushed, got "hot"/);
  });
});
