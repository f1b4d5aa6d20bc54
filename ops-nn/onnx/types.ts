/**
 * ONNX operators as host programs. An operator takes host tensors, attributes and the chip config and
 * yields the kernel launches it needs, in order (programs and GM layout, with the GM image to start
 * from); whoever runs it sends each launch's GM back after the run and finally receives the output.
 * ops-nn never runs a kernel itself: the simulator is the caller's (scripts/lib/exec/driver.ts).
 */
import type { Carry } from '../launch-sequence.js';
import type { HwConfig } from '../../hw/config/types.js';
import type { VectorRequant } from '../gemm/spec.js';
import type { Kernel } from '../kernel.js';
import { checkNode, type NodeAttrs, type NodeInputs, type OperatorContract } from './contract.js';
import type { HostTensor } from './tensor.js';

/** Where the epilogue of a conv or matmul runs: fused in the fixpipe, on the vector unit through UB,
 * or as a separate requant kernel through GM. */
export const FUSIONS = ['fixpipe', 'ub', 'gm'] as const;
export type Fusion = (typeof FUSIONS)[number];

export interface OperatorOptions {
  /** epilogue placement of conv and matmul; default: the fastest exact one for the preset */
  readonly fusion?: Fusion;
  /** arithmetic of a requantisation on the vector unit (fusion 'ub'); default 'exact', the only one
   * that matches ONNX Runtime on every input (ops-nn/gemm/spec.ts, docs/quantisation.md) */
  readonly vectorRequant?: VectorRequant;
  /** where a depthwise conv (group = C = OC) runs: 'vector' (the depthwise vector kernel) or 'cube'
   * (img2col GEMM per group); default 'vector', or 'cube' when `fusion` or `vectorRequant` is given */
  readonly depthwise?: 'vector' | 'cube';
  /** tiling fields to fix in the operator's main kernel (the GEMM, or the depthwise kernel); the rest
   * come from its default tiler. For `run <kernel>`, so a functional run takes the flags a timing-only
   * one does; the generator checks them. */
  readonly tiling?: Readonly<Record<string, number | boolean | string>>;
}

/** One kernel launch: the kernel (programs, block count, GM layout, notes) and its initial GM. */
export interface KernelLaunch {
  readonly kernel: Kernel;
  readonly gm: Uint8Array;
  /** what the host does around this launch that a user should know (added to the kernel's notes) */
  readonly hostNotes?: readonly string[];
  /** tensors that hold what an earlier launch of the operator wrote, for the L2 (ops-nn/launch-sequence.ts) */
  readonly carries?: readonly Carry[];
}

/** A host program: yields launches, receives each launch's GM after the run, returns its result. */
export type HostProgram<T> = Generator<KernelLaunch, T, Uint8Array>;

/** An ONNX operator: its contract and the host program that computes its single output. */
export interface OnnxOperator extends OperatorContract {
  /** Inputs and attributes must satisfy the contract (checkNode); throws OpError for what the
   * kernels do not support. */
  run(inputs: NodeInputs, attrs: NodeAttrs, cfg: HwConfig, opts: OperatorOptions): HostProgram<HostTensor>;
}

/**
 * Runs a host program to its end with `launch` doing each kernel launch (returning GM after it):
 * the one loop every caller of an operator shares.
 */
export function drive<T>(program: HostProgram<T>, launch: (l: KernelLaunch) => Uint8Array): T {
  let step = program.next();
  while (!step.done) step = program.next(launch(step.value));
  return step.value;
}

/** An operator from its contract and host program; `run` checks the node against the contract first. */
export function defineOperator(contract: OperatorContract, run: OnnxOperator['run']): OnnxOperator {
  return {
    ...contract,
    run(inputs, attrs, cfg, opts) {
      checkNode(contract, inputs, attrs);
      return run(inputs, attrs, cfg, opts);
    },
  };
}
