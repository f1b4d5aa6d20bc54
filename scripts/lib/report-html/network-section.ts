/**
 * The report's section for a network run: its totals, a row per layer with a bar of its time, and
 * the time by operator type.
 */
import type { LayerReport, NetworkReport } from './data.js';
import { bar, bytesText, esc, facts, grouped, pct, table, type HtmlColumn } from './html.js';

/** Bar colour by what bounds the layer (scripts/lib/network/bound.ts). */
const BOUND_COLOURS: Readonly<Record<string, string>> = {
  compute: '#d62728',
  memory: '#1f77b4',
  vector: '#2ca02c',
  scalar: '#7f7f7f',
  host: '#cccccc',
};

/** GM bytes the L2 served, reads and writes: its hits and misses. */
const gmBytes = (l: LayerReport) => l.bytes.l2Hit + l.bytes.l2Miss;

function layerColumns(most: number): HtmlColumn<LayerReport>[] {
  return [
    { head: 'layer', cell: (l) => esc(l.name) },
    { head: 'op', cell: (l) => esc(l.op) },
    { head: 'shape', cell: (l) => esc(l.shape) },
    { head: 'fusion', cell: (l) => esc(l.fusion ?? '') },
    { head: 'cycles', right: true, cell: (l) => (l.host === null ? grouped(l.cycles) : 'host') },
    { head: 'time us', right: true, cell: (l) => l.timeUs.toFixed(1) },
    { head: 'time', cell: (l) => `<span class="layer-bar">${bar(l.timeUs / most, BOUND_COLOURS[l.bound] ?? '#444')}</span>` },
    { head: 'bound', cell: (l) => esc(l.bound) },
    { head: 'chip cube', right: true, cell: (l) => (l.host === null ? pct(l.chipCubeUtilization) : '') },
    { head: 'GM bytes (rd+wr)', right: true, cell: (l) => (l.host === null ? bytesText(gmBytes(l)) : '') },
    { head: 'L2 hit', right: true, cell: (l) => (gmBytes(l) > 0 ? pct(l.bytes.l2Hit / gmBytes(l)) : '') },
    { head: 'HBM read', right: true, cell: (l) => (l.host === null ? bytesText(l.bytes.hbmRead) : '') },
    { head: 'HBM write', right: true, cell: (l) => (l.host === null ? bytesText(l.bytes.hbmWrite) : '') },
  ];
}

interface OpRow {
  readonly op: string;
  readonly layers: number;
  readonly timeUs: number;
  readonly share: number;
}

function byOp(n: NetworkReport): OpRow[] {
  const rows = new Map<string, OpRow>();
  for (const l of n.layers) {
    const r = rows.get(l.op) ?? { op: l.op, layers: 0, timeUs: 0, share: 0 };
    rows.set(l.op, { ...r, layers: r.layers + 1, timeUs: r.timeUs + l.timeUs });
  }
  return [...rows.values()].map((r) => ({ ...r, share: n.latencyUs > 0 ? r.timeUs / n.latencyUs : 0 }));
}

const OP_COLUMNS: readonly HtmlColumn<OpRow>[] = [
  { head: 'op', cell: (r) => esc(r.op) },
  { head: 'layers', right: true, cell: (r) => String(r.layers) },
  { head: 'time us', right: true, cell: (r) => r.timeUs.toFixed(1) },
  { head: 'share', right: true, cell: (r) => pct(r.share) },
  { head: '', cell: (r) => bar(r.share) },
];

export function networkSection(n: NetworkReport, preset: string, roofline: string): string {
  const most = Math.max(1e-9, ...n.layers.map((l) => l.timeUs));
  const head = facts([
    ['network', esc(n.network)],
    ['preset', esc(preset)],
    ['batch', `${n.batch}${n.seq === null ? '' : `, seq ${n.seq}`}`],
    ['latency', `${(n.latencyUs / 1000).toFixed(3)} ms (${((n.launches * n.launchOverheadUs) / 1000).toFixed(3)} ms of it launch overhead, ${n.launchOverheadUs} us per launch)`],
    ['throughput', `${n.imagesPerSecond.toFixed(1)} images/s`],
    ['cycles', `${grouped(n.cycles)} in ${n.launches} launches`],
  ]);
  const legend = Object.entries(BOUND_COLOURS).map(([b, c]) => `<span class="swatch" style="background:${c}"></span>${b}`).join(' ');
  return [
    '<section class="network">',
    `<h2>Network ${esc(n.network)}</h2>`,
    head,
    '<h3>Layers</h3>',
    `<p class="note">A bar per layer: its time (cycles at the clock plus launch overhead) against the longest layer, coloured by what bounds it: ${legend}.</p>`,
    table(layerColumns(most), n.layers, `class="layers" data-layer-bars="${n.layers.length}"`),
    '<h3>Time by operator type</h3>',
    table(OP_COLUMNS, byOp(n)),
    roofline,
    '</section>',
  ].join('\n');
}
