/**
 * Simulation errors: illegal programs and runs that cannot finish. Every message names the core,
 * the instruction (pc and assembly text) and what to change.
 */
export class SimError extends Error {
  override readonly name = 'SimError';
}
