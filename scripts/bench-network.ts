/**
 * One network run for `npm run bench`, in a process of its own so its peak memory is its own: every
 * ResNet-50 v1.5 layer (scripts/lib/resnet50.ts) at batch 64 on ascend910b, timing-only, on all the
 * cores the tiler uses. Prints one JSON line: wall seconds, peak RSS, summed cycles.
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../hw/config/load.js';
import { resnet50Layers, timeLayer } from './lib/resnet50.js';

export function main(argv: readonly string[]): number {
  const batch = Number(argv[0] ?? 64);
  const cfg = loadConfig(argv[1] ?? 'ascend910b');
  const t0 = performance.now();
  let cycles = 0;
  for (const layer of resnet50Layers()) cycles += timeLayer(layer, batch, cfg).summary.cycles;
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ batch, preset: cfg.name, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, cycles })}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
