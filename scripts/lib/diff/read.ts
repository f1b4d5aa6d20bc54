/** Reads a `diff` operand: an output folder, or a JSON file a command printed. */
import * as fs from 'node:fs';
import { readInputText } from '../../../hw/input-file.js';
import { JobError } from '../job-error.js';
import type { Profile } from './profile.js';
import { profileFromFolder } from './read-folder.js';
import { profileFromJson } from './read-json.js';

export function readProfile(source: string): Profile {
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch {
    throw new JobError(`${source} does not exist: give an output folder (--out) or a JSON file (--json)`);
  }
  if (st.isDirectory()) return profileFromFolder(source);
  let text: string;
  try {
    text = readInputText(source);
  } catch (e) {
    throw new JobError(`cannot read ${source}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new JobError(`${source} is not valid JSON (${(e as Error).message}): give an output folder or the JSON a command printed with --json`);
  }
  return profileFromJson(json, source);
}
