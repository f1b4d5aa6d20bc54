/**
 * `aicore-sim report DIR`: renders DIR/report.html again from the report-data.json an earlier
 * `run`, `asm`, `demo` or `network --out DIR` wrote (after an update of aicore-sim, or when the page
 * was deleted). Refuses a folder aicore-sim did not write and a page it did not write (exit 4).
 */
import type { CommandModule } from 'yargs';
import { rewriteReport } from '../lib/report-html/write.js';
import type { CliContext } from './context.js';

export const reportCommand = (ctx: CliContext): CommandModule<object, { dir: string }> => ({
  command: 'report <dir>',
  describe: 'write DIR/report.html again from the report-data.json of an --out folder',
  builder: (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'an output folder of run, asm, demo or network --out' }) as never,
  handler: (a) =>
    ctx.run(() => {
      ctx.io.out(`report written to ${rewriteReport(a.dir)}`);
      return 0;
    }),
});
