/**
 * `aicore-sim sweep --spec FILE [--out CSV] [--jobs N] [--shard I/N]`: every point of a sweep spec
 * (scripts/lib/sweep, README "Sweeps") on worker threads, a CSV row per point in point order.
 * With --out the rows are appended as they finish and a rerun resumes; without it the CSV goes to
 * standard output. A summary goes to standard output (standard error when the CSV is there), a
 * progress bar to standard error when it is a terminal.
 */
import { availableParallelism } from 'node:os';
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { UsageError } from '../lib/errors.js';
import { csvText, rowCells, sweepHeader, STATUSES, type PointStatus } from '../lib/sweep/columns.js';
import { SweepOutFile } from '../lib/sweep/out-file.js';
import { runPoints, threadsFor } from '../lib/sweep/pool.js';
import { Progress } from '../lib/sweep/progress.js';
import { readSweepSpec } from '../lib/sweep/spec.js';
import { inPointOrder, sweepPoints } from '../lib/sweep/sweep.js';
import type { CliContext, CliIo } from './context.js';
import { intOption, jsonText, textOption } from './options.js';

/** More threads than this is a typo, not a machine. */
const MAX_JOBS = 1024;

const OPTIONS = {
  spec: { ...textOption('spec', 'the sweep spec (JSON): target, preset, axes, constraints, sample (README "Sweeps")'), demandOption: true },
  out: textOption('out', 'CSV file the rows are appended to; a rerun with the same file skips the points already in it (default: the CSV goes to standard output)'),
  jobs: intOption('jobs', `threads simulating points (default: every core, os.availableParallelism() = ${availableParallelism()})`),
  shard: textOption('shard', 'run shard I of N (I in 1..N): the points whose index % N == I - 1; join the shards with `aicore-sim merge`'),
  quiet: { type: 'boolean', describe: 'no progress bar and no summary' },
  json: { type: 'boolean', describe: 'print the summary as one JSON object (threads, points run, statuses, seconds)' },
} as const satisfies Record<string, Options>;

type Args = ArgumentsCamelCase<InferredOptionTypes<typeof OPTIONS>>;

/** `I/N` of --shard. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 1_000_000 || index < 1 || index > count) throw new UsageError(`--shard must be I/N with 1 <= I <= N <= 1000000 (e.g. 1/4), got '${text}'`);
  return { index, count };
}

async function runSweepCli(a: Args, io: CliIo): Promise<number> {
  const jobs = a.jobs ?? availableParallelism();
  if (jobs < 1 || jobs > MAX_JOBS) throw new UsageError(`--jobs must be 1..${MAX_JOBS}, got ${jobs}`);
  const shard = a.shard === undefined ? undefined : parseShard(a.shard);
  const spec = readSweepSpec(a.spec);
  const all = sweepPoints(spec);
  const points = shard ? sweepPoints(spec, shard) : all;
  const header = sweepHeader(spec);
  const file = a.out === undefined ? undefined : new SweepOutFile(a.out, header, spec, points);
  const todo = points.filter((p) => !file?.done.has(p.index));
  const threads = todo.length > 0 ? threadsFor(jobs, todo.length) : 0;
  const counts: Record<PointStatus, number> = { ok: 0, illegal: 0, failed: 0 };
  let firstFailure = '';
  const progress = process.stderr.isTTY && !a.quiet && todo.length > 0 ? new Progress(todo.length, (s) => process.stderr.write(s)) : undefined;
  const t0 = performance.now();
  try {
    if (!file) io.out(csvText([header]).trimEnd());
    const rows = runPoints(spec, todo, jobs);
    for await (const row of file ? rows : inPointOrder(rows, todo)) {
      const cells = rowCells(spec, row);
      if (file) file.append(row.point, cells);
      else io.out(csvText([cells]).replace(/\n$/, ''));
      counts[row.status]++;
      if (row.status === 'failed' && !firstFailure) firstFailure = `point ${row.point}: ${row.reason}`;
      progress?.tick();
    }
    file?.finish();
  } finally {
    progress?.end();
    file?.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const summary = {
    command: 'sweep',
    spec: a.spec,
    target: spec.target,
    points: all.length,
    shard: shard ? `${shard.index}/${shard.count}` : null,
    shardPoints: points.length,
    alreadyDone: points.length - todo.length,
    ran: todo.length,
    threads,
    seconds: Math.round(seconds * 1000) / 1000,
    pointsPerSecond: seconds > 0 ? Math.round((todo.length / seconds) * 10) / 10 : 0,
    ...counts,
    out: a.out ?? null,
  };
  const say = file ? io.out : io.err;
  if (a.json) say(jsonText(summary));
  else if (!a.quiet) say(summaryText(summary));
  if (counts.failed > 0) {
    io.err(`aicore-sim: ${counts.failed} point(s) failed in the simulator (status failed), the first ${firstFailure}`);
    return 1;
  }
  return 0;
}

function summaryText(s: { spec: string; points: number; shard: string | null; shardPoints: number; alreadyDone: number; ran: number; threads: number; seconds: number; pointsPerSecond: number; out: string | null } & Record<PointStatus, number>): string {
  const scope = s.shard ? `${s.points} points, ${s.shardPoints} in shard ${s.shard}` : `${s.points} points`;
  if (s.ran === 0) return `sweep ${s.spec}: ${scope}; 0 points to run: all ${s.alreadyDone} are in ${s.out}`;
  const statuses = STATUSES.map((k) => `${s[k]} ${k}`).join(', ');
  return `sweep ${s.spec}: ${scope}; ${s.ran} run on ${s.threads} thread(s) in ${s.seconds.toFixed(1)} s (${s.pointsPerSecond} points/s)${s.alreadyDone ? `, ${s.alreadyDone} already in ${s.out}` : ''}: ${statuses}${s.out ? `; CSV: ${s.out}` : ''}`;
}

export const sweepCommand = (ctx: CliContext): CommandModule<object, Args> => ({
  command: 'sweep',
  describe: 'run every point of a sweep spec (kernel tilings, configs, presets, networks) on all cores: a CSV row per point, resumable, shardable',
  builder: (y) =>
    y
      .options(OPTIONS)
      .example('$0 sweep --spec examples/sweep-matmul.json --out mm.csv', 'every tiling of the spec; rerun to resume')
      .example('$0 sweep --spec s.json --out part1.csv --shard 1/4', 'the first of four shards (then: aicore-sim merge all.csv part*.csv)') as never,
  handler: (a) => ctx.run(() => runSweepCli(a, ctx.io)),
});
