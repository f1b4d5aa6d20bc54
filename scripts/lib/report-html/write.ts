/**
 * Writing the report files: into a run's staging folder (published with the trace and CSVs, or
 * discarded with them), and again from an existing output folder (`aicore-sim report DIR`). The
 * second path is careful with what is already there: DIR must hold report-data.json written by
 * aicore-sim (or, from before reports, its trace and CSVs: from-csv.ts), and a report.html is replaced only when it is a regular file that starts with the
 * report marker (never a symlink, FIFO, device, or a page someone else wrote), through a temporary
 * file in DIR renamed over it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readInputText } from '../../../hw/input-file.js';
import { JobError } from '../job-error.js';
import type { StagedOutputs } from '../staged-outputs.js';
import type { HwConfig } from '../../../hw/config/types.js';
import type { OpSummary } from '../../../traces/index.js';
import type { Timeline } from '../../../traces/timeline.js';
import { isReportData, kernelReportData, REPORT_FILES, reportDataText, type ReportData } from './data.js';
import { reportDataFromCsv } from './from-csv.js';
import { REPORT_MARKER, reportHtml } from './page.js';

/** Writes report-data.json and report.html into the staging folder of `staged`. */
export function stageReport(staged: StagedOutputs, data: ReportData): void {
  fs.writeFileSync(staged.at(REPORT_FILES.data), reportDataText(data));
  fs.writeFileSync(staged.at(REPORT_FILES.html), reportHtml(data));
}

/** A traced launch a folder's report can draw: what runTracedInto gave, with the kernel's facts. */
export interface ReportLaunch {
  readonly label: string;
  /** the prefix of its files in the folder */
  readonly files: string;
  readonly summary: OpSummary;
  readonly timeline: Timeline;
  readonly notes: readonly string[];
  readonly tiling: Readonly<Record<string, unknown>> | null;
}

/** The longer of two launches (the earlier one on a tie): a folder of several launches draws the longest. */
export const longerLaunch = (a: ReportLaunch | undefined, b: ReportLaunch): ReportLaunch => (a && a.summary.cycles >= b.summary.cycles ? a : b);

/**
 * Stages the report of a folder holding several launches' files: the longest launch's timeline and
 * facts, a note saying which it is, and `summary` (default: the launch's own).
 */
export function stageLaunchReport(staged: StagedOutputs, cfg: HwConfig, l: ReportLaunch, label = l.label, summary = l.summary): void {
  const note = `the longest launch of the run (files ${l.files}.*); the other launches' files are beside it`;
  stageReport(staged, kernelReportData(cfg, { label, summary, timeline: l.timeline, tiling: l.tiling, notes: [...l.notes, note] }));
}

/** The report data of output folder `dir`, or a JobError saying why it is not one. */
export function readReportData(dir: string): ReportData {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new JobError(`${dir} does not exist: give an output folder of aicore-sim run, asm or network --out`);
  }
  if (!st.isDirectory()) throw new JobError(`${dir} is not a folder: give an output folder of aicore-sim run, asm or network --out`);
  const file = path.join(dir, REPORT_FILES.data);
  if (!fs.existsSync(file)) {
    // a folder written before aicore-sim had reports: its trace and CSVs say most of it
    let rebuilt: ReportData | null;
    try {
      rebuilt = reportDataFromCsv(dir);
    } catch (e) {
      if (e instanceof JobError) throw e;
      throw new JobError(`cannot rebuild the report from the trace and CSVs in ${dir}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (rebuilt) return rebuilt;
    throw new JobError(`${dir} is not an aicore-sim output folder: it has no ${REPORT_FILES.data}, nor trace.json, summary.csv, stats.csv and insns.csv (run aicore-sim run, asm or network with --out ${dir} first)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readInputText(file));
  } catch (e) {
    throw new JobError(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isReportData(parsed)) throw new JobError(`${file} is not report data this aicore-sim writes (run the job with --out again)`);
  return parsed;
}

/** The page of `data`; data that parses but is not what aicore-sim writes (edited by hand) is unusable input. */
function pageOf(data: ReportData, file: string): string {
  try {
    return reportHtml(data);
  } catch (e) {
    throw new JobError(`cannot draw the report from ${file}: it is not report data as aicore-sim writes it (${(e as Error).message.split('\n')[0]}); run the job with --out again`);
  }
}

/** Why the page at `file` must not be replaced, or null when it may be. */
function refusal(file: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) return 'is a symlink';
  if (!st.isFile()) return `is ${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : 'a device or socket'}`;
  const head = Buffer.alloc(512);
  const fd = fs.openSync(file, 'r');
  let got: number;
  try {
    got = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head.subarray(0, got).toString('utf8').includes(REPORT_MARKER) ? null : 'was not written by aicore-sim (it lacks the report marker)';
}

/** Renders the report page of folder `dir` again from its report data; returns the page's path. */
export function rewriteReport(dir: string): string {
  const data = readReportData(dir);
  const file = path.join(dir, REPORT_FILES.html);
  const why = refusal(file);
  if (why) throw new JobError(`${file} ${why}: not replacing it (move it away, or render into a copy of the folder)`);
  const temp = path.join(dir, `.${REPORT_FILES.html}.${process.pid}.partial`);
  try {
    // a partial file of this process id is a dead run's (this one has not written any yet)
    fs.rmSync(temp, { force: true });
    fs.writeFileSync(temp, pageOf(data, path.join(dir, REPORT_FILES.data)), { flag: 'wx' });
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw new JobError(`cannot write ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  return file;
}
