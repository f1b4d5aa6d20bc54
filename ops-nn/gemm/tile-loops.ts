/**
 * Runs of tiles as scalar loops. Within a block, consecutive tiles often run the same code but for
 * addresses that move on by a constant per tile: the B columns and output columns of the tiles along
 * a tile row, the L1 and L0 slots every two tiles (ping-pong). The block is generated straight-line;
 * each run of tiles (or pairs of tiles) whose code is the same instruction for instruction, with
 * every address an arithmetic progression over the run, becomes one loop body whose moving operands
 * address through registers that the loop steps on (one register per distinct step). Tiles whose
 * code differs (a new A panel or slab, an edge tile) stay straight-line.
 */
import type { Insn } from '../../isa/program.js';
import type { MemRef } from '../../isa/types.js';
import { fieldsOf, operandsOf, rewritten, sameInsns, type Run, type Span } from './loop-fold.js';

/** Registers a tile loop may step (one per distinct address step). */
const FIRST_STEP_REG = 12;
const STEP_REGS = 16;
/** Fewer trips than this are not worth the loop's scalar instructions. */
const MIN_TRIPS = 3;

/** Same buffer and both plain addresses (no register): the operands a tile loop can step. */
const plainAlike = (u: MemRef, v: MemRef) => u.buf === v.buf && u.base === -1 && v.base === -1;

/** The address step of every memory operand from the n instructions at a to those at b. */
function stepsBetween(insns: readonly Insn[], a: number, b: number, n: number): number[] {
  const steps: number[] = [];
  for (let k = 0; k < n; k++)
    for (const o of operandsOf(insns[a + k]!.op))
      if (o.mem) steps.push((fieldsOf(insns[b + k]!)[o.name] as MemRef).off - (fieldsOf(insns[a + k]!)[o.name] as MemRef).off);
  return steps;
}

/** The longest foldable run from segment s: its period (1 or 2 tiles), trips and per-operand steps. */
function findRun(insns: readonly Insn[], segs: readonly Span[], s: number): { period: number; trips: number; steps: number[] } | undefined {
  for (const period of [1, 2]) {
    const group = (k: number): Span | undefined => {
      const first = segs[s + k * period];
      const last = segs[s + k * period + period - 1];
      return first && last ? { start: first.start, end: last.end } : undefined;
    };
    const g0 = group(0);
    if (!g0) continue;
    const n = g0.end - g0.start;
    const alike = (g: Span | undefined): g is Span => g !== undefined && g.end - g.start === n && sameInsns(insns, g0.start, g.start, n, plainAlike);
    const g1 = group(1);
    if (!alike(g1)) continue;
    const steps = stepsBetween(insns, g0.start, g1.start, n);
    if (new Set(steps.filter((d) => d !== 0)).size > STEP_REGS) continue;
    let trips = 2;
    for (;;) {
      const g = group(trips);
      if (!alike(g) || !stepsBetween(insns, g0.start, g.start, n).every((d, i) => d === steps[i]! * trips)) break;
      trips++;
    }
    if (trips >= MIN_TRIPS) return { period, trips, steps };
  }
  return undefined;
}

/**
 * A block's tiles (`marks`: the pc where each starts, then the pc after the last) and the runs of
 * alike tiles among them, for emitFolded.
 */
export function tileRuns(insns: readonly Insn[], marks: readonly number[]): { segs: Span[]; runs: Run[] } {
  const segs = marks.slice(0, -1).map((start, i) => ({ start, end: marks[i + 1]! }));
  const runs: Run[] = [];
  for (let s = 0; s < segs.length; ) {
    const found = findRun(insns, segs, s);
    if (!found) {
      s++;
      continue;
    }
    const { period, trips, steps } = found;
    const regOf = new Map<number, number>();
    for (const d of steps) if (d !== 0 && !regOf.has(d)) regOf.set(d, FIRST_STEP_REG + regOf.size);
    // the body's k-th memory operand addresses through its step's register (which starts at 0)
    let k = 0;
    const body = rewritten(insns, segs[s]!.start, segs[s + period - 1]!.end, (m) => {
      const d = steps[k++]!;
      return d === 0 ? m : { ...m, base: regOf.get(d)! };
    });
    runs.push({ first: s, period, trips, regs: [...regOf].map(([step, reg]) => ({ reg, start: 0, step })), body });
    s += trips * period;
  }
  return { segs, runs };
}
