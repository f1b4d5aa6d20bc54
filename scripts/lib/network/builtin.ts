/**
 * The built-in topologies: the CSV files in the package's networks/ folder (shipped with it), found
 * from this module's own place so source runs (vitest) and dist runs read the same files.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The networks/ folder beside the nearest package.json above this file. */
export function networksDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'networks'))) return join(dir, 'networks');
  throw new Error('internal: the networks/ folder of the package is missing');
}

/** Names of the built-in networks, sorted. */
export const builtinNames = (): string[] =>
  readdirSync(networksDir())
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -4))
    .sort();

/** The file of built-in network `name`, or undefined. */
export const builtinFile = (name: string): string | undefined => (builtinNames().includes(name) ? join(networksDir(), `${name}.csv`) : undefined);
