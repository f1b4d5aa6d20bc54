/**
 * Whether a candidate tiling is legal, by the generator's own check (ops-nn/gemm/tiling.ts
 * checkGemmTiling, the one every kernel build runs), and why not: the check's message with the
 * tiling it quotes left off, and the rule it breaks, named from the message by a table, so the
 * search reports rejections in the validation's words without a second copy of its rules.
 */
import { SimError } from '../../../hw/engine/errors.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { checkGemmTiling, kSlices, partialProblem, type GemmTiling } from '../../../ops-nn/gemm/index.js';
import type { TuneSubject } from './subject.js';

export interface Rejection {
  /** the rule broken, e.g. "L0C overflow", "alignment", "core grid" */
  readonly rule: string;
  /** the validation's message, e.g. "L0C needs 262144 bytes but ascend910b has 131072 (over by 131072); ..." */
  readonly reason: string;
}

/** Rule names by the start of the validation's message (first match wins). */
const RULES: readonly (readonly [RegExp, (m: RegExpExecArray) => string])[] = [
  [/^(\w+) needs \d+ bytes/, (m) => `${m[1]} overflow`],
  [/must be a (positive )?multiple/, () => 'alignment'],
  [/fractals per LoadData|mmad sizes/, () => 'instruction limit'],
  [/core grid|gridN/, () => 'core grid'],
  [/^splitK/, () => 'K split'],
  [/^blockDim/, () => 'block count'],
  [/aResident/, () => 'resident A'],
];

/** The rule a validation message names. */
export function ruleOf(reason: string): string {
  for (const [re, name] of RULES) {
    const m = re.exec(reason);
    if (m) return name(m);
  }
  return 'other';
}

/** The message without its "tiling {...}: " prefix (the candidate is reported beside it). */
const reasonOf = (message: string): string => message.replace(/^tiling \{[^}]*\}: /, '');

/**
 * A rejection from an OpError a check or a kernel build threw, or from a SimError the simulation of
 * a kernel the check accepted threw (its first sentence kept; a deadlock is called a generator bug);
 * other errors are bugs of the search and pass through.
 */
export function rejectionOf(e: unknown): Rejection {
  if (e instanceof SimError) {
    const first = e.message.split('. ')[0]!;
    // a deadlock is the generator's fault; a cycle or instruction limit is the shape's size
    return { rule: 'simulation failed', reason: /^deadlock/.test(first) ? `${first} (the tiling check accepts this tiling, its kernel deadlocks: a generator bug)` : first };
  }
  if (!(e instanceof OpError)) throw e;
  const reason = reasonOf(e.message);
  return { rule: ruleOf(reason), reason };
}

/**
 * Checks a complete tiling against the subject's problem as the generator will: a K split's first
 * launch is the partial GEMM (int32 out), so that is the problem its buffers are checked for.
 */
export function checkCandidate(s: TuneSubject, t: GemmTiling): Rejection | undefined {
  const p = kSlices(t) > 1 ? partialProblem(s.problem, s.cfg) : s.problem;
  try {
    checkGemmTiling(p, t, s.cfg);
    return undefined;
  } catch (e) {
    return rejectionOf(e);
  }
}
