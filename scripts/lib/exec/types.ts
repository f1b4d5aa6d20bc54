/**
 * The contract of `aicore-sim exec` (docs/exec.md): a case names an ONNX
 * operator, its attributes and its inputs by their ONNX names; a runner turns it into simulated
 * kernel launches and returns the outputs the simulated kernels wrote, with their cycles.
 */
import type { L2Policy } from '../../../ops-nn/launch-sequence.js';
import type { L2Start, Launch, SimResult } from '../../../hw/simulate.js';
import type { Kernel } from '../../../ops-nn/kernel.js';
import type { LevelBytes } from '../../../hw/stats.js';
import type { HwConfig } from '../../../hw/config/types.js';
import type { SanitizerReport } from '../../../hw/sanitizer/sanitizer.js';
import type { HostTensor, NodeAttrs, NodeInputs, OperatorOptions, TensorJson } from '../../../ops-nn/onnx/index.js';

export interface OnnxCase {
  readonly op: string;
  /** ONNX attribute names -> values (ints, floats, int lists, strings) */
  readonly attrs?: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, TensorJson>>;
  /** optional label, echoed in errors and results */
  readonly name?: string;
}

export interface RunOptions extends OperatorOptions {
  /** stop a kernel with an error past this many cycles (exec always runs functionally: outputs must
   * come from the simulated kernels) */
  readonly maxCycles?: number;
  /** stop a kernel with an error past this many instructions (all cores; hw/simulate.ts Launch) */
  readonly maxInstructions?: number;
  /** run every kernel under the sanitizer (hw/sanitizer): findings are reported per kernel */
  readonly sanitize?: boolean;
  /** the L2 between an operator's launches: warm from the previous one (default) or flushed before each */
  readonly l2?: L2Policy;
  /** exec --trace-dir: how launch `index` (0-based) of the node is simulated so its trace is written */
  readonly traceLaunch?: (index: number, kernel: Kernel) => (l: Launch) => SimResult;
  /** exec --trace-dir: traceLaunch for the case labelled `label` (execCases sets traceLaunch from it) */
  readonly traceCase?: (label: string) => NonNullable<RunOptions['traceLaunch']>;
}

export interface KernelRun {
  readonly name: string;
  readonly cycles: number;
  readonly gmBytes: number;
  readonly notes: readonly string[];
  /** cube kernels: MACs issued to the cube, and the operator's real ones (no padding, no zero-point pieces) */
  readonly macs?: number;
  readonly usefulMacs?: number;
  /** with RunOptions.sanitize: what the sanitizer found in this kernel */
  readonly sanitizer?: SanitizerReport;
  /** how the launch's L2 started, and its GM bytes by level (absent in results read from older JSON) */
  readonly l2Start?: L2Start;
  readonly memory?: LevelBytes;
}

export interface NodeResult {
  readonly outputs: Readonly<Record<string, HostTensor>>;
  /** sum over the kernels launched for the node, in launch order */
  readonly cycles: number;
  readonly kernels: readonly KernelRun[];
}

/** Runs one validated case. Throws OpError for unsupported combinations. */
export type NodeRunner = (inputs: NodeInputs, attrs: NodeAttrs, cfg: HwConfig, opts: RunOptions) => NodeResult;
