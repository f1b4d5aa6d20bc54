/** Sweep specs for the sweep tests, and a temporary folder of their files. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * 640 points of the INT8 matmul 32 x 256 x 32 on one AIC of ascend910b (a couple of ms each):
 * L0 tilings, K steps and double buffering, some too big for L0 (illegal rows).
 */
export const MATMUL_640 = {
  kernel: 'matmul',
  params: { m: 32, k: 256, n: 32 },
  tiling: { blockDim: 1 },
  preset: 'ascend910b',
  axes: { baseM: [16, 32, 64, 128], baseN: [16, 32, 64, 256], baseK: [32, 64, 128, 256], stepK: [1, 2, 4, 8], dbL0: [true, false], dbL1: [true, false] },
  constraints: ['baseK * stepK <= k'],
};

/** A few points, each quick, with illegal ones: a tile too big for L0 and an L2 size the config refuses. */
export const SMALL = {
  kernel: 'matmul',
  params: { m: 64, k: 128, n: 64 },
  tiling: { blockDim: 1 },
  preset: 'ascend910b',
  axes: { baseK: [32, 64, 2048], 'l2.bytes': [4194304, 3] },
};

/** A temporary folder (under os.tmpdir()) and a helper that writes a spec into it. */
export function tempDir(prefix: string): { dir: string; spec: (name: string, json: unknown) => string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    spec: (name, json) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, JSON.stringify(json));
      return p;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** node arguments that run the CLI from the TypeScript sources (scripts/source-loader.mjs). */
export const SOURCE_CLI = ['--import', path.join(ROOT, 'scripts/source-loader.mjs'), path.join(ROOT, 'scripts/cli.ts')];
