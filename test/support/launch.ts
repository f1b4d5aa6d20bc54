/**
 * The one launch helper of the tests: a generated kernel on the simulator (functional on a GM image,
 * or timing-only), and an ONNX operator's host program (ops-nn/onnx) driven launch by launch, so
 * operator tests need nothing from scripts/.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { simulate, type Launch, type SimMode, type SimResult } from '../../hw/simulate.js';
import { gmBytesMoved } from '../../hw/stats.js';
import type { SanitizerReport } from '../../hw/sanitizer/sanitizer.js';
import type { Kernel } from '../../ops-nn/kernel.js';
import { readTensor, vectorGmImage, type VectorKernel } from '../../ops-nn/vector/index.js';
import { drive, operatorFor, type HostTensor, type NodeAttrs, type NodeInputs, type OnnxOperator, type OperatorOptions } from '../../ops-nn/onnx/index.js';

/** Runs `k` functionally on `image`, or timing-only when no image is given. */
export function launchKernel(cfg: HwConfig, k: Kernel, image?: Uint8Array, more: Pick<Launch, 'runAhead' | 'sink' | 'maxCycles' | 'sanitize'> = {}): SimResult {
  const gm = image ?? k.gmBytes;
  return simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm, mode: image ? 'functional' : 'timing', ...more });
}

/** Runs a vector kernel on named input bytes (or timing-only); returns the result and a reader of its output tensors. */
export function launchVector(cfg: HwConfig, k: VectorKernel, inputs: Readonly<Record<string, Uint8Array>>, mode: SimMode = 'functional') {
  const r = launchKernel(cfg, k, mode === 'functional' ? vectorGmImage(k, inputs) : undefined);
  return { r, out: (name: string) => readTensor(k, r.gm!, name) };
}

/** What one kernel launch of an operator cost. */
export interface LaunchCost {
  readonly name: string;
  readonly cycles: number;
  readonly gmBytes: number;
  /** the kernel's notes, then the host's around this launch */
  readonly notes: readonly string[];
  /** with `sanitize`: the sanitizer's report of this launch */
  readonly sanitizer?: SanitizerReport;
}

/** An operator's output and the launches that made it, in order. */
export interface OperatorRun {
  readonly y: HostTensor;
  readonly cycles: number;
  readonly kernels: readonly LaunchCost[];
}

/** Runs ONNX operator `op` (or its op type) functionally on `cfg`. */
export function runOnnx(op: OnnxOperator | string, inputs: NodeInputs, attrs: NodeAttrs, cfg: HwConfig, opts: OperatorOptions & { sanitize?: boolean } = {}): OperatorRun {
  const o = typeof op === 'string' ? operatorFor(op) : op;
  const kernels: LaunchCost[] = [];
  const y = drive(o.run(inputs, attrs, cfg, opts), (l) => {
    const r = launchKernel(cfg, l.kernel, l.gm, opts.sanitize ? { sanitize: true } : {});
    kernels.push({ name: l.kernel.name, cycles: r.cycles, gmBytes: gmBytesMoved(r.cores), notes: [...l.kernel.notes, ...(l.hostNotes ?? [])], ...(r.sanitizer ? { sanitizer: r.sanitizer } : {}) });
    return r.gm!;
  });
  return { y, cycles: kernels.reduce((s, k) => s + k.cycles, 0), kernels };
}
