/**
 * What the engine reports to observers (trace writers): one record per instruction when its end is
 * known. Records are only built when a sink is attached, so an untraced run pays nothing for them.
 */
import type { Mnemonic } from '../../isa/opcodes.js';
import type { Pipe } from '../../isa/types.js';
import type { PathName } from '../config/types.js';

export interface InsnRecord {
  /** sequential id, unique within a run (used for flow arrows) */
  readonly id: number;
  readonly core: number;
  readonly pipe: Pipe;
  readonly pc: number;
  readonly op: Mnemonic;
  /** cycle the scalar unit issued it into the pipe's queue (scalar instructions: their start) */
  readonly issue: number;
  /** cycle it started executing */
  readonly start: number;
  /** cycle its results were complete (set_flag: the cycle the flag was set; wait_flag: released) */
  readonly end: number;
  /** id of the set_flag / cross_set record that released this wait, or -1 */
  readonly flowFrom: number;
  readonly path: PathName | null;
  readonly bytes: number;
}

export interface CoreInfo {
  readonly core: number;
  readonly kind: string;
  readonly blockIdx: number;
  readonly pipes: readonly Pipe[];
}

/** Receives records as the run proceeds, in a deterministic order. */
export interface TraceSink {
  begin?(cores: readonly CoreInfo[]): void;
  insn(rec: InsnRecord): void;
}
