/**
 * Writes the ResNet-50 v1.5 layer table (scripts/lib/resnet50.ts) as CSV: every convolution and the
 * fc, at each batch, on each preset, timing-only on all the cores the tiler uses, then prints the
 * summary README shows (summed cycles, idle cores, vector-bound layers, reads against compulsory).
 *
 *   npm run build && node dist/scripts/resnet50-table.js OUT.csv [--presets ascend910b,ascend310p] [--batches 1,8]
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../hw/config/load.js';
import { CsvWriter } from '../traces/csv-writer.js';
import { LAYER_COLUMNS, resnet50Layers, summariseTable, summaryMarkdown, timeLayer, type LayerRow } from './lib/resnet50.js';

function option(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

export function main(argv: readonly string[]): number {
  const out = argv[0];
  if (out === undefined || out.startsWith('--')) {
    process.stderr.write('usage: resnet50-table OUT.csv [--presets P1,P2] [--batches 1,8]\n');
    return 2;
  }
  const presets = option(argv, '--presets', 'ascend910b,ascend310p').split(',');
  const batches = option(argv, '--batches', '1,8').split(',').map(Number);
  const csv = new CsvWriter(out, LAYER_COLUMNS);
  const rows: LayerRow[] = [];
  try {
    for (const preset of presets) {
      const cfg = loadConfig(preset);
      for (const batch of batches)
        for (const layer of resnet50Layers()) {
          const row = timeLayer(layer, batch, cfg);
          csv.row(row);
          rows.push(row);
          process.stderr.write(`${preset} batch ${batch} ${layer.name}\n`);
        }
    }
    csv.finish();
  } catch (e) {
    csv.abort();
    throw e;
  }
  process.stdout.write(`wrote ${out}\n\n${summaryMarkdown(summariseTable(rows))}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
