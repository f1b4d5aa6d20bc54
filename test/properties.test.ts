/**
 * Properties of the timing model on random kernels (fast-check, fixed seeds so every run checks the
 * same cases): ops-nn INT8 matmuls of small random shapes on tiny, tiny-sep and ascend910b, plus small
 * random assembled pipelines.
 * - No run beats the compute bound or the bandwidth bounds.
 * - Timing-only equals functional; the same launch twice gives the same result.
 * - Monotonicity: with GM sharing taken out, a faster cube or faster paths never slow a fixed program.
 *   With sharing that is false, and the two exceptions of docs/timing-model.md section 4 are tested
 *   explicitly here (scripts/timing/anomalies.ts builds them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { disassemble } from '../isa/disasm.js';
import { loadConfig } from '../hw/config/load.js';
import { PATHS, type HwConfig, type PathName } from '../hw/config/types.js';
import { simulate, type SimResult } from '../hw/simulate.js';
import { generateMatmul, type MatmulSpec, type MatmulTiling } from '../ops-nn/matmul/index.js';
import type { Kernel } from '../ops-nn/kernel.js';
import { BANDWIDTH_PATH_RATE, CUBE_EXAMPLES, runBandwidthExample, runCubeVariants } from '../scripts/timing/anomalies.js';
import { rng } from './support/rng.js';
import { runMatmul } from './support/matmul-run.js';
import { launchKernel } from './support/launch.js';

const PRESETS = ['tiny', 'tiny-sep', 'ascend910b'] as const;
type Preset = (typeof PRESETS)[number];

interface Case {
  readonly preset: Preset;
  readonly spec: MatmulSpec;
  /** blocks asked for; capped by the output tiles of the tiling */
  readonly blocks: number;
  readonly seed: number;
}

const caseArb = (maxDim: number): fc.Arbitrary<Case> =>
  fc.record({
    preset: fc.constantFrom(...PRESETS),
    spec: fc.record({
      m: fc.integer({ min: 1, max: maxDim }),
      k: fc.integer({ min: 1, max: maxDim }),
      n: fc.integer({ min: 1, max: maxDim }),
      bias: fc.boolean(),
      quant: fc.record({ scale: fc.constantFrom(Math.fround(0.004), Math.fround(0.02)), offset: fc.integer({ min: -8, max: 8 }) }),
      outType: fc.constantFrom('s8' as const, 'u8' as const),
      relu: fc.boolean(),
    }),
    blocks: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  });

/** The tiling the default tiler picks for one block, with `blocks` blocks where there are enough tiles. */
function fixedTiling(c: Case, cfg: HwConfig): MatmulTiling {
  const t = generateMatmul(c.spec, cfg, { blockDim: 1 }).tiling as unknown as MatmulTiling;
  const tiles = Math.ceil(c.spec.m / t.baseM) * Math.ceil(c.spec.n / t.baseN);
  return { ...t, blockDim: Math.min(c.blocks, tiles, cfg.cores) };
}

const launch = (cfg: HwConfig, k: Kernel): SimResult => launchKernel(cfg, k);
const isGm = (p: string) => p.startsWith('GM') || p.endsWith('GM');
const gmBytesOf = (pathBytes: Readonly<Record<string, number>>) => Object.entries(pathBytes).reduce((s, [p, b]) => s + (isGm(p) ? b : 0), 0);

describe('bounds no run can beat', () => {
  it('cycles >= compute bound and every bandwidth bound', () => {
    fc.assert(
      fc.property(caseArb(96), (c) => {
        const cfg = loadConfig(c.preset);
        const t = fixedTiling(c, cfg);
        const r = launch(cfg, generateMatmul(c.spec, cfg, t));
        const { m, k, n } = c.spec;
        // compute: every MAC issued once; each core's ideal cube cycles, and all MACs at the peak of the cores used
        expect(r.cores.reduce((s, x) => s + x.macs, 0)).toBe(m * k * n);
        for (const core of r.cores) expect(r.cycles).toBeGreaterThanOrEqual(Math.ceil(core.cubeIdealCycles));
        expect(r.cycles).toBeGreaterThanOrEqual(Math.ceil((m * k * n) / cfg.derived.macsPerCycleInt8 / t.blockDim));
        // bandwidth: the GM bytes counted cover at least A, B and y once
        const total = r.cores.reduce((s, x) => s + gmBytesOf(x.pathBytes), 0);
        expect(total).toBeGreaterThanOrEqual(m * k + k * n + m * n);
        expect(r.cycles).toBeGreaterThanOrEqual(Math.ceil(total / cfg.gm.chipBytesPerCycle));
        for (const core of r.cores) {
          expect(r.cycles).toBeGreaterThanOrEqual(Math.ceil(gmBytesOf(core.pathBytes) / cfg.gm.coreBytesPerCycle));
          for (const [p, b] of Object.entries(core.pathBytes)) {
            const rate = isGm(p) ? Math.min(cfg.paths[p as PathName].bytesPerCycle, cfg.gm.coreBytesPerCycle, cfg.gm.chipBytesPerCycle) : cfg.paths[p as PathName].bytesPerCycle;
            expect(r.cycles, `${p} on core ${core.core}`).toBeGreaterThanOrEqual(Math.ceil(b / rate));
          }
        }
      }),
      { seed: 0x7a11, numRuns: 200 },
    );
  });
});

describe('modes and determinism', () => {
  it('timing-only gives the cycles and statistics of a functional run (which is bit-exact)', () => {
    fc.assert(
      fc.property(caseArb(48), (c) => {
        const cfg = loadConfig(c.preset);
        const t = fixedTiling(c, cfg);
        const f = runMatmul(cfg, c.spec, rng(c.seed), 'functional', t);
        const tm = runMatmul(cfg, c.spec, rng(c.seed), 'timing', t);
        expect(Array.from(f.got)).toEqual(Array.from(f.want));
        expect(tm.result.cycles).toBe(f.result.cycles);
        expect(tm.result.cores).toEqual(f.result.cores);
        expect(tm.result.stats).toEqual(f.result.stats);
      }),
      { seed: 0xf00d, numRuns: 40 },
    );
  });

  it('the same launch twice gives the same result', () => {
    fc.assert(
      fc.property(caseArb(96), (c) => {
        const cfg = loadConfig(c.preset);
        const k = generateMatmul(c.spec, cfg, fixedTiling(c, cfg));
        const a = launch(cfg, k);
        const b = launch(loadConfig(c.preset), generateMatmul(c.spec, cfg, fixedTiling(c, cfg)));
        expect(b.cycles).toBe(a.cycles);
        expect(b.cores).toEqual(a.cores);
        expect(b.stats).toEqual(a.stats);
      }),
      { seed: 0xd00d, numRuns: 50 },
    );
  });
});

// ---- monotonicity without GM sharing ----------------------------------------------------------------------

/**
 * `preset` with GM sharing taken out: every core's port is the sum of all GM path rates and the chip
 * serves every core at that, so each transfer always streams at its own path rate. `scale` multiplies
 * the GM path rates (and the on-chip ones when `onChip`).
 */
function unshared(preset: string, over: { scale?: number; onChip?: number; cube?: object } = {}): HwConfig {
  const base = loadConfig(preset);
  const paths = Object.fromEntries(PATHS.map((p) => [p, { bytesPerCycle: base.paths[p].bytesPerCycle * (isGm(p) ? (over.scale ?? 1) : (over.onChip ?? 1)) }]));
  const port = PATHS.filter(isGm).reduce((s, p) => s + paths[p]!.bytesPerCycle, 0);
  // no sharing anywhere: the L2 off (every byte an HBM byte) and every core able to draw its whole port from HBM
  return loadConfig(preset, {
    paths,
    gm: { coreBytesPerCycle: port, coreMissBytesPerCycle: port, chipBytesPerCycle: port * base.derived.totalCores },
    l2: { mode: 'disabled' },
    ...(over.cube ? { cube: over.cube } : {}),
  });
}

/** Faster hardware variants: each is at least as fast as the base in every cost. */
const FASTER = [
  { name: 'no cube latency', over: { cube: { fixedLatency: 0 } } },
  { name: 'GM paths 1.5x', over: { scale: 1.5 } },
  { name: 'on-chip paths 2x', over: { onChip: 2 } },
  { name: 'everything above', over: { scale: 1.5, onChip: 2, cube: { fixedLatency: 0 } } },
] as const;

const programText = (k: Kernel) => Object.values(k.programs).map(disassemble).join('\n');

describe('monotonicity without GM sharing', () => {
  it('a faster cube or faster paths never slow a fixed-tiling matmul', () => {
    fc.assert(
      fc.property(caseArb(96), (c) => {
        const base = unshared(c.preset);
        const t = fixedTiling(c, base);
        const k = generateMatmul(c.spec, base, t);
        const cycles = launch(base, k).cycles;
        for (const v of FASTER) {
          const cfg = unshared(c.preset, v.over);
          const kv = generateMatmul(c.spec, cfg, t);
          expect(programText(kv), 'a fixed tiling must give the same program').toBe(programText(k));
          expect(launch(cfg, kv).cycles, v.name).toBeLessThanOrEqual(cycles);
        }
      }),
      { seed: 0x5eed, numRuns: 150 },
    );
  });

  /** One step of a random pipeline: load, vector work, store, synchronised so it can never set a flag twice. */
  const stepArb = fc.record({ load: fc.integer({ min: 1, max: 128 }), repeats: fc.integer({ min: 1, max: 40 }), op: fc.constantFrom('vadds', 'vadd', 'vdiv', 'vconv', 'vcadd'), store: fc.integer({ min: 1, max: 128 }) });
  const VEC: Readonly<Record<string, (r: number) => string>> = {
    vadds: (r) => `vadds f16, UB[8192], UB[8192], 1, ${r}, 1, 1, 0, 0`,
    vadd: (r) => `vadd f32, UB[8192], UB[8192], UB[8192], ${r}, 1, 1, 1, 0, 0, 0`,
    vdiv: (r) => `vdiv f32, UB[8192], UB[8192], UB[8192], ${r}, 1, 1, 1, 0, 0, 0`,
    vconv: (r) => `vconv f32, f16, rint, UB[8192], UB[16384], ${r}, 1, 1, 0, 0`,
    vcadd: (r) => `vcadd f16, UB[8192], UB[8192], ${r}, 1, 0`,
  };
  const pipeline = (steps: readonly { load: number; repeats: number; op: string; store: number }[]) =>
    steps.flatMap((s) => [
      `copy_gm_ub UB[0], GM[0], 1, ${32 * s.load}, 0, 0`,
      'set_flag MTE2, V, 0',
      'wait_flag MTE2, V, 0',
      VEC[s.op]!(s.repeats),
      'set_flag V, MTE3, 0',
      'wait_flag V, MTE3, 0',
      `copy_ub_gm GM[8192], UB[0], 1, ${32 * s.store}, 0, 0`,
      'barrier_all',
    ]);

  it('faster paths or vector units never slow a random two-core pipeline on tiny', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 4 }), fc.array(stepArb, { minLength: 1, maxLength: 4 }), (a, b) => {
        const text = ['bidx x1', 'li x2, 0', 'bne x1, x2, other', ...pipeline(a), 'end', 'other:', ...pipeline(b), 'end'].join('\n');
        const prog = assemble(text, 'random pipeline');
        const run = (cfg: HwConfig, mode: 'timing' | 'functional' = 'timing') =>
          simulate({ config: cfg, programs: { coupled: prog }, blockDim: 2, gm: mode === 'timing' ? 1 << 16 : new Uint8Array(1 << 16), mode });
        const base = unshared('tiny');
        const r = run(base);
        expect(run(base, 'functional').cycles).toBe(r.cycles);
        const classes = Object.fromEntries(Object.entries(base.vector.classes).map(([k, v]) => [k, { minCycles: Math.max(0, v.minCycles - 2) }]));
        for (const cfg of [unshared('tiny', { scale: 2 }), unshared('tiny', { onChip: 3 }), loadConfig('tiny', { ...structuredClone({ paths: base.paths, gm: base.gm, l2: base.l2 }), vector: { classes } })])
          expect(run(cfg).cycles).toBeLessThanOrEqual(r.cycles);
      }),
      { seed: 0xbeef, numRuns: 200 },
    );
  });
});

// ---- the exceptions with GM sharing ------------------------------------------------------------------------

describe('with GM sharing, more hardware can be slower (docs/timing-model.md section 4)', () => {
  const lone = (bw: number, bytes: number) => loadConfig('tiny').paths.UB_GM.fixedLatency + Math.ceil(bytes / Math.min(bw, BANDWIDTH_PATH_RATE));

  it('more chip and core GM bandwidth delays a critical store', () => {
    const low = runBandwidthExample(60, 60);
    const high = runBandwidthExample(80, 80);
    expect(high.cycles).toBeGreaterThan(low.cycles);
    // at 60 the critical store streams alone and core 0's store starts after it has streamed
    expect(low.critical.end - low.critical.start).toBe(lone(60, 1500));
    expect(low.other.start).toBeGreaterThanOrEqual(low.critical.end - loadConfig('tiny').paths.UB_GM.fixedLatency);
    // at 80 core 0's store starts inside the critical one, which then takes longer than it did at 60
    expect(high.other.start).toBeLessThan(high.critical.end);
    expect(high.critical.end - high.critical.start).toBeGreaterThan(low.critical.end - low.critical.start);
    expect(high.critical.end - high.critical.start).toBeGreaterThan(lone(80, 1500));
    // the same happens when only the chip or only the ports get faster
    expect(runBandwidthExample(80, 80).cycles).toBeGreaterThan(runBandwidthExample(60, 80).cycles);
    expect(runBandwidthExample(80, 80).cycles).toBeGreaterThan(runBandwidthExample(80, 60).cycles);
  });

  it.each(CUBE_EXAMPLES.map((ex) => [ex.preset, ex] as const))('a faster cube delays the loads on %s', (_p, ex) => {
    const [base, faster] = runCubeVariants(ex);
    expect(faster!.text, 'the same program on both').toBe(base!.text);
    expect(faster!.cycles).toBeGreaterThan(base!.cycles);
    // the first fixpipe starts earlier, inside the same GM -> L1 load, which then ends later
    expect(faster!.fixpipe.start).toBeLessThan(base!.fixpipe.start);
    expect(base!.load).not.toBeNull();
    expect(faster!.load!.start).toBe(base!.load!.start);
    expect(faster!.load!.end).toBeGreaterThan(base!.load!.end);
  });
});
