/**
 * Launch directives in assembly files. A program alone does not say how to launch it, so files
 * written by `run --emit-asm` carry comment lines the assembler ignores and `asm` reads as defaults:
 *
 *   # aicore-sim: preset=ascend910b kind=aic blockDim=4 gm=1312768
 *   # aicore-sim-config: {"gm":{"chipBytesPerCycle":300}}
 *
 * The second line appears only when the run used config overrides. Flags on the command line win.
 */
import { CORE_KINDS, type CoreKind } from '../../hw/config/types.js';
import { disassemble } from '../../isa/disasm.js';
import type { Kernel } from '../../ops-nn/kernel.js';
import { JobError } from './job-error.js';

/** Launch defaults read from (or written to) an assembly file. */
export interface AsmDirectives {
  preset?: string;
  kind?: CoreKind;
  blockDim?: number;
  gm?: number;
  /** config overrides, as in a `--config` JSON file */
  config?: unknown;
}

type Scalar = Exclude<keyof AsmDirectives, 'config'>;

const LAUNCH = /^\s*#\s*aicore-sim:(.*)$/;
const CONFIG = /^\s*#\s*aicore-sim-config:(.*)$/;

const positive = (v: string): number | undefined => (/^[1-9]\d*$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined);

/** How each key's value is read; undefined means the value is not legal. */
const KEYS: Readonly<Record<Scalar, { readonly parse: (v: string) => string | number | undefined; readonly legal: string }>> = {
  preset: { parse: (v) => v, legal: 'a preset name' },
  kind: { parse: (v) => ((CORE_KINDS as readonly string[]).includes(v) ? v : undefined), legal: CORE_KINDS.join(', ') },
  blockDim: { parse: positive, legal: 'a positive integer' },
  gm: { parse: positive, legal: 'a positive integer (bytes)' },
};

/** Reads the directives of `text`; errors name the file and line. */
export function parseDirectives(text: string, source: string): AsmDirectives {
  const out: Record<string, unknown> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const where = `${source}:${i + 1}`;
    const cfg = CONFIG.exec(line);
    if (cfg) {
      try {
        out['config'] = JSON.parse(cfg[1] ?? '');
      } catch (e) {
        throw new JobError(`${where}: aicore-sim-config is not valid JSON: ${(e as Error).message}`);
      }
      return;
    }
    const launch = LAUNCH.exec(line);
    if (!launch) return;
    for (const word of (launch[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
      const [key = '', value = ''] = word.split('=', 2);
      const spec = Object.hasOwn(KEYS, key) ? KEYS[key as Scalar] : undefined;
      if (!spec) throw new JobError(`${where}: unknown aicore-sim directive '${key}' (known: ${Object.keys(KEYS).join(', ')})`);
      const v = spec.parse(value);
      if (v === undefined) throw new JobError(`${where}: aicore-sim directive ${key}=${value} is not legal (${key} is ${spec.legal})`);
      out[key] = v;
    }
  });
  return out as AsmDirectives;
}

/** The directive comment lines for `d`, each ending in a newline. */
export function formatDirectives(d: AsmDirectives): string {
  const words = (Object.keys(KEYS) as Scalar[]).filter((k) => d[k] !== undefined).map((k) => `${k}=${d[k]}`);
  const lines = [`# aicore-sim: ${words.join(' ')}`];
  if (d.config !== undefined) lines.push(`# aicore-sim-config: ${JSON.stringify(d.config)}`);
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * A kernel as an assembly file that `asm` runs to the same cycles: the directives, a comment line
 * per kernel note, then the program. Kernels with programs for several core kinds cannot be one file.
 */
export function kernelAssembly(k: Kernel, preset: string, config?: unknown): string {
  const kinds = Object.keys(k.programs) as CoreKind[];
  const kind = kinds[0];
  if (kinds.length !== 1 || kind === undefined)
    throw new JobError(`--emit-asm: kernel ${k.name} has programs for ${kinds.join(' and ')}; an assembly file holds one program`);
  const head = formatDirectives({ preset, kind, blockDim: k.blockDim, gm: k.gmBytes, ...(config !== undefined ? { config } : {}) });
  const notes = [`${k.name} kernel, tiling ${JSON.stringify(k.tiling)}`, ...k.notes].map((n) => `# ${n}\n`).join('');
  return head + notes + disassemble(k.programs[kind]!);
}
