/**
 * Traces and reports of simulator runs: streaming Chrome trace and per-instruction CSV sinks, and
 * per-opcode, summary and statistics reports, all written through schema tables and atomic files.
 */
export { AtomicFile, CHUNK_CHARS } from './atomic-file.js';
export { asmForLaunch, type AsmLookup } from './asm-lookup.js';
export { ChromeTraceSink, TRACE_ARGS } from './chrome-trace.js';
export { CsvWriter, writeCsv } from './csv-writer.js';
export { InsnCsvSink, INSN_COLUMNS, type InsnRow } from './insn-csv.js';
export { OP_COLUMNS, opRows, writeOpCsv, type OpRow } from './op-csv.js';
export { col, type Cell, type Column, type Schema } from './schema.js';
export { simulateTraced, teeSinks, type FileSink, type SinkOptions } from './sinks.js';
export { DEFAULT_TRACE_LIMIT_BYTES, type TraceSelection } from './selection.js';
export { STATS_COLUMNS, writeStatsCsv } from './stats-csv.js';
export { summarise, type CoreUsage, type OpSummary, type PipeStalls, type PipeUse, type Stalls, type Usage } from './summary.js';
export { SUMMARY_COLUMNS, summaryRows, writeSummaryCsv, type SummaryRow } from './summary-csv.js';
export { formatSummary } from './summary-text.js';
export { PIPE_ROWS, VENDOR_UNITS, type RatioName, type VendorUnit } from './vocabulary.js';
