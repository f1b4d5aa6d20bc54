/**
 * Prints the README's chip-level curve tables (scripts/lib/chip-curve.ts): square INT8 and FP16 GEMMs
 * 1024^3 .. 8192^3 on every AIC of ascend910b, and a 2048^3 INT8 GEMM with the L2 resized.
 *
 *   npm run curve        (builds, then runs with a 16 GiB heap: 8192^3 programs are large)
 */
import { pathToFileURL } from 'node:url';
import { curveTables } from './lib/chip-curve.js';

export function main(argv: readonly string[]): number {
  const max = argv[0] === undefined ? 8192 : Number(argv[0]);
  process.stdout.write(curveTables(max, (s) => process.stderr.write(`${s}\n`)));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
