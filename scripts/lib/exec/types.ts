/**
 * The ONNX-node contract of `aicore-sim exec` (DESIGN.md "Command-line contract"): a case names an
 * ONNX operator, its attributes and its inputs by their ONNX names; a runner turns it into one or more
 * simulated kernels and returns the outputs the simulated kernels wrote, with their cycles.
 */
import type { HwConfig } from '../../../hw/config/types.js';

/** ONNX element type names accepted in case files. */
export const ONNX_DTYPES = ['int8', 'uint8', 'int32', 'float32', 'float16'] as const;
export type OnnxDtype = (typeof ONNX_DTYPES)[number];

/** A tensor as written in a case or result file: ONNX row-major data, values (not bits). */
export interface TensorJson {
  readonly dtype: OnnxDtype;
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

export interface OnnxCase {
  readonly op: string;
  /** ONNX attribute names -> values (ints, floats, int lists) */
  readonly attrs?: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, TensorJson>>;
  /** optional label, echoed in errors and results */
  readonly name?: string;
}

/** A validated tensor on the host: typed data (float16 as its float values in a Float32Array). */
export interface HostTensor {
  readonly dtype: OnnxDtype;
  readonly dims: readonly number[];
  readonly data: Int8Array | Uint8Array | Int32Array | Float32Array;
}

/** Epilogue placement for conv and matmul (DESIGN.md "Fusion"). */
export const FUSIONS = ['fixpipe', 'ub', 'gm'] as const;
export type Fusion = (typeof FUSIONS)[number];

export interface RunOptions {
  /** epilogue placement; default: the fastest exact one for the preset */
  readonly fusion?: Fusion;
  /** timing-only mode is not available for exec: outputs must come from the simulated kernels */
  readonly maxCycles?: number;
}

export interface KernelRun {
  readonly name: string;
  readonly cycles: number;
  readonly gmBytes: number;
  readonly notes: readonly string[];
}

export interface NodeResult {
  readonly outputs: Readonly<Record<string, HostTensor>>;
  /** sum over the kernels launched for the node, in launch order */
  readonly cycles: number;
  readonly kernels: readonly KernelRun[];
}

/** Runs one validated case on the simulated chip. Throws OpError for unsupported combinations. */
export type NodeRunner = (inputs: Readonly<Record<string, HostTensor>>, attrs: Readonly<Record<string, unknown>>, cfg: HwConfig, opts: RunOptions) => NodeResult;
