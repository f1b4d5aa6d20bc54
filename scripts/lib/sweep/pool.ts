/**
 * Runs points on worker threads (scripts/lib/sweep/worker.ts), one point per worker at a time, handed
 * out in point order as workers free up; rows come back in completion order. One job runs in this
 * thread (no worker start-up). From the TypeScript sources (tests) the workers load the same sources
 * through scripts/source-loader.mjs.
 */
import { Worker } from 'node:worker_threads';
import { JobError } from '../job-error.js';
import type { SweepRow } from './columns.js';
import type { SweepPoint } from './points.js';
import { pointRunner } from './run-point.js';
import type { SweepSpec } from './spec.js';
import type { WorkerReply } from './worker.js';

/** Threads that simulate `points` points with `jobs` jobs (1: this thread). */
export const threadsFor = (jobs: number, points: number): number => Math.max(1, Math.min(jobs, points));

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);
const SOURCE_LOADER = new URL('../../source-loader.mjs', import.meta.url);

/** Node flags of a worker: the parent's, plus the source loader when running from the sources. */
function workerExecArgv(): string[] {
  const args = [...process.execArgv];
  if (FROM_SOURCE && !args.some((a) => a.includes('source-loader'))) args.push('--import', SOURCE_LOADER.href);
  return args;
}

/** The error a worker reported, as the class the CLI maps to an exit status. */
function workerError(f: Extract<WorkerReply, { fatal: unknown }>['fatal']): Error {
  const e = f.name === 'JobError' ? new JobError(f.message) : new Error(`sweep worker: ${f.message}`);
  e.stack = f.stack;
  return e;
}

/** Rows of `points`, in completion order, on `jobs` threads. */
export async function* runPoints(spec: SweepSpec, points: readonly SweepPoint[], jobs: number): AsyncGenerator<SweepRow> {
  const threads = threadsFor(jobs, points.length);
  if (threads === 1 || points.length === 0) {
    const run = pointRunner(spec);
    for (const p of points) yield run(p);
    return;
  }
  const ready: SweepRow[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let next = 0;
  let stopping = false;
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { workerData: { spec }, execArgv: workerExecArgv() }));
  const feed = (w: Worker) => {
    if (next < points.length) w.postMessage(points[next++]);
  };
  for (const w of workers) {
    w.on('message', (m: WorkerReply) => {
      if ('fatal' in m) failure ??= workerError(m.fatal);
      else {
        ready.push(m.row);
        feed(w);
      }
      wake?.();
    });
    w.on('error', (e) => {
      failure ??= e;
      wake?.();
    });
    w.on('exit', (code) => {
      if (!stopping) failure ??= new Error(`sweep worker stopped (exit code ${code}) before the sweep was done`);
      wake?.();
    });
    feed(w);
  }
  try {
    for (let done = 0; done < points.length; ) {
      if (failure) throw failure;
      const row = ready.shift();
      if (!row) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      done++;
      yield row;
    }
  } finally {
    stopping = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
