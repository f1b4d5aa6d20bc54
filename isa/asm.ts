/**
 * Assembler: parses the text syntax printed by isa/disasm.ts into a validated Program.
 *
 * On top of the canonical syntax it accepts comments (`#` or `//` to end of line), blank lines,
 * free whitespace, labels on the same line as an instruction (`loop: addi x1, x1, 1`) and hex
 * integers (`0x1F`, `-0x10`). Mnemonics, dtypes, round/quant/init/l2hint modes are lowercase; buffers and
 * pipes are uppercase. Every error is an IsaError of one line: `source:line: problem (hint)`.
 */
import { formatFloat, formatSignature, LABEL_NAME } from './disasm.js';
import { isLegalConv, CONV_PAIRS } from './casts.js';
import { MNEMONICS, OPCODES, type Mnemonic, type OpSpec } from './opcodes.js';
import { ENUM_WORDS, type OperandSpec } from './operands.js';
import type { Insn, Program } from './program.js';
import { BUFFERS, NUM_REGS, type BufferName, type Dtype, type MemRef } from './types.js';
import { checkInsn, IsaError } from './validate.js';

/** Thrown inside the parser; `assemble` adds the source name and line. */
class LineError extends Error {
  constructor(
    readonly what: string,
    readonly hint: string,
  ) {
    super(what);
  }
}
const fail = (what: string, hint: string): never => {
  throw new LineError(what, hint);
};

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const subst = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(subst, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The candidate nearest to `word` ignoring case; ties go to one with the same first letter. */
const closest = (word: string, candidates: readonly string[]): string | undefined => {
  const w = word.toLowerCase();
  const score = (c: string) => editDistance(w, c.toLowerCase()) - (c[0]?.toLowerCase() === w[0] ? 0.5 : 0);
  let best: string | undefined;
  for (const c of candidates) if (best === undefined || score(c) < score(best)) best = c;
  return best;
};

/** Hint for a word that is not in `words`: the right spelling if only the case is wrong, else the list. */
const oneOfHint = (word: string, words: readonly string[]): string => {
  const sameCase = words.find((w) => w.toLowerCase() === word.toLowerCase());
  return sameCase ? `write '${sameCase}'` : `one of ${words.join(', ')}`;
};

const ENUMS: Readonly<Record<string, readonly string[]>> = ENUM_WORDS;

/** An unsigned decimal or 0x hex safe integer, or undefined if `s` is not one. */
const parseUnsigned = (s: string): number | undefined => {
  const v = /^(\d+|0[xX][0-9a-fA-F]+)$/.test(s) ? Number(s) : NaN;
  return Number.isSafeInteger(v) ? v : undefined;
};

/** A signed integer, `-` allowed in front of decimal and hex alike. */
const parseSigned = (s: string): number | undefined => {
  const mag = parseUnsigned(s.startsWith('-') ? s.slice(1) : s);
  return mag !== undefined && s.startsWith('-') ? -mag : mag;
};

function parseReg(s: string, name: string): number {
  const m = /^x(0|[1-9]\d*)$/.exec(s);
  const r = m ? Number(m[1]) : NaN;
  if (!(r < NUM_REGS)) fail(`bad register '${s}' for ${name}`, `registers are x0..x${NUM_REGS - 1}`);
  return r;
}

function parseImm(s: string, o: OperandSpec): number {
  const v = parseSigned(s);
  if (v === undefined) return fail(`bad immediate '${s}' for ${o.name}`, `write a decimal or 0x hex integer of at most 2^53-1`);
  if (o.range && (v < o.range[0] || v > o.range[1]))
    fail(`immediate ${s} for ${o.name} is out of range`, `${o.name} must be ${o.range[0]}..${o.range[1]}`);
  return v;
}

const FLOAT_WORDS = new Map([
  ['inf', Infinity],
  ['-inf', -Infinity],
  ['nan', NaN],
]);

function parseFimm(s: string, name: string): number {
  let v = FLOAT_WORDS.get(s);
  if (v === undefined) {
    const neg = s.startsWith('-');
    const body = neg || s.startsWith('+') ? s.slice(1) : s;
    v = body === '' || /^[+-]/.test(body) ? NaN : Number(body);
    if (Number.isNaN(v)) return fail(`bad float '${s}' for ${name}`, 'write a number such as 1.5, -2e-3, 0x10, inf or nan');
    if (neg) v = -v;
  }
  if (!Number.isNaN(v) && Math.fround(v) !== v)
    fail(`${s} for ${name} is not exactly a float32`, `the nearest float32 is ${formatFloat(Math.fround(v))}`);
  return v;
}

function parseMem(s: string, o: OperandSpec, op: Mnemonic): MemRef {
  const example = `write BUF[xN+off], e.g. ${o.bufs?.[0] ?? 'UB'}[x3+32]`;
  const m = /^(\w+)\s*\[(.*)\]$/.exec(s);
  if (!m) return fail(`bad memory operand '${s}' for ${o.name}`, example);
  const bufText = m[1] ?? '';
  const inner = (m[2] ?? '').replace(/\s+/g, '');
  if (!(BUFFERS as readonly string[]).includes(bufText)) fail(`bad buffer '${bufText}' for ${o.name}`, oneOfHint(bufText, BUFFERS));
  const buf = bufText as BufferName;
  if (o.bufs && !o.bufs.includes(buf)) fail(`${op} ${o.name} cannot be in ${buf}`, `use ${o.bufs.join(' or ')}`);

  const withBase = /^(x\w*)(?:([+-])(.*))?$/.exec(inner);
  if (!withBase) {
    const off = parseSigned(inner);
    return off === undefined ? fail(`bad address '${inner}' in ${s}`, example) : { buf, base: -1, off };
  }
  const [, reg = '', sign, offText = ''] = withBase;
  const base = parseReg(reg, `${o.name} base`);
  if (sign === undefined) return { buf, base, off: 0 };
  const off = parseUnsigned(offText);
  if (off === undefined) return fail(`bad offset '${offText}' in ${s}`, example);
  return { buf, base, off: sign === '-' ? -off : off };
}

function parseEnum(s: string, o: OperandSpec): string {
  const words = ENUMS[o.kind] ?? [];
  if (!words.includes(s)) fail(`bad ${o.kind} '${s}' for ${o.name}`, oneOfHint(s, words));
  return s;
}

/** Checks that need the whole instruction and deserve a better hint than checkInsn gives. */
function checkTypes(insn: Record<string, unknown>, spec: OpSpec): void {
  const dt = insn['dtype'] as Dtype | undefined;
  if (spec.dtypes && dt !== undefined && !spec.dtypes.includes(dt))
    fail(`${String(insn['op'])} does not take dtype ${dt}`, `legal: ${spec.dtypes.join(', ')}`);
  if (insn['op'] === 'vconv') {
    const [src, dst] = [insn['srcType'] as Dtype, insn['dstType'] as Dtype];
    const dsts = (CONV_PAIRS[src] ?? []).join(', ') || 'nothing';
    if (!isLegalConv(src, dst)) fail(`vconv has no ${src} -> ${dst} conversion`, `${src} converts to: ${dsts}`);
  }
}

/** `name:` at the start of a line; the name is checked separately for a better message. */
const LABEL_DEF = /^([^\s,[\]]+?)\s*:\s*/;
const LABEL_HINT = 'labels are letters, digits, _ . $ and do not start with a digit';

interface Fixup {
  readonly pc: number;
  readonly field: string;
  readonly label: string;
}

/** Parses one instruction (mnemonic and operands, no label); label operands are left as fixups. */
function parseInsn(text: string, pc: number, fixups: Fixup[]): Insn {
  const [, mnemonic = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(text) ?? [];
  if (!Object.hasOwn(OPCODES, mnemonic)) fail(`unknown mnemonic '${mnemonic}'`, `did you mean '${closest(mnemonic, MNEMONICS)}'?`);
  const op = mnemonic as Mnemonic;
  const spec: OpSpec = OPCODES[op];
  const args = rest === '' ? [] : rest.split(',').map((a) => a.trim());
  if (args.length !== spec.operands.length)
    fail(`${op} expects ${spec.operands.length} operand${spec.operands.length === 1 ? '' : 's'}, got ${args.length}`, formatSignature(op));
  const insn: Record<string, unknown> = { op };
  spec.operands.forEach((o, i) => {
    const a = args[i] ?? '';
    if (a === '') fail(`operand ${i + 1} (${o.name}) of ${op} is empty`, formatSignature(op));
    switch (o.kind) {
      case 'reg':
        insn[o.name] = parseReg(a, o.name);
        break;
      case 'imm':
        insn[o.name] = parseImm(a, o);
        break;
      case 'fimm':
        insn[o.name] = parseFimm(a, o.name);
        break;
      case 'mem':
        insn[o.name] = parseMem(a, o, op);
        break;
      case 'label':
        if (!LABEL_NAME.test(a)) fail(`bad label name '${a}' for ${o.name}`, LABEL_HINT);
        fixups.push({ pc, field: o.name, label: a });
        insn[o.name] = -1;
        break;
      default:
        insn[o.name] = parseEnum(a, o);
    }
  });
  checkTypes(insn, spec);
  return insn as unknown as Insn;
}

/**
 * Assembles `text` into a validated Program with its labels and the 1-based source line of every
 * instruction. `source` names the text in error messages. Throws IsaError on the first error.
 */
export function assemble(text: string, source = '<input>'): Program {
  const insns: Insn[] = [];
  const lines: number[] = [];
  const labels = new Map<string, number>();
  const labelLine = new Map<string, number>();
  const fixups: Fixup[] = [];
  const at = (line: number, e: unknown): never => {
    if (e instanceof LineError) throw new IsaError(`${source}:${line}: ${e.what} (${e.hint})`);
    throw e;
  };

  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    try {
      let rest = raw.replace(/(#|\/\/).*$/, '').trim();
      let m: RegExpExecArray | null;
      while ((m = LABEL_DEF.exec(rest))) {
        const name = m[1] ?? '';
        if (!LABEL_NAME.test(name)) fail(`bad label name '${name}'`, LABEL_HINT);
        const first = labelLine.get(name);
        if (first !== undefined) fail(`label '${name}' is already defined on line ${first}`, 'rename one of them');
        labels.set(name, insns.length);
        labelLine.set(name, line);
        rest = rest.slice(m[0].length);
      }
      if (rest === '') return;
      insns.push(parseInsn(rest, insns.length, fixups));
      lines.push(line);
    } catch (e) {
      at(line, e);
    }
  });

  const resolve = (name: string): number => {
    const target = labels.get(name);
    if (target === undefined) {
      const near = closest(name, [...labels.keys()]);
      const hint = near && editDistance(near, name) <= 2 ? `did you mean '${near}'?` : `define it with '${name}:'`;
      return fail(`unknown label '${name}'`, hint);
    }
    if (target >= insns.length) fail(`label '${name}' is after the last instruction`, `add an instruction such as 'end' after '${name}:'`);
    return target;
  };
  for (const f of fixups) {
    try {
      (insns[f.pc] as unknown as Record<string, unknown>)[f.field] = resolve(f.label);
    } catch (e) {
      at(lines[f.pc] ?? 0, e);
    }
  }

  insns.forEach((insn, pc) => {
    const bad = checkInsn(insn, insns.length);
    if (bad) throw new IsaError(`${source}:${lines[pc] ?? 0}: ${bad} (${formatSignature(insn.op)})`);
  });
  return { insns: insns.map((i) => Object.freeze(i)), labels, lines };
}
