/**
 * A sweep worker thread: prepares the spec's target once, then runs each point the pool posts and
 * posts back its row. An error that is not a point's own (a bug, a file that vanished) is posted as
 * `fatal` and ends the sweep.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SweepPoint } from './points.js';
import { pointRunner } from './run-point.js';
import type { SweepSpec } from './spec.js';

export type WorkerReply = { readonly row: import('./columns.js').SweepRow } | { readonly fatal: { readonly name: string; readonly message: string; readonly stack: string } };

const port = parentPort!;
const fatal = (e: unknown): WorkerReply => {
  const err = e instanceof Error ? e : new Error(String(e));
  return { fatal: { name: err.name, message: err.message, stack: err.stack ?? '' } };
};

let run: ((p: SweepPoint) => import('./columns.js').SweepRow) | undefined;
try {
  run = pointRunner((workerData as { spec: SweepSpec }).spec);
} catch (e) {
  port.postMessage(fatal(e));
}
port.on('message', (p: SweepPoint) => {
  if (!run) return;
  try {
    port.postMessage({ row: run(p) } satisfies WorkerReply);
  } catch (e) {
    port.postMessage(fatal(e));
  }
});
