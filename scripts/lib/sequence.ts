/**
 * One launch as the next of a sequence (ops-nn/launch-sequence.ts): placed in the chip's memory, on
 * the L2 the sequence keeps, and recorded so the next launch can start warm. exec, regress and the
 * ResNet-50 table all run their launches through here.
 */
import { simulate, type Launch, type SimResult } from '../../hw/simulate.js';
import type { Carry, LaunchSequence } from '../../ops-nn/launch-sequence.js';
import type { TensorDesc } from '../../ops-nn/kernel.js';
import type { SanitizerReport } from '../../hw/sanitizer/sanitizer.js';

/** `run`: what simulates the placed launch (default `simulate`; a traced run writes its files too). */
export function simulateInSequence(sequence: LaunchSequence, launch: Omit<Launch, 'l2' | 'gmPlacement'>, tensors: readonly TensorDesc[], carries?: readonly Carry[], run: (l: Launch) => SimResult = simulate): SimResult {
  const gmBytes = typeof launch.gm === 'number' ? launch.gm : launch.gm.length;
  const place = sequence.launch(tensors, gmBytes, carries);
  const r = run({ ...launch, ...(place.l2 ? { l2: place.l2 } : {}), gmPlacement: place.gmPlacement });
  sequence.finished(r);
  return r;
}

/**
 * One result for launches run one after another (a K-split GEMM's partial launch and reduction):
 * cycles add, every launch's cores are listed (numbered on from the launch before, so a summary of
 * the whole sees each core once), GM and the L2 are the last launch's, the L2 start the first's, and
 * sanitizer findings add up.
 */
export function sequenceResult(results: readonly SimResult[]): SimResult {
  if (results.length === 1) return results[0]!;
  const last = results[results.length - 1]!;
  let base = 0;
  const cores = results.flatMap((r) => {
    const out = r.cores.map((c) => ({ ...c, core: c.core + base }));
    base += r.cores.length;
    return out;
  });
  const reports = results.map((r) => r.sanitizer).filter((s) => s !== undefined);
  const sanitizer = reports.length
    ? { findings: reports.flatMap((s) => s.findings), counts: Object.fromEntries(Object.keys(reports[0]!.counts).map((k) => [k, reports.reduce((n, s) => n + (s.counts as Record<string, number>)[k]!, 0)])) as SanitizerReport['counts'] }
    : undefined;
  return {
    ...last,
    cycles: results.reduce((n, r) => n + r.cycles, 0),
    cores,
    stats: results.flatMap((r) => r.stats),
    coreInfo: results.flatMap((r) => r.coreInfo),
    programs: results.flatMap((r) => r.programs),
    l2Start: results[0]!.l2Start,
    ...(sanitizer ? { sanitizer } : {}),
  };
}
