/**
 * The source comments of hw/config/presets.ts ("fit dma.csv GM_TO_L1 [910b1]; HW §..."): every number
 * of a preset names where it comes from, and the timing doc prints those comments next to the numbers
 * so the two cannot drift apart (the doc test regenerates the doc from the current file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../calibration/measured.js';

export const presetsSource = (root: string = repoRoot()): string => readFileSync(join(root, 'hw', 'config', 'presets.ts'), 'utf8');

/** `  key: value, // comment` (key optionally quoted). */
const KEYED = /^\s*'?([\w-]+)'?\s*:.*?\/\/\s*(.+?)\s*$/;

/**
 * Trailing comments of the `key: value, // comment` lines of one block of presets.ts: the block
 * starts at the first line containing `start` and ends at the first line that is `};`. The first
 * occurrence of a key wins (nested objects may reuse names, e.g. buffer names).
 */
export function blockComments(source: string, start: string): Map<string, string> {
  const lines = source.split('\n');
  const from = lines.findIndex((l) => l.includes(start));
  if (from < 0) throw new Error(`presets.ts: no block '${start}'`);
  const out = new Map<string, string>();
  for (let i = from + 1; i < lines.length && lines[i]!.trim() !== '};'; i++) {
    const m = KEYED.exec(lines[i]!);
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The trailing comment of the single line that contains `text` (e.g. `const SCALAR =`). */
export function lineComment(source: string, text: string): string {
  const line = source.split('\n').find((l) => l.includes(text));
  const m = line === undefined ? null : /\/\/\s*(.+?)\s*$/.exec(line);
  if (!m) throw new Error(`presets.ts: no commented line containing '${text}'`);
  return m[1]!;
}
