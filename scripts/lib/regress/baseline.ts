/**
 * Baseline files: the cycles and per-pipe busy cycles a manifest produced, keyed by entry id, with
 * the L2 policy, GM bytes by level and MACs of each entry (recorded, not compared).
 * Written only by code (`aicore-sim regress --update`, `npm run golden:update`) in one canonical
 * form (entries sorted by id, one entry per line, pipes in PIPES order) so the same run gives the
 * same bytes and a changed entry is a one-line diff in review.
 */
import { existsSync } from 'node:fs';
import { readInputText } from '../../../hw/input-file.js';
import { PIPE_NAMES, PIPES, type Pipe } from '../../../isa/types.js';
import { JobError } from '../job-error.js';
import { isObject, shown } from './fields.js';
import type { Measurement, PipeCycles } from './measure.js';

/**
 * Identifies the file format; bump when the meaning of a field changes. /2 names the pipes as every
 * output does (SCALAR, CUBE, VECTOR, ..., isa/types.ts PIPE_NAMES); /1 files (the ISA's short names
 * S, M, V, FIX) are still read.
 */
export const BASELINE_FORMAT = 'aicore-sim-cycles/2';
const OLD_FORMAT = 'aicore-sim-cycles/1';

/** pipe name in a file of each format -> Pipe */
const PIPE_OF_NAME: Readonly<Record<string, Readonly<Record<string, Pipe>>>> = {
  [BASELINE_FORMAT]: Object.fromEntries(PIPES.map((p) => [PIPE_NAMES[p], p])),
  [OLD_FORMAT]: Object.fromEntries(PIPES.map((p) => [p, p])),
};

/** Per-pipe cycles keyed by the profiler's names, in PIPES order (what the file and --json show). */
export const namedPipes = (pipes: PipeCycles): Record<string, number> =>
  Object.fromEntries(PIPES.filter((p) => pipes[p] !== undefined).map((p) => [PIPE_NAMES[p], pipes[p]!]));

/** id -> measurement */
export type Baseline = ReadonlyMap<string, Measurement>;

/** Orders by id with plain code-unit comparison (locale-independent, so bytes never vary). */
const byId = (a: Measurement, b: Measurement): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The canonical text of a baseline. */
export function baselineText(ms: Iterable<Measurement>): string {
  const lines = [...ms].sort(byId).map((m) => {
    const more = m.l2 === undefined ? {} : { l2: m.l2, memory: m.memory, macs: m.macs, usefulMacs: m.usefulMacs };
    const body = { kernel: m.kernel, preset: m.preset, cycles: m.cycles, pipes: namedPipes(m.pipes), kernels: m.kernels, ...more };
    return `    ${JSON.stringify(m.id)}: ${JSON.stringify(body)}`;
  });
  return `{\n  "format": ${JSON.stringify(BASELINE_FORMAT)},\n  "entries": {\n${lines.join(',\n')}\n  }\n}\n`;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function parsePipes(v: unknown, at: string, names: Readonly<Record<string, Pipe>>): PipeCycles {
  if (!isObject(v)) throw new Error(`${at}.pipes must be an object`);
  const out: Partial<Record<Pipe, number>> = {};
  for (const [p, c] of Object.entries(v)) {
    const pipe = Object.hasOwn(names, p) ? names[p] : undefined;
    if (!pipe) throw new Error(`${at}.pipes.${p} is not a pipe (pipes: ${Object.keys(names).join(', ')})`);
    if (!isCount(c)) throw new Error(`${at}.pipes.${p} must be a cycle count, got ${shown(c)}`);
    out[pipe] = c;
  }
  return out;
}

function parseEntry(id: string, v: unknown, names: Readonly<Record<string, Pipe>>): Measurement {
  const at = `entry "${id}"`;
  if (!isObject(v)) throw new Error(`${at} must be an object`);
  if (typeof v.kernel !== 'string' || typeof v.preset !== 'string') throw new Error(`${at} needs kernel and preset strings`);
  if (!isCount(v.cycles)) throw new Error(`${at}.cycles must be a cycle count, got ${shown(v.cycles)}`);
  const kernels = v.kernels;
  if (!Array.isArray(kernels) || !kernels.every((k) => isObject(k) && typeof k.name === 'string' && isCount(k.cycles)))
    throw new Error(`${at}.kernels must be a list of { name, cycles }`);
  // what the memory system adds (l2, memory, macs, usefulMacs) is kept as written: only cycles and pipes are compared
  const more = v.l2 === undefined ? {} : { l2: v.l2, memory: v.memory, macs: v.macs, usefulMacs: v.usefulMacs } as Partial<Measurement>;
  return { id, kernel: v.kernel, preset: v.preset, cycles: v.cycles, pipes: parsePipes(v.pipes, at, names), kernels: kernels as Measurement['kernels'], ...more };
}

/** Validates a parsed baseline file. */
export function parseBaseline(json: unknown, source: string): Baseline {
  try {
    const names = isObject(json) && typeof json.format === 'string' && Object.hasOwn(PIPE_OF_NAME, json.format) ? PIPE_OF_NAME[json.format] : undefined;
    if (!isObject(json) || !names) throw new Error(`is not a baseline file (want "format": "${BASELINE_FORMAT}", or the older "${OLD_FORMAT}")`);
    if (!isObject(json.entries)) throw new Error('entries must be an object of id -> measurement');
    return new Map(Object.entries(json.entries).map(([id, v]) => [id, parseEntry(id, v, names)]));
  } catch (e) {
    throw new JobError(`baseline ${source}: ${(e as Error).message} (regenerate it with --update)`);
  }
}

/** Reads a baseline; a missing file is an error that says how to create it. */
export function readBaseline(file: string): Baseline {
  if (file !== '-' && !existsSync(file)) throw new JobError(`baseline ${file} does not exist: run with --update to create it`);
  let text: string;
  try {
    text = readInputText(file);
  } catch (e) {
    throw new JobError(`cannot read baseline ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new JobError(`baseline ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseBaseline(json, file);
}
