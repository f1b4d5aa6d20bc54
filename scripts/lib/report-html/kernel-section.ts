/**
 * The report's section for one traced launch: key figures, the timeline (drawn by the page script),
 * busy ratios and stall reasons per pipe, bytes per path and per GM level, the kernel's notes and
 * tiling, and a row per core.
 */
import { LEVELS, type LevelBytes } from '../../../hw/stats.js';
import type { Pipe } from '../../../isa/types.js';
import type { OpSummary, PipeStalls } from '../../../traces/summary.js';
import { DETAIL_LIMIT, LANE_PIPES, type Timeline } from '../../../traces/timeline.js';
import { PIPE_ROWS, VENDOR_UNITS, VENDOR_UNIT_NAMES } from '../../../traces/vocabulary.js';
import type { KernelReport } from './data.js';
import { bar, bytesText, esc, facts, grouped, pct, table, type HtmlColumn } from './html.js';

/** Each pipe stall reason, as the table heads it. */
const STALL_HEADS: Readonly<Record<keyof PipeStalls, string>> = {
  flag: 'flag wait',
  barrier: 'barrier',
  bandwidth: 'bandwidth share',
  bank: 'bank conflicts',
};
const STALL_KEYS = Object.keys(STALL_HEADS) as (keyof PipeStalls)[];

/** What each GM level means, for its row. */
const LEVEL_TEXT: Readonly<Record<keyof LevelBytes, string>> = {
  l2Hit: 'L2 hit: GM bytes served by the L2',
  l2Miss: 'L2 miss: GM bytes whose line was not resident',
  hbmRead: 'HBM read: line fills and bypassed reads',
  hbmWrite: 'HBM write: write-backs and bypassed writes',
};

export const PIPE_COLOURS: Readonly<Record<string, string>> = {
  SCALAR: '#7f7f7f',
  CUBE: '#d62728',
  VECTOR: '#2ca02c',
  MTE1: '#9467bd',
  MTE2: '#1f77b4',
  MTE3: '#17becf',
  FIXP: '#ff7f0e',
};

function keyFigures(s: OpSummary): string {
  const pairs: [string, string][] = [
    ['preset', `${esc(s.preset)} at ${s.clockMHz} MHz`],
    ['mode', esc(s.mode)],
    ['cycles', `${grouped(s.cycles)} (${s.aicoreTimeUs.toFixed(2)} us)`],
    ['cores launched', String(s.cores)],
    ['MACs issued', grouped(s.macs)],
    ['useful MACs', s.usefulMacs === null ? 'not given by the kernel' : grouped(s.usefulMacs)],
    ['cube utilisation (launched cores)', pct(s.cubeUtilization)],
    ['chip cube utilisation', s.chipCubeUtilization === null ? '-' : pct(s.chipCubeUtilization)],
    ['achieved TOPS', s.achievedTops.toFixed(3)],
    ['memory bound (mte2 / max(mac, vec))', s.memoryBound === null ? '-' : s.memoryBound.toFixed(3)],
    ['L2 at the start', esc(s.l2Start)],
    ['dirty bytes left in the L2', bytesText(s.l2DirtyBytes)],
  ];
  return facts(pairs);
}

/** What the overview merged, in a sentence under the timeline. */
function timelineNote(t: Timeline): string {
  const merged = t.lanes.filter((l) => l.resolution > 0);
  const most = Math.max(0, ...merged.map((l) => l.resolution));
  const overview = `${grouped(t.insns)} instructions on ${t.lanes.length} lanes, drawn as ${grouped(t.segmentCount)} busy segments`;
  const how = merged.length === 0 ? 'only overlapping and touching instructions were merged' : `on ${merged.length} lane(s) idle gaps inside one window of up to ${grouped(most)} cycles were closed to keep the page small (gaps crossing a window boundary stay); a segment's shade is its busy share`;
  const detail = t.detail
    ? 'every instruction is embedded: zoom in to see them, with their assembly on hover'
    : `instructions are not embedded (more than ${grouped(DETAIL_LIMIT)}): open trace.json in https://ui.perfetto.dev for each one`;
  return `<p class="note">${overview}; ${how}; ${detail}. Wheel: zoom at the pointer; drag: pan; double-click: whole run.</p>`;
}

function timelineBlock(k: number, t: Timeline): string {
  return [
    `<div class="timeline" data-kernel="${k}" data-segments-drawn="0">`,
    '<div class="controls"><button data-act="in">zoom in</button><button data-act="out">zoom out</button><button data-act="reset">whole run</button><span class="range"></span></div>',
    '<canvas></canvas><div class="tip"></div></div>',
    timelineNote(t),
  ].join('\n');
}

interface PipeRow {
  readonly pipe: Pipe;
  readonly busy: number;
  readonly ratio: number;
  readonly stalls: PipeStalls | undefined;
}

const PIPE_COLUMNS: readonly HtmlColumn<PipeRow>[] = [
  { head: 'pipe', cell: (r) => `<span class="swatch" style="background:${PIPE_COLOURS[PIPE_ROWS[r.pipe].name]}"></span>${PIPE_ROWS[r.pipe].name}` },
  { head: 'busy cycles (mean over cores)', right: true, cell: (r) => grouped(r.busy) },
  { head: 'busy ratio', right: true, cell: (r) => `${pct(r.ratio)} ${bar(r.ratio, PIPE_COLOURS[PIPE_ROWS[r.pipe].name])}` },
  ...STALL_KEYS.map((k): HtmlColumn<PipeRow> => ({ head: `stall: ${STALL_HEADS[k]}`, right: true, cell: (r) => (r.stalls ? grouped(r.stalls[k]) : '-') })),
];

function pipesTable(s: OpSummary): string {
  const rows = LANE_PIPES.filter((p) => s.pipes[p]).map((p): PipeRow => ({ pipe: p, busy: s.pipes[p]!.busyCycles, ratio: s.pipes[p]!.ratio, stalls: s.stalls.pipes[p] }));
  const scalar = Object.entries(s.stalls.scalar).filter(([, v]) => v > 0);
  const scalarText = scalar.length === 0 ? 'the scalar unit never stalled' : `scalar unit stalls (cycles, summed over cores): ${scalar.map(([k, v]) => `${esc(k)} ${grouped(v)}`).join(', ')}`;
  return `${table(PIPE_COLUMNS, rows, 'class="pipes"')}\n<p class="note">Busy: the union of a pipe's instructions' [start, completion), over the run's cycles. Stalls are summed over cores: a pipe's head blocked on a flag or barrier, GM transfers slowed by sharing bandwidth, extra occupancy from bank conflicts. ${scalarText}.</p>`;
}

function bytesTables(s: OpSummary): string {
  const paths = Object.entries(s.bytes) as [string, number][];
  const most = Math.max(1, ...paths.map(([, b]) => b));
  const pathTable = table<[string, number]>(
    [
      { head: 'path', cell: ([p]) => esc(p) },
      { head: 'bytes', right: true, cell: ([, b]) => `${grouped(b)}` },
      { head: '', right: true, cell: ([, b]) => bytesText(b) },
      { head: '', cell: ([, b]) => bar(b / most) },
    ],
    paths,
    'class="paths"',
  );
  const levelMost = Math.max(1, ...LEVELS.map((l) => s.memory[l]));
  const levelTable = table<keyof LevelBytes>(
    [
      { head: 'GM level', cell: (l) => esc(LEVEL_TEXT[l]) },
      { head: 'bytes', right: true, cell: (l) => grouped(s.memory[l]) },
      { head: '', right: true, cell: (l) => bytesText(s.memory[l]) },
      { head: '', cell: (l) => bar(s.memory[l] / levelMost, '#8c564b') },
      ...Object.keys(s.memory.paths).map((p): HtmlColumn<keyof LevelBytes> => ({ head: p, right: true, cell: (l) => grouped(s.memory.paths[p as keyof typeof s.memory.paths]![l]) })),
    ],
    LEVELS,
    'class="levels"',
  );
  return `<h3>Bytes per path</h3>\n${pathTable}\n<h3>GM bytes by level (all cores; then per GM path)</h3>\n${levelTable}`;
}

function notesBlock(r: KernelReport): string {
  const notes = r.notes.length === 0 ? '<p class="note">the kernel gave no notes</p>' : `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
  const tiling = r.tiling === null ? '<p class="note">no tiling recorded</p>' : facts(Object.entries(r.tiling).map(([k, v]) => [k, esc(String(v))] as const));
  return `<h3>Notes</h3>\n${notes}\n<h3>Tiling and launch</h3>\n${tiling}`;
}

function coresTable(s: OpSummary): string {
  const units = VENDOR_UNIT_NAMES.filter((u) => s.pipes[VENDOR_UNITS[u]]);
  return table<OpSummary['perCore'][number]>(
    [
      { head: 'core', right: true, cell: (c) => String(c.core) },
      { head: 'kind', cell: (c) => esc(c.kind) },
      { head: 'block', right: true, cell: (c) => String(c.block) },
      { head: 'finished at cycle', right: true, cell: (c) => grouped(c.cycles) },
      ...units.map((u): HtmlColumn<OpSummary['perCore'][number]> => ({ head: `${u}_ratio`, right: true, cell: (c) => (c.pipes[VENDOR_UNITS[u]] ? pct(c.ratios[`${u}_ratio`]) : '') })),
    ],
    s.perCore,
    'class="cores"',
  );
}

/** The section of kernel `k` (its index in the report data). */
export function kernelSection(r: KernelReport, k: number, roofline: string): string {
  const s = r.summary;
  return [
    `<section class="kernel" id="kernel-${k}">`,
    `<h2>${esc(r.label)}</h2>`,
    keyFigures(s),
    '<h3>Timeline: per core and pipe</h3>',
    timelineBlock(k, r.timeline),
    '<h3 id="pipes">Pipes: busy ratio and stall reasons</h3>',
    pipesTable(s),
    bytesTables(s),
    roofline,
    notesBlock(r),
    `<details${s.perCore.length <= 8 ? ' open' : ''}><summary>Per core (${s.perCore.length})</summary>\n${coresTable(s)}\n</details>`,
    '</section>',
  ].join('\n');
}
