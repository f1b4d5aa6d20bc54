/**
 * `aicore-sim exec --case CASE.json --out RESULT.json`: runs ONNX nodes on the simulated chip with
 * the matching ops-nn kernels (the contract: docs/exec.md). CASE holds one case or an array;
 * RESULT holds one result or an array in the same order, written only when every case succeeded.
 */
import { REPORT_FILES } from '../lib/report-html/data.js';
import { longerLaunch, stageLaunchReport, type ReportLaunch } from '../lib/report-html/write.js';
import { L2_POLICIES } from '../../ops-nn/launch-sequence.js';
import { readInputText } from '../../hw/input-file.js';
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { loadConfig } from '../../hw/config/load.js';
import { JobError } from '../lib/job-error.js';
import { OUTPUT_FILES, openOutputFile, outputNames, prepareDir, runTracedInto } from '../lib/outputs.js';
import type { StagedOutputs } from '../lib/staged-outputs.js';
import type { RunOptions } from '../lib/exec/types.js';
import { execCases, type ResultJson } from '../lib/exec/exec-file.js';
import { FUSIONS, type Fusion } from '../../ops-nn/onnx/index.js';
import { VECTOR_REQUANTS, type VectorRequant } from '../../ops-nn/gemm/index.js';
import type { CliContext } from './context.js';
import { intOption, overridesOf, reportSanitizer, SANITIZE_OPTION, textOption } from './options.js';

const OPTIONS = {
  case: { ...textOption('case', 'case file: one ONNX node case or a JSON array of them'), demandOption: true },
  out: { ...textOption('out', 'result file to write'), demandOption: true },
  preset: textOption('preset', 'hardware preset (default ascend910b)'),
  config: textOption('config', 'JSON file overriding any preset field'),
  fusion: { choices: FUSIONS, describe: 'epilogue placement of conv/matmul: fixpipe (fused), ub (vector unit via UB), gm (separate requant kernel); default: the fastest exact one' },
  'vector-requant': {
    choices: VECTOR_REQUANTS,
    describe: "arithmetic of a requant on the vector unit (--fusion ub): exact (default, ONNX Runtime's bits) or deq-f16 (the vendor's, through f16: faster, up to 1 LSB off; docs/quantisation.md)",
  },
  'max-cycles': intOption('max-cycles', 'stop with an error past this many cycles per kernel'),
  'max-instructions': intOption('max-instructions', 'stop with an error past this many instructions per kernel, all cores (default 10000000)'),
  sanitize: SANITIZE_OPTION,
  'trace-dir': textOption('trace-dir', 'folder for the traces of every kernel launch: <case>-<n>-<kernel>.trace.json, .insns.csv, .ops.csv, .summary.csv, .stats.csv (published together, only when every case succeeded)'),
  l2: { choices: L2_POLICIES, default: 'warm' as const, describe: "the L2 between an operator's launches: warm (each starts with the L2 the previous one left) or flushed (empty before each); every case starts flushed" },
} as const satisfies Record<string, Options>;

type Args = ArgumentsCamelCase<InferredOptionTypes<typeof OPTIONS>>;

function readCases(file: string): unknown {
  let text: string;
  try {
    text = readInputText(file);
  } catch (e) {
    throw new JobError(`cannot read case file ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new JobError(`case file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A case label or kernel name as part of a file name (cut to 100 characters: names have limits). */
const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);

/**
 * How each launch writes its trace into `staged` (exec --trace-dir): `<case>-<n>-<kernel>.<file>`,
 * n counting the case's launches from 1.
 */
const tracing = (staged: StagedOutputs, report: { longest?: ReportLaunch }): RunOptions['traceCase'] => (label) => (index, kernel) => {
  const prefix = `${fileSafe(label)}-${index + 1}-${fileSafe(kernel.name)}`;
  staged.add(Object.values(outputNames(prefix)));
  return (placed) => {
    const name = `case ${label} ${kernel.name}`;
    const t = runTracedInto(staged, placed, name, prefix, kernel.usefulMacs);
    report.longest = longerLaunch(report.longest, { label: name, files: prefix, summary: t.summary, timeline: t.timeline, notes: kernel.notes, tiling: (kernel.tiling as Readonly<Record<string, unknown>> | undefined) ?? null });
    return t.result;
  };
};

function execCli(a: Args, ctx: CliContext): number {
  const cfg = loadConfig(a.preset ?? 'ascend910b', overridesOf(a.config));
  const json = readCases(a.case);
  const toStdout = a.out === '-';
  const file = openOutputFile(a.out, ctx.io.out);
  const staged = a.traceDir === undefined ? undefined : prepareDir(a.traceDir, []);
  const report: { longest?: ReportLaunch } = {};
  let result: unknown;
  let traces: string[] = [];
  try {
    result = execCases(json, cfg, { ...(a.fusion ? { fusion: a.fusion as Fusion } : {}), ...(a.vectorRequant ? { vectorRequant: a.vectorRequant as VectorRequant } : {}), ...(a.maxCycles !== undefined ? { maxCycles: a.maxCycles } : {}), ...(a.maxInstructions !== undefined ? { maxInstructions: a.maxInstructions } : {}), ...(a.sanitize ? { sanitize: true } : {}), l2: a.l2, ...(staged ? { traceCase: tracing(staged, report) } : {}) });
    file.write(JSON.stringify(result));
    if (staged && report.longest) {
      staged.add(Object.values(REPORT_FILES));
      stageLaunchReport(staged, cfg, report.longest);
    }
    traces = staged?.publish() ?? [];
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  } finally {
    staged?.discard();
  }
  const list = Array.isArray(result) ? (result as { cycles: number }[]) : [result as { cycles: number }];
  // with --out - the results are standard output, so the summary goes to standard error
  (toStdout ? ctx.io.err : ctx.io.out)(`${list.length} case(s) on ${cfg.name}, ${list.reduce((s, r) => s + r.cycles, 0)} cycles in all -> ${toStdout ? 'standard output' : a.out}${traces.length ? `; traces of ${traces.filter((f) => f.endsWith(OUTPUT_FILES.summary)).length} launch(es) and report.html in ${a.traceDir}` : ''}`);
  let status = 0;
  (list as unknown as ResultJson[]).forEach((r, i) =>
    r.kernels.forEach((k) => {
      status = reportSanitizer(ctx.io, k.sanitizer, `case ${r.name ?? i} kernel ${k.name}`) || status;
    }),
  );
  return status;
}

/** The `exec` command. */
export const execCommand = (ctx: CliContext): CommandModule<object, Args> => ({
  command: 'exec',
  describe: 'run ONNX-semantics nodes (QLinearConv, QLinearMatMul, ...) from a case file on the simulated chip',
  builder: (y) => y.options(OPTIONS) as never,
  handler: (a) => ctx.run(() => execCli(a, ctx)),
});
