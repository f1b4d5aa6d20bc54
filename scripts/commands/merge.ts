/**
 * `aicore-sim merge OUT.csv SHARD.csv...`: the shard CSVs of `sweep --shard` joined into the CSV one
 * unsharded run writes, byte for byte (scripts/lib/sweep/merge.ts). --spec checks every point of
 * the sweep is there; without it, that the points run 0, 1, ... with no gap.
 */
import type { ArgumentsCamelCase, CommandModule, InferredOptionTypes, Options } from 'yargs';
import { mergeShards, type MergeResult } from '../lib/sweep/merge.js';
import { readSweepSpec } from '../lib/sweep/spec.js';
import type { CliContext, CliIo } from './context.js';
import { jsonText, textOption } from './options.js';

const OPTIONS = {
  spec: textOption('spec', 'the sweep spec the shards ran: check that every one of its points is there, with its axis values'),
  json: { type: 'boolean', describe: 'print one JSON object' },
} as const satisfies Record<string, Options>;

type Args = ArgumentsCamelCase<InferredOptionTypes<typeof OPTIONS>> & { out: string; shards: string[] };

const text = (r: MergeResult) =>
  `merged ${r.shards} shard(s) into ${r.out}: ${r.points} points, ${r.checkedAgainstSpec ? 'every point of the spec' : 'no gap (give --spec to also check that none is missing at the end)'}`;

function mergeCli(a: Args, io: CliIo): number {
  const r = mergeShards(a.out, a.shards, a.spec === undefined ? undefined : readSweepSpec(a.spec));
  io.out(a.json ? jsonText({ command: 'merge', ...r }) : text(r));
  return 0;
}

export const mergeCommand = (ctx: CliContext): CommandModule<object, Args> => ({
  command: 'merge <out> <shards..>',
  describe: 'join the shard CSVs of `sweep --shard` into the CSV one unsharded run writes (byte for byte)',
  builder: (y) =>
    y
      .positional('out', { type: 'string', describe: 'the merged CSV (a new file)' })
      .positional('shards', { type: 'string', array: true, describe: 'the shard CSVs' })
      .options(OPTIONS) as never,
  handler: (a) => ctx.run(() => mergeCli(a, ctx.io)),
});
