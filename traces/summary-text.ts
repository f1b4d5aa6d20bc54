/**
 * The op summary as a compact plain-text table for the terminal: headline figures, each pipe's busy
 * cycles and ratio with a small bar, bytes per path and the largest stalls. No colours, no locale.
 */
import { PIPES, type Pipe } from '../isa/types.js';
import { grouped } from './format.js';
import type { OpSummary, PipeStalls } from './summary.js';
import type { LevelBytes } from '../hw/stats.js';
import { PIPE_ROWS, VENDOR_UNITS, VENDOR_UNIT_NAMES } from './vocabulary.js';

const BAR_WIDTH = 20;
const TOP_STALLS = 5;

/** How each pipe stall reason reads in the text. */
const PIPE_STALL_TEXT: Readonly<Record<keyof PipeStalls, string>> = {
  flag: 'waiting on flags',
  barrier: 'held by pipe_barrier',
  bandwidth: 'slowed by shared GM bandwidth',
  bank: 'slowed by UB or L1 bank conflicts',
};

const pct = (ratio: number) => `${(100 * ratio).toFixed(1)} %`;
const bar = (ratio: number) => {
  const n = Math.round(Math.min(1, Math.max(0, ratio)) * BAR_WIDTH);
  return `|${'#'.repeat(n)}${' '.repeat(BAR_WIDTH - n)}|`;
};

/** Lays out rows as columns padded to their widest cell; 'r' columns are right-aligned. */
function table(rows: readonly (readonly string[])[], align: string, indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((r) => indent + r.map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

const ratioNameOf = (p: Pipe) => VENDOR_UNIT_NAMES.find((u) => VENDOR_UNITS[u] === p);

function stallLines(s: OpSummary): string[] {
  const items: [string, number][] = Object.entries(s.stalls.scalar).map(([why, n]) => [`SCALAR ${why}`, n]);
  for (const p of PIPES) {
    const st = s.stalls.pipes[p];
    if (st) for (const why of Object.keys(PIPE_STALL_TEXT) as (keyof PipeStalls)[]) items.push([`${PIPE_ROWS[p].name} ${PIPE_STALL_TEXT[why]}`, st[why]]);
  }
  const top = items
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_STALLS);
  return top.length ? table(top.map(([what, n]) => [what, grouped(n)]), 'lr', '    ') : ['    none'];
}

/** Formats an op summary for the terminal (ends with a newline). */
export function formatSummary(s: OpSummary): string {
  const title = `op summary${s.label ? `: ${s.label}` : ''}  (preset ${s.preset}, ${s.mode} mode, ${s.cores} core${s.cores === 1 ? '' : 's'} @ ${s.clockMHz} MHz)`;
  const head = table(
    [
      ['total_cycles', grouped(s.cycles), 'aicore_time', `${s.aicoreTimeUs.toFixed(3)} us`],
      // a kernel without cube work is judged by its vector unit and its GM traffic, not by TOPS
      ...(s.macs > 0 ? cubeLines(s) : vectorLines(s)),
      ['memory_bound', s.memoryBound === null ? 'n/a' : s.memoryBound.toFixed(3), '', '(mte2_ratio / max(mac_ratio, vec_ratio))'],
    ],
    'lrll',
  );
  const present = PIPES.filter((p) => s.pipes[p]).sort((a, b) => PIPE_ROWS[a].order - PIPE_ROWS[b].order);
  const pipes = table(
    [
      ['pipe', 'ratio name', 'busy cycles', 'ratio', ''],
      ...present.map((p) => {
        const u = s.pipes[p]!;
        return [PIPE_ROWS[p].name, `${ratioNameOf(p) ?? ''}_ratio`, grouped(u.busyCycles), pct(u.ratio), bar(u.ratio)];
      }),
    ],
    'llrrl',
  );
  if (s.cores > 1) pipes.push('  (busy cycles: mean over the cores that have the pipe; ratio: of total_cycles)');
  const paths = Object.entries(s.bytes);
  const bytes = paths.length ? table(paths.map(([p, b]) => [p, grouped(b ?? 0)]), 'lr', '    ') : ['    none'];
  return [title, ...head, '', ...pipes, '', '  bytes moved', ...bytes, '', ...memoryLines(s), '', '  top stalls (cycles, summed over cores)', ...stallLines(s), ''].join('\n');
}

function cubeLines(s: OpSummary): string[][] {
  return [
    ['cube_utilization', pct(s.cubeUtilization), 'achieved', `${s.achievedTops.toFixed(4)} TOPS (${grouped(s.macs)} MACs issued)`],
    ...(s.chipCubeUtilization === null
      ? []
      : [['chip_cube_utilization', pct(s.chipCubeUtilization), 'useful', `${grouped(s.usefulMacs!)} MACs (cube_utilization: the launched cores, padding included; chip: useful MACs over every cube)`]]),
  ];
}

/** GM bytes the run moved (read and written, every GM path). */
const gmBytesOf = (s: OpSummary): number => Object.entries(s.bytes).reduce((n, [p, b]) => n + (p.startsWith('GM_') || p.endsWith('_GM') ? (b ?? 0) : 0), 0);

function vectorLines(s: OpSummary): string[][] {
  const gm = gmBytesOf(s);
  const gbPerS = s.aicoreTimeUs > 0 ? gm / (s.aicoreTimeUs * 1e3) : 0;
  return [['vec_ratio', pct(s.pipes.V?.ratio ?? 0), 'GM traffic', `${gbPerS.toFixed(2)} GB/s (${grouped(gm)} bytes read and written over aicore_time; no cube work)`]];
}

/** GM bytes by level, per GM path and in all, and how the L2 started. */
function memoryLines(s: OpSummary): string[] {
  const m = s.memory;
  const row = (name: string, l: LevelBytes) => [name, grouped(l.l2Hit), grouped(l.l2Miss), grouped(l.hbmRead), grouped(l.hbmWrite)];
  const paths = Object.entries(m.paths) as [string, LevelBytes][];
  const rows = table([['GM path', 'L2 hit', 'L2 miss', 'HBM read', 'HBM write'], ...paths.map(([p, l]) => row(p, l)), ...(paths.length > 1 ? [row('all', m)] : [])], 'lrrrr', '    ');
  return [
    `  GM bytes by level (L2 ${s.l2Start} at the start; ${grouped(s.l2DirtyBytes)} dirty bytes left in the L2, not yet written to HBM)`,
    ...(paths.length ? rows : ['    none']),
    ...(s.l1BankOverlapCycles > 0 ? [`  L1 reads streaming beside writes to their banks: ${grouped(s.l1BankOverlapCycles)} cycles (summed over cores; their cost is banks.l1.conflictCycles each)`] : []),
  ];
}
