/** The CLI in-process, as the CLI tests run it: exit status, standard output, standard error. */
import { main } from '../../scripts/cli.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  /** standard error as printed */
  readonly stderr: string;
  /** its non-empty lines */
  readonly stderrLines: readonly string[];
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  const stderr = err.join('\n');
  return { code, stdout: out.join('\n'), stderr, stderrLines: stderr.split('\n').filter((l) => l !== '') };
}
