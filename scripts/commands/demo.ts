/**
 * `aicore-sim demo`: the quick-start job. An INT8 matmul 512x512x512 on ascend910b with bias and
 * per-channel requantisation, functional and checked bit-exact, writing the trace and CSVs.
 */
import type { CommandModule } from 'yargs';
import { formatSummary } from '../../traces/index.js';
import { listBlock } from '../lib/report.js';
import { runMatmul, type MatmulJobOptions } from '../lib/run-matmul.js';
import type { CliContext, CliIo } from './context.js';
import { textOption } from './options.js';

/** The demo job (the output folder is added from --out). */
export const DEMO_JOB = { m: 512, k: 512, n: 512, preset: 'ascend910b', mode: 'functional', bias: true, perChannel: true, outType: 's8', seed: 1 } as const satisfies MatmulJobOptions;

/** Default output folder, relative to the working directory. */
const DEFAULT_DIR = 'aicore-sim-demo';

function demoCli(dir: string, io: CliIo): number {
  const d = DEMO_JOB;
  io.out(`aicore-sim demo: INT8 matmul ${d.m}x${d.k}x${d.n} on ${d.preset}, int32 bias and per-channel requantisation, ${d.mode} mode`);
  const j = runMatmul({ ...d, trace: { dir } });
  io.out(formatSummary(j.summary));
  io.out(`bit-exact vs reference: ${j.verified ? 'yes' : 'NO'}`);
  io.out(listBlock('files written:', j.files ?? []));
  io.out('open report.html in a browser, or trace.json in https://ui.perfetto.dev or chrome://tracing; the files are described in README.md (Outputs, Reports)');
  if (!j.verified) {
    io.err('aicore-sim: the demo kernel output differs from the reference (a bug: please report it)');
    return 1;
  }
  return 0;
}

/** The `demo` command. */
export const demoCommand = (ctx: CliContext): CommandModule<object, { out: string }> => ({
  command: 'demo',
  describe: 'run the built-in demo kernel and write its trace and CSVs',
  builder: (y) => y.option('out', { ...textOption('out', 'folder for the outputs'), default: DEFAULT_DIR }),
  handler: (a) => ctx.run(() => demoCli(a.out, ctx.io)),
});
