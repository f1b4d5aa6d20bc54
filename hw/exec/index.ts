/**
 * Functional semantics per instruction family. Scalar, branch and sync instructions are executed by
 * the engine itself (they change control state, not buffers), so they have no entry here.
 */
import type { Family } from '../../isa/opcodes.js';
import type { Insn } from '../../isa/program.js';
import type { Addrs, ExecContext, FamilyExec } from './context.js';
import { execCopy, execL0cUb, execLoad2d, execNd2Nz } from './data-movement.js';
import { execMmad } from './cube.js';
import { execBcastUbL0c, execL0cUbDeq, execL0cUbF322F16, execL0cUbVdeq } from './enhanced-copy.js';
import { execFixpipe } from './fixpipe.js';
import { execLoad3d } from './load3d.js';
import { VECTOR_EXEC } from './vector.js';

/** Semantics as the engine holds them, for an instruction of any family. */
export type ExecFn = (ctx: ExecContext, insn: Insn, a: Addrs) => void;

/** Semantics per family, each typed for its own family's instructions; null: the engine executes it. */
export const EXEC: { readonly [F in Family]: FamilyExec<F> | null } = {
  scalar: null,
  branch: null,
  sync: null,
  dma: execCopy,
  nd2nz: execNd2Nz,
  load2d: execLoad2d,
  load3d: execLoad3d,
  mmad: execMmad,
  fixpipe: execFixpipe,
  'l0c-ub': execL0cUb,
  'l0c-ub-deq': execL0cUbDeq,
  'l0c-ub-vdeq': execL0cUbVdeq,
  'l0c-ub-f322f16': execL0cUbF322F16,
  'ub-l0c-bcast': execBcastUbL0c,
  ...VECTOR_EXEC,
};

/**
 * The semantics of `family`, widened to take any instruction: the decoder calls it only with
 * instructions of that family, so the widening is sound (the one cast of this table).
 */
export const execOf = (family: Family): ExecFn | null => EXEC[family] as ExecFn | null;
