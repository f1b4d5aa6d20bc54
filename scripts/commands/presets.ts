/** `aicore-sim presets`: the built-in presets' key numbers, or with --json their full validated configs. */
import type { CommandModule } from 'yargs';
import { loadConfig, presetNames, presetParams } from '../../hw/config/load.js';
import { allPresetInfo, presetInfo, presetTable } from '../lib/presets-info.js';
import type { CliContext, CliIo } from './context.js';
import { jsonText } from './options.js';

function presetsCli(json: boolean, names: readonly string[], io: CliIo): number {
  // one preset prints its config alone: a file that --config takes as it is (the listing works too)
  const chosen = names.length > 0 ? names : presetNames();
  for (const n of chosen) presetParams(n);
  if (json) io.out(jsonText(names.length === 1 ? loadConfig(names[0]!) : Object.fromEntries(chosen.map((n) => [n, loadConfig(n)]))));
  else io.out(`${presetTable(names.length > 0 ? chosen.map((n) => presetInfo(loadConfig(n))) : allPresetInfo())}\n\nint8 MACs/cycle are per cube; every field: aicore-sim presets --json`);
  return 0;
}

/** The `presets` command. */
export const presetsCommand = (ctx: CliContext): CommandModule<object, { json: boolean | undefined; names: string[] | undefined }> => ({
  command: 'presets [names..]',
  describe: 'list the hardware presets with their key numbers',
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true, describe: 'only these presets' })
      .option('json', { type: 'boolean', describe: 'print the full validated config of every preset (one preset: its config alone, a --config file as it is)' }),
  handler: (a) => ctx.run(() => presetsCli(a.json ?? false, a.names ?? [], ctx.io)),
});
