/**
 * The terminal progress line: silent for the first second, then at most four redraws a second with
 * the run's cycle and instruction count, erased at the end; the engine reports to the listener while
 * it runs, and without one nothing is reported.
 */
import { describe, expect, it } from 'vitest';
import { progressListener, setProgressListener } from '../hw/engine/progress.js';
import { progressLine } from '../scripts/lib/progress-line.js';
import { runMatmul } from '../scripts/lib/run-matmul.js';

describe('progress line', () => {
  it('waits a second, redraws at most every 250 ms, erases itself and detaches', () => {
    let t = 0;
    const out: string[] = [];
    const line = progressLine((s) => out.push(s), () => t);
    const report = progressListener()!;
    report({ cycle: 10, instructions: 5 });
    t = 1500;
    report({ cycle: 12345, instructions: 2_500_000 });
    t = 1600;
    report({ cycle: 20000, instructions: 3_000_000 });
    t = 1800;
    report({ cycle: 30000, instructions: 999 });
    line.finish();
    expect(out).toEqual([
      '\r\x1b[Kaicore-sim: simulating: cycle 12,345, 2.5 M instructions, 1.5 s',
      '\r\x1b[Kaicore-sim: simulating: cycle 30,000, 999 instructions, 1.8 s',
      '\r\x1b[K',
    ]);
    expect(progressListener()).toBeNull();
  });

  it('is fed by the engine during a run, in cycle order', () => {
    const seen: number[] = [];
    setProgressListener((p) => void seen.push(p.cycle));
    try {
      runMatmul({ m: 1024, k: 1024, n: 1024, mode: 'timing', blockDim: 24 });
    } finally {
      setProgressListener(null);
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
