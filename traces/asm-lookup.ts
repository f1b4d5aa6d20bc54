/**
 * Assembly text for trace records. Records carry only (core, pc); the text comes from the decoded
 * program of the core's kind. simulate() hands its decoded programs back only after the run, but
 * decoding is deterministic, so the lookup decodes the launch's programs itself (lazily, once per
 * kind) and gives the same text simulate() uses in its error messages.
 */
import type { HwConfig, CoreKind } from '../hw/config/types.js';
import { decodeProgram, type DecodedProgram } from '../hw/engine/decode.js';
import type { CoreInfo } from '../hw/engine/records.js';
import type { Launch } from '../hw/simulate.js';

/**
 * Assembly text of `pc` on a core. It receives the CoreInfo (not just the core id) because the
 * program depends on the core's kind, which only the engine's `begin()` tells the sinks.
 */
export type AsmLookup = (core: CoreInfo, pc: number) => string;

/** The lookup for a launch's programs; texts are cached per (kind, pc) so each is formatted once. */
export function asmForLaunch(cfg: HwConfig, programs: Launch['programs']): AsmLookup {
  const decoded = new Map<string, DecodedProgram | null>();
  const cache = new Map<string, (string | undefined)[]>();
  const programOf = (kind: string): DecodedProgram | null => {
    let d = decoded.get(kind);
    if (d === undefined) {
      const prog = programs[kind as CoreKind];
      // Same `who` as simulate(), so a decode error reads the same whichever runs first.
      d = prog ? decodeProgram(prog, kind as CoreKind, cfg, `${kind} program`) : null;
      decoded.set(kind, d);
    }
    return d;
  };
  return (core, pc) => {
    let texts = cache.get(core.kind);
    if (!texts) cache.set(core.kind, (texts = []));
    let t = texts[pc];
    if (t === undefined) t = texts[pc] = programOf(core.kind)?.text(pc) ?? '';
    return t;
  };
}
