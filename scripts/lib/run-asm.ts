/**
 * The `asm` job as a library call: assemble a program, launch it on a preset (timing-only by
 * default, since a hand-written program comes without input data; functional on a zeroed GM) and
 * optionally write the trace and reports. Launch defaults come from the file's directives.
 */
import type { L2Policy } from '../../ops-nn/launch-sequence.js';
import { basename } from 'node:path';
import { loadConfig } from '../../hw/config/load.js';
import type { CoreKind, HwConfig } from '../../hw/config/types.js';
import type { SimMode, SimResult } from '../../hw/simulate.js';
import { assemble } from '../../isa/asm.js';
import type { Program } from '../../isa/program.js';
import type { OpSummary } from '../../traces/index.js';
import { parseDirectives, type AsmDirectives } from './asm-directives.js';
import { JobError } from './job-error.js';
import { runLaunch, type TraceOptions } from './outputs.js';

/** GM size when neither a flag nor a directive gives one. */
export const DEFAULT_GM_BYTES = 16 * 2 ** 20;
/** Largest GM a functional run allocates. */
const MAX_FUNCTIONAL_GM = 2 ** 31;

/** What to run. Unset fields come from the file's directives, then from the defaults. */
export interface AsmJobOptions {
  /** the assembly text */
  readonly text: string;
  /** file name for messages (default '<input>') */
  readonly source?: string;
  /** default 'ascend910b' */
  readonly preset?: string;
  readonly configOverrides?: unknown;
  /** blocks to launch (default 1) */
  /** blocks to launch, or 'all': every core (AIC group) of the preset */
  readonly blockDim?: number | 'all';
  /** GM size in bytes (default 16 MiB) */
  readonly gm?: number;
  /** core kind that runs the program (default: 'coupled' on coupled presets, else 'aic') */
  readonly kind?: CoreKind;
  /** default 'timing' */
  readonly mode?: SimMode;
  readonly maxCycles?: number;
  readonly maxInstructions?: number;
  /** run under the sanitizer (hw/sanitizer); its report is in result.sanitizer */
  readonly sanitize?: boolean;
  readonly trace?: TraceOptions;
  /** the L2 at the start: flushed (default), or warm from an identical launch run first */
  readonly l2?: L2Policy;
}

/** What an asm job produced, with the launch it settled on. */
export interface AsmJobResult {
  readonly config: HwConfig;
  readonly program: Program;
  readonly kind: CoreKind;
  readonly blockDim: number;
  readonly gmBytes: number;
  readonly directives: AsmDirectives;
  /** what the user should know about the launch, e.g. a block count other than the file's */
  readonly notes: readonly string[];
  readonly result: SimResult;
  readonly summary: OpSummary;
  readonly files?: string[];
}

/** Assembles and runs `o.text`. Throws IsaError, ConfigError, SimError or JobError. */
export function runAsm(o: AsmJobOptions): AsmJobResult {
  const source = o.source ?? '<input>';
  const directives = parseDirectives(o.text, source);
  const program = assemble(o.text, source);
  const config = loadConfig(o.preset ?? directives.preset ?? 'ascend910b', o.configOverrides ?? directives.config);
  const kind = o.kind ?? directives.kind ?? (config.organisation === 'coupled' ? 'coupled' : 'aic');
  const blockDim = o.blockDim === 'all' ? config.cores : (o.blockDim ?? directives.blockDim ?? 1);
  const gmBytes = o.gm ?? directives.gm ?? DEFAULT_GM_BYTES;
  const mode = o.mode ?? 'timing';
  if (mode === 'functional' && gmBytes > MAX_FUNCTIONAL_GM) throw new JobError(`GM of ${gmBytes} bytes is too large for a functional run (at most ${MAX_FUNCTIONAL_GM})`);
  const launch = {
    config,
    programs: { [kind]: program },
    blockDim,
    gm: mode === 'functional' ? new Uint8Array(gmBytes) : gmBytes,
    mode,
    ...(o.maxCycles !== undefined ? { maxCycles: o.maxCycles } : {}),
    ...(o.maxInstructions !== undefined ? { maxInstructions: o.maxInstructions } : {}),
    ...(o.sanitize ? { sanitize: true } : {}),
  };
  const notes: string[] = [];
  // a generated kernel divides its work by the block count it was generated for: other counts run,
  // but its blocks no longer cover the output as the generator meant
  if (directives.blockDim !== undefined && blockDim !== directives.blockDim)
    notes.push(`${source} was generated for ${directives.blockDim} blocks and runs on ${blockDim}: blocks past ${directives.blockDim} or work meant for them behave as the program's bidx / bdim code makes them, usually not as the generator intended (regenerate it with --cores ${blockDim})`);
  // a hand-written program has no tiling: the report shows its launch instead
  const facts = { notes, tiling: { preset: config.name, kind, blockDim, gm: gmBytes, instructions: program.insns.length } };
  const run = runLaunch(launch, basename(source), o.trace, undefined, o.l2, facts);
  return { config, program, kind, blockDim, gmBytes, directives, notes, ...run };
}
