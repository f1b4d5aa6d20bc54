/**
 * `aicore-sim network NAME|FILE.csv`: a network topology (built-in, or a CSV file in the same
 * columns) timed layer by layer, timing-only, on one warm L2 (scripts/lib/network, docs/networks.md).
 * Prints a table with the totals (or one JSON object), writes a per-layer CSV with --csv and the
 * traces of chosen layers with --out and --trace-layers.
 */
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { loadConfig } from '../../hw/config/load.js';
import { FUSIONS, type Fusion } from '../../ops-nn/onnx/index.js';
import { CsvWriter } from '../../traces/csv-writer.js';
import { UsageError } from '../lib/errors.js';
import { JobError } from '../lib/job-error.js';
import { builtinFile, builtinNames } from '../lib/network/builtin.js';
import { readTopology } from '../lib/network/parse.js';
import { csvRows, NETWORK_COLUMNS, networkJson, networkText } from '../lib/network/report.js';
import { runNetwork } from '../lib/network/run.js';
import { OPS, type Topology } from '../lib/network/topology.js';
import type { CliContext, CliIo } from './context.js';
import { HW_OPTIONS, intOption, jsonText, overridesOf, textOption } from './options.js';

const OPTIONS = {
  preset: { ...textOption('preset', 'hardware preset (see: aicore-sim presets)'), default: 'ascend910b' },
  config: HW_OPTIONS.config,
  batch: { ...intOption('batch', 'images (sequences) per run'), default: 1 },
  cores: { ...HW_OPTIONS.cores, describe: "cores of the chip the network runs on: N (the preset with its core count set to N), or 'all' (default)" },
  fusion: textOption('fusion', 'epilogue of the GEMM layers: fixpipe, ub or gm, then layer=VALUE overrides, comma separated (e.g. ub,fc=gm); default fixpipe on separated presets, ub on coupled ones'),
  seq: { ...intOption('seq', 'sequence length: the value of `seq` in a topology (bert-base)'), default: 128 },
  json: { type: 'boolean', describe: 'print one JSON object instead of the table' },
  csv: textOption('csv', 'write a CSV row per layer to this file'),
  out: textOption('out', 'folder for the HTML report (report.html, report-data.json) and the traces of the --trace-layers layers (trace.json, insns.csv, ... per launch, named after the layer)'),
  'trace-layers': textOption('trace-layers', 'layers to trace into --out, comma separated'),
} as const satisfies Record<string, Options>;

type Args = ArgumentsCamelCase<InferredOptionTypes<typeof OPTIONS>>;

/** A built-in name, or a path to a CSV file; anything else is a usage error listing the built-ins. */
function topologyOf(network: string): Topology {
  const file = builtinFile(network);
  if (file) return readTopology(file);
  if (network.endsWith('.csv') || network.includes('/')) return readTopology(network);
  throw new UsageError(`unknown network '${network}': give a built-in one (${builtinNames().join(', ')}) or a topology CSV file (docs/networks.md)`);
}

const isFusion = (v: string): v is Fusion => (FUSIONS as readonly string[]).includes(v);

/** `--fusion ub,layer=gm,...`: the global value (first, optional) and per-layer overrides. */
function fusionOf(text: string | undefined, fallback: Fusion, t: Topology): { fusion: Fusion; byLayer: Map<string, Fusion> } {
  let fusion = fallback;
  const byLayer = new Map<string, Fusion>();
  for (const item of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.lastIndexOf('=');
    const value = eq < 0 ? item : item.slice(eq + 1);
    if (!isFusion(value)) throw new UsageError(`--fusion: '${value}' is not one of ${FUSIONS.join(', ')}`);
    if (eq < 0) {
      fusion = value;
      continue;
    }
    const name = item.slice(0, eq);
    const l = t.layers.find((x) => x.name === name);
    if (!l) throw new UsageError(`--fusion ${item}: ${t.name} has no layer '${name}'`);
    if (!['cube', 'batched-gemm'].includes(OPS[l.op].engine)) throw new UsageError(`--fusion ${item}: layer ${name} is a ${l.op}; only conv, fc, gemm and matmul layers have an epilogue to place`);
    byLayer.set(name, value);
  }
  return { fusion, byLayer };
}

function runNetworkCli(network: string, a: Args, io: CliIo): number {
  if (a.batch < 1) throw new UsageError(`--batch must be at least 1, got ${a.batch}`);
  if (a.seq < 1) throw new UsageError(`--seq must be at least 1, got ${a.seq}`);
  if (a.traceLayers !== undefined && a.out === undefined) throw new UsageError('--trace-layers needs --out: name the folder the traces go to');
  const topology = topologyOf(network);
  const overrides = overridesOf(a.config);
  let cfg = loadConfig(a.preset, overrides);
  if (a.cores !== undefined && a.cores !== 'all') {
    if (a.cores < 1 || a.cores > cfg.cores) throw new UsageError(`--cores must be 1..${cfg.cores} on ${cfg.name} (or all), got ${a.cores}`);
    cfg = loadConfig(a.preset, { ...(overrides as object | undefined), cores: a.cores });
  }
  const { fusion, byLayer } = fusionOf(a.fusion, cfg.organisation === 'separated' ? 'fixpipe' : 'ub', topology);
  const traceLayers = a.traceLayers?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of traceLayers ?? []) if (!topology.layers.some((l) => l.name === name)) throw new UsageError(`--trace-layers: ${topology.name} has no layer '${name}'`);
  // the CSV is opened first, so a bad path fails before the run, and is dropped if the run fails
  let csv: CsvWriter<ReturnType<typeof csvRows>[number]> | undefined;
  try {
    csv = a.csv === undefined ? undefined : new CsvWriter(a.csv, NETWORK_COLUMNS);
  } catch (e) {
    throw new JobError(`cannot write ${a.csv}: ${(e as Error).message}`);
  }
  try {
    const r = runNetwork(topology, cfg, { batch: a.batch, seq: a.seq, fusion, fusionByLayer: byLayer, ...(a.out ? { trace: { dir: a.out, layers: traceLayers ?? [] } } : {}) });
    if (csv) {
      for (const row of csvRows(r)) csv.row(row);
      csv.finish();
    }
    io.out(a.json ? jsonText({ ...networkJson(r), csv: a.csv ?? null }) : `${networkText(r)}${a.csv ? `\n\nper-layer CSV written to ${a.csv}` : ''}`);
    return 0;
  } catch (e) {
    csv?.abort();
    throw e;
  }
}

export const networkCommand = (ctx: CliContext): CommandModule<object, Args & { network: string }> => ({
  command: 'network <network>',
  describe: `time a network layer by layer, timing-only: a built-in (${builtinNames().join(', ')}) or a topology CSV file`,
  builder: (y) => y.positional('network', { type: 'string', describe: 'built-in network name, or a topology CSV file (docs/networks.md)' }).options(OPTIONS) as never,
  handler: (a) => ctx.run(() => runNetworkCli(a.network, a, ctx.io)),
});
