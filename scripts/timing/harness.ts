/**
 * Runs one instruction alone on one core of a chip and reports its cycles as the engine timed them:
 * the microbenchmark behind every simulated point of docs/timing-model.md. Nothing here evaluates a
 * cost formula; the answer comes from a real (timing-only) simulation.
 */
import { assemble } from '../../isa/asm.js';
import { simulate } from '../../hw/simulate.js';
import type { CoreKind, HwConfig } from '../../hw/config/types.js';
import type { InsnRecord } from '../../hw/engine/records.js';
import type { Pipe } from '../../isa/types.js';

/** GM size of a microbenchmark launch: room for the largest measured transfer (512 KiB) and more. */
const GM_BYTES = 1 << 22;

export interface OneInsnRun {
  /** start-to-completion cycles of the instruction (what the vendor tables report per instruction) */
  readonly cycles: number;
  /** cycle the instruction started (after the scalar unit issued it) */
  readonly start: number;
  /** cycle the whole launch finished */
  readonly total: number;
}

/**
 * The program for one core kind. A separated chip launches every AIV of a group with the same program,
 * so AIVs other than block 0 skip the body: the measured core then has GM to itself, as in the
 * vendor's single-core tables.
 */
function programText(kind: CoreKind, body: readonly string[]): string {
  if (kind !== 'aiv') return [...body, 'end', ''].join('\n');
  return ['bidx x1', 'li x2, 0', 'bne x1, x2, idle', ...body, 'idle:', 'end', ''].join('\n');
}

export interface LinesRun {
  /** trace records of core 0 (block 0 of `kind`), in record order */
  readonly records: readonly InsnRecord[];
  /** cycle the body's first instruction is issued (after the AIV guard, 0 otherwise) */
  readonly offset: number;
  /** cycle the whole launch finished */
  readonly total: number;
}

/**
 * Simulates `body` (assembly lines) on block 0 of `kind`, other blocks of that kind idle. The body runs
 * twice and the second run is reported: it finds the L2 warm, as the vendor's tables were measured
 * (repeated runs on an idle chip; docs/timing-model.md §L2 cache and HBM).
 */
export function runLines(cfg: HwConfig, kind: CoreKind, body: readonly string[]): LinesRun {
  const records: InsnRecord[] = [];
  const program = assemble(programText(kind, body), `${kind} microbenchmark`);
  const launch = { config: cfg, programs: { [kind]: program }, blockDim: 1, gm: GM_BYTES, mode: 'timing' } as const;
  const warm = simulate(launch).l2;
  const r = simulate({ ...launch, l2: warm, sink: { insn: (rec) => records.push(rec) } });
  const mine = records.filter((x) => x.core === 0);
  const guard = kind === 'aiv' ? mine.find((x) => x.op === 'bne') : undefined;
  return { records: mine, offset: guard ? guard.end : 0, total: r.cycles };
}

/** Simulates `insn` (assembly text) alone on block 0 of `kind` and returns its timing. */
export function runOne(cfg: HwConfig, kind: CoreKind, insn: string): OneInsnRun {
  const r = runLines(cfg, kind, [insn]);
  const op = insn.trim().split(/\s+/)[0];
  const rec = r.records.find((x) => x.op === op);
  if (!rec) throw new Error(`internal: no trace record of '${insn}' on core 0`);
  return { cycles: rec.end - rec.start, start: rec.start, total: r.total };
}

/** The core kind that runs `needs` on `cfg`: the coupled core, or the AIC / AIV that has the buffers. */
export function kindFor(cfg: HwConfig, needs: { bufs: readonly string[]; pipe: Pipe }): CoreKind | null {
  for (const [kind, k] of Object.entries(cfg.coreKinds) as [CoreKind, NonNullable<HwConfig['coreKinds'][CoreKind]>][]) {
    const bufs = Object.keys(k.buffers);
    if (k.pipes.includes(needs.pipe) && needs.bufs.every((b) => b === 'GM' || bufs.includes(b))) return kind;
  }
  return null;
}
