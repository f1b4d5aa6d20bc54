/**
 * Command-line flags built from the regression table's field schemas (scripts/lib/regress/fields.ts),
 * so `run <kernel>` takes exactly the parameters and tiling fields a manifest entry does: one flag
 * per field, named in kebab case (perChannel -> --per-channel, dbL0C -> --db-l0c), its kind giving
 * the flag's type, a field without a default required. The one-line texts are a table by field name.
 */
import type { Options } from 'yargs';
import type { Field, Schema } from '../lib/regress/index.js';
import { intOption } from './options.js';

/** What each field means, for --help (the field's legal values and default are added). */
const FIELD_TEXT: Readonly<Record<string, string>> = {
  m: 'rows of A and of the output',
  k: 'columns of A, rows of B',
  n: 'columns of B and of the output; conv, pool: images',
  c: 'input channels',
  h: 'input height',
  w: 'input width',
  oc: 'output channels',
  kh: 'kernel (window) height',
  kw: 'kernel (window) width',
  stride: 'stride, both axes',
  pad: 'padding, all four sides',
  group: 'groups (input and output channels split alike)',
  dilation: 'dilation, both axes',
  fusion: 'where the epilogue runs: fixpipe (fused), ub (vector unit through UB), gm (a separate requant kernel)',
  perChannel: 'one requant multiplier (or scale) per output channel',
  zeroPoint: 'the output zero point',
  vectorRequant: 'arithmetic of a requant on the vector unit (fusion ub)',
  bias: 'add a bias per output channel (--no-bias to drop it)',
  elements: 'elements of the tensor',
  channels: 'channels (axis 1) of [1, channels, elements / channels]; more than 1: per-axis scales',
  xType: 'input element type',
  outType: 'output element type',
  qType: 'quantised input element type',
  type: 'element type of input and output',
  rows: 'rows of the int32 input',
  cols: 'columns of the int32 input',
  kind: 'which operation',
  countIncludePad: 'avg: divide by the whole window, padding included',
};

const TILING_TEXT: Readonly<Record<string, string>> = {
  baseM: 'tiling: rows of the L0 tile (multiple of 16)',
  baseN: 'tiling: columns of the L0 tile',
  baseK: 'tiling: depth of one mmad',
  stepK: 'tiling: base-K steps per GM -> L1 chunk',
  dbL1: 'tiling: double-buffer L1 chunks',
  dbL0: 'tiling: double-buffer L0A/L0B tiles',
  dbL0C: 'tiling: double-buffer L0C tiles',
  gridN: 'tiling: a core grid with grid-n column ranges; 0: tiles dealt in order',
  splitK: 'tiling (int8): K slices over cores, added up by a reduction launch; 1: no split',
  chunk: 'tiling: elements per UB chunk (0: the largest that fits)',
  doubleBuffer: 'tiling: double-buffer the UB chunks',
  paramMode: 'tiling: how per-channel parameters reach UB',
  rows: 'tiling: output rows per band (0: the planner decides)',
};

/** Tiling fields the common --cores flag sets (blocks to launch). */
export const BLOCK_FIELDS: readonly string[] = ['blockDim', 'blocks'];

/** Fields whose flag is not their name: -h is the help flag, so the height (and the width beside it) are spelt out. */
const FLAG_NAMES: Readonly<Record<string, string>> = { h: 'height', w: 'width' };

/** The flag of a field: camelCase -> kebab-case, a capital after a digit kept with it (dbL0C -> db-l0c). */
export const flagOf = (field: string): string =>
  Object.hasOwn(FLAG_NAMES, field) ? FLAG_NAMES[field]! : field.replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a}-${b.toLowerCase()}`).toLowerCase();

const valueText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** `required`: a field without a default must be given (parameters; a tiling field never is). */
function optionOf(field: string, f: Field<unknown>, text: string | undefined, requireMissing: boolean): Options {
  const describe = [text ?? field, f.fallback ? `(default ${valueText(f.fallback.value)})` : ''].filter(Boolean).join(' ');
  const required = f.fallback || !requireMissing ? {} : { demandOption: true };
  const k = f.kind;
  if (k.type === 'int') return { ...intOption(flagOf(field), `${describe}; ${k.min}..${k.max}`), ...required };
  if (k.type === 'bool') return { type: 'boolean', describe, ...required };
  return { choices: k.values, describe, requiresArg: true, ...required };
}

/** yargs options for a schema's fields (`skip`: fields another flag sets), keyed by flag. */
export function schemaOptions(schema: Schema, texts: 'params' | 'tiling', skip: readonly string[] = []): Record<string, Options> {
  const table = texts === 'params' ? FIELD_TEXT : TILING_TEXT;
  return Object.fromEntries(Object.entries(schema).filter(([f]) => !skip.includes(f)).map(([f, field]) => [flagOf(f), optionOf(f, field, table[f], texts === 'params')]));
}

/** The fields of `schema` given on the command line, by field name (yargs keeps kebab-case keys). */
export function givenFields(schema: Schema, args: Readonly<Record<string, unknown>>, skip: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.keys(schema).filter((f) => !skip.includes(f) && args[flagOf(f)] !== undefined).map((f) => [f, args[flagOf(f)]]));
}
