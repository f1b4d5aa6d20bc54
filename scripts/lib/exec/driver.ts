/**
 * The driver of the ONNX operators: runs an operator's host program (ops-nn/onnx) on the simulator,
 * each kernel launch functionally, and records what every launch cost (cycles, GM bytes, notes).
 */
import { simulateInSequence } from '../sequence.js';
import type { HwConfig } from '../../../hw/config/types.js';
import { gmBytesMoved, levelTotals } from '../../../hw/stats.js';
import { LaunchSequence } from '../../../ops-nn/launch-sequence.js';
import { drive, operatorFor, type KernelLaunch, type NodeAttrs, type NodeInputs, type OnnxOperator } from '../../../ops-nn/onnx/index.js';
import type { KernelRun, NodeResult, RunOptions } from './types.js';

/**
 * Runs one launch functionally, as the next of `sequence` (default: a sequence of its own, so a flushed
 * L2); returns GM after it and the launch's record.
 */
export function runKernelLaunch(cfg: HwConfig, l: KernelLaunch, opts: RunOptions, sequence = new LaunchSequence('flushed'), index = 0): { gm: Uint8Array; run: KernelRun } {
  const k = l.kernel;
  const launch = {
    config: cfg,
    programs: k.programs,
    blockDim: k.blockDim,
    gm: l.gm,
    mode: 'functional' as const,
    ...(opts.maxCycles !== undefined ? { maxCycles: opts.maxCycles } : {}),
    ...(opts.maxInstructions !== undefined ? { maxInstructions: opts.maxInstructions } : {}),
    ...(opts.sanitize ? { sanitize: true } : {}),
  };
  const r = simulateInSequence(sequence, launch, k.tensors, l.carries, opts.traceLaunch?.(index, k));
  const notes = l.hostNotes && l.hostNotes.length > 0 ? [...k.notes, ...l.hostNotes] : k.notes;
  const macs = r.cores.reduce((s, c) => s + c.macs, 0);
  const mac = k.usefulMacs === undefined ? {} : { macs, usefulMacs: k.usefulMacs };
  const run: KernelRun = { name: k.name, cycles: r.cycles, gmBytes: gmBytesMoved(r.cores), notes, ...mac, ...(r.sanitizer ? { sanitizer: r.sanitizer } : {}), l2Start: r.l2Start, memory: levelTotals(r.cores) };
  return { gm: r.gm!, run };
}

/**
 * Runs ONNX node `op` (an operator or its op type) on the simulated chip: the output under its ONNX
 * name, the kernels launched in order and their total cycles. Throws OpError for a node the
 * operator's contract or kernels do not accept.
 */
export function runOperator(op: OnnxOperator | string, inputs: NodeInputs, attrs: NodeAttrs, cfg: HwConfig, opts: RunOptions = {}): NodeResult {
  const o = typeof op === 'string' ? operatorFor(op) : op;
  const kernels: KernelRun[] = [];
  const sequence = new LaunchSequence(opts.l2 ?? 'warm');
  const y = drive(o.run(inputs, attrs, cfg, opts), (l) => {
    const r = runKernelLaunch(cfg, l, opts, sequence, kernels.length);
    kernels.push(r.run);
    return r.gm;
  });
  return { outputs: { [o.output]: y }, cycles: kernels.reduce((s, k) => s + k.cycles, 0), kernels };
}
