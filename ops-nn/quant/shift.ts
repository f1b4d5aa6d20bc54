/**
 * The u8 -> s8 shift: y = x - 128 as int8, exact (vconv f16 <- u8, vadds -128, vconv s8 <- f16).
 * It feeds uint8 activations to cubes that only multiply s8 x s8; the caller shifts the zero point
 * by -128 as well, so (x - zp) is unchanged.
 */
import type { HwConfig } from '../../hw/config/types.js';
import type { ElementwiseTiling } from '../vector/elementwise.js';
import type { VectorKernel } from '../vector/kernel-io.js';
import { streamKernel } from '../vector/stream-kernel.js';
import { checkDims } from './common.js';

/** Generates the shift of `count` bytes; GM tensors: input `x` (u8), output `y` (s8). */
export function generateShiftU8ToS8(count: number, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  checkDims([count], 'ShiftU8ToS8');
  return streamKernel(
    {
      name: 'shift_u8_s8',
      dims: [count],
      inputs: [{ name: 'x', dtype: 'u8' }],
      outputs: [{ name: 'y', dtype: 's8' }],
      temps: ['f16'],
      steps: [
        { op: 'conv', to: 'f16', from: 'u8', dst: 'tmp0', src: 'in0' },
        { op: 'adds', dtype: 'f16', dst: 'tmp0', src: 'tmp0', value: -128 },
        { op: 'conv', to: 's8', from: 'f16', dst: 'out0', src: 'tmp0' },
      ],
      notes: ['u8 -> s8 shift: y = x - 128 (exact through f16)'],
    },
    cfg,
    tiling,
  );
}
