/**
 * Section 2 of docs/timing-model.md: every timing parameter of every preset, with the source comment
 * the preset gives it in hw/config/presets.ts. Presets that share a table are grouped, so a table is
 * printed once with the presets that use it.
 */
import { isDeepStrictEqual } from 'node:util';
import { loadConfig } from '../../hw/config/load.js';
import { PRESETS } from '../../hw/config/presets.js';
import { PATHS, VEC_CLASSES, type HwConfig, type PathName } from '../../hw/config/types.js';
import { opsOfClass, opsOnPath } from '../../isa/families.js';
import { OPCODES, type Mnemonic } from '../../isa/opcodes.js';
import { code, mdTable, num } from './markdown.js';
import { blockComments, lineComment } from './preset-sources.js';

export const PRESET_ORDER = ['ascend910b', 'ascend910', 'ascend310p', 'tiny', 'tiny-sep'] as const;

/** Opcodes as inline code; the lists come from the opcode rows (opsOnPath, opsOfClass), never by hand. */
const opsText = (ops: readonly Mnemonic[]) => ops.map(code).join(', ');

/** The pipe a path's transfers occupy: the pipe of the opcodes whose rows use it (they agree; a test checks). */
const pipeOfPath = (p: PathName) => [...new Set(opsOnPath(p).map((op) => OPCODES[op].pipe))].join(', ');

/** Presets grouped by an equal part of their configs, in PRESET_ORDER. */
function groupBy<T>(configs: readonly HwConfig[], part: (c: HwConfig) => T): { names: string[]; value: T }[] {
  const groups: { names: string[]; value: T }[] = [];
  for (const c of configs) {
    const v = part(c);
    const g = groups.find((x) => isDeepStrictEqual(x.value, v));
    if (g) g.names.push(c.name);
    else groups.push({ names: [c.name], value: v });
  }
  return groups;
}

const row = (label: string, configs: readonly HwConfig[], get: (c: HwConfig) => number | string, source = ''): string[] => [
  label,
  ...configs.map((c) => String(get(c))),
  source,
];

export function paramsSection(source: string): string {
  const configs = PRESET_ORDER.map((p) => loadConfig(p));
  if (Object.keys(PRESETS).some((p) => !(PRESET_ORDER as readonly string[]).includes(p))) throw new Error('internal: a preset is missing from PRESET_ORDER');
  const b = blockComments(source, 'export const ascend910b');
  const cube = blockComments(source, 'const CUBE_BASE');
  const scalar = lineComment(source, 'const SCALAR =');
  const names = configs.map((c) => c.name);
  const coresOf = (c: HwConfig) => (c.organisation === 'coupled' ? `${c.cores} coupled` : `${c.cores} AIC x (1 + ${c.aivPerAic} AIV)`);

  const chip = mdTable(
    ['parameter', ...names, 'source (ascend910b)'],
    [
      row('clockMHz', configs, (c) => c.clockMHz, b.get('clockMHz')),
      row('cores', configs, coresOf, b.get('cores')),
      row('queueDepth', configs, (c) => c.queueDepth, b.get('queueDepth')),
      row('eventIds', configs, (c) => c.eventIds, b.get('eventIds')),
      row('scalar.aluCycles', configs, (c) => c.scalar.aluCycles, scalar),
      row('scalar.branchTakenCycles', configs, (c) => c.scalar.branchTakenCycles, scalar),
      row('scalar.issueCycles', configs, (c) => c.scalar.issueCycles, scalar),
    ],
  );
  const cubeTable = mdTable(
    ['parameter', ...names, 'source'],
    [
      row('cube.k0Bytes', configs, (c) => c.cube.k0Bytes, cube.get('k0Bytes')),
      row('cube.fp32Slowdown', configs, (c) => c.cube.fp32Slowdown, cube.get('fp32Slowdown')),
      row('cube.fixedLatency', configs, (c) => c.cube.fixedLatency, `${cube.get('fixedLatency') ?? ''} (tiny, tiny-sep: synthetic)`),
      row('MACs/cycle int8 (derived)', configs, (c) => c.derived.macsPerCycleInt8, '16 x 16 x k0Bytes (one 16 x K0 x 16 fractal step per cycle)'),
      row('MACs/cycle f16 (derived)', configs, (c) => c.derived.macsPerCycleF16, '16 x 16 x k0Bytes / 2'),
    ],
  );
  const gmSource = (preset: string, field: string) =>
    preset.startsWith('tiny') ? 'synthetic' : (blockComments(source, `export const ${preset}: HwParams`).get(field) ?? '');
  const gm = mdTable(
    ['preset', 'gm.chipBytesPerCycle', 'source', 'gm.coreBytesPerCycle', 'source'],
    configs.map((c) => [c.name, num(c.gm.chipBytesPerCycle), gmSource(c.name, 'chipBytesPerCycle'), num(c.gm.coreBytesPerCycle), gmSource(c.name, 'coreBytesPerCycle')]),
  );

  const pathComments = blockComments(source, 'const PATHS_910B');
  const pathTables = groupBy(configs, (c) => c.paths).map((g) => {
    const table = mdTable(
      ['path', 'pipe', 'fixedLatency', 'bytesPerCycle', 'minCycles', 'opcodes', 'source'],
      PATHS.map((p) => {
        const v = g.value[p];
        return [p, pipeOfPath(p), String(v.fixedLatency), num(v.bytesPerCycle), String(v.minCycles), opsText(opsOnPath(p)), g.names.includes('ascend910b') ? (pathComments.get(p) ?? '') : 'synthetic'];
      }),
      '  rrr',
    );
    return `Used by ${g.names.map(code).join(', ')}:\n\n${table}`;
  });

  const vecComments = blockComments(source, 'const VECTOR_910B');
  const vecTables = groupBy(configs, (c) => c.vector.classes).map((g) => {
    const table = mdTable(
      ['class', 'cyclesPerRepeat', 'minCycles', 'opcodes', 'source'],
      VEC_CLASSES.map((cls) => [cls, String(g.value[cls].cyclesPerRepeat), String(g.value[cls].minCycles), opsText(opsOfClass(cls)), vecComments.get(cls) ?? '']),
      ' rr',
    );
    return `Used by ${g.names.map(code).join(', ')}:\n\n${table}`;
  });

  return `## 2. Parameters

Every number with the source its preset gives it (the comments of hw/config/presets.ts; "HW §X" is
section X of docs/hardware.md, "fit" rows were fitted to docs/measured by scripts/calibrate.ts). What
each field means, its unit and its legal values: docs/config.md.
The tiny presets are synthetic test chips with round numbers.

### 2.1 Chip, scalar unit and queues

${chip}

### 2.2 Cube

${cubeTable}

### 2.3 GM bandwidth

${gm}

### 2.4 Data paths

${pathTables.join('\n\n')}

### 2.5 Vector classes

${vecTables.join('\n\n')}
`;
}
