/**
 * report.html: one self-contained page (inline CSS, SVG and script; nothing fetched) rendered from
 * report data. The same data gives the same bytes: no dates, no random ids. The first lines carry a
 * marker comment so that `aicore-sim report DIR` replaces only pages it wrote itself.
 */
import type { OpSummary } from '../../../traces/summary.js';
import type { KernelReport, LayerReport, ReportData } from './data.js';
import { esc } from './html.js';
import { kernelSection, PIPE_COLOURS } from './kernel-section.js';
import { networkSection } from './network-section.js';
import { roofline, type RooflineItem } from './roofline.js';
import { TIMELINE_SCRIPT } from './timeline-script.js';

/** The comment every report.html starts with (after the doctype). */
export const REPORT_MARKER = '<!-- aicore-sim report: written by aicore-sim; `aicore-sim report DIR` rewrites it from report-data.json -->';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; max-width: 1500px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; border-bottom: 1px solid #ccc; margin-top: 28px; } h3 { font-size: 15px; margin: 18px 0 6px; }
.facts { display: grid; grid-template-columns: repeat(3, max-content minmax(120px, max-content)); gap: 2px 14px; margin: 6px 0; }
.facts dd { margin: 0 24px 0 0; }
@media (max-width: 1100px) { .facts { grid-template-columns: max-content auto; } }
.facts dt { color: #555; } .facts dd { margin: 0; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 8px; border-bottom: 1px solid #e4e4e4; text-align: left; white-space: nowrap; }
th { background: #f4f4f4; } td.num, th.num { text-align: right; }
.bar { display: inline-block; width: 120px; height: 10px; background: #eee; vertical-align: middle; }
.bar > span { display: block; height: 100%; }
.layer-bar .bar { width: 240px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 5px 0 2px; vertical-align: middle; }
.note { color: #555; font-size: 12.5px; max-width: 1100px; }
.timeline { position: relative; border: 1px solid #ccc; background: #fff; }
.timeline canvas { display: block; width: 100%; cursor: grab; }
.controls { padding: 4px; border-bottom: 1px solid #e4e4e4; font-size: 12.5px; }
.controls button { margin-right: 6px; } .range { color: #555; margin-left: 8px; }
.tip { position: absolute; display: none; background: #fffff0; border: 1px solid #999; padding: 4px 6px; font-size: 12px; white-space: pre; pointer-events: none; z-index: 2; }
figure { margin: 12px 0; } figcaption { color: #555; font-size: 12.5px; max-width: 900px; }
details summary { cursor: pointer; margin: 14px 0 6px; font-weight: 600; }
`;

/** 2 * MACs: useful ones when the kernel gives them. */
const opsOf = (s: OpSummary) => 2 * (s.usefulMacs ?? s.macs);

const kernelItem = (k: KernelReport): RooflineItem => ({
  name: k.label,
  ops: opsOf(k.summary),
  seconds: k.summary.cycles / (k.summary.clockMHz * 1e6),
  gmBytes: k.summary.memory.l2Hit + k.summary.memory.l2Miss,
  hbmBytes: k.summary.memory.hbmRead + k.summary.memory.hbmWrite,
});

const layerItem = (l: LayerReport, clockMHz: number): RooflineItem => ({
  name: l.name,
  ops: 2 * l.macs,
  seconds: l.cycles / (clockMHz * 1e6),
  gmBytes: l.bytes.l2Hit + l.bytes.l2Miss,
  hbmBytes: l.bytes.hbmRead + l.bytes.hbmWrite,
});

const INTENSITY_TEXT =
  'Intensity is int8 ops (2 x useful MACs, or issued MACs when the kernel does not give them) per byte, placed twice at the same achieved TOPS: ' +
  'by GM bytes (every GM access the L2 serves, hits and misses, reads and writes) against the L2 roof, and by HBM bytes (line fills and write-backs; ' +
  'dirty lines still in the L2 at the end are not counted) against the HBM roof. Roofs are chip-wide bandwidths at the preset clock; a core\u2019s own GM port may limit a few-core run first.';

function rooflineFigure(d: ReportData, items: readonly RooflineItem[], launchedCubes: number, labelled: number, extra: string): string {
  const r = roofline(d.chip, items, launchedCubes, labelled);
  const left = r.left.length > 0 ? ` Not placed: ${r.left.map(esc).join('; ')}.` : '';
  return `<h3>Roofline</h3>\n<figure id="roofline" data-points="${r.points}">\n${r.svg}<figcaption>${INTENSITY_TEXT}${extra}${left}</figcaption></figure>`;
}

/** JSON that is safe inside a script element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** The whole page for `d`. */
export function reportHtml(d: ReportData): string {
  const sections: string[] = [];
  if (d.network) {
    const items = d.network.layers.filter((l) => l.host === null).map((l) => layerItem(l, d.chip.clockMHz));
    sections.push(networkSection(d.network, d.chip.preset, rooflineFigure(d, items, d.chip.cubes, 5, ' Each point is a layer (its cycles, launch overhead left out); the five longest are named.')));
  }
  d.kernels.forEach((k, i) => {
    const cubes = k.summary.perCore.filter((c) => c.pipes.M).length;
    sections.push(kernelSection(k, i, d.network ? '' : rooflineFigure(d, [kernelItem(k)], cubes, 1, '')));
  });
  if (d.network && d.kernels.length > 0) sections.splice(1, 0, '<h2>Traced layers</h2>');
  return [
    '<!doctype html>',
    REPORT_MARKER,
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(d.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${esc(d.title)}</h1>`,
    `<p class="note">aicore-sim report on ${esc(d.chip.preset)} (${d.chip.clockMHz} MHz, ${d.chip.cubes} cubes of ${d.chip.macsPerCycleInt8} int8 MACs/cycle). The figures are the ones of summary.csv and stats.csv in this folder.</p>`,
    ...sections,
    `<script type="application/json" id="report-data" data-colours="${esc(JSON.stringify(PIPE_COLOURS))}">${scriptJson(d)}</script>`,
    `<script>${TIMELINE_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
