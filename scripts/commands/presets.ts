/** `aicore-sim presets`: the built-in presets' key numbers, or with --json their full validated configs. */
import type { CommandModule } from 'yargs';
import { loadConfig, presetNames } from '../../hw/config/load.js';
import { allPresetInfo, presetTable } from '../lib/presets-info.js';
import type { CliContext, CliIo } from './context.js';
import { jsonText } from './options.js';

function presetsCli(json: boolean, io: CliIo): number {
  if (json) io.out(jsonText(Object.fromEntries(presetNames().map((n) => [n, loadConfig(n)]))));
  else io.out(`${presetTable(allPresetInfo())}\n\nint8 MACs/cycle are per cube; every field: aicore-sim presets --json`);
  return 0;
}

/** The `presets` command. */
export const presetsCommand = (ctx: CliContext): CommandModule<object, { json: boolean | undefined }> => ({
  command: 'presets',
  describe: 'list the hardware presets with their key numbers',
  builder: (y) => y.option('json', { type: 'boolean', describe: 'print the full validated config of every preset' }),
  handler: (a) => ctx.run(() => presetsCli(a.json ?? false, ctx.io)),
});
