/**
 * Microbenchmarks whose cycle counts follow by hand from the preset's numbers. Each expected value
 * is computed here from the config fields, so the tests follow the preset, and fail if the engine
 * adds, drops or overlaps cycles it should not.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { loadConfig } from '../hw/config/load.js';
import { simulate } from '../hw/simulate.js';
import type { HwConfig } from '../hw/config/types.js';
import { coldTransferCycles } from './support/gm-rate.js';

const run = (cfg: HwConfig, text: string, gm = 1 << 20) =>
  simulate({ config: cfg, programs: { [cfg.organisation === 'coupled' ? 'coupled' : 'aic']: assemble(text) }, blockDim: 1, gm, mode: 'timing' });

describe.each(['tiny', 'ascend910', 'ascend310p'])('microbenchmarks on %s', (preset) => {
  const cfg = loadConfig(preset);
  const issue = cfg.scalar.issueCycles;
  const alu = cfg.scalar.aluCycles;
  /** A lone GM transfer on a flushed L2 (every line it reads is a miss), then the path latency. */
  const gmTransfer = (path: keyof HwConfig['paths'], bytes: number) => coldTransferCycles(cfg, path, bytes);
  /** A lone vector instruction of `repeats` repeats. */
  const vec = (cls: keyof HwConfig['vector']['classes'], repeats: number) =>
    Math.max(cfg.vector.classes[cls].minCycles, repeats * cfg.vector.classes[cls].cyclesPerRepeat);

  it.each([32, 1024, 4096, 65536])('one DMA of %i bytes GM -> L1', (bytes) => {
    const r = run(cfg, `copy_gm_l1 L1[0], GM[0], 1, ${bytes}, 0, 0\nend\n`);
    const dma = gmTransfer('GM_L1', bytes);
    expect(r.cycles).toBe(Math.max(dma, issue + alu));
    expect(r.cores[0]!.pipes.MTE2!.busyCycles).toBe(dma);
  });

  it('one mmad', () => {
    const r = run(cfg, 'mmad L0C[0], L0A[0], L0B[0], L0C[0], 32, 64, 48, s8, s8, zero\nend\n'.replace('L0C[0], 32', 'BT[0], 32'));
    const fractals = (32 / 16) * (64 / cfg.cube.k0Bytes) * (48 / 16);
    expect(r.cycles).toBe(fractals + cfg.cube.fixedLatency);
    expect(r.cores[0]!.macs).toBe(32 * 64 * 48);
  });

  it('a chain of vector repeats', () => {
    const r = run(cfg, ['vadd f16, UB[0], UB[256], UB[512], 10, 1, 1, 1, 8, 8, 8', 'vmuls f16, UB[0], UB[0], 2, 7, 1, 1, 8, 8', 'end'].join('\n'));
    // In-order pipe: the second op starts when the first one's occupancy (10 repeats) ends.
    const second = 10 * cfg.vector.classes.binary.cyclesPerRepeat;
    expect(r.cycles).toBe(Math.max(vec('binary', 10), second + vec('unary', 7)));
  });

  it('a set_flag / wait_flag handoff between two pipes', () => {
    const r = run(cfg, ['copy_gm_ub UB[0], GM[0], 1, 2048, 0, 0', 'set_flag MTE2, V, 1', 'wait_flag MTE2, V, 1', 'vadds f16, UB[0], UB[0], 1, 4, 1, 1, 8, 8', 'end'].join('\n'));
    const dma = gmTransfer('GM_UB', 2048);
    expect(r.cycles).toBe(dma + vec('unary', 4));
    expect(r.cores[0]!.pipes.V!.stallFlagCycles).toBe(dma - 2 * issue); // wait_flag is the third instruction, issued at 2 * issue
  });

  it('pipe_barrier waits for the pipe\'s own latency', () => {
    const r = run(cfg, ['vadds f16, UB[0], UB[0], 1, 2, 1, 1, 8, 8', 'pipe_barrier V', 'vadds f16, UB[0], UB[0], 1, 2, 1, 1, 8, 8', 'end'].join('\n'));
    expect(r.cycles).toBe(2 * vec('unary', 2));
  });
});

describe('errors', () => {
  const cfg = loadConfig('tiny');
  it('reports a wait_flag that is never set as a deadlock naming the blocked pipe', () => {
    expect(() => run(cfg, 'wait_flag MTE2, V, 0\nvadds f16, UB[0], UB[0], 1, 1, 1, 1, 8, 8\nend\n')).toThrow(/deadlock.*V blocked at pc 0 \(wait_flag MTE2, V, 0\)/);
  });
  it('reports a scalar wait that never ends', () => {
    expect(() => run(cfg, 'wait_flag V, S, 0\nend\n')).toThrow(/deadlock.*scalar at pc 0.*waitFlag/);
  });
  it('reports an out-of-bounds access with pc, text and range', () => {
    expect(() => run(cfg, 'copy_gm_ub UB[32000], GM[0], 1, 1024, 0, 0\nend\n')).toThrow(/pc 0 \(copy_gm_ub UB\[32000\], GM\[0\], 1, 1024, 0, 0\): UB access \[32000, 33024\) is outside the buffer \(32768 bytes\)/);
  });
  it('reports misalignment', () => {
    expect(() => run(cfg, 'copy_gm_ub UB[16], GM[0], 1, 32, 0, 0\nend\n')).toThrow(/UB address 16 is not 32-byte aligned/);
  });
  it('reports event ids beyond the preset', () => {
    expect(() => run(cfg, 'set_flag MTE2, V, 5\nend\n')).toThrow(/event id 5 is out of range: tiny has ids 0..3/);
  });
  it('reports a flag set twice', () => {
    expect(() => run(cfg, 'set_flag MTE2, V, 0\nset_flag MTE2, V, 0\nend\n')).toThrow(/set at cycle \d+ while still set/);
  });
  it('stops at the cycle limit', () => {
    const l = simulate;
    expect(() => l({ config: cfg, programs: { coupled: assemble('loop:\njmp loop\n') }, blockDim: 1, gm: 64, mode: 'timing', maxCycles: 1000 })).toThrow(/cycle limit exceeded/);
  });
});
