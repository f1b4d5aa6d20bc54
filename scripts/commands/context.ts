/**
 * What every command receives: where to print, and how to hand its job back to the CLI. Handlers
 * only record the job; `main` runs it after yargs has finished parsing, so parsing (and help) stays
 * synchronous and every failure goes through one error path.
 */

/** Where the CLI prints. Each call is one line or block, without a trailing newline. */
export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

/** A command's work: resolves to the exit code. */
export type CliJob = () => number | Promise<number>;

export interface CliContext {
  readonly io: CliIo;
  /** Records the job of the command that matched. */
  run(job: CliJob): void;
}
