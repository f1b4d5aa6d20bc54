/**
 * The limits of a launch (hw/launch-limits.ts): the instruction limit stops a scalar loop that never
 * exits (the cycle limit alone would take hours), counted over all cores as scalar instructions
 * plus instructions issued to pipes; bad limit values, timing-only GM sizes and functional launches
 * too large to allocate are SimErrors before anything runs. Speed figures live in scripts/bench.ts.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { loadConfig } from '../hw/config/load.js';
import { SimError } from '../hw/engine/errors.js';
import { DEFAULT_MAX_INSTRUCTIONS, MAX_FUNCTIONAL_BYTES, MAX_TIMING_GM_BYTES } from '../hw/launch-limits.js';
import { simulate, type Launch } from '../hw/simulate.js';

const tiny = loadConfig('tiny');
const launch = (text: string, more: Partial<Launch> = {}) => simulate({ config: tiny, programs: { coupled: assemble(text) }, blockDim: 1, gm: 1 << 16, mode: 'timing', ...more });
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SimError);
    return (e as Error).message;
  }
  throw new Error('expected a SimError');
};

describe('instruction limit', () => {
  it('stops a jmp to itself under the default limit, saying where and how to raise it', () => {
    expect(DEFAULT_MAX_INSTRUCTIONS).toBe(10_000_000);
    expect(errorOf(() => launch('loop:\n  jmp loop\n'))).toBe(
      'instruction limit exceeded: the run passed 10000000 instructions over all cores, the last at core 0 (coupled block 0) pc 0 (jmp loop): a loop that never exits? (raise --max-instructions if the kernel is really this long)',
    );
  });

  it('counts scalar instructions and instructions issued to pipes, over all cores', () => {
    // per core: li and end run on the scalar unit, the two barriers are issued to their pipes
    const text = 'li x1, 0\npipe_barrier V\npipe_barrier MTE2\nend\n';
    const r = launch(text, { blockDim: 2 });
    const counted = r.cores.reduce((s, c) => s + c.scalarInsns + c.issued, 0);
    expect(counted).toBe(8);
    expect(launch(text, { blockDim: 2, maxInstructions: counted }).cycles).toBe(r.cycles);
    expect(errorOf(() => launch(text, { blockDim: 2, maxInstructions: counted - 1 }))).toMatch(/^instruction limit exceeded: the run passed 7 instructions over all cores, the last at core 1 /);
  });

  it('leaves runs under the limit unchanged', () => {
    const text = 'li x1, 0\nli x2, 100\nloop:\naddi x1, x1, 1\nblt x1, x2, loop\nend\n';
    expect(launch(text, { maxInstructions: 1000 }).cycles).toBe(launch(text).cycles);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s as maxInstructions and as maxCycles', (v) => {
    expect(errorOf(() => launch('end\n', { maxInstructions: v }))).toBe(`maxInstructions must be a positive integer, got ${v} (--max-instructions N)`);
    expect(errorOf(() => launch('end\n', { maxCycles: v }))).toBe(`maxCycles must be a positive integer, got ${v} (--max-cycles N)`);
  });
});

describe('launch sizes', () => {
  it('a timing-only GM size must be a whole number of bytes up to 2^40', () => {
    expect(MAX_TIMING_GM_BYTES).toBe(2 ** 40);
    for (const gm of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40 + 1])
      expect(errorOf(() => launch('end\n', { gm }))).toBe(`timing-only GM size ${gm} must be an integer number of bytes in 0..1099511627776 (2^40); give the size the kernel addresses`);
    expect(launch('end\n', { gm: 2 ** 40 }).cycles).toBeGreaterThan(0);
    expect(launch('end\n', { gm: 0 }).cycles).toBeGreaterThan(0);
  });

  it('a functional launch whose buffers would pass 4 GiB is refused before they are allocated', () => {
    expect(MAX_FUNCTIONAL_BYTES).toBe(2 ** 32);
    // 1024 cores with 64 MiB of L1 each: 64 GiB of buffers
    const big = loadConfig('tiny', { cores: 1024, coreKinds: { coupled: { buffers: { L1: { bytes: 64 * 2 ** 20 } } } } });
    const l: Launch = { config: big, programs: { coupled: assemble('end\n') }, blockDim: 1024, gm: new Uint8Array(64), mode: 'functional' };
    expect(errorOf(() => simulate(l))).toMatch(/^functional launch needs \d+ bytes \(GM image 64, on-chip buffers of 1024 cores \d+\), more than 4294967296 \(2\^32\); launch fewer blocks/);
    // the same chip timing-only allocates no buffer bytes, and a few blocks functionally fit
    expect(simulate({ ...l, gm: 64, mode: 'timing' }).cycles).toBeGreaterThan(0);
    expect(simulate({ ...l, blockDim: 2 }).cycles).toBeGreaterThan(0);
  });
});
