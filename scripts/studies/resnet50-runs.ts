/**
 * The ResNet-50 runs the studies share: the built-in topology (networks/resnet50.csv) at batch 1,
 * timing-only on every core of a preset, through the network runner (scripts/lib/network/run.ts),
 * so each layer starts on the L2 the one before left, as `aicore-sim network resnet50` times it.
 * Runs are kept per (preset, fusion) for the life of the process: the studies and their test ask for
 * the same few runs, and a run is deterministic, so computing it once changes nothing but the time.
 */
import { loadConfig } from '../../hw/config/load.js';
import type { Fusion } from '../../ops-nn/onnx/index.js';
import { builtinFile } from '../lib/network/builtin.js';
import { readTopology } from '../lib/network/parse.js';
import { runNetwork, type NetworkLayer, type NetworkResult } from '../lib/network/run.js';
import { OPS } from '../lib/network/topology.js';
import { tableFusion } from '../lib/resnet50.js';

/** Images per run: the latency case, and small enough that every study reruns in seconds. */
export const STUDY_BATCH = 1;

const runs = new Map<string, NetworkResult>();

/** ResNet-50 at STUDY_BATCH on `preset` with every cube layer's epilogue at `fusion` (default: the preset's own). */
export function resnet50Run(preset: string, fusion?: Fusion): NetworkResult {
  const cfg = loadConfig(preset);
  const f = fusion ?? tableFusion(cfg);
  const key = `${preset} ${f}`;
  let r = runs.get(key);
  if (!r) {
    const file = builtinFile('resnet50');
    if (!file) throw new Error('internal: the built-in resnet50 topology is missing');
    // seq: the CLI's default, unused (ResNet-50 has no `seq` dimension)
    r = runNetwork(readTopology(file), cfg, { batch: STUDY_BATCH, seq: 128, fusion: f });
    runs.set(key, r);
  }
  return r;
}

/** Layers whose epilogue a fusion places: the convolutions and the fc (the cube engine). */
export const isCubeLayer = (l: NetworkLayer): boolean => OPS[l.op].engine === 'cube';

/** Rounds for a CSV cell: enough digits to be useful, few enough to read (and the same on every machine). */
export const round = (v: number, digits: number): number => Number(v.toFixed(digits));
