/**
 * The two ways more hardware can make a fixed program slower in this timing model, as runnable
 * examples for docs/timing-model.md and test/properties.test.ts.
 *
 * Both come from GM bandwidth sharing: concurrent transfers split a core's GM port and the chip's GM
 * bandwidth max-min fairly, with no notion of which transfer is critical. Anything that moves a
 * non-critical transfer earlier (a faster load before it, a faster cube before a fixpipe) can move it
 * into the window of a critical transfer, which then streams at a shared rate instead of alone.
 * Without sharing (every core's port and the chip wide enough for all concurrent transfers at their
 * path rates) every event time is a max/+ expression of the costs, so no cost decrease can delay
 * anything: test/properties.test.ts checks that form of monotonicity.
 */
import { assemble } from '../../isa/asm.js';
import { disassemble } from '../../isa/disasm.js';
import { loadConfig } from '../../hw/config/load.js';
import type { HwConfig } from '../../hw/config/types.js';
import { simulate } from '../../hw/simulate.js';
import type { InsnRecord } from '../../hw/engine/records.js';
import { generateMatmul, type MatmulSpec, type MatmulTiling } from '../../ops-nn/matmul/index.js';

// ---- more GM bandwidth, slower --------------------------------------------------------------------

/**
 * Two cores of `tiny`. Core 0 loads 6000 B, works 25 vector repeats, then stores 3000 B (nobody waits
 * for it). Core 1 works 107 repeats, stores 1500 B, then works 200 repeats: its store is critical.
 * At low bandwidth core 0's store starts after core 1's store has streamed alone; with more bandwidth
 * core 0's load ends sooner, its store overlaps core 1's, and the two share the chip.
 */
export const BANDWIDTH_PROGRAM = [
  'bidx x1',
  'li x2, 0',
  'bne x1, x2, critical',
  'copy_gm_ub UB[0], GM[0], 1, 6000, 0, 0',
  'set_flag MTE2, V, 0',
  'wait_flag MTE2, V, 0',
  'vadds f16, UB[16384], UB[16384], 1, 25, 1, 1, 0, 0',
  'set_flag V, MTE3, 0',
  'wait_flag V, MTE3, 0',
  'copy_ub_gm GM[65536], UB[8192], 1, 3000, 0, 0',
  'end',
  'critical:',
  'vadds f16, UB[16384], UB[16384], 1, 107, 1, 1, 0, 0',
  'set_flag V, MTE3, 0',
  'wait_flag V, MTE3, 0',
  'copy_ub_gm GM[131072], UB[0], 1, 1500, 0, 0',
  'set_flag MTE3, V, 1',
  'wait_flag MTE3, V, 1',
  'vadds f16, UB[16384], UB[16384], 1, 200, 1, 1, 0, 0',
  'end',
].join('\n');

/** GM path rates of the example (above every chip/core value tried, so those are what limits). */
export const BANDWIDTH_PATH_RATE = 100;
/** chip and core GM bandwidths the doc tabulates, bytes/cycle */
export const BANDWIDTH_GRID = [60, 80, 100, 120] as const;

export interface StoreWindow {
  readonly start: number;
  readonly end: number;
}

export interface BandwidthRun {
  readonly chip: number;
  readonly core: number;
  readonly cycles: number;
  /** core 1's store (critical) and core 0's store (not) */
  readonly critical: StoreWindow;
  readonly other: StoreWindow;
}

export const bandwidthConfig = (chip: number, core: number): HwConfig =>
  loadConfig('tiny', {
    // the L2 disabled: every byte is an HBM byte, so the example shows bandwidth sharing alone
    gm: { chipBytesPerCycle: chip, coreBytesPerCycle: core, coreMissBytesPerCycle: core },
    l2: { mode: 'disabled' },
    paths: { GM_UB: { bytesPerCycle: BANDWIDTH_PATH_RATE }, UB_GM: { bytesPerCycle: BANDWIDTH_PATH_RATE } },
  });

const window = (recs: readonly InsnRecord[], core: number, op: string): StoreWindow => {
  const r = recs.find((x) => x.core === core && x.op === op);
  if (!r) throw new Error(`internal: no ${op} on core ${core}`);
  return { start: r.start, end: r.end };
};

export function runBandwidthExample(chip: number, core: number): BandwidthRun {
  const recs: InsnRecord[] = [];
  const r = simulate({
    config: bandwidthConfig(chip, core),
    programs: { coupled: assemble(BANDWIDTH_PROGRAM, 'bandwidth example') },
    blockDim: 2,
    gm: 1 << 18,
    mode: 'timing',
    sink: { insn: (x) => recs.push(x) },
  });
  return { chip, core, cycles: r.cycles, critical: window(recs, 1, 'copy_ub_gm'), other: window(recs, 0, 'copy_ub_gm') };
}

// ---- a faster cube, slower ------------------------------------------------------------------------

export interface CubeExample {
  readonly preset: 'tiny-sep' | 'ascend910b';
  readonly spec: MatmulSpec;
  readonly tiling: MatmulTiling;
}

const SCALE = Math.fround(0.01);

/** INT8 matmuls on one AIC whose fixpipe stores share the AIC's GM port with its loads. */
// (A tiny-sep example held until the fixpipe charged 1 B per int8 element instead of 4: its stores
// became too small to delay the loads.)
export const CUBE_EXAMPLES: readonly CubeExample[] = [
  {
    preset: 'ascend910b',
    spec: { m: 96, k: 160, n: 256, bias: false, quant: { scale: SCALE, offset: 0 }, outType: 's8', relu: false },
    tiling: { baseM: 32, baseN: 64, baseK: 64, stepK: 1, dbL1: true, dbL0: true, dbL0C: true, aResident: false, blockDim: 1 },
  },
];

/**
 * The cube variants compared: the preset and a cube with no pipeline latency. (The cube's width is not a
 * parameter: an mmad steps through the ISA's 16-row fractals, isa/shapes.ts.)
 */
export const CUBE_VARIANTS = [
  { label: 'preset', over: undefined },
  { label: 'cube.fixedLatency = 0', over: { cube: { fixedLatency: 0 } } },
] as const;

export interface CubeRun {
  readonly label: string;
  readonly cycles: number;
  /** the first fixpipe, and the GM -> L1 load it overlaps (null if none) */
  readonly fixpipe: StoreWindow;
  readonly load: StoreWindow | null;
  /** the program, to check that the variants run the same instructions */
  readonly text: string;
}

export function runCubeExample(ex: CubeExample, over?: unknown, label = 'preset'): CubeRun {
  const cfg = loadConfig(ex.preset, over);
  const k = generateMatmul(ex.spec, cfg, ex.tiling);
  const recs: InsnRecord[] = [];
  const r = simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: k.gmBytes, mode: 'timing', sink: { insn: (x) => recs.push(x) } });
  const fix = recs.find((x) => x.op === 'fixpipe');
  if (!fix) throw new Error('internal: the example has no fixpipe');
  const load = recs.find((x) => x.pipe === 'MTE2' && x.start <= fix.start && x.end > fix.start) ?? null;
  const text = Object.values(k.programs).map(disassemble).join('\n');
  return { label, cycles: r.cycles, fixpipe: { start: fix.start, end: fix.end }, load: load && { start: load.start, end: load.end }, text };
}

export const runCubeVariants = (ex: CubeExample): CubeRun[] => CUBE_VARIANTS.map((v) => runCubeExample(ex, v.over, v.label));
