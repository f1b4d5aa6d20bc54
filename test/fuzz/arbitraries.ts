/**
 * Random inputs for the fuzz tests: assembly programs drawn from the opcode table (mostly legal
 * operands, sometimes junk), config overrides, case files and manifests derived from real ones with
 * random damage. Seeds and run counts come from the tests (FUZZ_RUNS raises them: npm run fuzz).
 */
import fc from 'fast-check';
import { MNEMONICS, OPCODES, type Mnemonic } from '../../isa/opcodes.js';
import { ENUM_WORDS, type OperandSpec } from '../../isa/operands.js';

/** How many runs each property makes: a quick seeded run in npm test, more with FUZZ_RUNS. */
export const runs = (quick: number): number => Number(process.env['FUZZ_RUNS'] ?? quick);

const ENUMS: Readonly<Record<string, readonly string[]>> = ENUM_WORDS;

/** Something no operand accepts. */
const junk = fc.oneof(fc.constant(''), fc.constant('?'), fc.string({ maxLength: 6 }), fc.integer().map(String), fc.constant('UB[-1]'), fc.constant('x32'));

/** Text of one operand of opcode `m`: legal for its kind, or junk when `dirty`. */
function operand(m: Mnemonic, o: OperandSpec, labels: number, dirty: boolean): fc.Arbitrary<string> {
  const legal: Record<string, () => fc.Arbitrary<string>> = {
    reg: () => fc.integer({ min: 0, max: 31 }).map((r) => `x${r}`),
    imm: () => fc.integer({ min: o.range?.[0] ?? 0, max: Math.min(o.range?.[1] ?? 64, 300) }).map(String),
    fimm: () => fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((x) => String(Math.fround(x))),
    mem: () => fc.tuple(fc.constantFrom(...(o.bufs ?? ['UB'])), fc.integer({ min: 0, max: 64 })).map(([b, k]) => `${b}[${k * 32}]`),
    label: () => fc.integer({ min: 0, max: Math.max(0, labels - 1) }).map((i) => `L${i}`),
  };
  const spec = OPCODES[m] as { dtypes?: readonly string[] };
  const words = o.name === 'dtype' && spec.dtypes ? spec.dtypes : (ENUMS[o.kind] ?? ['?']);
  const good = legal[o.kind]?.() ?? fc.constantFrom(...words);
  return dirty ? fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk }) : good;
}

/** One instruction line of opcode `m`. */
const line = (m: Mnemonic, labels: number, dirty: boolean): fc.Arbitrary<string> =>
  OPCODES[m].operands.length === 0 ? fc.constant(`  ${m}`) : fc.tuple(...OPCODES[m].operands.map((o) => operand(m, o, labels, dirty))).map((args) => `  ${m} ${args.join(', ')}`);

/** Branches are kept out of most programs so that they end; `loops` allows them. */
const STRAIGHT = MNEMONICS.filter((m) => OPCODES[m].family !== 'branch');

/**
 * A program of up to `max` instructions, every one labelled L<i>, ending in `end`: operands legal for
 * their kinds (the validator and the engine still refuse many), or, one time in four, with junk.
 */
export function program(max: number): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 1, max }), fc.boolean(), fc.boolean()).chain(([len, a, b]) =>
    fc.array(fc.constantFrom(...STRAIGHT).chain((m) => line(m, len, a && b)), { minLength: len, maxLength: len }).map((lines) => lines.map((l, i) => `L${i}:\n${l}`).join('\n') + '\n  end\n'),
  );
}

/** A JSON value of any shape, with prototype-ish keys sometimes. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'cores', 'dims', 'data', 'op')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** `base` with one random field replaced (or removed) at a random path. */
export function damaged(base: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (v: unknown, at: string[]) => {
    if (at.length > 0) paths.push(at);
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), fc.option(anyJson, { nil: undefined })).map(([p, value]) => {
    const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    let o = copy;
    for (const k of p.slice(0, -1)) o = o[k] as Record<string, unknown>;
    if (value === undefined) delete o[p[p.length - 1]!];
    else o[p[p.length - 1]!] = value;
    return copy;
  });
}
