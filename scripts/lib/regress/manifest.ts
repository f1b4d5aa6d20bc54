/**
 * Regression manifests: the JSON file listing the kernels to time.
 *
 *   { "entries": [ { "id": "mm-512", "kernel": "matmul", "preset": "ascend910b",
 *                    "config": { ...preset overrides... }, "params": { "m": 512, ... },
 *                    "tiling": { "baseM": 128, ... }, "note": "free text" } ] }
 *
 * `config`, `tiling`, `note` and `l2` ('warm' or 'flushed': the L2 between an entry's launches) are optional. Everything is validated before anything runs, so a
 * typo in the last entry does not cost a whole run; every error is one line naming the file, the
 * entry and the field.
 */
import { readInputJson } from '../../../hw/input-file.js';
import { loadConfig } from '../../../hw/config/load.js';
import type { HwConfig } from '../../../hw/config/types.js';
import { JobError } from '../job-error.js';
import { isObject, shown } from './fields.js';
import { KERNELS, kernelNames } from './kernels.js';
import type { PlannedLaunch } from './measure.js';
import { L2_POLICIES, type L2Policy } from '../../../ops-nn/launch-sequence.js';

/** An entry as written in the manifest. */
export interface ManifestEntry {
  readonly id: string;
  readonly kernel: string;
  readonly preset: string;
  readonly config?: unknown;
  readonly params: unknown;
  readonly tiling?: unknown;
  readonly note?: string;
  /** 'warm' (default): each launch after the first starts with the L2 the previous one left; 'flushed': empty */
  readonly l2?: string;
}

/** A validated entry, ready to run. */
export interface PreparedEntry {
  readonly entry: ManifestEntry;
  readonly config: HwConfig;
  readonly run: (cfg: HwConfig) => PlannedLaunch[];
  /** the L2 between the entry's launches (the first always starts flushed) */
  readonly l2: L2Policy;
}

export interface Manifest {
  /** where it came from, for messages */
  readonly source: string;
  readonly entries: readonly PreparedEntry[];
}

const ENTRY_KEYS = ['id', 'kernel', 'preset', 'config', 'params', 'tiling', 'note', 'l2'] as const;
const REQUIRED_KEYS = ['id', 'kernel', 'preset', 'params'] as const;

/** Ids show up in tables, diffs and file keys: keep them to one printable word. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/+-]*$/;

function checkEntryShape(raw: unknown): ManifestEntry {
  if (!isObject(raw)) throw new Error(`must be an object, got ${shown(raw)}`);
  for (const key of Object.keys(raw))
    if (!(ENTRY_KEYS as readonly string[]).includes(key)) throw new Error(`field ${key} is not known (known: ${ENTRY_KEYS.join(', ')})`);
  for (const key of REQUIRED_KEYS) if (raw[key] === undefined) throw new Error(`field ${key} is missing`);
  if (typeof raw.id !== 'string' || !ID_PATTERN.test(raw.id))
    throw new Error(`id must be a word of letters, digits and . _ : / + - (starting with a letter or digit), got ${shown(raw.id)}`);
  if (raw.l2 !== undefined && !(L2_POLICIES as readonly unknown[]).includes(raw.l2)) throw new Error(`l2 must be one of ${L2_POLICIES.join(', ')}, got ${shown(raw.l2)}`);
  for (const key of ['kernel', 'preset', 'note'] as const)
    if (raw[key] !== undefined && typeof raw[key] !== 'string') throw new Error(`${key} must be a string, got ${shown(raw[key])}`);
  return raw as unknown as ManifestEntry;
}

function prepare(e: ManifestEntry): PreparedEntry {
  // own keys only: a kernel named constructor or toString must not find Object's methods
  const kernel = Object.hasOwn(KERNELS, e.kernel) ? KERNELS[e.kernel] : undefined;
  if (!kernel) throw new Error(`kernel ${shown(e.kernel)} is not known (known: ${kernelNames().join(', ')})`);
  let config: HwConfig;
  try {
    config = loadConfig(e.preset, e.config);
  } catch (err) {
    throw new Error(`config: ${(err as Error).message}`);
  }
  return { entry: e, config, run: kernel.bind(e.params, e.tiling), l2: (e.l2 as L2Policy | undefined) ?? 'warm' };
}

/** Validates a parsed manifest; errors are JobErrors naming `source`, the entry and the field. */
export function parseManifest(json: unknown, source: string): Manifest {
  const fail = (msg: string): never => {
    throw new JobError(`manifest ${source}: ${msg}`);
  };
  if (!isObject(json)) return fail(`must be an object { "entries": [...] }, got ${shown(json)}`);
  for (const key of Object.keys(json)) if (key !== 'entries' && key !== 'note') fail(`field ${key} is not known (known: entries, note)`);
  if (!Array.isArray(json.entries) || json.entries.length === 0) return fail('entries must be a non-empty array');
  const seen = new Set<string>();
  const entries = json.entries.map((raw: unknown, i: number) => {
    let at = `entry #${i + 1}`;
    try {
      const e = checkEntryShape(raw);
      at = `entry #${i + 1} "${e.id}"`;
      if (seen.has(e.id)) throw new Error(`id is used by an earlier entry (ids must be unique)`);
      seen.add(e.id);
      return prepare(e);
    } catch (err) {
      if (err instanceof JobError) throw err;
      return fail(`${at}: ${(err as Error).message}`);
    }
  });
  return { source, entries };
}

/** Reads and validates a manifest file. */
export const readManifest = (file: string): Manifest => parseManifest(readInputJson(file, 'manifest', (m) => new JobError(m)), file);
