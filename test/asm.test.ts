/**
 * Assembler / disassembler tests: the opcode table is well formed, every opcode round-trips through
 * text with edge-case operands, the extra input syntax is accepted, labels resolve, and every
 * assembler error names its line and carries a hint.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  assemble,
  BUFFERS,
  checkInsn,
  CONV_PAIRS,
  disassemble,
  DTYPES,
  ENUM_WORDS,
  FAMILIES,
  FIXPIPE_TYPES,
  formatFloat,
  formatInsn,
  intRange,
  isFloat,
  IsaError,
  mem,
  MNEMONICS,
  NUM_REGS,
  OPCODES,
  ProgramBuilder,
  type Dtype,
  type Insn,
  type Mnemonic,
  type OperandSpec,
  type Program,
  type QuantMode,
} from '../isa/index.js';

const operandsOf = (m: Mnemonic): readonly OperandSpec[] => OPCODES[m].operands;

/** Checks the text round trip of `p` both ways. */
function expectRoundTrip(p: Program): void {
  const text = disassemble(p);
  const q = assemble(text);
  expect(q.insns).toEqual(p.insns);
  expect(q.labels).toEqual(p.labels);
  expect(disassemble(q)).toBe(text);
}

/** Runs `text` through the assembler and returns the IsaError message. */
function asmError(text: string): string {
  try {
    assemble(text, 'prog.s');
  } catch (e) {
    expect(e).toBeInstanceOf(IsaError);
    return (e as Error).message;
  }
  throw new Error(`no error for: ${text}`);
}

describe('opcode table', () => {
  test('mnemonics are unique lowercase words the assembler can read', () => {
    expect(new Set(MNEMONICS).size).toBe(MNEMONICS.length);
    for (const m of MNEMONICS) expect(m).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  test('operand names are unique per opcode and never "op"', () => {
    for (const m of MNEMONICS) {
      const names = operandsOf(m).map((o) => o.name);
      expect(new Set(names).size, m).toBe(names.length);
      expect(names, m).not.toContain('op');
    }
  });

  test('every family is used', () => {
    const used = new Set(MNEMONICS.map((m) => OPCODES[m].family));
    expect([...FAMILIES].filter((f) => !used.has(f))).toEqual([]);
  });

  test('ranges, buffers and dtype lists are consistent', () => {
    for (const m of MNEMONICS) {
      const spec = OPCODES[m];
      for (const o of operandsOf(m)) {
        if (o.range) expect(o.range[0] <= o.range[1] && o.kind === 'imm', `${m}.${o.name}`).toBe(true);
        if (o.bufs) expect(o.kind === 'mem' && o.bufs.every((b) => BUFFERS.includes(b)), `${m}.${o.name}`).toBe(true);
      }
      // `dtypes` restricts the operand named `dtype`, so one exists exactly when the other does.
      const hasDtype = operandsOf(m).some((o) => o.name === 'dtype');
      const dtypes: readonly Dtype[] | undefined = 'dtypes' in spec ? spec.dtypes : undefined;
      expect(dtypes !== undefined, m).toBe(hasDtype);
      for (const d of dtypes ?? []) expect(DTYPES).toContain(d);
    }
  });
});

// ---- round trip of every opcode with edge-case operands --------------------------------------------

const VARIANTS = 8;
const FIMMS = [Math.fround(0.1), -0, 65504, Math.fround(1e-45), -Infinity, 3.4028234663852886e38, Infinity, Math.fround(-3.3e38)];
const REG_BASES = [31, 0, 7, 19, 1, 30, 12, 25];
const MEM_SHAPES: readonly [number, number][] = [
  [-1, 0],
  [3, 0],
  [7, -16],
  [31, 0x7fff],
  [-1, 2097152],
  [0, 32],
  [12, -1],
  [-1, -64],
];
/** Element types the table does not restrict but kernels would use together. */
const DTYPE_CHOICES: Record<string, readonly Dtype[]> = {
  'mmad.aType': ['s8', 'u8', 'f16'],
  'mmad.bType': ['s8', 's8', 'f16'],
};
const CONVS = Object.entries(CONV_PAIRS).flatMap(([src, dsts]) => (dsts ?? []).map((dst) => [src, dst] as const));
const pick = <T,>(list: readonly T[], i: number): T => list[i % list.length] as T;

/**
 * Rules validate.ts checks beyond the opcode table, applied to a generated instruction: fixpipe
 * types follow its quant mode, load2d transposes f16 only, and the element value of vadds/vdup
 * (`scalar`) or load3d (`padValue`) fits an integer dtype.
 */
function applyRules(insn: Record<string, unknown>, v: number): void {
  if (insn['op'] === 'fixpipe') {
    [insn['srcType'], insn['dstType']] = pick(FIXPIPE_TYPES[insn['quant'] as QuantMode], v);
  }
  if (insn['op'] === 'load2d' && insn['dtype'] !== 'f16') insn['transpose'] = 0;
  const dt = insn['dtype'] as Dtype | undefined;
  if (dt === undefined || isFloat(dt)) return;
  const { min, max } = intRange(dt);
  const top = Math.fround(max) > max ? Math.fround(max) - 256 : max; // largest float32 <= max for 32-bit types
  for (const name of ['scalar', 'padValue']) if (name in insn) insn[name] = pick([min, top, 0, -0, 1], v);
}

/** Operand `i` of variant `v` of opcode `m`; label operands point at one of `targets`. */
function operandValue(m: Mnemonic, o: OperandSpec, v: number, i: number, targets: readonly number[]): unknown {
  switch (o.kind) {
    case 'reg':
      return (pick(REG_BASES, v) + 3 * i) % NUM_REGS;
    case 'imm': {
      if (!o.range) return pick([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -123456, 2 ** 31, 0, 1, -1, 0xffff], v);
      const [lo, hi] = o.range;
      return pick([hi, lo, Math.floor((lo + hi) / 2), Math.min(hi, lo + 1 + i)], v);
    }
    case 'fimm':
      return pick(FIMMS, v + i);
    case 'mem': {
      const [base, off] = pick(MEM_SHAPES, v + i);
      return mem(pick(o.bufs ?? BUFFERS, v + i), off, base < 0 ? base : (base + i) % NUM_REGS);
    }
    case 'dtype': {
      if (m === 'vconv') return pick(CONVS, v)[o.name === 'srcType' ? 0 : 1];
      const spec = OPCODES[m];
      const legal = DTYPE_CHOICES[`${m}.${o.name}`] ?? ('dtypes' in spec ? spec.dtypes : DTYPES);
      return pick(legal, v);
    }
    case 'label':
      return pick(targets, v + i);
    default:
      return pick((ENUM_WORDS as Readonly<Record<string, readonly string[]>>)[o.kind] ?? [], v + i);
  }
}

/** VARIANTS instructions of opcode m, then `end`; every pc (and the end) is labelled. */
function variantsProgram(m: Mnemonic): Program {
  const targets = [0, VARIANTS, 3, VARIANTS - 1];
  const insns: Insn[] = [];
  for (let v = 0; v < VARIANTS; v++) {
    const insn: Record<string, unknown> = { op: m };
    operandsOf(m).forEach((o, i) => (insn[o.name] = operandValue(m, o, v, i, targets)));
    applyRules(insn, v);
    insns.push(insn as unknown as Insn);
  }
  insns.push({ op: 'end' });
  const labels = new Map<string, number>([['a_top', 0], ['exit', insns.length]]);
  insns.forEach((_, pc) => labels.set(`p${pc}`, pc));
  return { insns, labels };
}

describe('round trip', () => {
  test.each(MNEMONICS)('%s', (m) => {
    const p = variantsProgram(m);
    p.insns.forEach((insn, pc) => expect(checkInsn(insn, p.insns.length), `${m} variant ${pc}`).toBeUndefined());
    expectRoundTrip(p);
  });

  test('canonical text is printed exactly', () => {
    const text = [
      'a:',
      'b:',
      '  vdup f32, UB[x3], -0, 255, 0, 65535',
      '  vadds f16, UB[x4+16], UB[x5-16], 0.10000000149011612, 1, 1, 1, 8, 8',
      '  vmuls f32, UB[256], UB[0], -inf, 1, 1, 1, 8, 8',
      '  vmins f32, UB[-32], UB[0], 3.4028234663852886e+38, 1, 1, 1, 8, 8',
      '  vmaxs f32, UB[0], UB[0], 1.401298464324817e-45, 1, 1, 1, 8, 8',
      '  set_flag MTE2, V, 15',
      '  li x31, -9007199254740991',
      '  bne x1, x0, a',
      '  nop',
      'done:',
      '  end',
      'z:',
      '',
    ].join('\n');
    const p = assemble(text);
    expect(disassemble(p)).toBe(text);
    expect(p.labels).toEqual(new Map([['a', 0], ['b', 0], ['done', 9], ['z', 10]]));
    expect(Object.is(p.insns[0]?.op === 'vdup' && p.insns[0].scalar, -0)).toBe(true);
    expect(formatInsn(p.insns[7] as Insn, (pc) => `T${pc}`)).toBe('bne x1, x0, T0');
  });

  test('integer -0 keeps its sign', () => {
    const vdup = { op: 'vdup', dtype: 's16', dst: mem('UB', -0, 2), scalar: -0, repeat: 0, dstBlkStride: 0, dstRepStride: 0 } as const;
    const p: Program = { insns: [{ op: 'li', rd: 1, imm: -0 }, vdup], labels: new Map() };
    expect(disassemble(p)).toBe('  li x1, -0\n  vdup s16, UB[x2-0], -0, 0, 0, 0\n');
    expectRoundTrip(p);
  });

  test('-0 and 0 are different float immediates', () => {
    const p = assemble('  vdup f32, UB[0], 0, 1, 1, 8\n');
    const q = assemble('  vdup f32, UB[0], -0, 1, 1, 8\n');
    expect(q.insns).not.toEqual(p.insns);
  });

  test('random programs round-trip', () => {
    /** Random registers, immediates, floats, addresses and targets; enumerations by a variant number. */
    const randomValue = (o: OperandSpec): fc.Arbitrary<unknown> | undefined => {
      switch (o.kind) {
        case 'reg':
          return fc.integer({ min: 0, max: NUM_REGS - 1 });
        case 'imm':
          return o.range ? fc.integer({ min: o.range[0], max: o.range[1] }) : fc.maxSafeInteger();
        case 'fimm':
          return fc.float({ noNaN: true });
        case 'mem': {
          const buf = fc.constantFrom(...(o.bufs ?? BUFFERS));
          const off = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
          const base = fc.integer({ min: -1, max: NUM_REGS - 1 });
          return fc.tuple(buf, off, base).map(([b, o2, x]) => mem(b, o2, x));
        }
        case 'label':
          return fc.nat();
        default:
          return undefined;
      }
    };
    const insnArb = fc.constantFrom(...MNEMONICS).chain((m) => {
      const arbs = operandsOf(m).flatMap((o) => {
        const arb = randomValue(o);
        return arb ? [[o.name, arb] as const] : [];
      });
      return fc.tuple(fc.record(Object.fromEntries(arbs)), fc.nat()).map(([random, v]) => {
        const insn: Record<string, unknown> = { op: m };
        operandsOf(m).forEach((o, i) => (insn[o.name] = o.name in random ? random[o.name] : operandValue(m, o, v, i, [])));
        applyRules(insn, v);
        return insn;
      });
    });
    const progArb = fc.tuple(fc.array(insnArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 3 }));
    fc.assert(
      fc.property(progArb, ([raw, extra]) => {
        const n = raw.length;
        const labels = new Map<string, number>();
        const insns = raw.map((r) => {
          const insn = { ...r };
          for (const o of operandsOf(insn['op'] as Mnemonic)) {
            if (o.kind !== 'label') continue;
            const pc = (insn[o.name] as number) % n;
            insn[o.name] = pc;
            labels.set(`t${pc}`, pc);
          }
          return insn as unknown as Insn;
        });
        extra.forEach((e, i) => labels.set(`extra${i}`, e % (n + 1)));
        insns.forEach((insn) => expect(checkInsn(insn, n)).toBeUndefined());
        expectRoundTrip({ insns, labels });
      }),
      { numRuns: 150, seed: 20240601 },
    );
  });
});

// ---- extra input syntax and labels -------------------------------------------------------------------

describe('input syntax', () => {
  test('comments, blank lines, whitespace, hex, same-line labels, CRLF', () => {
    const text = [
      '# header comment',
      '',
      'start:   li   x1 ,0x1F   // 31',
      '\tloop: addi x1,x1,-0x1',
      '  vadd f16,UB[ x3 + 0x20 ],UB[x4 - 32],UB[0x40],1,1,1,1,8,8,8  # tail',
      '  bge x1, x0, loop',
      'a: b: end',
    ].join('\r\n');
    const p = assemble(text);
    expect(p.lines).toEqual([3, 4, 5, 6, 7]);
    expect(p.labels).toEqual(new Map([['start', 0], ['loop', 1], ['a', 4], ['b', 4]]));
    expect(p.insns[0]).toEqual({ op: 'li', rd: 1, imm: 31 });
    expect(p.insns[1]).toEqual({ op: 'addi', rd: 1, rs1: 1, imm: -1 });
    expect(p.insns[2]).toMatchObject({ dst: mem('UB', 32, 3), src0: mem('UB', -32, 4), src1: mem('UB', 64) });
    const canonical = disassemble(p);
    expect(canonical).toBe(
      'start:\n  li x1, 31\nloop:\n  addi x1, x1, -1\n  vadd f16, UB[x3+32], UB[x4-32], UB[64], 1, 1, 1, 1, 8, 8, 8\n' +
        '  bge x1, x0, loop\na:\nb:\n  end\n',
    );
    expect(disassemble(assemble(canonical))).toBe(canonical);
  });

  test('float immediates: JS literals, inf and nan', () => {
    const scalarOf = (lit: string) => {
      const insn = assemble(`vdup f32, UB[0], ${lit}, 1, 1, 8`).insns[0];
      return insn?.op === 'vdup' ? insn.scalar : undefined;
    };
    expect(scalarOf('1.5e3')).toBe(1500);
    expect(scalarOf('.25')).toBe(0.25);
    expect(scalarOf('0x10')).toBe(16);
    expect(scalarOf('-0x10')).toBe(-16);
    expect(scalarOf('+2')).toBe(2);
    expect(scalarOf('-inf')).toBe(-Infinity);
    expect(Object.is(scalarOf('-0'), -0)).toBe(true);
  });

  test('nan round-trips', () => {
    expect(checkInsn({ op: 'vdup', dtype: 'f32', dst: mem('UB'), scalar: NaN, repeat: 1, dstBlkStride: 1, dstRepStride: 8 }, 1)).toBeUndefined();
    const text = '  vdup f32, UB[0], nan, 1, 1, 8\n';
    const insn = assemble(text).insns[0];
    expect(insn?.op === 'vdup' && insn.scalar).toBeNaN();
    expect(disassemble(assemble(text))).toBe(text);
  });

  test('special floats are printed as words', () => {
    expect([NaN, Infinity, -Infinity, -0, 0, 1e21].map(formatFloat)).toEqual(['nan', 'inf', '-inf', '-0', '0', '1e+21']);
  });

  test('forward and backward branches resolve to pcs', () => {
    const p = assemble(['  li x1, 3', 'top: addi x1, x1, -1', '  beq x1, x0, done', '  jmp top', 'done:', '  end'].join('\n'));
    expect(p.insns[2]).toEqual({ op: 'beq', rs1: 1, rs2: 0, target: 4 });
    expect(p.insns[3]).toEqual({ op: 'jmp', target: 1 });
  });

  test('ProgramBuilder programs round-trip', () => {
    const b = new ProgramBuilder();
    b.emit('li', { rd: 1, imm: 4 }).label('loop');
    const strides = { dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 };
    b.emit('vadds', { dtype: 'f16', dst: mem('UB', -16, 2), src0: mem('UB', 512), scalar: Math.fround(0.1), repeat: 255, ...strides });
    b.emit('addi', { rd: 1, rs1: 1, imm: -1 }).emit('bne', { rs1: 1, rs2: 0, target: 'loop' }).emit('jmp', { target: 'out' });
    b.label('out').label('alsoOut').emit('end', {}).label('after');
    expectRoundTrip(b.build());
  });

  test('labels sharing a pc are printed sorted, end labels last', () => {
    const p: Program = { insns: [{ op: 'nop' }, { op: 'end' }], labels: new Map([['zeta', 0], ['tail', 2], ['alpha', 0], ['mid', 1]]) };
    expect(disassemble(p)).toBe('alpha:\nzeta:\n  nop\nmid:\n  end\ntail:\n');
  });

  test('unlabelled branch targets get invented labels', () => {
    const p: Program = {
      insns: [{ op: 'nop' }, { op: 'jmp', target: 0 }, { op: 'end' }],
      labels: new Map([['L0', 2]]),
    };
    const text = disassemble(p);
    expect(text).toBe('L0_:\n  nop\n  jmp L0_\nL0:\n  end\n');
    expect(assemble(text).insns).toEqual(p.insns);
  });

  test('label names that cannot be written are refused', () => {
    expect(() => disassemble({ insns: [{ op: 'end' }], labels: new Map([['a b', 0]]) })).toThrow(IsaError);
  });
});

// ---- errors ------------------------------------------------------------------------------------------

describe('errors name the line and give a hint', () => {
  const cases: [string, string, string[]][] = [
    [
      'operand count',
      'nop\n\nmmad L0C[0], L0A[0], L0B[0], BT[0], 1, 1, 1, s8, s8',
      ['prog.s:3: mmad expects 10 operands, got 9 (mmad dst, a, b, bias, m, k, n, aType, bType, init)'],
    ],
    ['one operand', 'pipe_barrier', ['prog.s:1: pipe_barrier expects 1 operand, got 0 (pipe_barrier pipe)']],
    ['empty operand', 'add x1, x2,', ['prog.s:1:', 'empty', '(add rd, rs1, rs2)']],
    ['unknown mnemonic', 'nop\nvsdd f16', ['prog.s:2:', "unknown mnemonic 'vsdd'", "did you mean 'vadd'?"]],
    ['uppercase mnemonic', 'ADDI x1, x1, 1', ['prog.s:1:', "'ADDI'", "did you mean 'addi'?"]],
    ['unknown label', 'jmp lop\nloop: end', ['prog.s:1:', "unknown label 'lop'", "did you mean 'loop'?"]],
    ['undefined label', 'end\njmp nowhere', ['prog.s:2:', "unknown label 'nowhere'", "define it with 'nowhere:'"]],
    ['label at the end', 'x: jmp y\ny:', ['prog.s:1:', "label 'y' is after the last instruction", "'end'"]],
    ['duplicate label', 'a: nop\n\na: end', ['prog.s:3:', "label 'a' is already defined on line 1", 'rename']],
    ['bad label name', '9lives: end', ['prog.s:1:', "bad label name '9lives'", 'letters']],
    ['bad register', 'nop\nadd x1, x32, x2', ['prog.s:2:', "bad register 'x32'", 'x0..x31']],
    ['bad base register', 'vdup f16, UB[y3+2], 1, 1, 1, 8', ['prog.s:1:', "bad address 'y3+2'", 'BUF[xN+off]']],
    ['bad buffer', 'vdup f16, ub[0], 1, 1, 1, 8', ['prog.s:1:', "bad buffer 'ub'", "write 'UB'"]],
    ['unknown buffer', 'vdup f16, XB[0], 1, 1, 1, 8', ['prog.s:1:', "bad buffer 'XB'", 'one of GM, L1']],
    ['wrong buffer', 'load2d UB[0], L1[0], s8, 1, 0, 0, 0', ['prog.s:1:', 'load2d dst cannot be in UB', 'use L0A or L0B']],
    ['immediate too large', 'load2d L0A[0], L1[0], s8, 256, 0, 0, 0', ['prog.s:1:', 'immediate 256 for repeat is out of range', 'repeat must be 1..255']],
    ['immediate too small', 'fixpipe GM[0], L0C[0], s32, s8, 1, 1, 16, 1, req8, 1, -257, FB[0], 0, 1', ['offset must be -256..255']],
    ['bad immediate', 'li x1, 12abc', ['prog.s:1:', "bad immediate '12abc'", 'hex']],
    ['not a float32', 'vdup f32, UB[0], 0.1, 1, 1, 8', ['prog.s:1:', '0.1 for scalar is not exactly a float32', 'nearest float32 is 0.10000000149011612']],
    ['float32 overflow', 'vdup f32, UB[0], 1e39, 1, 1, 8', ['nearest float32 is inf']],
    ['bad float', 'vdup f32, UB[0], one, 1, 1, 8', ['prog.s:1:', "bad float 'one'", 'inf or nan']],
    ['illegal dtype', 'vdiv s16, UB[0], UB[0], UB[0], 1, 1, 1, 1, 8, 8, 8', ['prog.s:1:', 'vdiv does not take dtype s16', 'legal: f16, f32']],
    ['bad dtype word', 'vabs F16, UB[0], UB[0], 1, 1, 1, 8, 8', ['prog.s:1:', "bad dtype 'F16'", "write 'f16'"]],
    ['illegal conversion', 'vconv s8, f32, rint, UB[0], UB[0], 1, 1, 1, 8, 8', ['prog.s:1:', 'vconv has no f32 -> s8 conversion', 'f32 converts to: f16']],
    ['bad pipe', 'pipe_barrier v', ['prog.s:1:', "bad pipe 'v'", "write 'V'"]],
  ];
  test.each(cases)('%s', (_, text, parts) => {
    const msg = asmError(text);
    expect(msg).not.toContain('\n');
    for (const part of parts) expect(msg).toContain(part);
  });

  test('source defaults to <input>', () => {
    expect(() => assemble('bogus')).toThrow(/^<input>:1: /);
  });
});
