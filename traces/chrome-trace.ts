/**
 * Chrome Trace Event JSON, streamed: opens in Perfetto (ui.perfetto.dev) and chrome://tracing.
 * One process per core, one thread per pipe (vendor row names), one "X" slice per instruction with
 * its exact cycles in args, and flow arrows from each set_flag / cross_set (at the cycle the flag was
 * set) to the wait it released (at the cycle it was released).
 *
 * Layout: `{"displayTimeUnit":"ns","otherData":{...},"traceEvents":[...]}`. The metadata goes first so
 * the event array can stream to the end of the file. ts and dur are microseconds (the format's unit)
 * computed as cycles / clockMHz and printed by JSON.stringify, which is deterministic: the same run
 * gives the same bytes.
 */
import { DEFAULT_TRACE_LIMIT_BYTES, recordFilter, selectionText, traceLimitHint } from './selection.js';
import { PIPES, type Pipe } from '../isa/types.js';
import type { HwConfig } from '../hw/config/types.js';
import { PIPE_INDEX } from '../hw/engine/decode.js';
import type { CoreInfo, InsnRecord } from '../hw/engine/records.js';
import { AtomicFile } from './atomic-file.js';
import { FLAG_SETTERS, FlowTable } from './flows.js';
import { Lanes } from './lanes.js';
import { col, type Schema } from './schema.js';
import { asmOfRecord, type FileSink, type SinkOptions } from './sinks.js';
import { PIPE_ROWS } from './vocabulary.js';

/** What one X event's args are read from. */
interface SliceView {
  readonly rec: InsnRecord;
  readonly asm: string;
}

/** The args of every instruction slice; null values are omitted. */
export const TRACE_ARGS: Schema<SliceView> = [
  col('pc', '', "instruction index in the core's program", (v) => v.rec.pc),
  col('asm', '', 'assembly text of the instruction', (v) => v.asm || null),
  col('issueCycle', 'cycles', 'cycle the scalar unit issued it to the pipe (scalar instructions: their start)', (v) => v.rec.issue),
  col('startCycle', 'cycles', 'cycle it started executing (waits: started waiting)', (v) => v.rec.start),
  col('endCycle', 'cycles', 'cycle its results were complete (set_flag: flag set; waits: released)', (v) => v.rec.end),
  col('cycles', 'cycles', 'endCycle - startCycle', (v) => v.rec.end - v.rec.start),
  col('bytes', 'bytes', 'bytes moved or processed (omitted when 0)', (v) => v.rec.bytes || null),
  col('path', '', 'data path of a copy (omitted when none)', (v) => v.rec.path),
];

const NPIPES = PIPES.length;
/** Thread id of a pipe's lane: lane 0 is the pipe's index in PIPES, extra lanes follow in steps. */
const tidOf = (pipe: Pipe, lane: number) => PIPE_INDEX[pipe] + NPIPES * lane;
const laneName = (pipe: Pipe, lane: number) => (lane === 0 ? PIPE_ROWS[pipe].name : `${PIPE_ROWS[pipe].name} (${lane + 1})`);
/**
 * Where an arrow meets its slice: half a cycle before the slice's end. Viewers bind an arrow's end to
 * the slice that encloses its timestamp, and a slice's end is the next slice's start when they touch,
 * so the end itself would bind the arrow to the wrong instruction; half a cycle inside is inside
 * every slice of at least one cycle (a zero-cycle slice keeps its one timestamp).
 */
const insideEnd = (rec: InsnRecord): number => (rec.end > rec.start ? rec.end - 0.5 : rec.end);

/** Extra lanes sort right under their pipe. */
const laneSort = (pipe: Pipe, lane: number) => PIPE_ROWS[pipe].order * 100 + lane;

/**
 * Streams a run's records to a Chrome trace file. Construct it before the run, attach it as the
 * launch's sink, then call `finish()` (or `abort()` if the run failed) — `simulateTraced` does both.
 * Memory held: one small entry per core pipe lane and per not-yet-consumed flag set.
 */
export class ChromeTraceSink implements FileSink {
  private readonly file: AtomicFile;
  private readonly clockMHz: number;
  private cores: readonly CoreInfo[] = [];
  private readonly lanes = new Lanes();
  private readonly namedLanes = new Set<string>();
  private readonly flows = new FlowTable();
  private first = true;
  /** the selection's predicate (null: every instruction) */
  private readonly keep: ((r: InsnRecord) => boolean) | null;
  private readonly selectedCores: ReadonlySet<number> | null;

  /** Opens `<path>.partial` and writes the header; `opts.asm` fills each slice's assembly text. */
  constructor(
    path: string,
    cfg: HwConfig,
    private readonly opts: SinkOptions = {},
  ) {
    this.clockMHz = cfg.clockMHz;
    const maxBytes = opts.maxBytes ?? DEFAULT_TRACE_LIMIT_BYTES;
    this.file = new AtomicFile(path, maxBytes, traceLimitHint(maxBytes));
    this.keep = recordFilter(opts.select);
    this.selectedCores = opts.select?.none ? new Set() : opts.select?.cores ? new Set(opts.select.cores) : null;
    const kept = selectionText(opts.select);
    const head = {
      displayTimeUnit: 'ns',
      otherData: {
        generator: 'aicore-sim',
        ...(opts.label !== undefined ? { label: opts.label } : {}),
        preset: cfg.name,
        arch: cfg.arch,
        organisation: cfg.organisation,
        clockMHz: cfg.clockMHz,
        timeUnit: 'ts and dur in us = cycles / clockMHz; exact cycles in each slice\'s args',
        ...(kept !== null ? { instructionsKept: kept } : {}),
      },
    };
    this.file.write(`${JSON.stringify(head).slice(0, -1)},"traceEvents":[\n`);
  }

  /** Names a process per core and a thread per pipe it has (the scalar unit always). */
  begin(cores: readonly CoreInfo[]): void {
    this.cores = cores;
    for (const c of cores) {
      if (this.selectedCores !== null && !this.selectedCores.has(c.core)) continue;
      this.emit({ name: 'process_name', ph: 'M', pid: c.core, tid: 0, args: { name: `core ${c.core} (${c.kind} block ${c.blockIdx})` } });
      this.emit({ name: 'process_sort_index', ph: 'M', pid: c.core, tid: 0, args: { sort_index: c.core } });
      for (const p of PIPES) if (p === 'S' || c.pipes.includes(p)) this.nameThread(c.core, p, 0);
    }
  }

  /** Writes the record's slice, and the flow arrow from the set that released it, if any. */
  insn(rec: InsnRecord): void {
    if (this.keep !== null && !this.keep(rec)) {
      // an arrow needs both ends: a left-out set is forgotten, a left-out wait frees its set's entry
      if (rec.flowFrom >= 0) this.flows.take(rec.flowFrom);
      return;
    }
    const us = this.clockMHz;
    const lane = this.lanes.place(rec.core * NPIPES + PIPE_INDEX[rec.pipe], rec.start, rec.end);
    if (lane > 0 && !this.namedLanes.has(`${rec.core}:${rec.pipe}:${lane}`)) {
      this.namedLanes.add(`${rec.core}:${rec.pipe}:${lane}`);
      this.nameThread(rec.core, rec.pipe, lane);
    }
    const tid = tidOf(rec.pipe, lane);
    const view: SliceView = { rec, asm: asmOfRecord(this.opts.asm, this.cores[rec.core], rec.pc) };
    const args: Record<string, string | number> = {};
    for (const c of TRACE_ARGS) {
      const v = c.value(view);
      if (v !== null) args[c.name] = v;
    }
    const ts = rec.start / us;
    this.emit({ name: rec.op, cat: rec.pipe, ph: 'X', pid: rec.core, tid, ts, dur: (rec.end - rec.start) / us, args });
    if (FLAG_SETTERS[rec.op]) this.flows.add(rec.id, rec.op, rec.core, rec.pc, { pid: rec.core, tid, ts: insideEnd(rec) / us, name: rec.op });
    if (rec.flowFrom >= 0) {
      const from = this.flows.take(rec.flowFrom);
      // The arrow's id is the wait's record id: unique per arrow even when a cross_set releases several
      // waits. It ends when the wait was released, not when it began waiting: viewers read flows in time
      // order and drop a finish that comes before its start.
      if (from) {
        this.emit({ name: from.name, cat: 'flag', ph: 's', id: rec.id, pid: from.pid, tid: from.tid, ts: from.ts });
        this.emit({ name: from.name, cat: 'flag', ph: 'f', bp: 'e', id: rec.id, pid: rec.core, tid, ts: insideEnd(rec) / us });
      }
    }
  }

  /** Closes the event array and renames the file into place. */
  finish(): void {
    this.file.write('\n]}\n');
    this.file.commit();
  }

  /** Removes the partial file. */
  abort(): void {
    this.file.abort();
  }

  private nameThread(core: number, pipe: Pipe, lane: number): void {
    const tid = tidOf(pipe, lane);
    this.emit({ name: 'thread_name', ph: 'M', pid: core, tid, args: { name: laneName(pipe, lane) } });
    this.emit({ name: 'thread_sort_index', ph: 'M', pid: core, tid, args: { sort_index: laneSort(pipe, lane) } });
  }

  private emit(ev: object): void {
    this.file.write(this.first ? JSON.stringify(ev) : `,\n${JSON.stringify(ev)}`);
    this.first = false;
  }
}
