/**
 * Host side of a GEMM kernel: lays its inputs out in GM the way the kernel expects them (ND or NZ
 * by preset, weight pieces, bias, per-column quant words or epilogue tables) and reads results back.
 */
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { hardwareScale, packQuantWord } from '../../isa/numeric/fixpipe-quant.js';
import { numberToF16Bits } from '../../isa/numeric/float16.js';
import type { HwConfig } from '../../hw/config/types.js';
import type { Kernel, TensorDesc } from '../kernel.js';
import { ndToNz } from '../layout.js';
import { tableEntries, tableSlot, type GemmProblem } from './spec.js';

export interface GemmInputs {
  /** A: per entry (or shared) row-major m x k elements, or NC1HWC0 feature maps for img2col */
  readonly a: Uint8Array;
  /** weight pieces from prepareWeights: [pieces][count][n][k] */
  readonly b: Int8Array | Uint8Array;
  /** per (B matrix, column): int32 (or float32 for f16 GEMMs), folded corrections included */
  readonly bias?: Int32Array | Float32Array;
}

const tensor = (k: Kernel, name: string): TensorDesc | undefined => k.tensors.find((t) => t.name === name);

/** Builds the GM image of a GEMM kernel from its host inputs. */
export function gemmGmImage(k: Kernel, p: GemmProblem, cfg: HwConfig, inp: GemmInputs): Uint8Array {
  const img = new Uint8Array(k.gmBytes);
  const view = new DataView(img.buffer);
  const coupled = cfg.organisation === 'coupled';
  const size = DTYPE_BYTES[p.aType];
  const aT = tensor(k, 'a')!;
  const bT = tensor(k, 'b')!;
  const aCount = p.aPerBatch ? p.batch : 1;
  if (p.aSource.kind === 'img2col' || !coupled) img.set(inp.a, aT.offset);
  else {
    const per = aT.bytes / aCount;
    for (let e = 0; e < aCount; e++) img.set(ndToNz(inp.a.subarray(e * p.m * p.k * size, (e + 1) * p.m * p.k * size), p.m, p.k, p.aType), aT.offset + e * per);
  }
  const bBytes = new Uint8Array(inp.b.buffer, inp.b.byteOffset, inp.b.byteLength);
  const matrices = p.pieces * p.bCount;
  const perB = bT.bytes / matrices;
  for (let i = 0; i < matrices; i++) {
    const one = bBytes.subarray(i * p.n * p.k * size, (i + 1) * p.n * p.k * size);
    img.set(coupled ? ndToNz(one, p.n, p.k, p.bType) : one, bT.offset + i * perB);
  }
  const cols = tableEntries(p);
  const biasT = tensor(k, 'bias');
  const float = p.aType === 'f16';
  const writeBias = (at: number, j: number) => {
    const v = inp.bias ? inp.bias[j]! : 0;
    if (float) view.setFloat32(at, v, true);
    else view.setInt32(at, v, true);
  };
  if (biasT) for (let j = 0; j < cols; j++) writeBias(biasT.offset + tableSlot(p, j) * 4, j);
  const ep = p.epilogue;
  const words = tensor(k, 'quant_words');
  if (words && ep.kind === 'requant')
    for (let j = 0; j < cols; j++) {
      const w = packQuantWord(ep.scales[j]!, ep.offsets[j]!, ep.outType === 's8');
      view.setUint32(words.offset + tableSlot(p, j) * 8, w.lo, true);
      view.setUint32(words.offset + tableSlot(p, j) * 8 + 4, w.hi, true);
    }
  const tables = tensor(k, 'epilogue_tables');
  if (tables) {
    const params = tables.dims[1]!;
    for (let j = 0; j < cols; j++) {
      const slot = tableSlot(p, j);
      writeBias(tables.offset + slot * 4, j);
      if (ep.kind !== 'requant') continue;
      // The fixpipe semantics multiply by the 10-bit-mantissa scale; ONNX semantics by M itself;
      // the dequantising cast reads M as f16 (rounded to nearest even, as SetDeqScale(half) keeps it).
      if (ep.vectorRequant === 'deq-f16') view.setUint16(tables.offset + params * 4 + slot * 2, numberToF16Bits(ep.scales[j]!), true);
      else view.setFloat32(tables.offset + (params + slot) * 4, ep.semantics === 'fixpipe' ? hardwareScale(ep.scales[j]!) : ep.scales[j]!, true);
      view.setInt32(tables.offset + (2 * params + slot) * 4, ep.offsets[j]!, true);
    }
  }
  return img;
}

/** The output tensor's bytes after a functional run. */
export function gemmOutput(k: Kernel, gmAfter: Uint8Array): Uint8Array {
  const y = tensor(k, 'y')!;
  return gmAfter.slice(y.offset, y.offset + y.bytes);
}
