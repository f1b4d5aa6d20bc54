/**
 * The error a job (jobs.runAsm, jobs.runRegress, the output writers, ...) throws when what it was
 * asked for cannot be done as given: a manifest or baseline that does not parse, an unknown assembly
 * directive, an output folder that cannot be written. Its message names the file or field and how to
 * fix it; the CLI prints it as one line and exits with status 2.
 */
export class JobError extends Error {
  override readonly name: string = 'JobError';
}
