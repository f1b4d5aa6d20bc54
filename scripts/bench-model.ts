/**
 * One functional model run for `npm run bench`, in a process of its own so its peak memory is its
 * own: the full-size ResNet-50 v1.5 test model (scripts/model/test-models/networks.ts at width
 * divisor 1, 224 x 224, 1000 classes, QDQ, uint8 activations) written as a real .onnx file to a
 * temporary folder, then read, folded and run bit-exact at batch 1 by the `aicore-sim model` job.
 * Prints one JSON line: the wall seconds of the model job (file read to outputs), peak RSS, cycles.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../hw/config/load.js';
import { runModelJob } from './model/model-job.js';
import { encodeOnnxModel } from './model/onnx-write.js';
import { resnet50Shaped } from './model/test-models/networks.js';

export function main(argv: readonly string[]): number {
  const cfg = loadConfig(argv[0] ?? 'ascend910b');
  const dir = mkdtempSync(join(tmpdir(), 'aicore-sim-bench-'));
  try {
    const file = join(dir, 'resnet50.onnx');
    const graph = resnet50Shaped({ format: 'qdq', act: 'uint8', seed: 21, widthDivisor: 1, resolution: 224, classes: 1000 });
    const bytes = encodeOnnxModel(graph);
    writeFileSync(file, bytes);
    const t0 = performance.now();
    const r = runModelJob({ file, cfg });
    const seconds = (performance.now() - t0) / 1000;
    const cycles = r.runs[0]?.run.cycles ?? 0;
    process.stdout.write(`${JSON.stringify({ preset: cfg.name, modelBytes: bytes.length, nodes: r.graph.nodes.length, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, cycles })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
