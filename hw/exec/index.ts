/**
 * Functional semantics per instruction family. Scalar, branch and sync instructions are executed by
 * the engine itself (they change control state, not buffers), so they have no entry here.
 */
import type { Family } from '../../isa/opcodes.js';
import type { Insn } from '../../isa/program.js';
import type { Addrs, ExecContext } from './context.js';
import { execCopy, execL0cUb, execLoad2d, execNd2Nz } from './data-movement.js';
import { execMmad } from './cube.js';
import { execFixpipe } from './fixpipe.js';
import { execLoad3d } from './load3d.js';
import { VECTOR_EXEC } from './vector.js';

export type ExecFn = (ctx: ExecContext, insn: Insn, a: Addrs) => void;
const as = (f: (ctx: ExecContext, insn: never, a: Addrs) => void) => f as unknown as ExecFn;

export const EXEC: Readonly<Record<Family, ExecFn | null>> = {
  scalar: null,
  branch: null,
  sync: null,
  dma: as(execCopy),
  nd2nz: as(execNd2Nz),
  load2d: as(execLoad2d),
  load3d: as(execLoad3d),
  mmad: as(execMmad),
  fixpipe: as(execFixpipe),
  'l0c-ub': as(execL0cUb),
  'vec-mask': as(VECTOR_EXEC['vec-mask']),
  'vec-binary': as(VECTOR_EXEC['vec-binary']),
  'vec-scalar': as(VECTOR_EXEC['vec-scalar']),
  'vec-axpy': as(VECTOR_EXEC['vec-axpy']),
  'vec-unary': as(VECTOR_EXEC['vec-unary']),
  'vec-dup': as(VECTOR_EXEC['vec-dup']),
  'vec-conv': as(VECTOR_EXEC['vec-conv']),
  'vec-reduce': as(VECTOR_EXEC['vec-reduce']),
};
