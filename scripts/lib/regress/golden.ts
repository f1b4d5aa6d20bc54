/**
 * Where the golden cycle table lives and what to do when it no longer matches; shared by
 * scripts/golden.ts (which writes it) and test/golden.test.ts (which checks it).
 */
import { join } from 'node:path';

/** What a developer must do when the table no longer matches. */
export const GOLDEN_HINT = 'run npm run golden:update and say why in the commit';

/** The manifest and the generated table, under the repository root. */
export const goldenFiles = (root: string): { manifest: string; cycles: string } => ({
  manifest: join(root, 'test', 'golden', 'manifest.json'),
  cycles: join(root, 'test', 'golden', 'cycles.json'),
});
