/**
 * Batch entries as scalar loops (ops-nn/gemm/image-loops.ts): a block's run of identical batch
 * entries becomes one loop body, the results stay bit-exact, timing-only and functional runs agree,
 * and the program stops growing with the batch.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { qlinearConv as qlinearConvRef } from '../ops-nn/onnx-ref/qlinear-conv.js';
import { KERNELS } from '../scripts/lib/regress/kernels.js';
import { launchKernel, runOnnx } from './support/launch.js';
import { rng } from './support/rng.js';
import { f, i8, int8 } from './support/host-tensors.js';

const loopNote = (notes: readonly string[]) => notes.find((n) => n.includes('batch entries run in scalar loops')) ?? '';

/** The conv kernel the regress table times, at batch n on `blocks` blocks. */
const convKernel = (preset: string, n: number, blocks: number) => {
  const cfg = loadConfig(preset);
  const fusion = cfg.organisation === 'coupled' ? 'ub' : 'fixpipe';
  return KERNELS['qlinear-conv']!.bind({ n, c: 64, h: 14, w: 14, oc: 64, kh: 3, kw: 3, stride: 1, pad: 1, fusion }, { blockDim: blocks })(cfg)[0]!.kernel;
};
const size = (k: ReturnType<typeof convKernel>) => Object.values(k.programs).reduce((s, p) => s + p!.insns.length, 0);

describe.each(['ascend910b', 'ascend310p'])('batch entries as loops on %s', (preset) => {
  const cfg = loadConfig(preset);

  it('a batched conv stays bit-exact with its entries in loops', () => {
    const r = rng(preset.length * 13);
    const attrs = { pads: [1, 1, 1, 1] };
    // small images, many per core: each block runs several whole entries
    const q = { x: int8(r, [6 * cfg.cores, 32, 4, 4]), x_scale: f(2 ** -4), x_zero_point: i8(3), w: int8(r, [32, 32, 3, 3]), w_scale: f(2 ** -7), w_zero_point: i8(0), y_scale: f(4), y_zero_point: i8(-2) };
    const run = runOnnx('QLinearConv', q, attrs, cfg);
    expect(loopNote(run.kernels[0]!.notes)).toMatch(/batch entries run in scalar loops/);
    expect(Array.from(run.y.data)).toEqual(Array.from(qlinearConvRef(q, attrs).data));
  });

  it('the program does not grow with the batch once blocks run several entries, and timing-only equals functional', () => {
    const k8 = convKernel(preset, 8, 2);
    const k32 = convKernel(preset, 32, 2);
    const k128 = convKernel(preset, 128, 2);
    expect(loopNote(k32.notes)).toMatch(/^\d+ of 32 batch entries run in scalar loops/);
    expect(size(k128)).toBe(size(k32));
    // the loop's own scalar instructions are all it adds over a block of four entries
    expect(size(k32)).toBeLessThan(size(k8) + 40);
    const timing = launchKernel(cfg, k32);
    const functional = launchKernel(cfg, k32, new Uint8Array(k32.gmBytes));
    expect(functional.cycles).toBe(timing.cycles);
  });
});

describe('what stays straight-line', () => {
  it('one entry per block has no loops', () => {
    expect(loopNote(convKernel('ascend910b', 1, 2).notes)).toBe('');
    expect(loopNote(convKernel('ascend910b', 2, 2).notes)).toBe('');
  });

  it('a grouped conv (entries are image x group, with their own weights) has no loops', () => {
    const cfg = loadConfig('ascend910b');
    const k = KERNELS['qlinear-conv']!.bind({ n: 16, c: 64, h: 8, w: 8, oc: 64, kh: 3, kw: 3, pad: 1, group: 2, fusion: 'fixpipe' }, { blockDim: 2 })(cfg)[0]!.kernel;
    expect(k.notes[0]).toMatch(/^32 output tiles .* over 2 block/); // 16 images x 2 groups: several entries per block
    expect(loopNote(k.notes)).toBe('');
  });
});
