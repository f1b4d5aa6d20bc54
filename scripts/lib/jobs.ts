/**
 * The jobs behind the CLI, as library calls (exported as `jobs` from the package): run the matmul
 * kernel, any kernel of the regression table or an assembly program with traces and reports (the HTML
 * report too), run ONNX nodes on the simulated chip, run a regression manifest, search the tilings of
 * a cube kernel, and compare two runs. They throw JobError for inputs that cannot be used as given (and the
 * library's ConfigError, IsaError, OpError, SimError). CLI-only plumbing (command-line usage errors,
 * text formatting) is not here.
 */
export { JobError } from './job-error.js';
export { runMatmul, type MatmulJobOptions, type MatmulJobResult, type Mismatch } from './run-matmul.js';
export { runAsm, DEFAULT_GM_BYTES, type AsmJobOptions, type AsmJobResult } from './run-asm.js';
export { runLaunch, OUTPUT_FILES, RUN_FILES, type KernelFacts, type LaunchRun, type TraceOptions } from './outputs.js';
export { rewriteReport, readReportData } from './report-html/write.js';
export { reportHtml } from './report-html/page.js';
export { REPORT_FILES, type ReportData } from './report-html/data.js';
export { kernelAssembly, parseDirectives, formatDirectives, type AsmDirectives } from './asm-directives.js';
export { allPresetInfo, presetInfo, type PresetInfo } from './presets-info.js';
export { runOperator, runKernelLaunch } from './exec/driver.js';
export { execCases, RUNNERS, resultFromJson, resultToJson, type ResultJson } from './exec/exec-file.js';
export { parseCase, parseCases, type ParsedCase } from './exec/parse.js';
export type { KernelRun, NodeResult, NodeRunner, OnnxCase, RunOptions } from './exec/types.js';
export { runRegress, type RegressOptions, type RegressOutcome } from './regress/job.js';
export { KERNELS as REGRESS_KERNELS } from './regress/kernels.js';
export type { Measurement } from './regress/measure.js';
export { tuneSubject, tunableKernels, type SubjectOptions, type TuneSubject } from './tune/subject.js';
export { tune, type SearchOptions, type TuneResult } from './tune/search.js';
export { tuneJson, tuneText } from './tune/report.js';
export { runKernel, type KernelJobOptions, type KernelJobResult } from './run-kernel.js';
export { diffProfiles, diffText, readProfile, type Diff, type Profile } from './diff/index.js';
export { seededRandom } from './rng.js';
export { sweep, sweepPoints, type SweepOptions } from './sweep/sweep.js';
export { parseSweepSpec, readSweepSpec, type SweepSpec } from './sweep/spec.js';
export { csvText, rowCells, sweepHeader, type SweepRow } from './sweep/columns.js';
export { mergeShards, type MergeResult } from './sweep/merge.js';
