/**
 * The regression job shared by `aicore-sim regress` and scripts/golden.ts: read and validate the
 * manifest and (unless updating) the baseline before running anything, time every entry, compare,
 * and with `update` write the new baseline atomically. The target file is opened before the run so
 * a bad path fails at once, and a failed run leaves the old baseline untouched.
 */
import { existsSync } from 'node:fs';
import { openOutputFile } from '../outputs.js';
import { baselineText, readBaseline } from './baseline.js';
import { compare, type Comparison } from './compare.js';
import { readManifest } from './manifest.js';
import type { Measurement } from './measure.js';
import { runManifest } from './run.js';

export interface RegressOptions {
  readonly manifest: string;
  readonly baseline: string;
  /** how much slower (percent) an entry may get before it counts as a regression */
  readonly tolerancePct: number;
  /** write the run as the new baseline instead of failing on differences */
  readonly update: boolean;
  /**
   * run only the entries the baseline does not have and add them to it, keeping every recorded entry
   * as it was (a missing baseline file starts empty); wins over `update`
   */
  readonly updateMissing?: boolean;
  /** where a baseline of `-` is written with `update` (standard output; reading `-` reads standard input) */
  readonly stdout?: (text: string) => void;
}

export interface RegressOutcome {
  readonly measurements: readonly Measurement[];
  /** against the baseline as it was before the run; null when updating a baseline that did not exist */
  readonly comparison: Comparison | null;
  /** the baseline file was (re)written */
  readonly wrote: boolean;
  /** with updateMissing: the ids recorded by this run (the others were not run) */
  readonly added?: readonly string[];
}

export function runRegress(o: RegressOptions): RegressOutcome {
  if (o.updateMissing) return recordMissing(o);
  const manifest = readManifest(o.manifest);
  const old = o.update && (o.baseline === '-' || !existsSync(o.baseline)) ? null : readBaseline(o.baseline);
  const out = o.update ? openOutputFile(o.baseline, o.stdout) : null;
  try {
    const measurements = runManifest(manifest);
    const comparison = old ? compare(old, measurements, o.tolerancePct) : null;
    if (out) {
      out.write(baselineText(measurements));
      out.commit();
    }
    return { measurements, comparison, wrote: out !== null };
  } catch (e) {
    out?.abort();
    throw e;
  }
}

/** --update-missing: times the manifest's entries the baseline lacks and writes the baseline with them added. */
function recordMissing(o: RegressOptions): RegressOutcome {
  const manifest = readManifest(o.manifest);
  const old = o.baseline !== '-' && !existsSync(o.baseline) ? new Map<string, Measurement>() : readBaseline(o.baseline);
  const missing = manifest.entries.filter((p) => !old.has(p.entry.id));
  if (missing.length === 0) return { measurements: [], comparison: null, wrote: false, added: [] };
  const out = openOutputFile(o.baseline, o.stdout);
  try {
    const measurements = runManifest({ ...manifest, entries: missing });
    out.write(baselineText([...old.values(), ...measurements]));
    out.commit();
    return { measurements, comparison: null, wrote: true, added: measurements.map((m) => m.id) };
  } catch (e) {
    out.abort();
    throw e;
  }
}
