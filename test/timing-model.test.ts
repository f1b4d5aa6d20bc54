/**
 * The timing model checked three ways:
 * - microbenchmarks: every instruction class (each data path, nd2nz, load2d/3d, mmad s8/f16/f32,
 *   fixpipe, copy_l0c_ub, every vector opcode, flags, barriers) on every preset, with the expected cycles
 *   derived here from the preset's numbers (docs/timing-model.md section 1 states the rules used);
 * - the default preset against the vendor's measured curves (docs/measured, the project's copy of
 *   the msKPP tables; docs/measured/README.md), one simulated instruction per measured point: transfers within 10% from 1 KiB up, mmad and vector within the
 *   error their preset rows state, and the part compared is the one the preset cites;
 * - docs/timing-model.md is exactly what scripts/timing-doc.ts generates now.
 * The measured tables must be present: a missing folder fails (it is never skipped).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { loadConfig } from '../hw/config/load.js';
import { simulate } from '../hw/simulate.js';
import { PATHS, VEC_CLASSES, type CoreKind, type HwConfig, type PathName, type VecClass } from '../hw/config/types.js';
import { MNEMONICS, OPCODES, opSpec, type Mnemonic } from '../isa/opcodes.js';
import type { Dtype, Pipe } from '../isa/types.js';
import { defaultMeasuredDir, repoRoot } from '../scripts/calibration/measured.js';
import { compareAll, type Comparison } from '../scripts/timing/compare.js';
import { KNOWN_MISSES, MIN_BYTES, MMAD_CURVE, PATH_CURVES, TRANSFER_TOLERANCE, UNCOMPARED_PATHS, UNCOMPARED_VECTOR, VECTOR_CURVES } from '../scripts/timing/curves.js';
import { DOC_PATH, renderTimingDoc } from '../scripts/timing/doc.js';
import { kindFor, runLines, runOne } from '../scripts/timing/harness.js';
import { PRESET_ORDER } from '../scripts/timing/params.js';
import { vecClassOfRow } from '../isa/families.js';
import { blockComments, presetsSource } from '../scripts/timing/preset-sources.js';
import { maxErrFrom, withinStated } from '../scripts/timing/validation.js';

// ---- expected cycles, from the preset's numbers ------------------------------------------------------------

const isGm = (p: PathName) => p.startsWith('GM') || p.endsWith('GM');
/**
 * A lone transfer on a warm L2 (the harness runs every microbenchmark twice and times the second):
 * streaming at the path's rate (GM paths: also capped by the core port and the chip's L2), then the path latency.
 */
function transferCycles(cfg: HwConfig, path: PathName, bytes: number): number {
  const p = cfg.paths[path];
  const rate = isGm(path) ? Math.min(p.bytesPerCycle, cfg.gm.coreBytesPerCycle, cfg.l2.chipBytesPerCycle) : p.bytesPerCycle;
  return Math.max(p.minCycles, p.fixedLatency + Math.max(1, Math.ceil(bytes / rate)));
}
const ELEM: Readonly<Record<string, number>> = { s8: 1, u8: 1, f16: 2, f32: 4 };
/** One cycle per 16 x K0 x 16 fractal step, times the f32 slowdown, then the cube latency. */
function mmadCycles(cfg: HwConfig, m: number, k: number, n: number, t: Dtype): number {
  const k0 = cfg.cube.k0Bytes / ELEM[t]!;
  const slow = t === 'f32' ? cfg.cube.fp32Slowdown : 1;
  return Math.ceil(m / 16) * Math.ceil(k / k0) * Math.ceil(n / 16) * slow + cfg.cube.fixedLatency;
}
/** A lone vector instruction: max(1, r) repeats of its class, at least the class's minCycles. */
const vecCycles = (cfg: HwConfig, cls: VecClass, r: number) => Math.max(cfg.vector.classes[cls].minCycles, Math.max(1, r) * cfg.vector.classes[cls].cyclesPerRepeat);

// ---- microbenchmarks: one instruction ----------------------------------------------------------------------

interface Micro {
  readonly name: string;
  readonly insn: string;
  /** what the preset must have for the instruction to be legal */
  readonly bufs: readonly string[];
  readonly pipe: Pipe;
  readonly nd2nz?: boolean;
  readonly pair?: Dtype;
  readonly fixpipe?: boolean;
  /** needs the converting L0C <-> UB path (features.enhancedL0cUb) */
  readonly enhanced?: boolean;
  readonly cycles: (cfg: HwConfig) => number;
}

const LOAD3D = 'load3d L0A[0], L1[0], s8, 8, 8, 32, 100, 20, 0, 0, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0';
const FIXPIPE = (dst: string) => `fixpipe ${dst}[0], L0C[0], s32, s8, 40, 48, 48, 48, req8, 0.5, 3, FB[0], 1, 1`;

const TRANSFERS: readonly Micro[] = [
  // blockCount x blockLen bytes: three bursts of 1000 B with gaps (gaps move nothing)
  { name: 'copy_gm_l1 (GM_L1)', insn: 'copy_gm_l1 L1[0], GM[0], 3, 1000, 24, 1', bufs: ['L1'], pipe: 'MTE2', cycles: (c) => transferCycles(c, 'GM_L1', 3000) },
  { name: 'copy_gm_ub (GM_UB)', insn: 'copy_gm_ub UB[0], GM[0], 3, 1000, 24, 1', bufs: ['UB'], pipe: 'MTE2', cycles: (c) => transferCycles(c, 'GM_UB', 3000) },
  { name: 'copy_ub_gm (UB_GM)', insn: 'copy_ub_gm GM[0], UB[0], 3, 1000, 1, 24', bufs: ['UB'], pipe: 'MTE3', cycles: (c) => transferCycles(c, 'UB_GM', 3000) },
  { name: 'copy_ub_l1 (UB_L1)', insn: 'copy_ub_l1 L1[0], UB[0], 2, 2048, 0, 0', bufs: ['UB', 'L1'], pipe: 'MTE3', cycles: (c) => transferCycles(c, 'UB_L1', 4096) },
  { name: 'copy_l1_ub (L1_UB)', insn: 'copy_l1_ub UB[0], L1[0], 2, 2048, 0, 0', bufs: ['UB', 'L1'], pipe: 'MTE2', cycles: (c) => transferCycles(c, 'L1_UB', 4096) },
  { name: 'copy_l1_bt (L1_BT)', insn: 'copy_l1_bt BT[0], L1[0], 1, 512, 0, 0', bufs: ['L1', 'BT'], pipe: 'MTE1', cycles: (c) => transferCycles(c, 'L1_BT', 512) },
  { name: 'copy_l1_fb (L1_FB)', insn: 'copy_l1_fb FB[0], L1[0], 1, 768, 0, 0', bufs: ['L1', 'FB'], pipe: 'FIX', cycles: (c) => transferCycles(c, 'L1_FB', 768) },
  // nValue x dValue x element size on GM_L1
  { name: 'copy_gm_l1_nd2nz (GM_L1)', insn: 'copy_gm_l1_nd2nz L1[0], GM[0], f16, 20, 40, 64, 32', bufs: ['L1'], pipe: 'MTE2', nd2nz: true, cycles: (c) => transferCycles(c, 'GM_L1', 20 * 40 * 2) },
  // whole 512 B fractals
  { name: 'load2d to L0A (L1_L0A)', insn: 'load2d L0A[0], L1[0], s8, 6, 1, 0, 0', bufs: ['L1', 'L0A'], pipe: 'MTE1', cycles: (c) => transferCycles(c, 'L1_L0A', 6 * 512) },
  { name: 'load2d to L0B (L1_L0B)', insn: 'load2d L0B[0], L1[0], f16, 5, 1, 0, 1', bufs: ['L1', 'L0B'], pipe: 'MTE1', cycles: (c) => transferCycles(c, 'L1_L0B', 5 * 512) },
  // ceil(20 / 16) x ceil(100 / 32) fractals
  { name: 'load3d (L1_L0A)', insn: LOAD3D, bufs: ['L1', 'L0A'], pipe: 'MTE1', cycles: (c) => transferCycles(c, 'L1_L0A', 2 * 4 * 512) },
  // m x n x 4 L0C bytes, whatever the output type
  { name: 'fixpipe to GM (L0C_GM)', insn: FIXPIPE('GM'), bufs: ['L0C'], pipe: 'FIX', fixpipe: true, cycles: (c) => transferCycles(c, 'L0C_GM', 40 * 48 * 4) },
  { name: 'fixpipe to L1 (L0C_L1)', insn: FIXPIPE('L1'), bufs: ['L0C', 'L1'], pipe: 'FIX', fixpipe: true, cycles: (c) => transferCycles(c, 'L0C_L1', 40 * 48 * 4) },
  // whole 1 KiB Nz fractals: 2 bursts of 3
  { name: 'copy_l0c_ub (L0C_UB)', insn: 'copy_l0c_ub UB[0], L0C[0], 2, 3, 1, 0', bufs: ['UB', 'L0C'], pipe: 'V', cycles: (c) => transferCycles(c, 'L0C_UB', 6 * 1024) },
  // the converting copies: the L0C bytes they read (6 fractals of s32), whatever they write
  { name: 'copy_l0c_ub_deq (L0C_UB)', insn: 'copy_l0c_ub_deq UB[0], L0C[0], 2, 3, 1, 4, 0.25, 1', bufs: ['UB', 'L0C'], pipe: 'V', enhanced: true, cycles: (c) => transferCycles(c, 'L0C_UB', 6 * 1024) },
  { name: 'copy_l0c_ub_f322f16 (L0C_UB)', insn: 'copy_l0c_ub_f322f16 UB[0], L0C[0], 2, 3, 1, 4, 1', bufs: ['UB', 'L0C'], pipe: 'V', enhanced: true, cycles: (c) => transferCycles(c, 'L0C_UB', 6 * 1024) },
  { name: 'copy_l0c_ub_vdeq (L0C_UB)', insn: 'copy_l0c_ub_vdeq UB[0], L0C[0], 2, 3, 1, 4, UB[8192], 0', bufs: ['UB', 'L0C'], pipe: 'V', enhanced: true, cycles: (c) => transferCycles(c, 'L0C_UB', 6 * 1024) },
  // the L0C bytes it writes: 2 bursts of 3 fractals of f32
  { name: 'bcast_ub_l0c (UB_L0C)', insn: 'bcast_ub_l0c L0C[0], UB[0], f32, 2, 3, 1, 1', bufs: ['UB', 'L0C'], pipe: 'V', enhanced: true, cycles: (c) => transferCycles(c, 'UB_L0C', 6 * 1024) },
];

const CUBE: readonly Micro[] = [
  { name: 'mmad s8', insn: 'mmad L0C[0], L0A[0], L0B[0], BT[0], 40, 100, 50, s8, s8, zero', bufs: ['L0A', 'L0B', 'L0C'], pipe: 'M', pair: 's8', cycles: (c) => mmadCycles(c, 40, 100, 50, 's8') },
  { name: 'mmad f16', insn: 'mmad L0C[0], L0A[0], L0B[0], BT[0], 40, 50, 50, f16, f16, acc', bufs: ['L0A', 'L0B', 'L0C'], pipe: 'M', pair: 'f16', cycles: (c) => mmadCycles(c, 40, 50, 50, 'f16') },
  { name: 'mmad f32', insn: 'mmad L0C[0], L0A[0], L0B[0], BT[0], 40, 20, 30, f32, f32, zero', bufs: ['L0A', 'L0B', 'L0C'], pipe: 'M', pair: 'f32', cycles: (c) => mmadCycles(c, 40, 20, 30, 'f32') },
];

/**
 * The class every vector opcode is costed as: the specification the test holds the opcode rows to
 * (the microbenchmarks below check the cost table charges it; docs/timing-model.md section 2.5 prints it).
 */
const VECTOR_CLASS: Readonly<Partial<Record<Mnemonic, VecClass>>> = {
  vadd: 'binary',
  vsub: 'binary',
  vmul: 'binary',
  vmax: 'binary',
  vmin: 'binary',
  vdiv: 'div',
  vadds: 'unary',
  vmuls: 'unary',
  vmaxs: 'unary',
  vmins: 'unary',
  vaxpy: 'axpy',
  vrelu: 'unary',
  vabs: 'unary',
  vcopy: 'unary',
  vdup: 'dup',
  vconv: 'conv',
  vconv_deq: 'conv',
  vconv_vdeq: 'binary',
  vcadd: 'reduce',
  vcmax: 'reduce',
  set_mask_count: 'mask',
  set_mask_bits: 'mask',
};

const isVectorOp = (op: Mnemonic) => OPCODES[op].family.startsWith('vec-');

/**
 * Where a destination is in other UB banks than sources at 0 (hw/timing/banks.ts): the second bank of
 * each group. A binary op's two sources (256 B apart) fill all 16 groups, so its destination shares
 * groups with one of them and must be in another bank to be free of conflicts, as the measured costs
 * the classes are fitted to are taken to be.
 */
const otherBank = (c: HwConfig): number => (c.banks.ub ? c.banks.ub.groups * c.banks.ub.bankRows * c.banks.ub.rowBytes : 8192);

/** Assembly for one vector opcode of `r` repeats, by operand layout (family), free of UB bank conflicts on `c`. */
function vectorInsn(op: Mnemonic, r: number, c: HwConfig): string {
  const dt = opSpec(op).dtypes?.[0] ?? 'f16';
  const far = otherBank(c);
  const byFamily: Readonly<Record<string, string>> = {
    'vec-binary': `${op} ${dt}, UB[${far}], UB[0], UB[256], ${r}, 1, 1, 1, 8, 8, 8`,
    'vec-scalar': `${op} ${dt}, UB[0], UB[${far}], 2, ${r}, 1, 1, 8, 8`,
    'vec-axpy': `${op} ${dt}, UB[256], UB[${far}], 2, ${r}, 1, 1, 8, 8`, // reads dst too: its groups must differ from src0's
    'vec-unary': `${op} ${dt}, UB[0], UB[${far}], ${r}, 1, 1, 8, 8`,
    'vec-dup': `${op} ${dt}, UB[0], 1, ${r}, 1, 8`,
    'vec-conv': `${op} f32, f16, rint, UB[0], UB[${far}], ${r}, 1, 1, 8, 4`,
    'vec-reduce': `${op} ${dt}, UB[0], UB[${far}], ${r}, 1, 8`,
    'vec-deq': `${op} UB[0], UB[${far}], 0.5, ${r}, 1, 1, 4, 8`,
    'vec-vdeq': `${op} UB[${far}], UB[0], UB[256], ${r}, 1, 1, 1, 4, 8, 8`, // src1 (4 blocks) in the groups src0 leaves free
    'vec-mask': op === 'set_mask_count' ? `${op} 64` : `${op} 0, 0, 0, 255`,
  };
  const text = byFamily[OPCODES[op].family];
  if (!text) throw new Error(`no microbenchmark form for ${op} (family ${OPCODES[op].family}): add one`);
  return text;
}

const vectorMicros = (c: HwConfig): readonly Micro[] =>
  MNEMONICS.filter(isVectorOp).flatMap((op) =>
    (OPCODES[op].family === 'vec-mask' ? [1] : [1, 2, 20]).map((r) => ({
      name: `${op} x${r}`,
      insn: vectorInsn(op, r, c),
      bufs: ['UB'],
      pipe: 'V' as const,
      cycles: (cfg: HwConfig) => vecCycles(cfg, VECTOR_CLASS[op]!, r),
    })),
  );

/** Whether `cfg` can run `m`, and on which core kind. */
function placement(cfg: HwConfig, m: Micro): CoreKind | null {
  if (m.nd2nz && !cfg.features.nd2nz) return null;
  if (m.enhanced && !cfg.features.enhancedL0cUb) return null;
  if (m.pair && !cfg.cube.dtypePairs.some(([a, b]) => a === m.pair && b === m.pair)) return null;
  if (m.fixpipe && !cfg.fixpipe.quantModes.includes('req8')) return null;
  return kindFor(cfg, { bufs: m.bufs, pipe: m.pipe });
}

/** The kind an unavailable instruction is tried on: it must be rejected there, never timed. */
const fallbackKind = (cfg: HwConfig): CoreKind => (cfg.organisation === 'coupled' ? 'coupled' : 'aic');

describe.each(PRESET_ORDER)('microbenchmarks on %s', (preset) => {
  const cfg = loadConfig(preset);
  const { issueCycles: issue, aluCycles: alu } = cfg.scalar;

  it.each([...TRANSFERS, ...CUBE, ...vectorMicros(cfg)].map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const kind = placement(cfg, m);
    if (kind === null) {
      // the text is fine; the preset lacks the buffer, pipe, feature or type pair, and says so
      expect(() => assemble(m.insn)).not.toThrow();
      expect(() => runOne(cfg, fallbackKind(cfg), m.insn), `${preset} has no ${m.name}: the simulator must reject it`).toThrow(/has no|does not/);
      return;
    }
    const r = runOne(cfg, kind, m.insn);
    const want = m.cycles(cfg);
    expect(r.cycles, `${m.insn} on ${preset} ${kind}`).toBe(want);
    // alone on the core: it starts when it is issued, and the core ends with it (or with `end`)
    expect(r.total).toBe(Math.max(r.start + want, r.start + issue + alu));
  });

  const vecKind = kindFor(cfg, { bufs: ['UB'], pipe: 'V' })!;
  const gmUb = (bytes: number) => transferCycles(cfg, 'GM_UB', bytes);

  it('set_flag / wait_flag hand MTE2 over to V at the transfer\'s completion', () => {
    const r = runLines(cfg, vecKind, ['copy_gm_ub UB[0], GM[0], 1, 2048, 0, 0', 'set_flag MTE2, V, 1', 'wait_flag MTE2, V, 1', 'vadds f16, UB[256], UB[0], 1, 4, 1, 1, 8, 8']);
    const done = r.offset + gmUb(2048);
    expect(r.records.find((x) => x.op === 'set_flag')!.end).toBe(done);
    expect(r.records.find((x) => x.op === 'vadds')!.start).toBe(done);
    expect(r.total).toBe(done + vecCycles(cfg, 'unary', 4));
  });

  it('a scalar wait_flag holds the scalar unit until the flag is set', () => {
    const r = runLines(cfg, vecKind, ['vadds f16, UB[256], UB[0], 1, 9, 1, 1, 8, 8', 'set_flag V, S, 0', 'wait_flag V, S, 0', 'vadds f16, UB[256], UB[0], 1, 2, 1, 1, 8, 8']);
    const fire = r.offset + vecCycles(cfg, 'unary', 9);
    const second = r.records.filter((x) => x.op === 'vadds')[1]!;
    expect(second.issue).toBe(fire + issue); // the wait consumes the flag at `fire` and takes its issue cycle
    expect(r.total).toBe(second.issue + vecCycles(cfg, 'unary', 2));
  });

  it('pipe_barrier V holds V until its earlier work completes', () => {
    const r = runLines(cfg, vecKind, ['vadds f16, UB[256], UB[0], 1, 2, 1, 1, 8, 8', 'pipe_barrier V', 'vadds f16, UB[256], UB[0], 1, 2, 1, 1, 8, 8']);
    expect(r.total).toBe(r.offset + 2 * vecCycles(cfg, 'unary', 2));
  });

  it('barrier_all holds the scalar unit until every pipe has completed', () => {
    const r = runLines(cfg, vecKind, ['copy_gm_ub UB[0], GM[0], 1, 1024, 0, 0', 'vadds f16, UB[4352], UB[4096], 1, 5, 1, 1, 8, 8', 'barrier_all', 'vadds f16, UB[4352], UB[4096], 1, 2, 1, 1, 8, 8']);
    const release = Math.max(r.offset + gmUb(1024), r.offset + issue + vecCycles(cfg, 'unary', 5));
    expect(r.records.find((x) => x.op === 'barrier_all')!.start).toBe(release);
    expect(r.total).toBe(release + issue + vecCycles(cfg, 'unary', 2));
  });

  // Coupled chips have no cross-core flags: there the check is that they are rejected.
  if (cfg.organisation !== 'separated')
    it('rejects cross-core flags (coupled chip)', () => {
      const prog = assemble('cross_set MTE2, 1\nend\n');
      expect(() => simulate({ config: cfg, programs: { coupled: prog }, blockDim: 1, gm: 64, mode: 'timing' })).toThrow(/cross-core flags exist only on separated/);
    });
  else it('cross_set on the AIC releases cross_wait on its AIVs at the mmad\'s completion', () => {
    const recs: { core: number; op: string; start: number; end: number }[] = [];
    const r = simulate({
      config: cfg,
      programs: {
        aic: assemble('mmad L0C[0], L0A[0], L0B[0], BT[0], 32, 64, 48, s8, s8, zero\ncross_set M, 3\nend\n'),
        aiv: assemble('cross_wait V, 3\nvadds f16, UB[256], UB[0], 1, 4, 1, 1, 8, 8\nend\n'),
      },
      blockDim: 1,
      gm: 1 << 16,
      mode: 'timing',
      sink: { insn: (x) => recs.push(x) },
    });
    const fire = mmadCycles(cfg, 32, 64, 48, 's8'); // the mmad issues at 0; cross_set fires at its completion
    for (const core of [1, 2]) expect(recs.find((x) => x.core === core && x.op === 'vadds')!.start).toBe(fire);
    expect(r.cycles).toBe(fire + vecCycles(cfg, 'unary', 4));
  });
});

describe('microbenchmark coverage', () => {
  it('every vector opcode has a class here, and it is the class its opcode row names', () => {
    for (const op of MNEMONICS.filter(isVectorOp)) {
      expect(VECTOR_CLASS[op], `${op}: add its class to VECTOR_CLASS`).toBeDefined();
      expect(vecClassOfRow(op), op).toBe(VECTOR_CLASS[op]);
    }
    // and every class is exercised by some opcode
    expect(new Set(Object.values(VECTOR_CLASS))).toEqual(new Set(VEC_CLASSES));
  });

  it('every data path is exercised by a transfer microbenchmark', () => {
    const tested = new Set(TRANSFERS.map((m) => /\((\w+)\)/.exec(m.name)![1]));
    expect([...PATHS].filter((p) => !tested.has(p))).toEqual([]);
  });
});

// ---- against the measured curves ---------------------------------------------------------------------------

const measuredDir = defaultMeasuredDir();
let cached: Comparison | undefined;
/** The comparison, computed once; throws (fails the test) with a clear message if the tables are missing. */
const comparison = (): Comparison => (cached ??= compareAll(measuredDir));

describe('the default preset against the measured curves', () => {
  it('finds the measured tables at <repo>/docs/measured', () => {
    expect(existsSync(measuredDir), `measured vendor tables not found at ${measuredDir}`).toBe(true);
  });

  it('compares each path with the part its PATHS_910B row cites, and every path is compared or says why not', () => {
    const comments = blockComments(presetsSource(), 'const PATHS_910B');
    for (const c of PATH_CURVES.filter((x) => x.cited)) {
      expect(comments.get(c.path), `PATHS_910B.${c.path} should cite ${c.table}.csv ${c.curve} [${c.part}`).toContain(`fit ${c.table}.csv ${c.curve} [${c.part}`);
    }
    for (const p of PATHS) expect(PATH_CURVES.some((c) => c.cited && c.path === p) || UNCOMPARED_PATHS[p] !== undefined, `${p} is neither compared nor explained`).toBe(true);
    for (const cls of VEC_CLASSES) expect(VECTOR_CURVES.some((v) => v.cls === cls) || UNCOMPARED_VECTOR[cls] !== undefined, `vector class ${cls}`).toBe(true);
    expect(blockComments(presetsSource(), 'const CUBE_BASE').get('fixedLatency')).toContain(`mmad.csv [${MMAD_CURVE.part}]`);
  });

  it(`puts every cited transfer point from ${MIN_BYTES} B up within ${TRANSFER_TOLERANCE * 100}% (known misses aside)`, () => {
    const failures: string[] = [];
    for (const pc of comparison().paths.filter((x) => x.curve.cited))
      for (const p of pc.points) {
        if (p.x < MIN_BYTES || Math.abs(p.relErr) <= TRANSFER_TOLERANCE) continue;
        const known = KNOWN_MISSES.some((m) => m.path === pc.curve.path && m.curve === pc.curve.curve && m.bytes === p.x);
        if (!known) failures.push(`${pc.curve.path} (${pc.curve.curve} [${pc.curve.part}]) at ${p.x} B: simulated ${p.simulated}, measured ${p.measured} (${(p.relErr * 100).toFixed(1)}%)`);
      }
    expect(failures).toEqual([]);
  });

  it('keeps every known miss a real miss, within its stated bound', () => {
    for (const m of KNOWN_MISSES) {
      const pc = comparison().paths.find((x) => x.curve.cited && x.curve.path === m.path && x.curve.curve === m.curve);
      const p = pc?.points.find((q) => q.x === m.bytes);
      expect(p, `${m.path} ${m.bytes} B is not a compared point`).toBeDefined();
      expect(Math.abs(p!.relErr), `${m.path} at ${m.bytes} B is within tolerance now: remove it from KNOWN_MISSES`).toBeGreaterThan(TRANSFER_TOLERANCE);
      expect(Math.abs(p!.relErr), `${m.path} at ${m.bytes} B misses by more than its bound`).toBeLessThanOrEqual(m.bound);
    }
  });

  it(`puts mmad within the rms error its preset row states (${MMAD_CURVE.statedRmsCycles} cycles)`, () => {
    const m = comparison().mmad;
    expect(m.part).toBe(MMAD_CURVE.part);
    expect(Math.round(m.rmsCycles * 100) / 100).toBeLessThanOrEqual(MMAD_CURVE.statedRmsCycles);
  });

  it('puts every vector family within the error its preset row states (known misses aside)', () => {
    const failures: string[] = [];
    for (const cc of comparison().vector)
      for (const f of cc.families) {
        const stated = f.family.statedMaxErr;
        if (stated === undefined) continue;
        const worst = maxErrFrom(f.points, 0)!;
        const ok = withinStated(worst.relErr, stated);
        if (!ok && !f.family.knownMiss) failures.push(`${cc.curve.cls} ${f.family.family}: ${(worst.relErr * 100).toFixed(2)}% at ${worst.x} repeats, stated ${stated * 100}%`);
        if (ok && f.family.knownMiss) failures.push(`${f.family.family} meets its stated error now: drop its knownMiss note`);
      }
    expect(failures).toEqual([]);
  });
});

describe(DOC_PATH, () => {
  it('is what scripts/timing-doc.ts generates (run npm run timing:doc)', () => {
    const file = join(repoRoot(), DOC_PATH);
    expect(existsSync(file), `${DOC_PATH} is missing: run npm run timing:doc`).toBe(true);
    const want = renderTimingDoc(measuredDir, comparison());
    const got = readFileSync(file, 'utf8');
    if (got !== want) {
      const a = got.split('\n');
      const b = want.split('\n');
      const i = a.findIndex((l, j) => l !== b[j]);
      const at = i < 0 ? Math.min(a.length, b.length) : i;
      expect.fail(`${DOC_PATH} is stale: run npm run timing:doc (first difference at line ${at + 1}: committed ${JSON.stringify(a[at])}, generated ${JSON.stringify(b[at])})`);
    }
  });

  it('renders the same bytes twice', () => {
    expect(renderTimingDoc(measuredDir, comparison())).toBe(renderTimingDoc(measuredDir, comparison()));
  });
});
