/**
 * Runs of tiles as scalar loops (ops-nn/gemm/tile-loops.ts): tiles along a row, whose code differs
 * only in addresses that step by a constant, run as one loop body; results stay bit-exact, timing-only
 * and functional runs agree, and the program stops growing with the number of such tiles.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { generateMatmul, type MatmulSpec } from '../ops-nn/matmul/index.js';
import { launchKernel } from './support/launch.js';
import { runMatmul } from './support/matmul-run.js';
import { rng } from './support/rng.js';

const spec = (m: number, k: number, n: number): MatmulSpec => ({ m, k, n, bias: true, quant: { scale: Math.fround(0.003), offset: 1 }, outType: 's8', relu: false });
const tileNote = (notes: readonly string[]) => notes.find((n) => n.includes('output tiles run in scalar loops')) ?? '';
const size = (k: ReturnType<typeof generateMatmul>) => Object.values(k.programs).reduce((s, p) => s + p!.insns.length, 0);

describe.each(['ascend910b', 'ascend310p'])('tile loops on %s', (preset) => {
  const cfg = loadConfig(preset);
  // one tile row per block, many tiles along N: the resident A panel is loaded once, the rest repeat
  const tiling = { baseM: 64, baseN: 64, blockDim: 2 };

  it('a matmul with long tile rows stays bit-exact with its tiles in loops', () => {
    const r = rng(preset.length * 29);
    const run = runMatmul(cfg, spec(128, 96, 1024), r, 'functional', tiling);
    expect(Array.from(run.got)).toEqual(Array.from(run.want));
    expect(tileNote(generateMatmul(spec(128, 96, 1024), cfg, tiling).notes)).toMatch(/^\d+ of 32 output tiles run in scalar loops/);
  });

  it('the program does not grow with the tiles of a row, and timing-only equals functional', () => {
    const k1 = generateMatmul(spec(128, 96, 1024), cfg, tiling);
    const k4 = generateMatmul(spec(128, 96, 4096), cfg, tiling);
    expect(size(k4)).toBe(size(k1));
    const timing = launchKernel(cfg, k4);
    const functional = launchKernel(cfg, k4, new Uint8Array(k4.gmBytes));
    expect(functional.cycles).toBe(timing.cycles);
  });
});
