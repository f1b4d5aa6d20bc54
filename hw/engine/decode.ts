/**
 * Decoding a program for one kind of core: every instruction becomes a pre-validated record with its
 * routing pipe, its cost, its semantics function and the extents of its memory operands, so the
 * engine's inner loop never looks at the opcode table or parses anything. Preset-dependent legality
 * is checked here, once.
 */
import { COPY_FAMILIES, MNEMONICS, OPCODES, type Family, type Mnemonic, type OpSpec } from '../../isa/opcodes.js';

/** Opcodes of the converting L0C <-> UB path (features.enhancedL0cUb). */
const ENHANCED_L0C_UB: ReadonlySet<Mnemonic> = new Set(['copy_l0c_ub_deq', 'copy_l0c_ub_vdeq', 'copy_l0c_ub_f322f16', 'bcast_ub_l0c']);
import type { Insn, Program } from '../../isa/program.js';
import { field } from '../../isa/program.js';
import { BUFFERS, PIPES, type MemRef, type Pipe } from '../../isa/types.js';
import { formatInsn } from '../../isa/disasm.js';
import { PATHS, type CoreKind, type HwConfig } from '../config/types.js';
import { costOfShape, isGmPath, type Cost } from '../timing/cost.js';
import { bankCheckOf, type BankCheck } from '../timing/banks.js';
import { execOf, type ExecFn } from '../exec/index.js';
import { extentOf, shapeOf, type InsnShape, type Layout } from '../../isa/shapes.js';
import { SimError } from './errors.js';

export const PIPE_INDEX: Readonly<Record<Pipe, number>> = Object.fromEntries(PIPES.map((p, i) => [p, i])) as Record<Pipe, number>;
export const BUF_INDEX: Readonly<Record<string, number>> = Object.fromEntries(BUFFERS.map((b, i) => [b, i]));
export const S = 0;

/**
 * What a decoded instruction has in common with every instruction of the same opcode and immediates:
 * all but its mem operands (registers and addresses) and its bank-check memo. A kernel's straight-line
 * code repeats a few dozen distinct instructions over hundreds of thousands of pcs, so a program keeps
 * one of these per distinct instruction instead of one per pc. Never written after decode.
 */
export interface DecodedTraits {
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
  readonly memBuf: Int8Array;
  readonly exec: ExecFn | null;
  /** bytes each mem operand touches from its address (0: not used), checked at issue */
  readonly extents: Float64Array;
  /** set_flag / wait_flag: flag index; cross_*: flag id; pipe_barrier: pipe */
  readonly arg: number;
  /** copy families: the mem operand written in L1 (operand 0, the destination) and the one read from L1, or -1 */
  readonly l1Write: number;
  readonly l1Read: number;
}

export interface DecodedInsn extends DecodedTraits {
  readonly insn: Insn;
  readonly pc: number;
  readonly mems: readonly MemRef[];
  /** UB bank conflicts to add to the occupancy once the addresses are known; null: none possible */
  readonly banks: BankCheck | null;
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
  const at: DecodeContext = { kind, kindPipes: kindParams.pipes, pipes, cfg, who, text, table: new TraitTable() };
  const insns = program.insns.map((insn, pc): DecodedInsn => decodeInsn(insn, pc, at));
  return { program, insns, text };
}

type Traits = DecodedTraits;

/** A decoded instruction: its own operands, and its traits shared with the instructions like it. */
class Decoded implements DecodedInsn {
  constructor(
    readonly insn: Insn,
    readonly pc: number,
    readonly mems: readonly MemRef[],
    readonly banks: BankCheck | null,
    private readonly traits: Traits,
  ) {}
  get opIndex() { return this.traits.opIndex; }
  get pathIndex() { return this.traits.pathIndex; }
  get family() { return this.traits.family; }
  get pipe() { return this.traits.pipe; }
  get cost() { return this.traits.cost; }
  get gm() { return this.traits.gm; }
  get gmOperand() { return this.traits.gmOperand; }
  get gmLayout() { return this.traits.gmLayout; }
  get gmWrite() { return this.traits.gmWrite; }
  get memBuf() { return this.traits.memBuf; }
  get exec() { return this.traits.exec; }
  get extents() { return this.traits.extents; }
  get arg() { return this.traits.arg; }
  get l1Write() { return this.traits.l1Write; }
  get l1Read() { return this.traits.l1Read; }
}

/**
 * The traits of one program's instructions, one per distinct value. An instruction's key is the list
 * of numbers its traits are computed from (opcode, pipe, flag, path, its operands' buffers, its cost
 * and its shape's operand layouts), looked up by hash and compared number by number (bit for bit), so
 * decoding a few hundred thousand instructions builds no key objects.
 */
class TraitTable {
  private readonly buckets = new Map<number, { key: Float64Array; traits: Traits }[]>();
  private scratch = new Float64Array(64);
  /** the scratch's bits, for the hash */
  private bits = new Int32Array(this.scratch.buffer);
  private length = 0;

  private hashed = 0;

  /** The traits of an instruction decoded before with the same key, or undefined (then `add` them). */
  find(op: string, pipe: number, arg: number, mems: readonly MemRef[], shape: InsnShape, cost: Cost): Traits | undefined {
    this.length = 0;
    this.push(OP_INDEX.get(op)!);
    this.push(pipe);
    this.push(arg);
    this.push(cost.path === null ? -1 : PATHS.indexOf(cost.path));
    this.push(mems.length);
    for (const m of mems) this.push(BUF_INDEX[m.buf]!);
    this.push(cost.occupancy);
    this.push(cost.latency);
    this.push(cost.minCycles);
    this.push(cost.bytes);
    this.push(cost.cap);
    this.push(cost.macs);
    this.push(cost.idealCycles);
    this.push(shape.operands.length);
    for (const l of shape.operands) this.pushLayout(l);
    this.hashed = this.hash();
    const bucket = this.buckets.get(this.hashed);
    if (bucket) for (const e of bucket) if (this.matches(e.key)) return e.traits;
    return undefined;
  }

  /** Records the traits of the key the last `find` missed. */
  add(traits: Traits): Traits {
    let bucket = this.buckets.get(this.hashed);
    if (!bucket) this.buckets.set(this.hashed, (bucket = []));
    bucket.push({ key: this.scratch.slice(0, this.length), traits });
    return traits;
  }

  private push(v: number): void {
    if (this.length === this.scratch.length) {
      const grown = new Float64Array(this.scratch.length * 2);
      grown.set(this.scratch);
      this.scratch = grown;
      this.bits = new Int32Array(grown.buffer);
    }
    this.scratch[this.length++] = v;
  }

  /** A layout as numbers: a byte count as (0, bytes), repeats as (1, count, stride, then their layout). */
  private pushLayout(l: Layout): void {
    if (typeof l === 'number') {
      this.push(0);
      this.push(l);
    } else {
      this.push(1);
      this.push(l.count);
      this.push(l.stride);
      this.pushLayout(l.each);
    }
  }

  private hash(): number {
    const bits = this.bits;
    let h = 0x811c9dc5;
    for (let i = 0; i < this.length * 2; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
    return h;
  }

  private matches(key: Float64Array): boolean {
    if (key.length !== this.length) return false;
    for (let i = 0; i < key.length; i++) if (!Object.is(key[i], this.scratch[i])) return false;
    return true;
  }
}

const OP_INDEX = new Map<string, number>(MNEMONICS.map((m, i) => [m, i]));
const NO_MEMS: readonly MemRef[] = [];

/** Names of each opcode's mem operands, in operand order. */
const MEM_OPERANDS = new Map<string, readonly string[]>(MNEMONICS.map((m) => [m, OPCODES[m].operands.filter((o) => o.kind === 'mem').map((o) => o.name)]));

/** What decoding every instruction of one program shares. */
interface DecodeContext {
  readonly kind: CoreKind;
  readonly kindPipes: readonly Pipe[];
  readonly pipes: ReadonlySet<Pipe>;
  readonly cfg: HwConfig;
  readonly who: string;
  readonly text: (pc: number) => string;
  readonly table: TraitTable;
}

function failAt(at: DecodeContext, pc: number, what: string): never {
  throw new SimError(`${at.who} pc ${pc} (${at.text(pc)}): ${what}`);
}

function pipeAt(at: DecodeContext, pc: number, p: Pipe): number {
  if (!at.pipes.has(p)) failAt(at, pc, `a ${at.kind} core has no ${p} pipe (it has ${at.kindPipes.join(', ')})`);
  return PIPE_INDEX[p];
}

function memOperand(this: Insn, name: string): MemRef {
  return field(this, name) as MemRef;
}

// (no closures here: this runs for every pc of every program a launch decodes)
function decodeInsn(insn: Insn, pc: number, at: DecodeContext): DecodedInsn {
  const spec: OpSpec = OPCODES[insn.op];
  const cfg = at.cfg;
  let pipe = pipeAt(at, pc, spec.pipe);
  let arg = 0;
  if (insn.op === 'set_flag' || insn.op === 'wait_flag') {
    if (insn.src === insn.dst) failAt(at, pc, 'src and dst pipes must differ');
    if (insn.id >= cfg.eventIds) failAt(at, pc, `event id ${insn.id} is out of range: ${cfg.name} has ids 0..${cfg.eventIds - 1}`);
    const src = pipeAt(at, pc, insn.src);
    const dst = pipeAt(at, pc, insn.dst);
    pipe = insn.op === 'set_flag' ? src : dst;
    arg = flagIndex(src, dst, insn.id, cfg.eventIds);
  } else if (insn.op === 'pipe_barrier') {
    if (insn.pipe === 'S') failAt(at, pc, 'pipe_barrier takes a pipe other than S (use barrier_all to wait for every pipe)');
    pipe = pipeAt(at, pc, insn.pipe);
  } else if (insn.op === 'cross_set' || insn.op === 'cross_wait') {
    if (cfg.organisation !== 'separated') failAt(at, pc, `cross-core flags exist only on separated (AIC/AIV) chips; ${cfg.name} is coupled`);
    pipe = pipeAt(at, pc, insn.pipe);
    arg = insn.id;
  } else if (insn.op === 'mmad') {
    if (!cfg.cube.dtypePairs.some(([x, y]) => x === insn.aType && y === insn.bType))
      failAt(at, pc, `the cube of ${cfg.name} does not multiply ${insn.aType} x ${insn.bType} (legal: ${cfg.cube.dtypePairs.map((p) => p.join(' x ')).join(', ')})`);
  } else if (insn.op === 'fixpipe') {
    if (!cfg.fixpipe.quantModes.includes(insn.quant)) failAt(at, pc, `the fixpipe of ${cfg.name} has no ${insn.quant} mode`);
  } else if (insn.op === 'copy_gm_l1_nd2nz') {
    if (!cfg.features.nd2nz) failAt(at, pc, `${cfg.name} has no ND -> NZ DataCopy (features.nd2nz is false); lay the data out as NZ in GM`);
  } else if (ENHANCED_L0C_UB.has(insn.op) && !cfg.features.enhancedL0cUb) {
    failAt(at, pc, `${cfg.name} has no converting L0C <-> UB path (features.enhancedL0cUb is false); use copy_l0c_ub and vector passes, or a preset that has it (ascend310p)`);
  }
  const names = MEM_OPERANDS.get(insn.op)!;
  // (map, not push: the array is kept, and map sizes it exactly)
  const mems = names.length === 0 ? NO_MEMS : names.map(memOperand, insn);
  const shape = shapeOf(insn, cfg.cube.k0Bytes);
  const cost = costOfShape(shape, cfg);
  const traits = at.table.find(insn.op, pipe, arg, mems, shape, cost) ?? at.table.add(newTraits(insn, spec, pipe, arg, mems, shape, cost));
  // bankCheckOf has nothing to check but vector shapes
  const banks = shape.kind === 'vector' ? bankCheckOf(shape, spec.family, mems.map((m) => m.buf), cfg) : null;
  return new Decoded(insn, pc, mems, banks, traits);
}

function newTraits(insn: Insn, spec: OpSpec, pipe: number, arg: number, mems: readonly MemRef[], shape: InsnShape, cost: Cost): Traits {
  const gm = isGmPath(cost.path);
  const isCopy = (COPY_FAMILIES as readonly string[]).includes(spec.family);
  // the operand 0 of every copy family is its destination
  const gmOperand = gm ? mems.findIndex((m) => m.buf === 'GM') : -1;
  return {
    opIndex: MNEMONICS.indexOf(insn.op),
    pathIndex: cost.path === null ? -1 : PATHS.indexOf(cost.path),
    family: spec.family,
    pipe,
    cost,
    gm,
    gmOperand,
    gmLayout: gm ? shape.operands[gmOperand]! : 0,
    gmWrite: gmOperand === 0,
    memBuf: Int8Array.from(mems.map((m) => BUF_INDEX[m.buf]!)),
    exec: execOf(spec.family),
    extents: Float64Array.from(shape.operands, extentOf),
    arg,
    l1Write: isCopy && mems[0]?.buf === 'L1' ? 0 : -1,
    l1Read: isCopy ? mems.findIndex((m, i) => i > 0 && m.buf === 'L1') : -1,
  };
}
