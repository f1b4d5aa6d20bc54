/**
 * Running a validated manifest: every entry's kernels, timing-only, in manifest order, each entry's
 * launches as one sequence with the entry's L2 policy between them. A failure
 * (a tiling that does not fit, an illegal program) keeps its error class and gains the entry's name.
 */
import type { Manifest, PreparedEntry } from './manifest.js';
import { entryMeasurement, timeLaunches, type Measurement } from './measure.js';

/** Times one entry. */
export function runEntry(p: PreparedEntry): Measurement {
  const e = p.entry;
  try {
    return entryMeasurement(e.id, e.kernel, e.preset, timeLaunches(p.config, p.run(p.config), p.l2), p.l2);
  } catch (err) {
    if (err instanceof Error) err.message = `entry "${e.id}" (${e.kernel} on ${e.preset}): ${err.message}`;
    throw err;
  }
}

/** Times every entry, in manifest order. */
export const runManifest = (m: Manifest): Measurement[] => m.entries.map(runEntry);
