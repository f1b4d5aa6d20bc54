/**
 * One launch as the next of a sequence (ops-nn/launch-sequence.ts): placed in the chip's memory, on
 * the L2 the sequence keeps, and recorded so the next launch can start warm. exec, regress and the
 * ResNet-50 table all run their launches through here.
 */
import { simulate, type Launch, type SimResult } from '../../hw/simulate.js';
import type { Carry, LaunchSequence } from '../../ops-nn/launch-sequence.js';
import type { TensorDesc } from '../../ops-nn/kernel.js';

export function simulateInSequence(sequence: LaunchSequence, launch: Omit<Launch, 'l2' | 'gmPlacement'>, tensors: readonly TensorDesc[], carries?: readonly Carry[]): SimResult {
  const gmBytes = typeof launch.gm === 'number' ? launch.gm : launch.gm.length;
  const place = sequence.launch(tensors, gmBytes, carries);
  const r = simulate({ ...launch, ...(place.l2 ? { l2: place.l2 } : {}), gmPlacement: place.gmPlacement });
  sequence.finished(r);
  return r;
}
