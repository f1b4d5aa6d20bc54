/**
 * docs/isa.md, the ISA reference, rendered from the opcode table (isa/opcodes.ts): every opcode with
 * its syntax, pipe (the profiler's name, with the short name the assembly uses), operands (kind,
 * meaning, legal range or buffers), legal element types and the rule its cost follows. Nothing here
 * is typed by hand per opcode, so a new row appears in the reference when it is added to the table;
 * test/isa-doc.test.ts fails when the committed file is not what this renders.
 */
import { pathsOfRow } from '../../isa/families.js';
import { ENUM_WORDS, type EnumKind, type OperandSpec } from '../../isa/operands.js';
import { COPY_FAMILIES, FAMILIES, MNEMONICS, OPCODES, type CopyFamily, type Family, type OpSpec } from '../../isa/opcodes.js';
import type { Mnemonic } from '../../isa/opcodes.js';
import { FIXPIPE_TYPES } from '../../isa/validate.js';
import { loadConfig, presetNames } from '../../hw/config/load.js';
import { PIPE_ROWS } from '../../traces/vocabulary.js';
import { code, mdTable } from '../timing/markdown.js';
import { BYTES_OF } from '../timing/rules.js';

export const ISA_DOC_PATH = 'docs/isa.md';

/** What each family is, as the section heading says it. */
const FAMILY_TITLES: Readonly<Record<Family, string>> = {
  scalar: 'Scalar ALU',
  branch: 'Control flow',
  sync: 'Synchronisation',
  dma: 'DataCopy between buffers',
  nd2nz: 'DataCopy GM (ND) -> L1 (Nz)',
  load2d: 'LoadData 2D (L1 -> L0A / L0B)',
  load3d: 'LoadData 3D, img2col (L1 -> L0A / L0B)',
  mmad: 'Cube',
  fixpipe: 'Fixpipe (L0C -> GM / L1)',
  'l0c-ub': 'L0C -> UB (coupled cores)',
  'l0c-ub-deq': 'L0C -> UB with s32 -> f16, one scale',
  'l0c-ub-vdeq': 'L0C -> UB with s32 -> f16, a scale per column',
  'l0c-ub-f322f16': 'L0C -> UB with f32 -> f16',
  'ub-l0c-bcast': 'UB -> L0C broadcast',
  'vec-mask': 'Vector mask',
  'vec-binary': 'Vector, two sources',
  'vec-scalar': 'Vector with a scalar',
  'vec-axpy': 'Vector multiply-add with a scalar',
  'vec-unary': 'Vector, one source',
  'vec-dup': 'Vector fill',
  'vec-conv': 'Vector conversion',
  'vec-deq': 'Vector s32 -> f16 with a scalar scale',
  'vec-vdeq': 'Vector s32 -> f16 with per-lane scales',
  'vec-reduce': 'Vector reduction',
};

/** The cost rule of the families whose rows do not name a path or a vector class. */
const PLAIN_TIMING: Readonly<Record<string, string>> = {
  scalar: '`scalar.aluCycles` on the scalar unit (docs/timing-model.md §1.2)',
  branch: '`scalar.aluCycles`, plus `scalar.branchTakenCycles` when the branch is taken (§1.2)',
  sync: 'flags and barriers as in docs/timing-model.md §1.8; a wait stalls its pipe (or the scalar unit) until the flag arrives',
  mmad: 'the cube rule of docs/timing-model.md §1.6: fractal MACs at the preset\'s rate, plus its fixed latency',
};

const KIND_TEXT: Readonly<Record<OperandSpec['kind'], string>> = {
  reg: 'register `x0`..`x31`',
  imm: 'integer immediate',
  fimm: 'float immediate (a float32 value)',
  mem: 'memory `BUF[xN+off]`',
  dtype: 'element type',
  round: 'round mode',
  pipe: 'pipe',
  quant: 'fixpipe quantisation mode',
  init: 'accumulator initialisation',
  l2hint: 'L2 hint',
  label: 'label',
};

const isCopy = (f: Family): f is CopyFamily => (COPY_FAMILIES as readonly string[]).includes(f);
const isEnum = (k: OperandSpec['kind']): k is EnumKind => Object.hasOwn(ENUM_WORDS, k);

function legalValues(o: OperandSpec): string {
  if (o.range) return `${o.range[0]}..${o.range[1]}`;
  if (o.bufs) return o.bufs.join(', ');
  if (isEnum(o.kind)) return (ENUM_WORDS[o.kind] as readonly string[]).join(', ');
  return '';
}

function timingRule(op: Mnemonic, spec: OpSpec): string {
  if (isCopy(spec.family)) return `data movement on ${pathsOfRow(op).map(code).join(' or ')}: ${BYTES_OF[spec.family]} bytes at the path's rate, plus its fixed latency (docs/timing-model.md §1.4; GM paths share the L2 and HBM, §1.5)`;
  if ('timing' in spec) return `vector cost class ${code(spec.timing)}: repeats at the class's rate (docs/timing-model.md §1.7)`;
  return PLAIN_TIMING[spec.family] ?? '';
}

function opcodeSection(op: Mnemonic): string {
  const spec = OPCODES[op];
  const pipe = PIPE_ROWS[spec.pipe].name;
  const lines = [
    `### ${code(op)}`,
    '',
    spec.doc.endsWith('.') ? spec.doc : `${spec.doc}.`,
    '',
    `    ${op}${spec.operands.length ? ' ' : ''}${spec.operands.map((o) => o.name).join(', ')}`,
    '',
    `- pipe: ${pipe}${pipe === spec.pipe ? '' : ` (\`${spec.pipe}\` in assembly)`}`,
  ];
  const dtypes = (spec as { readonly dtypes?: readonly string[] }).dtypes;
  if (dtypes) lines.push(`- element types: ${dtypes.map(code).join(', ')}`);
  if (spec.family === 'fixpipe') lines.push(`- (input, output) types per quantisation mode: ${Object.entries(FIXPIPE_TYPES).map(([q, ts]) => `${code(q)} ${ts.map(([a, b]) => `${a}->${b}`).join(' ')}`).join('; ')}`);
  if (spec.family === 'mmad') lines.push(`- (A, B) element types, per preset (\`cube.dtypePairs\`): ${presetNames().map((p) => `${p} ${loadConfig(p).cube.dtypePairs.map(([a, b]) => `${a} x ${b}`).join(', ')}`).join('; ')}`);
  lines.push(`- timing: ${timingRule(op, spec)}`);
  if (spec.operands.length > 0) lines.push('', mdTable(['operand', 'kind', 'meaning', 'legal values'], spec.operands.map((o) => [code(o.name), KIND_TEXT[o.kind], o.doc, legalValues(o)])));
  return lines.join('\n');
}

export function renderIsaReference(): string {
  const sections = FAMILIES.flatMap((family) => {
    const ops = MNEMONICS.filter((m) => OPCODES[m].family === family);
    return ops.length === 0 ? [] : [`## ${FAMILY_TITLES[family]}\n\n${ops.map(opcodeSection).join('\n\n')}`];
  });
  const index = mdTable(['opcode', 'pipe', 'what it does'], MNEMONICS.map((m) => [code(m), PIPE_ROWS[OPCODES[m].pipe].name, OPCODES[m].doc]));
  const pipes = mdTable(['pipe', 'in assembly'], Object.entries(PIPE_ROWS).sort((a, b) => a[1].order - b[1].order).map(([short, row]) => [row.name, code(short)]));
  return `# ISA reference

Generated from the opcode table (isa/opcodes.ts) by \`npm run isa:doc\`; do not edit by hand
(test/isa-doc.test.ts checks it is current). The syntax of programs, registers, memory operands and
the choices the hardware facts leave open are in isa/README.md; the cost rules and their numbers per
preset in docs/timing-model.md.

Pipes are named as the vendor's profiler names them; assembly and the program builder use the short
names:

${pipes}

${MNEMONICS.length} opcodes:

${index}

${sections.join('\n\n')}
`;
}
