/**
 * Per-instruction CSV, streamed: one row per trace record (so one row per X slice of the Chrome
 * trace), with exact cycles and the assembly text.
 */
import { DEFAULT_TRACE_LIMIT_BYTES, recordFilter, traceLimitHint } from './selection.js';
import type { HwConfig } from '../hw/config/types.js';
import type { CoreInfo, InsnRecord } from '../hw/engine/records.js';
import { CsvWriter } from './csv-writer.js';
import { round } from './format.js';
import { col, type Schema } from './schema.js';
import { asmOfRecord, type FileSink, type SinkOptions } from './sinks.js';

/** What one row is read from. */
export interface InsnRow {
  readonly rec: InsnRecord;
  readonly core: CoreInfo | undefined;
  readonly asm: string;
  readonly clockMHz: number;
}

/** Columns of the per-instruction CSV. */
export const INSN_COLUMNS: Schema<InsnRow> = [
  col('core', '', 'core id', (r) => r.rec.core),
  col('kind', '', 'core kind: coupled, aic or aiv', (r) => r.core?.kind ?? null),
  col('block', '', 'block index of the core', (r) => r.core?.blockIdx ?? null),
  col('pipe', '', 'pipe that executed it (S: the scalar unit)', (r) => r.rec.pipe),
  col('pc', '', "instruction index in the core's program", (r) => r.rec.pc),
  col('op', '', 'mnemonic', (r) => r.rec.op),
  col('asm', '', 'assembly text', (r) => r.asm),
  col('issue_cycle', 'cycles', 'cycle the scalar unit issued it to the pipe', (r) => r.rec.issue),
  col('start_cycle', 'cycles', 'cycle it started executing (waits: started waiting)', (r) => r.rec.start),
  col('end_cycle', 'cycles', 'cycle its results were complete', (r) => r.rec.end),
  col('cycles', 'cycles', 'end_cycle - start_cycle', (r) => r.rec.end - r.rec.start),
  col('running_time_us', 'us', 'cycles at the preset clock, rounded to 1e-6 us', (r) => round((r.rec.end - r.rec.start) / r.clockMHz, 6)),
  col('bytes', 'bytes', 'bytes moved or processed', (r) => r.rec.bytes),
  col('path', '', 'data path of a copy (empty when none)', (r) => r.rec.path),
];

/** Streams every record as a CSV row. */
export class InsnCsvSink implements FileSink {
  private readonly out: CsvWriter<InsnRow>;
  private readonly clockMHz: number;
  private cores: readonly CoreInfo[] = [];

  /** Opens `<path>.partial` and writes the header. */
  constructor(
    path: string,
    cfg: HwConfig,
    private readonly opts: SinkOptions = {},
  ) {
    this.clockMHz = cfg.clockMHz;
    const maxBytes = opts.maxBytes ?? DEFAULT_TRACE_LIMIT_BYTES;
    this.out = new CsvWriter(path, INSN_COLUMNS, { maxBytes, hint: traceLimitHint(maxBytes) });
    this.keep = recordFilter(opts.select);
  }

  private readonly keep: ((r: InsnRecord) => boolean) | null;

  begin(cores: readonly CoreInfo[]): void {
    this.cores = cores;
  }

  insn(rec: InsnRecord): void {
    if (this.keep !== null && !this.keep(rec)) return;
    const core = this.cores[rec.core];
    this.out.row({ rec, core, asm: asmOfRecord(this.opts.asm, core, rec.pc), clockMHz: this.clockMHz });
  }

  /** Writes the remaining rows and renames the file into place. */
  finish(): void {
    this.out.finish();
  }

  /** Removes the partial file. */
  abort(): void {
    this.out.abort();
  }
}
