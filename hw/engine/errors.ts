/**
 * Simulation errors: illegal programs and runs that cannot finish. Every message names the core,
 * the instruction (pc and assembly text) and what to change.
 */
import type { SanitizerReport } from '../sanitizer/sanitizer.js';

export class SimError extends Error {
  override readonly name = 'SimError';
  /** with a sanitized launch: what the sanitizer found before the run stopped */
  sanitizer?: SanitizerReport;
}
