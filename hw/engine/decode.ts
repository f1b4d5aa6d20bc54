/**
 * Decoding a program for one kind of core: every instruction becomes a pre-validated record with its
 * routing pipe, its cost, its semantics function and the extents of its memory operands, so the
 * engine's inner loop never looks at the opcode table or parses anything. Preset-dependent legality
 * is checked here, once.
 */
import { COPY_FAMILIES, MNEMONICS, OPCODES, type Family, type Mnemonic, type OpSpec } from '../../isa/opcodes.js';

/** Opcodes of the converting L0C <-> UB path (features.enhancedL0cUb). */
const ENHANCED_L0C_UB: ReadonlySet<Mnemonic> = new Set(['copy_l0c_ub_deq', 'copy_l0c_ub_vdeq', 'bcast_ub_l0c']);
import type { Insn, Program } from '../../isa/program.js';
import { field } from '../../isa/program.js';
import { BUFFERS, PIPES, type MemRef, type Pipe } from '../../isa/types.js';
import { formatInsn } from '../../isa/disasm.js';
import { PATHS, type CoreKind, type HwConfig } from '../config/types.js';
import { costOf, isGmPath, type Cost } from '../timing/cost.js';
import { bankCheckOf, type BankCheck } from '../timing/banks.js';
import { execOf, type ExecFn } from '../exec/index.js';
import { extentsOf } from '../exec/footprint.js';
import { shapeOf, type Layout } from '../../isa/shapes.js';
import { SimError } from './errors.js';

export const PIPE_INDEX: Readonly<Record<Pipe, number>> = Object.fromEntries(PIPES.map((p, i) => [p, i])) as Record<Pipe, number>;
export const BUF_INDEX: Readonly<Record<string, number>> = Object.fromEntries(BUFFERS.map((b, i) => [b, i]));
export const S = 0;

export interface DecodedInsn {
  readonly insn: Insn;
  readonly pc: number;
  /** index of the opcode in MNEMONICS, for per-opcode counters */
  readonly opIndex: number;
  /** index of cost.path in PATHS, or -1 */
  readonly pathIndex: number;
  readonly family: Family;
  /** pipe whose queue the instruction goes to (S: executed by the scalar unit) */
  readonly pipe: number;
  readonly cost: Cost;
  /** the transfer shares GM bandwidth */
  readonly gm: boolean;
  /** GM transfers: which mem operand is in GM, the bytes it touches from its address, and whether it is written */
  readonly gmOperand: number;
  readonly gmLayout: Layout;
  readonly gmWrite: boolean;
  readonly mems: readonly MemRef[];
  readonly memBuf: Int8Array;
  readonly exec: ExecFn | null;
  /** bytes each mem operand touches from its address (0: not used), checked at issue */
  readonly extents: Float64Array;
  /** set_flag / wait_flag: flag index; cross_*: flag id; pipe_barrier: pipe */
  readonly arg: number;
  /** UB bank conflicts to add to the occupancy once the addresses are known; null: none possible */
  readonly banks: BankCheck | null;
  /** copy families: the mem operand written in L1 (operand 0, the destination) and the one read from L1, or -1 */
  readonly l1Write: number;
  readonly l1Read: number;
}

export interface DecodedProgram {
  readonly program: Program;
  readonly insns: readonly DecodedInsn[];
  /** assembly text of pc, for messages and traces */
  text(pc: number): string;
}

/** Flag index of (src, dst, id) in a core's flag table. */
export const flagIndex = (src: number, dst: number, id: number, ids: number) => (src * PIPES.length + dst) * ids + id;

export function decodeProgram(program: Program, kind: CoreKind, cfg: HwConfig, who: string): DecodedProgram {
  const kindParams = cfg.coreKinds[kind];
  if (!kindParams) throw new SimError(`${who}: the preset has no ${kind} cores`);
  const pipes = new Set<Pipe>(kindParams.pipes);
  const labelOf = new Map<number, string>();
  for (const [name, pc] of program.labels) if (!labelOf.has(pc)) labelOf.set(pc, name);
  const text = (pc: number) => {
    const i = program.insns[pc];
    return i ? formatInsn(i, (t) => labelOf.get(t) ?? `L${t}`) : '(end of program)';
  };
  const insns = program.insns.map((insn, pc): DecodedInsn => {
    const spec: OpSpec = OPCODES[insn.op];
    const where = () => `${who} pc ${pc} (${text(pc)})`;
    const fail = (what: string): never => {
      throw new SimError(`${where()}: ${what}`);
    };
    const needPipe = (p: Pipe) => {
      if (!pipes.has(p)) fail(`a ${kind} core has no ${p} pipe (it has ${kindParams.pipes.join(', ')})`);
      return PIPE_INDEX[p];
    };
    let pipe = needPipe(spec.pipe);
    let arg = 0;
    if (insn.op === 'set_flag' || insn.op === 'wait_flag') {
      if (insn.src === insn.dst) fail('src and dst pipes must differ');
      if (insn.id >= cfg.eventIds) fail(`event id ${insn.id} is out of range: ${cfg.name} has ids 0..${cfg.eventIds - 1}`);
      const src = needPipe(insn.src);
      const dst = needPipe(insn.dst);
      pipe = insn.op === 'set_flag' ? src : dst;
      arg = flagIndex(src, dst, insn.id, cfg.eventIds);
    } else if (insn.op === 'pipe_barrier') {
      if (insn.pipe === 'S') fail('pipe_barrier takes a pipe other than S (use barrier_all to wait for every pipe)');
      pipe = needPipe(insn.pipe);
    } else if (insn.op === 'cross_set' || insn.op === 'cross_wait') {
      if (cfg.organisation !== 'separated') fail(`cross-core flags exist only on separated (AIC/AIV) chips; ${cfg.name} is coupled`);
      pipe = needPipe(insn.pipe);
      arg = insn.id;
    } else if (insn.op === 'mmad') {
      if (!cfg.cube.dtypePairs.some(([x, y]) => x === insn.aType && y === insn.bType))
        fail(`the cube of ${cfg.name} does not multiply ${insn.aType} x ${insn.bType} (legal: ${cfg.cube.dtypePairs.map((p) => p.join(' x ')).join(', ')})`);
    } else if (insn.op === 'fixpipe') {
      if (!cfg.fixpipe.quantModes.includes(insn.quant)) fail(`the fixpipe of ${cfg.name} has no ${insn.quant} mode`);
    } else if (insn.op === 'copy_gm_l1_nd2nz') {
      if (!cfg.features.nd2nz) fail(`${cfg.name} has no ND -> NZ DataCopy (features.nd2nz is false); lay the data out as NZ in GM`);
    } else if (ENHANCED_L0C_UB.has(insn.op) && !cfg.features.enhancedL0cUb) {
      fail(`${cfg.name} has no converting L0C <-> UB path (features.enhancedL0cUb is false); use copy_l0c_ub and vector passes, or a preset that has it (ascend310p)`);
    }
    const mems = spec.operands.filter((o) => o.kind === 'mem').map((o) => field(insn, o.name) as MemRef);
    const cost = costOf(insn, cfg);
    const shape = shapeOf(insn, cfg.cube.k0Bytes);
    const gm = isGmPath(cost.path);
    const isCopy = (COPY_FAMILIES as readonly string[]).includes(spec.family);
    // the operand 0 of every copy family is its destination
    const gmOperand = gm ? mems.findIndex((m) => m.buf === 'GM') : -1;
    return {
      insn,
      pc,
      opIndex: MNEMONICS.indexOf(insn.op),
      pathIndex: cost.path === null ? -1 : PATHS.indexOf(cost.path),
      family: spec.family,
      pipe,
      cost,
      gm,
      gmOperand,
      gmLayout: gm ? shape.operands[gmOperand]! : 0,
      gmWrite: gmOperand === 0,
      mems,
      memBuf: Int8Array.from(mems.map((m) => BUF_INDEX[m.buf]!)),
      exec: execOf(spec.family),
      extents: extentsOf(insn, cfg),
      arg,
      l1Write: isCopy && mems[0]?.buf === 'L1' ? 0 : -1,
      l1Read: isCopy ? mems.findIndex((m, i) => i > 0 && m.buf === 'L1') : -1,
      banks: bankCheckOf(shape, spec.family, mems.map((m) => m.buf), cfg),
    };
  });
  return { program, insns, text };
}
