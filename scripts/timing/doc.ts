/**
 * Builds docs/timing-model.md: rules (rules.ts), parameters with sources (params.ts), simulated vs
 * measured (validation.ts) and the monotonicity exceptions (anomalies.ts). The same function serves
 * scripts/timing-doc.ts, which writes the file, and test/timing-model.test.ts, which checks the committed
 * file equals it. Deterministic: no dates, no paths of the machine, fixed number formats.
 */
import { l2MicroSection } from './l2-micro.js';
import { disassemble } from '../../isa/disasm.js';
import { assemble } from '../../isa/asm.js';
import { defaultMeasuredDir } from '../calibration/measured.js';
import {
  BANDWIDTH_GRID,
  BANDWIDTH_PATH_RATE,
  BANDWIDTH_PROGRAM,
  CUBE_EXAMPLES,
  runBandwidthExample,
  runCubeVariants,
  type StoreWindow,
} from './anomalies.js';
import { compareAll, type Comparison } from './compare.js';
import { mdTable } from './markdown.js';
import { paramsSection } from './params.js';
import { presetsSource } from './preset-sources.js';
import { rulesSection } from './rules.js';
import { validationSection } from './validation.js';

export const DOC_PATH = 'docs/timing-model.md';

const win = (w: StoreWindow | null) => (w ? `${w.start}-${w.end}` : '-');

function propertiesSection(): string {
  const grid = BANDWIDTH_GRID.map((chip) => BANDWIDTH_GRID.map((core) => runBandwidthExample(chip, core)));
  const gridTable = mdTable(
    ['chip \\ core', ...BANDWIDTH_GRID.map(String)],
    grid.map((rowRuns, i) => [String(BANDWIDTH_GRID[i]), ...rowRuns.map((r) => String(r.cycles))]),
    'r'.repeat(BANDWIDTH_GRID.length + 1),
  );
  const picks = [grid[0]![0]!, grid[1]![1]!, grid[2]![2]!];
  const windows = mdTable(
    ['chip, core (B/cycle)', 'cycles', 'core 1 store (critical)', 'core 0 store'],
    picks.map((r) => [`${r.chip}, ${r.core}`, String(r.cycles), win(r.critical), win(r.other)]),
    ' r',
  );
  const cubeTables = CUBE_EXAMPLES.map((ex) => {
    const s = ex.spec;
    const t = ex.tiling;
    const table = mdTable(
      ['cube', 'cycles', 'first fixpipe', 'GM -> L1 load it overlaps'],
      runCubeVariants(ex).map((r) => [r.label, String(r.cycles), win(r.fixpipe), win(r.load)]),
      ' r',
    );
    return `INT8 matmul ${s.m} x ${s.k} x ${s.n}${s.bias ? ' with bias' : ''} on one \`${ex.preset}\` AIC, tiling baseM ${t.baseM}, baseN ${t.baseN}, baseK ${t.baseK}, stepK ${t.stepK}, double buffering everywhere:\n\n${table}`;
  });
  return `## 4. Properties and where monotonicity fails

test/properties.test.ts checks, with fast-check on random INT8 matmuls (ops-nn generateMatmul, timing-only
and functional, small shapes, tiny / tiny-sep / ascend910b, fixed seeds):

- no run beats the compute bound (each core's ideal cube cycles; all MACs at the peak rate of the cores
  used) or the bandwidth bound (GM bytes over the chip's bandwidth, a core's GM bytes over its port, a
  path's bytes over its rate);
- timing-only and functional runs give the same cycles and statistics; the same launch gives the same
  result twice;
- with GM sharing taken out (every core's port and the chip wide enough for all its transfers at their
  path rates), no cube latency, faster GM paths or faster on-chip paths
  never make a fixed-tiling matmul slower (the tiling fixed, so every variant runs the same program), and
  faster paths or vector units never slow random two-core load / compute / store pipelines. Without
  sharing every event time is a max/+ expression of the costs, so this holds by construction; the test
  guards the engine against breaking it.

With sharing it does not hold, and the model says so rather than hiding it: GM sharing is max-min fair
and knows nothing about critical paths, so anything that makes a non-critical transfer start earlier can
put it in the window of a critical one. Two examples, both simulated here and tested explicitly:

### 4.1 More GM bandwidth, slower

Two cores of \`tiny\`, GM paths at ${BANDWIDTH_PATH_RATE} B/cycle. Core 0 loads 6000 B, works 25 vector
repeats and stores 3000 B that nobody waits for; core 1 works 107 repeats, stores 1500 B and then works 200
repeats, so its store is on the critical path. Total cycles by chip and core GM bandwidth (B/cycle):

${gridTable}

Raising both from 60 to 80 B/cycle costs ${picks[1]!.cycles - picks[0]!.cycles} cycles. At 60 core 0's load ends late enough that its
store starts after core 1's store has streamed alone; at 80 the load ends sooner, core 0's store
overlaps core 1's, and the critical store streams at half the chip instead of at its port's rate:

${windows}

Raising only the chip (rows, at core 80) or only the ports (columns, at chip 80) shows the same
effect. Program:

\`\`\`
${disassemble(assemble(BANDWIDTH_PROGRAM)).trimEnd()}
\`\`\`

### 4.2 A faster cube, slower

Every variant runs the same program (checked by the test).

${cubeTables.join('\n\n')}

With no cube latency the first output tile's fixpipe (L0C -> GM) starts earlier, inside the GM -> L1 load
of the next chunk; the two share the AIC's GM port, the load the cube waits for ends later, and the
delay carries through the rest of the kernel (and the next fixpipe moves again, and so on).
`;
}

/** The whole document, from the presets in this tree and the measured tables in `dir`. */
export function renderTimingDoc(dir: string = defaultMeasuredDir(), comparison?: Comparison): string {
  const c = comparison ?? compareAll(dir);
  return `# Timing model

<!-- Generated by scripts/timing-doc.ts (npm run timing:doc) from hw/config/presets.ts and docs/measured.
     Do not edit by hand: test/timing-model.test.ts fails when this file differs from a fresh run. -->

How aicore-sim turns a program into cycles (section 1), every parameter of every preset with its source
(section 2), how the default preset \`ascend910b\` compares with the vendor's measured curves when one
instruction is simulated per measured point (section 3), and what the property tests check, including the
cases where more hardware makes a program slower (section 4), and the L2 hit and miss microbenchmarks
(section 5).

${rulesSection()}
${paramsSection(presetsSource())}
${validationSection(c)}
${propertiesSection()}
${l2MicroSection()}`;
}
