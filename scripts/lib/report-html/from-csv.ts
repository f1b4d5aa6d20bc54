/**
 * Report data rebuilt from the five files of an output folder that has no report-data.json (one
 * written before aicore-sim had reports): the label and preset from trace.json's header, the op
 * summary from summary.csv (bytes per GM path and level from stats.csv), the timeline by streaming
 * insns.csv through the same sink a run uses. What those files do not record (the mode, the L2 at the
 * start, dirty bytes, a --config override) is said in the kernel's notes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../../../hw/config/load.js';
import { PATHS, type PathName } from '../../../hw/config/types.js';
import type { CoreInfo } from '../../../hw/engine/records.js';
import { SCALAR_BLOCK } from '../../../hw/engine/core-state.js';
import { readInputText } from '../../../hw/input-file.js';
import { LEVELS, type LevelBytes } from '../../../hw/stats.js';
import { PIPES, type Pipe } from '../../../isa/types.js';
import type { Mnemonic } from '../../../isa/opcodes.js';
import type { CoreUsage, MemoryUse, OpSummary, PipeStalls, PipeUse, Usage } from '../../../traces/summary.js';
import { TimelineSink, type Timeline } from '../../../traces/timeline.js';
import { VENDOR_UNITS, VENDOR_UNIT_NAMES, type RatioName, profilerName } from '../../../traces/vocabulary.js';
import { JobError } from '../job-error.js';
import { kernelReportData, type ReportData } from './data.js';

const NEEDED = ['trace.json', 'summary.csv', 'stats.csv', 'insns.csv'] as const;
const STALL_KEYS: readonly (keyof PipeStalls)[] = ['flag', 'barrier', 'bandwidth', 'bank'];
type Row = Readonly<Record<string, string>>;

const num = (v: string | undefined): number => (v === undefined || v === '' ? 0 : Number(v));
const orNull = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

/** The trace header's otherData: label, preset and clock of the run. */
function traceHead(file: string): { label: string; preset: string } {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(64 * 1024);
  let got: number;
  try {
    got = fs.readSync(fd, buf, 0, buf.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const m = /"otherData":(\{[^{}]*\})/.exec(buf.subarray(0, got).toString('utf8'));
  const o = m ? (JSON.parse(m[1]!) as { generator?: string; label?: string; preset?: string }) : undefined;
  if (!o || o.generator !== 'aicore-sim' || typeof o.preset !== 'string') throw new JobError(`${file} is not a trace aicore-sim wrote (no aicore-sim header)`);
  return { label: o.label ?? path.basename(path.dirname(file)), preset: o.preset };
}

/** GM bytes by level of core `core` (or all cores: null) per GM path, from stats.csv's `coreN.bytes.PATH.level`. */
function memoryOf(stats: ReadonlyMap<string, number>, core: number | null): MemoryUse {
  const paths: Partial<Record<PathName, LevelBytes>> = {};
  const total = { l2Hit: 0, l2Miss: 0, hbmRead: 0, hbmWrite: 0 };
  for (const [name, value] of stats) {
    const m = /^core(\d+)\.bytes\.([A-Z0-9_]+)\.(\w+)$/.exec(name);
    if (!m || (core !== null && Number(m[1]) !== core) || !(LEVELS as readonly string[]).includes(m[3]!)) continue;
    const p = m[2] as PathName;
    const lv = (paths[p] ??= { l2Hit: 0, l2Miss: 0, hbmRead: 0, hbmWrite: 0 }) as Record<keyof LevelBytes, number>;
    lv[m[3] as keyof LevelBytes] += value;
    total[m[3] as keyof LevelBytes] += value;
  }
  return { ...total, paths };
}

/** One summary.csv row as the figures the page reads. */
function usageOf(r: Row, memory: MemoryUse): Usage {
  const pipes: Partial<Record<Pipe, PipeUse>> = {};
  for (const u of VENDOR_UNIT_NAMES) if (r[`${u}_cycles`]) pipes[VENDOR_UNITS[u]] = { busyCycles: num(r[`${u}_cycles`]), ratio: num(r[`${u}_ratio`]) };
  const ratios = Object.fromEntries(VENDOR_UNIT_NAMES.map((u) => [`${u}_ratio`, num(r[`${u}_ratio`])])) as Record<RatioName, number>;
  const stallPipes: Partial<Record<Pipe, PipeStalls>> = {};
  for (const p of PIPES) {
    const name = profilerName(p);
    if (r[`${name}_stall_flag`]) stallPipes[p] = Object.fromEntries(STALL_KEYS.map((k) => [k, num(r[`${name}_stall_${k}`])])) as unknown as PipeStalls;
  }
  const bytes = Object.fromEntries(PATHS.filter((p) => num(r[`${p}_bytes`]) > 0).map((p) => [p, num(r[`${p}_bytes`])]));
  return {
    cycles: num(r.total_cycles),
    aicoreTimeUs: num(r['aicore_time(us)']),
    pipes,
    ratios,
    cubeUtilization: num(r['cube_utilization(%)']) / 100,
    bytes,
    memory,
    l1BankOverlapCycles: 0,
    macs: num(r.macs),
    achievedTops: num(r.achieved_tops),
    memoryBound: orNull(r.memory_bound),
    stalls: { scalar: Object.fromEntries(SCALAR_BLOCK.filter((w) => w !== 'none').map((w) => [w, num(r[`scalar_stall_${w}`])])), pipes: stallPipes },
  };
}

/** Splits one CSV line (quoted fields may hold commas and doubled quotes; none holds a newline). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      for (i++; i < line.length; i++) {
        if (line[i] !== '"') v += line[i];
        else if (line[i + 1] === '"') v += line[i++];
        else break;
      }
      out.push(v);
      i += 2;
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

/** The timeline of insns.csv, read in chunks (it can be gigabytes), through the run's sink. */
function timelineOf(file: string, cores: readonly CoreInfo[]): Timeline {
  const asm = new Map<string, string>();
  const sink = new TimelineSink((c, pc) => asm.get(`${c.core}:${pc}`) ?? '');
  sink.begin(cores);
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  // a chunk may end inside a character: the decoder carries its bytes over
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let col: Record<string, number> | undefined;
  let id = 0;
  try {
    for (let got = fs.readSync(fd, buf); got > 0 || rest; got = fs.readSync(fd, buf)) {
      const text = rest + (got > 0 ? decoder.write(buf.subarray(0, got)) : decoder.end());
      const lines = text.split('\n');
      rest = got > 0 ? lines.pop()! : '';
      for (const line of lines) {
        if (line === '') continue;
        const f = csvFields(line);
        if (!col) {
          col = Object.fromEntries(f.map((name, i) => [name, i]));
          continue;
        }
        const at = (name: string) => f[col![name]!] ?? '';
        const core = Number(at('core'));
        const pc = Number(at('pc'));
        if (!asm.has(`${core}:${pc}`)) asm.set(`${core}:${pc}`, at('asm'));
        const start = Number(at('start_cycle'));
        sink.insn({ id: id++, core, pipe: at('pipe') as Pipe, pc, op: at('op') as Mnemonic, issue: Number(at('issue_cycle')), start, end: Number(at('end_cycle')), flowFrom: -1, path: null, bytes: 0 });
      }
      if (got === 0) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  return sink.timeline();
}

/** The report data of `dir` rebuilt from its trace and CSVs, or null when one of them is missing. */
export function reportDataFromCsv(dir: string): ReportData | null {
  if (!NEEDED.every((f) => fs.existsSync(path.join(dir, f)) && fs.statSync(path.join(dir, f)).isFile())) return null;
  const { label, preset } = traceHead(path.join(dir, 'trace.json'));
  let cfg;
  try {
    cfg = loadConfig(preset);
  } catch (e) {
    throw new JobError(`${path.join(dir, 'trace.json')} names preset ${preset}, which this aicore-sim does not have: ${(e as Error).message}`);
  }
  const rows = parse(readInputText(path.join(dir, 'summary.csv')), { columns: true }) as Row[];
  const stats = new Map((parse(readInputText(path.join(dir, 'stats.csv')), { columns: true }) as Row[]).map((r) => [r.name!, num(r.value)]));
  const total = rows.find((r) => r.core === 'total');
  if (!total) throw new JobError(`${path.join(dir, 'summary.csv')} has no total row: not a summary aicore-sim wrote`);
  const perCore: CoreUsage[] = rows.filter((r) => r !== total).map((r) => ({ ...usageOf(r, memoryOf(stats, Number(r.core))), core: Number(r.core), kind: r.kind ?? '', block: num(r.block) }));
  const summary: OpSummary = {
    ...usageOf(total, memoryOf(stats, null)),
    usefulMacs: orNull(total.useful_macs),
    chipCubeUtilization: total['chip_cube_utilization(%)'] ? num(total['chip_cube_utilization(%)']) / 100 : null,
    l2Start: 'flushed',
    l2DirtyBytes: 0,
    label,
    preset,
    clockMHz: cfg.clockMHz,
    mode: 'timing',
    cores: perCore.length,
    perCore,
  };
  const cores = perCore.map((c): CoreInfo => ({ core: c.core, kind: c.kind, blockIdx: c.block, pipes: PIPES.filter((p) => c.pipes[p]) }));
  const note = `rebuilt by aicore-sim report from trace.json and the CSVs (this folder has no report-data.json): they do not record the mode, the L2 at the start or its dirty bytes (shown as timing, flushed, 0), nor the kernel's notes and tiling; the roofs are the built-in preset ${preset}'s (a --config override is not recorded)`;
  return kernelReportData(cfg, { label, summary, notes: [note], tiling: null, timeline: timelineOf(path.join(dir, 'insns.csv'), cores) });
}
