/**
 * A network run as the command prints it: one JSON object, a CSV row per layer (NETWORK_COLUMNS) or
 * a text table with the totals and the time by operator type.
 */
import { col, type Schema } from '../../../traces/schema.js';
import type { NetworkReport } from '../report-html/data.js';
import { textTable } from '../text-table.js';
import type { NetworkLayer, NetworkResult } from './run.js';

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Images (sequences) per second at the run's latency. */
export const imagesPerSecond = (r: NetworkResult): number => (r.latencyUs > 0 ? (r.batch * 1e6) / r.latencyUs : 0);

export interface OpTotal {
  readonly layers: number;
  readonly launches: number;
  readonly cycles: number;
  readonly timeUs: number;
  /** of the network's latency */
  readonly share: number;
}

/** Time by operator type (the topology's `op`), in the order the types first appear. */
export function byOp(r: NetworkResult): Record<string, OpTotal> {
  const out: Record<string, OpTotal> = {};
  for (const l of r.layers) {
    const t = out[l.op] ?? { layers: 0, launches: 0, cycles: 0, timeUs: 0, share: 0 };
    out[l.op] = { layers: t.layers + 1, launches: t.launches + l.launches, cycles: t.cycles + l.cycles, timeUs: t.timeUs + l.timeUs, share: 0 };
  }
  for (const [k, t] of Object.entries(out)) out[k] = { ...t, timeUs: r6(t.timeUs), share: r.latencyUs > 0 ? r6(t.timeUs / r.latencyUs) : 0 };
  return out;
}

const layerJson = (l: NetworkLayer) => ({
  name: l.name,
  op: l.op,
  shape: l.shape,
  run: l.host === null ? 'device' : 'host',
  ...(l.host === null ? {} : { hostReason: l.host }),
  fusion: l.fusion,
  cycles: l.cycles,
  timeUs: r6(l.timeUs),
  launches: l.launches,
  kernels: l.kernels,
  bound: l.bound,
  chipCubeUtilization: r6(l.chipCubeUtilization),
  bytes: l.bytes,
  inputsCarried: l.inputsCarried,
  fusedAway: l.fusedAway,
});

export function networkJson(r: NetworkResult) {
  return {
    command: 'network',
    network: r.network,
    preset: r.preset,
    batch: r.batch,
    seq: r.seq,
    clockMHz: r.clockMHz,
    launchOverheadUs: r.launchOverheadUs,
    latencyMs: r6(r.latencyUs / 1000),
    imagesPerSecond: r6(imagesPerSecond(r)),
    cycles: r.cycles,
    launches: r.launches,
    layers: r.layers.map(layerJson),
    byOp: byOp(r),
    files: r.files,
  };
}

type Row = NetworkLayer & { readonly preset: string; readonly batch: number };

/** Columns of the per-layer CSV (--csv). */
export const NETWORK_COLUMNS: Schema<Row> = [
  col('layer', '', 'layer name, as in the topology', (r) => r.name),
  col('op', '', 'operator of the row (docs/networks.md)', (r) => r.op),
  col('preset', '', 'hardware preset', (r) => r.preset),
  col('batch', 'images', 'images (sequences) in the batch', (r) => r.batch),
  col('shape', '', 'conv: C x H x W -> OC, kh x kw / stride; gemm: M x K -> N per image; matmul: G x M x K -> N', (r) => r.shape),
  col('run', '', 'device (timed) or host (not timed: 0 cycles)', (r) => (r.host === null ? 'device' : 'host')),
  col('fusion', '', 'epilogue of a GEMM layer: fixpipe, ub or gm', (r) => r.fusion),
  col('cycles', 'cycles', "the layer's kernels' cycles, added", (r) => r.cycles),
  col('time_us', 'us', 'cycles at the clock plus the launch overhead of each launch', (r) => r6(r.timeUs)),
  col('launches', 'launches', 'kernel launches of the layer', (r) => r.launches),
  col('bound', '', 'busiest unit of the longest launch: compute (cube), memory (MTE1/2/3, fixpipe), vector, scalar; host', (r) => r.bound),
  col('chip_cube_utilization', 'ratio', 'useful MACs over what every cube of the chip could do in the cycles', (r) => r6(r.chipCubeUtilization)),
  col('l2_hit_bytes', 'bytes', 'GM bytes that hit the L2', (r) => r.bytes.l2Hit),
  col('l2_miss_bytes', 'bytes', 'GM bytes that missed the L2', (r) => r.bytes.l2Miss),
  col('hbm_read_bytes', 'bytes', 'bytes read from HBM / DDR', (r) => r.bytes.hbmRead),
  col('hbm_write_bytes', 'bytes', 'bytes written back to HBM / DDR', (r) => r.bytes.hbmWrite),
  col('inputs_carried', 'inputs', 'inputs placed where an earlier layer wrote them (resident lines hit)', (r) => r.inputsCarried),
  col('fused_away', '', 'operations folded into the layer (topology column fused)', (r) => r.fusedAway.join(';')),
  col('host_reason', '', 'why a host row is not timed', (r) => r.host),
];

export const csvRows = (r: NetworkResult): Row[] => r.layers.map((l) => ({ ...l, preset: r.preset, batch: r.batch }));

const grouped = (n: number) => n.toLocaleString('en-US');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const kib = (bytes: number) => grouped(Math.round(bytes / 1024));

/** The text report: a row per layer, the totals and the time by operator type. */
export function networkText(r: NetworkResult): string {
  const head = ['layer', 'op', 'shape', 'fusion', 'cycles', 'time us', 'launches', 'bound', 'chip cube', 'GM read KiB', 'L2 hit', 'HBM rd KiB', 'HBM wr KiB', 'fused away'];
  const rows = r.layers.map((l) => {
    const gmRead = l.bytes.l2Hit + l.bytes.l2Miss;
    const device = l.host === null;
    const bytes = device ? [kib(gmRead), gmRead > 0 ? pct(l.bytes.l2Hit / gmRead) : '-', kib(l.bytes.hbmRead), kib(l.bytes.hbmWrite)] : ['', '', '', ''];
    return [l.name, l.op, l.shape, l.fusion ?? '', device ? grouped(l.cycles) : 'host', l.timeUs.toFixed(1), String(l.launches), l.bound, device ? pct(l.chipCubeUtilization) : '', ...bytes, l.fusedAway.join(' ') || '-'];
  });
  const ops = Object.entries(byOp(r)).map(([op, t]) => [op, String(t.layers), String(t.launches), grouped(t.cycles), t.timeUs.toFixed(1), pct(t.share)]);
  const hosts = r.layers.filter((l) => l.host !== null).length;
  return [
    `${r.network} on ${r.preset}, batch ${r.batch}${r.seq === null ? '' : `, seq ${r.seq}`}, timing-only (${r.clockMHz} MHz, ${r.launchOverheadUs} us per launch)`,
    '',
    ...textTable([head, ...rows], 'lllrrrrlrrrrrl'),
    '',
    `total: ${grouped(r.cycles)} cycles in ${r.launches} launches; latency ${(r.latencyUs / 1000).toFixed(3)} ms (${((r.launches * r.launchOverheadUs) / 1000).toFixed(3)} ms of it launch overhead); ${imagesPerSecond(r).toFixed(1)} images/s`,
    ...(hosts > 0 ? [`${hosts} host row(s) not timed (0 cycles): the library has no kernel for them`] : []),
    '',
    'time by operator type:',
    ...textTable([['op', 'layers', 'launches', 'cycles', 'time us', 'share'], ...ops], 'lrrrrr', '  '),
    ...(r.files.length > 0 ? ['', 'files written:', ...r.files.map((f) => `  ${f}`)] : []),
  ].join('\n');
}

/** The network as the HTML report draws it (report-data.json). */
export const networkReport = (r: NetworkResult): NetworkReport => ({
  network: r.network,
  batch: r.batch,
  seq: r.seq,
  cycles: r.cycles,
  launches: r.launches,
  latencyUs: r.latencyUs,
  launchOverheadUs: r.launchOverheadUs,
  imagesPerSecond: imagesPerSecond(r),
  layers: r.layers.map((l) => ({
    name: l.name,
    op: l.op,
    shape: l.shape,
    host: l.host,
    fusion: l.fusion,
    cycles: l.cycles,
    timeUs: l.timeUs,
    launches: l.launches,
    bound: l.bound,
    chipCubeUtilization: l.chipCubeUtilization,
    macs: l.usefulMacs,
    bytes: l.bytes,
  })),
});
