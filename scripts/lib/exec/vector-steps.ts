/**
 * Vector kernels the cube operators compose with: the u8 -> s8 activation shift (for cubes that only
 * multiply s8 x s8) and the standalone requantisation of the unfused-through-GM variant.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { generateRequant, generateShiftU8ToS8 } from '../../../ops-nn/quant/index.js';
import { readTensor, vectorGmImage } from '../../../ops-nn/vector/index.js';
import { launch } from './launch.js';
import type { KernelRun, RunOptions } from './types.js';

/** x - 128 as int8, on the device. */
export function shiftU8ToS8(cfg: HwConfig, bytes: Uint8Array, opts: RunOptions): { out: Uint8Array; run: KernelRun } {
  const k = generateShiftU8ToS8(bytes.length, cfg);
  const g = launch(cfg, k, vectorGmImage(k, { x: bytes }), opts);
  return { out: readTensor(k, g.gm, 'y'), run: g.run };
}

/** Requantisation of an int32 rows x cols result through GM, with ONNX Runtime's QLinear semantics. */
export function requantRows(cfg: HwConfig, acc: Int32Array, rows: number, cols: number, multipliers: readonly number[], zeroPoint: number, outType: 's8' | 'u8', opts: RunOptions): { out: Uint8Array; run: KernelRun } {
  const k = generateRequant({ rows, cols, multipliers, zeroPoints: [zeroPoint], outType }, cfg);
  const g = launch(cfg, k, vectorGmImage(k, { acc: new Uint8Array(acc.buffer, acc.byteOffset, acc.byteLength) }), opts);
  return { out: readTensor(k, g.gm, 'y'), run: g.run };
}
