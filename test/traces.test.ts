/**
 * Traces and reports: the Chrome trace, the per-instruction CSV and the summaries of small hand-written
 * programs whose cycles follow from the preset by hand, plus file safety (atomic rename, no partial
 * files after success or failure) and byte-for-byte determinism.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm.js';
import { PIPES, type Pipe } from '../isa/types.js';
import { loadConfig } from '../hw/config/load.js';
import type { HwConfig } from '../hw/config/types.js';
import type { Launch, SimResult } from '../hw/simulate.js';
import {
  AtomicFile,
  CHUNK_CHARS,
  ChromeTraceSink,
  CsvWriter,
  INSN_COLUMNS,
  InsnCsvSink,
  OP_COLUMNS,
  SUMMARY_COLUMNS,
  asmForLaunch,
  formatSummary,
  simulateTraced,
  summarise,
  teeSinks,
  writeOpCsv,
  writeStatsCsv,
  writeSummaryCsv,
  type FileSink,
} from '../traces/index.js';
import { FlowTable } from '../traces/flows.js';
import { Lanes } from '../traces/lanes.js';
import { tempDirs } from './support/temp-dirs.js';

// ---- helpers ------------------------------------------------------------------------------------

const tmp = tempDirs('aicore-traces-');

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: number;
  bp?: string;
  cat?: string;
  args: Record<string, string | number>;
}
interface Trace {
  displayTimeUnit: string;
  otherData: Record<string, string | number>;
  traceEvents: TraceEvent[];
}

/** Minimal CSV line parser (quoted fields may hold commas; the outputs never hold newlines in a field). */
function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let cur = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted && ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') {
          quoted = !quoted;
        } else if (ch === ',' && !quoted) {
          out.push(cur);
          cur = '';
        } else {
          cur += ch;
        }
      }
      out.push(cur);
      return out;
    });
}

interface Run {
  result: SimResult;
  dir: string;
  tracePath: string;
  csvPath: string;
  trace: Trace;
  csv: string[][];
}

/** Runs programs with both streaming sinks attached, into a fresh temp dir. */
function traced(cfg: HwConfig, programs: Launch['programs'], blockDim = 1, dir = tmp()): Run {
  const tracePath = path.join(dir, 'trace.json');
  const csvPath = path.join(dir, 'insns.csv');
  const asm = asmForLaunch(cfg, programs);
  const sink = teeSinks(new ChromeTraceSink(tracePath, cfg, { asm, label: 'test' }), new InsnCsvSink(csvPath, cfg, { asm }));
  const result = simulateTraced({ config: cfg, programs, blockDim, gm: 1 << 20, mode: 'timing' }, sink);
  const trace = JSON.parse(fs.readFileSync(tracePath, 'utf8')) as Trace;
  return { result, dir, tracePath, csvPath, trace, csv: parseCsv(fs.readFileSync(csvPath, 'utf8')) };
}

const coupled = (text: string) => ({ coupled: assemble(text) });
const slices = (t: Trace) => t.traceEvents.filter((e) => e.ph === 'X');
const meta = (t: Trace, name: string) => t.traceEvents.filter((e) => e.ph === 'M' && e.name === name);
const threadName = (t: Trace, pid: number, tid: number) => meta(t, 'thread_name').find((e) => e.pid === pid && e.tid === tid)?.args.name;
const tidOf = (p: Pipe) => PIPES.indexOf(p);
const partials = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.partial'));

/** On every thread, slices are disjoint or nested: what trace viewers can draw. */
function expectDrawable(t: Trace) {
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of slices(t)) {
    const k = `${e.pid}:${e.tid}`;
    byThread.set(k, [...(byThread.get(k) ?? []), e]);
  }
  for (const [k, evs] of byThread) {
    const stack: number[] = [];
    for (const e of [...evs].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)) {
      const end = e.ts + e.dur!;
      while (stack.length && stack[stack.length - 1]! <= e.ts + 1e-12) stack.pop();
      if (stack.length) expect(end, `thread ${k}: ${e.name} at ${e.ts} overlaps its neighbour without nesting`).toBeLessThanOrEqual(stack[stack.length - 1]! + 1e-12);
      stack.push(end);
    }
  }
}

// ---- the hand-checked handoff: DMA, set_flag / wait_flag, vector ----------------------------------

const HANDOFF = [
  'copy_gm_ub UB[0], GM[0], 1, 2048, 0, 0',
  'set_flag MTE2, V, 1',
  'wait_flag MTE2, V, 1',
  'vadds f16, UB[0], UB[0], 1, 4, 1, 1, 8, 8',
  'vadds f16, UB[0], UB[0], 1, 1, 1, 1, 8, 8',
  'vadds f16, UB[0], UB[0], 1, 1, 1, 1, 8, 8',
  'end',
].join('\n');

describe('Chrome trace of a DMA -> flag -> vector handoff on tiny', () => {
  const cfg = loadConfig('tiny');
  const clk = cfg.clockMHz;
  const issue = cfg.scalar.issueCycles;
  const dma = Math.max(cfg.paths.GM_UB.minCycles, Math.ceil(2048 / Math.min(cfg.paths.GM_UB.bytesPerCycle, cfg.gm.coreBytesPerCycle, cfg.gm.chipBytesPerCycle)) + cfg.paths.GM_UB.fixedLatency);
  const vec = (repeats: number) => Math.max(cfg.vector.classes.unary.minCycles, repeats * cfg.vector.classes.unary.cyclesPerRepeat);
  const run = traced(cfg, coupled(HANDOFF));
  const t = run.trace;
  const x = (op: string) => slices(t).filter((e) => e.name === op);

  it('is a JSON object with metadata first and the preset in otherData', () => {
    expect(t.displayTimeUnit).toBe('ns');
    expect(t.otherData).toMatchObject({ preset: 'tiny', clockMHz: clk, label: 'test' });
    expect(fs.readFileSync(run.tracePath, 'utf8').startsWith('{"displayTimeUnit":"ns","otherData":')).toBe(true);
  });

  it('names the core process and one thread per pipe with the vendor row names', () => {
    expect(meta(t, 'process_name').map((e) => [e.pid, e.args.name])).toEqual([[0, 'core 0 (coupled block 0)']]);
    const names = Object.fromEntries(meta(t, 'thread_name').filter((e) => e.tid < PIPES.length).map((e) => [e.tid, e.args.name]));
    expect(names).toEqual({ [tidOf('S')]: 'SCALAR', [tidOf('MTE1')]: 'MTE1', [tidOf('MTE2')]: 'MTE2', [tidOf('MTE3')]: 'MTE3', [tidOf('M')]: 'CUBE', [tidOf('V')]: 'VECTOR' });
    expect(meta(t, 'thread_sort_index').length).toBe(meta(t, 'thread_name').length);
  });

  it('gives every slice its exact cycles, and ts/dur in microseconds', () => {
    for (const e of slices(t)) {
      expect(e.args.cycles).toBe((e.args.endCycle as number) - (e.args.startCycle as number));
      expect(e.ts).toBeCloseTo((e.args.startCycle as number) / clk, 12);
      expect(e.dur).toBeCloseTo((e.args.cycles as number) / clk, 12);
    }
  });

  it('times the DMA, the wait and the vector op as derived by hand', () => {
    expect(run.result.cycles).toBe(dma + vec(4) + 2 * cfg.vector.classes.unary.cyclesPerRepeat + (vec(1) - cfg.vector.classes.unary.cyclesPerRepeat));
    const [copy] = x('copy_gm_ub');
    expect(copy).toMatchObject({ tid: tidOf('MTE2'), cat: 'MTE2', args: { pc: 0, asm: 'copy_gm_ub UB[0], GM[0], 1, 2048, 0, 0', startCycle: 0, cycles: dma, bytes: 2048, path: 'GM_UB' } });
    const [wait] = x('wait_flag');
    expect(wait).toMatchObject({ tid: tidOf('V'), args: { startCycle: 2 * issue, endCycle: dma } });
    expect(wait!.args).not.toHaveProperty('bytes');
    expect(wait!.args).not.toHaveProperty('path');
    const [first] = x('vadds');
    expect(first).toMatchObject({ tid: tidOf('V'), args: { startCycle: dma, cycles: vec(4), asm: 'vadds f16, UB[0], UB[0], 1, 4, 1, 1, 8, 8' } });
  });

  it('draws one flow arrow from the set_flag to the wait on the VECTOR thread', () => {
    const s = t.traceEvents.filter((e) => e.ph === 's');
    const f = t.traceEvents.filter((e) => e.ph === 'f');
    expect(s).toHaveLength(1);
    expect(f).toHaveLength(1);
    expect(s[0]!.id).toBe(f[0]!.id);
    const [set] = x('set_flag');
    // half a cycle inside the setter's slice, so the arrow binds to it and not to a slice starting as it ends
    expect(s[0]).toMatchObject({ pid: 0, tid: set!.tid, ts: ((set!.args.endCycle as number) - 0.5) / clk });
    expect(s[0]!.ts).toBeGreaterThan(set!.ts);
    expect(s[0]!.ts).toBeLessThan(set!.ts + set!.dur!);
    expect(threadName(t, 0, s[0]!.tid)).toMatch(/^MTE2/);
    expect(f[0]).toMatchObject({ pid: 0, tid: tidOf('V'), bp: 'e', ts: (dma - 0.5) / clk });
    const [wait] = x('wait_flag');
    expect(f[0]!.ts).toBeGreaterThan(wait!.ts);
    expect(f[0]!.ts).toBeLessThan(wait!.ts + wait!.dur!);
    expect(threadName(t, 0, f[0]!.tid)).toBe('VECTOR');
    expect(f[0]!.ts).toBeGreaterThanOrEqual(s[0]!.ts);
  });

  it('moves an overlapping slice to an extra lane and keeps every thread drawable', () => {
    // The third vadds starts when the second one's occupancy ends, before it completes.
    const [, second, third] = x('vadds');
    expect(third!.args.startCycle).toBeLessThan(second!.args.endCycle as number);
    expect(second!.tid).toBe(tidOf('V'));
    expect(third!.tid).not.toBe(tidOf('V'));
    expect(threadName(t, 0, third!.tid)).toBe('VECTOR (2)');
    // The set_flag waits inside the DMA's completion: nested, so it stays on the MTE2 row.
    expect(x('set_flag')[0]!.tid).toBe(tidOf('MTE2'));
    expectDrawable(t);
  });

  it('writes one per-instruction CSV row per slice, with the same cycles', () => {
    const [header, ...rows] = run.csv;
    expect(header).toEqual(INSN_COLUMNS.map((c) => c.name));
    expect(rows).toHaveLength(slices(t).length);
    const col = (name: string) => header!.indexOf(name);
    const key = (core: unknown, pc: unknown, start: unknown, end: unknown) => `${core}/${pc}/${start}/${end}`;
    expect(new Set(rows.map((r) => key(r[col('core')], r[col('pc')], r[col('start_cycle')], r[col('end_cycle')])))).toEqual(
      new Set(slices(t).map((e) => key(e.pid, e.args.pc, e.args.startCycle, e.args.endCycle))),
    );
    const copy = rows.find((r) => r[col('op')] === 'copy_gm_ub')!;
    expect(copy[col('asm')]).toBe('copy_gm_ub UB[0], GM[0], 1, 2048, 0, 0');
    expect(Number(copy[col('cycles')])).toBe(dma);
    expect(Number(copy[col('running_time_us')])).toBeCloseTo(dma / clk, 6);
    expect(copy[col('path')]).toBe('GM_UB');
    expect(copy.slice(col('kind'), col('block') + 1)).toEqual(['coupled', '0']);
  });

  it('summarises pipe ratios, memory_bound and stalls from the same run', () => {
    const s = summarise(run.result, 'handoff');
    const c = run.result.cycles;
    expect(s).toMatchObject({ label: 'handoff', preset: 'tiny', mode: 'timing', cores: 1, cycles: c, aicoreTimeUs: c / clk });
    expect(s.pipes.MTE2).toEqual({ busyCycles: dma, ratio: dma / c });
    expect(s.ratios.mte2_ratio).toBe(dma / c);
    expect(s.ratios.vec_ratio).toBe(run.result.cores[0]!.pipes.V!.busyCycles / c);
    expect(s.ratios.mac_ratio).toBe(0);
    expect(s.ratios.fixpipe_ratio).toBe(0);
    const core = run.result.cores[0]!;
    expect(s.pipes.S!.busyCycles).toBe(core.scalarInsns * cfg.scalar.aluCycles + core.issued * cfg.scalar.issueCycles);
    expect(s.memoryBound).toBeCloseTo(s.ratios.mte2_ratio / s.ratios.vec_ratio, 12);
    expect(s.bytes).toEqual({ GM_UB: 2048 });
    expect(s.cubeUtilization).toBe(0);
    expect(s.stalls.pipes.V!.flag).toBe(dma - 2 * issue);
    expect(s.perCore).toHaveLength(1);
  });
});

// ---- determinism ----------------------------------------------------------------------------------

describe('determinism', () => {
  it('two runs give byte-identical traces and CSVs', () => {
    const cfg = loadConfig('tiny');
    const write = () => {
      const r = traced(cfg, coupled(HANDOFF), 2);
      const s = summarise(r.result, 'x');
      writeSummaryCsv(path.join(r.dir, 'summary.csv'), s);
      writeOpCsv(path.join(r.dir, 'ops.csv'), r.result);
      writeStatsCsv(path.join(r.dir, 'stats.csv'), r.result.stats);
      return r.dir;
    };
    const [a, b] = [write(), write()];
    const files = fs.readdirSync(a).sort();
    expect(files).toEqual(['insns.csv', 'ops.csv', 'stats.csv', 'summary.csv', 'trace.json']);
    for (const f of files) expect(fs.readFileSync(path.join(b, f)).equals(fs.readFileSync(path.join(a, f))), f).toBe(true);
    expect(formatSummary(summarise(traced(cfg, coupled(HANDOFF)).result))).toBe(formatSummary(summarise(traced(cfg, coupled(HANDOFF)).result)));
  });
});

// ---- separated chip: cross-core flags, per-kind pipes ------------------------------------------

describe('tiny-sep: AIC and AIV cores', () => {
  const cfg = loadConfig('tiny-sep');
  const programs = {
    aic: assemble(['copy_gm_l1 L1[0], GM[0], 1, 1024, 0, 0', 'cross_set MTE2, 0', 'end'].join('\n')),
    aiv: assemble(['cross_wait MTE2, 0', 'copy_gm_ub UB[0], GM[0], 1, 1024, 0, 0', 'end'].join('\n')),
  };
  const run = traced(cfg, programs);
  const t = run.trace;

  it('has one process per core and only the pipes each kind has', () => {
    expect(meta(t, 'process_name').map((e) => e.args.name)).toEqual(['core 0 (aic block 0)', 'core 1 (aiv block 0)', 'core 2 (aiv block 1)']);
    const threads = (pid: number) => meta(t, 'thread_name').filter((e) => e.pid === pid).map((e) => e.args.name).sort();
    expect(threads(0)).toEqual(['CUBE', 'FIXP', 'MTE1', 'MTE2', 'SCALAR']);
    expect(threads(1)).toEqual(['MTE2', 'MTE3', 'SCALAR', 'VECTOR']);
    expect(threads(2)).toEqual(threads(1));
  });

  it('draws an arrow from the one cross_set to the wait on each AIV', () => {
    const [set] = slices(t).filter((e) => e.name === 'cross_set');
    const s = t.traceEvents.filter((e) => e.ph === 's');
    const f = t.traceEvents.filter((e) => e.ph === 'f');
    expect(s.map((e) => [e.pid, e.tid, e.ts])).toEqual([
      [0, set!.tid, ((set!.args.endCycle as number) - 0.5) / cfg.clockMHz],
      [0, set!.tid, ((set!.args.endCycle as number) - 0.5) / cfg.clockMHz],
    ]);
    expect(f.map((e) => [e.pid, threadName(t, e.pid, e.tid)]).sort()).toEqual([
      [1, 'MTE2'],
      [2, 'MTE2'],
    ]);
    expect(new Set(s.map((e) => e.id))).toEqual(new Set(f.map((e) => e.id)));
    expect(new Set(s.map((e) => e.id)).size).toBe(2);
    expectDrawable(t);
  });

  it('averages a pipe over the cores that have it and leaves absent pipes empty in the CSV', () => {
    const s = summarise(run.result);
    const aivMte3 = run.result.cores.filter((c) => c.kind === 'aiv').map((c) => c.pipes.MTE3!.busyCycles);
    expect(s.pipes.MTE3!.busyCycles).toBe(Math.round((aivMte3[0]! + aivMte3[1]!) / 2));
    const mte2 = run.result.cores.map((c) => c.pipes.MTE2!.busyCycles);
    expect(s.pipes.MTE2!.busyCycles).toBe(Math.round(mte2.reduce((a, b) => a + b) / 3));
    expect(s.bytes).toEqual({ GM_L1: 1024, GM_UB: 2048 });
    const file = path.join(run.dir, 'summary.csv');
    writeSummaryCsv(file, s);
    const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
    expect(header).toEqual(SUMMARY_COLUMNS.map((c) => c.name));
    expect(rows.map((r) => r[0])).toEqual(['0', '1', '2', 'total']);
    const cell = (row: number, name: string) => rows[row]![header!.indexOf(name)];
    expect(cell(0, 'vec_ratio')).toBe(''); // the AIC has no vector pipe
    expect(cell(1, 'mac_ratio')).toBe('');
    expect(cell(3, 'total_cycles')).toBe(String(run.result.cycles));
    expect(cell(3, 'GM_UB_bytes')).toBe('2048');
    expect(cell(1, 'GM_UB_bytes')).toBe('1024');
  });
});

// ---- the cube: utilisation and TOPS -----------------------------------------------------------------

describe('summary of a single mmad', () => {
  const cfg = loadConfig('tiny');
  const run = traced(cfg, coupled('mmad L0C[0], L0A[0], L0B[0], BT[0], 32, 64, 48, s8, s8, zero\nend\n'));
  const s = summarise(run.result, 'mmad');
  const macs = 32 * 64 * 48;
  const ideal = macs / (16 * 16 * cfg.cube.k0Bytes); // 16 x 16 fractal rows; s8: K0 = k0Bytes
  const cycles = (32 / 16) * (64 / cfg.cube.k0Bytes) * (48 / 16) + cfg.cube.fixedLatency;

  it('reports cube utilisation = ideal cycles / cycles', () => {
    expect(run.result.cycles).toBe(cycles);
    expect(s.cubeUtilization).toBeCloseTo(ideal / cycles, 12);
    expect(s.cubeUtilization).toBe(run.result.cores[0]!.cubeIdealCycles / run.result.cycles);
    expect(s.ratios.mac_ratio).toBe(s.pipes.M!.busyCycles / cycles);
    expect(s.macs).toBe(macs);
    expect(s.achievedTops).toBeCloseTo((2 * macs) / (cycles / (cfg.clockMHz * 1e6)) / 1e12, 12);
    expect(s.memoryBound).toBe(0); // no MTE2 traffic against a busy cube
  });

  it('shows a mmad slice on the CUBE thread with its cycles', () => {
    const [mm] = slices(run.trace).filter((e) => e.name === 'mmad');
    expect(mm).toMatchObject({ tid: tidOf('M'), args: { startCycle: 0, cycles } });
  });

  it('formats a readable plain-text summary', () => {
    const text = formatSummary(s);
    expect(text).not.toMatch(/\x1b/);
    expect(text).toMatch(/^op summary: mmad {2}\(preset tiny, timing mode, 1 core @ 1000 MHz\)/);
    expect(text).toMatch(new RegExp(`total_cycles +${cycles} `));
    expect(text).toMatch(new RegExp(`cube_utilization +${(100 * s.cubeUtilization).toFixed(1)} %`));
    const cube = text.split('\n').find((l) => l.trimStart().startsWith('CUBE'))!;
    expect(cube).toMatch(/mac_ratio +\d+ +\d+\.\d % +\|#+ *\|/);
    expect(text).toContain('memory_bound');
  });

  it('writes per-opcode and statistics CSVs', () => {
    const ops = path.join(run.dir, 'ops.csv');
    writeOpCsv(ops, run.result);
    const [header, ...rows] = parseCsv(fs.readFileSync(ops, 'utf8'));
    expect(header).toEqual(OP_COLUMNS.map((c) => c.name));
    expect(header).toEqual(['core', 'instr', 'pipe', 'call_count', 'cycles', 'running_time(us)', 'avg_cycles']);
    expect(rows.find((r) => r[1] === 'mmad')).toEqual(['0', 'mmad', 'M', '1', String(cycles), String(cycles / cfg.clockMHz), String(cycles)]);
    const stats = path.join(run.dir, 'stats.csv');
    writeStatsCsv(stats, run.result.stats);
    const st = parseCsv(fs.readFileSync(stats, 'utf8'));
    expect(st[0]).toEqual(['name', 'value', 'unit', 'description']);
    expect(st).toHaveLength(run.result.stats.length + 1);
    expect(st.find((r) => r[0] === 'chip.cycles')?.[1]).toBe(String(cycles));
  });
});

// ---- file safety ----------------------------------------------------------------------------------

describe('file safety', () => {
  const cfg = loadConfig('tiny');

  it('leaves no partial files after success', () => {
    const run = traced(cfg, coupled(HANDOFF));
    expect(partials(run.dir)).toEqual([]);
    expect(fs.existsSync(run.tracePath) && fs.existsSync(run.csvPath)).toBe(true);
  });

  it('writes to <name>.partial while open and removes it on abort', () => {
    const dir = tmp();
    const file = path.join(dir, 'trace.json');
    const sink = new ChromeTraceSink(file, cfg);
    sink.begin([{ core: 0, kind: 'coupled', blockIdx: 0, pipes: ['MTE2'] }]);
    expect(partials(dir)).toHaveLength(1);
    expect(partials(dir)[0]).toMatch(/^trace\.json\.\d+\.\d+\.partial$/);
    expect(fs.existsSync(file)).toBe(false);
    sink.abort();
    sink.abort(); // idempotent
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('removes every output when the run fails', () => {
    const dir = tmp();
    const sink = teeSinks(new ChromeTraceSink(path.join(dir, 't.json'), cfg), new InsnCsvSink(path.join(dir, 'i.csv'), cfg));
    const never = coupled('copy_gm_ub UB[0], GM[0], 1, 64, 0, 0\nwait_flag MTE2, V, 0\nvadds f16, UB[0], UB[0], 1, 1, 1, 1, 8, 8\nend\n');
    expect(() => simulateTraced({ config: cfg, programs: never, blockDim: 1, gm: 1 << 20, mode: 'timing' }, sink)).toThrow(/deadlock/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('removes the partial file when the final rename fails', () => {
    const dir = tmp();
    const file = path.join(dir, 'taken');
    const w = new CsvWriter(file, INSN_COLUMNS.slice(0, 1));
    fs.mkdirSync(path.join(file, 'sub'), { recursive: true }); // a non-empty folder appears where the file should go
    expect(() => w.finish()).toThrow();
    expect(partials(dir)).toEqual([]);
    // a folder already at the name is refused before anything is written
    expect(() => new CsvWriter(file, INSN_COLUMNS.slice(0, 1))).toThrow(/is a folder/);
    expect(partials(dir)).toEqual([]);
  });

  it('aborts the other sinks of a tee when one fails to finish', () => {
    const dir = tmp();
    const failing: FileSink = {
      insn() {},
      finish() {
        throw new Error('disk full');
      },
      abort() {},
    };
    const sink = teeSinks(failing, new InsnCsvSink(path.join(dir, 'i.csv'), cfg));
    expect(() => simulateTraced({ config: cfg, programs: coupled(HANDOFF), blockDim: 1, gm: 1 << 20, mode: 'timing' }, sink)).toThrow('disk full');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('streams in chunks: the partial file grows before the commit', () => {
    const dir = tmp();
    const f = new AtomicFile(path.join(dir, 'big.txt'));
    const line = 'x'.repeat(1023) + '\n';
    for (let i = 0; i < (3 * CHUNK_CHARS) / 1024; i++) f.write(line);
    expect(fs.statSync(f.partialPath).size).toBeGreaterThanOrEqual(2 * CHUNK_CHARS);
    f.commit();
    expect(fs.statSync(path.join(dir, 'big.txt')).size).toBe(3 * CHUNK_CHARS);
    expect(partials(dir)).toEqual([]);
  });

  it('stops at its size limit with an error naming the file and the limit, and leaves nothing', () => {
    const dir = tmp();
    const f = new AtomicFile(path.join(dir, 'capped.txt'), 3 * CHUNK_CHARS);
    const line = 'x'.repeat(1023) + '\n';
    expect(() => {
      for (let i = 0; i < (8 * CHUNK_CHARS) / 1024; i++) f.write(line);
    }).toThrow(/capped\.txt would pass 196608 bytes, the output size limit/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a long run streams a valid trace and a CSV row per slice', () => {
    const loop = ['li x1, 0', 'li x2, 600', 'top:', 'vadds f16, UB[0], UB[0], 1, 1, 1, 1, 8, 8', 'addi x1, x1, 1', 'blt x1, x2, top', 'end'].join('\n');
    const run = traced(cfg, coupled(loop));
    expect(fs.statSync(run.tracePath).size).toBeGreaterThan(2 * CHUNK_CHARS);
    expect(slices(run.trace).filter((e) => e.name === 'vadds')).toHaveLength(600);
    expect(run.csv.length - 1).toBe(slices(run.trace).length);
    expectDrawable(run.trace);
  });
});

// ---- bookkeeping units ------------------------------------------------------------------------------

describe('flow table and lanes', () => {
  const end = { pid: 0, tid: 0, ts: 0, name: 'x' };
  it('consumes a set_flag once, keeps a cross_set for each partner, and bounds what it holds', () => {
    const f = new FlowTable();
    f.add(1, 'set_flag', 0, 5, end);
    expect(f.take(1)).toBeDefined();
    expect(f.take(1)).toBeUndefined();
    f.add(2, 'cross_set', 0, 7, end);
    expect(f.take(2)).toBeDefined();
    expect(f.take(2)).toBeDefined();
    for (let id = 10; id < 110; id++) f.add(id, 'cross_set', 0, 7, end);
    expect(f.size).toBeLessThanOrEqual(16);
    expect(f.take(109)).toBeDefined();
    expect(f.take(10)).toBeUndefined();
  });

  it('keeps disjoint and nested slices on lane 0 and moves partial overlaps', () => {
    const l = new Lanes();
    expect(l.place(0, 0, 10)).toBe(0);
    expect(l.place(0, 4, 10)).toBe(0); // nested (same end)
    expect(l.place(0, 10, 13)).toBe(0); // after
    expect(l.place(0, 11, 14)).toBe(1); // overlaps [10, 13) without nesting
    expect(l.place(0, 12, 15)).toBe(2);
    expect(l.place(0, 14, 16)).toBe(0);
    expect(l.place(0, 5, 6)).toBe(3); // out of start order: only after everything in a lane
    expect(l.place(1, 0, 1)).toBe(0); // another pipe has its own lanes
  });
});
