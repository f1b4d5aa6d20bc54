/**
 * The eltwise kernels of the table (ops-nn/eltwise), on 8-bit tensors: QLinearAdd of two same-shape
 * tensors, the same-scale activations (ReLU, ReLU6, leaky ReLU) and same-scale max and average
 * pooling on NC1HWC0. Scales are fixed (values change no cycle); the functional runs draw random
 * 8-bit inputs and compare with the library's references.
 */
import { ACTIVATIONS, generateQActivation, generateQLinearAdd, generateQPool, poolInput, poolOutput, qActivationReference, qlinearAddReference, qPoolReference, type QActivationSpec, type QLinearAddSpec, type QPoolSpec } from '../../../ops-nn/eltwise/index.js';
import { encode, randomValues, vectorCheck } from './check.js';
import { bool, int, oneOf, withDefault } from './fields.js';
import { BAND_TILING, defineKernel, VECTOR_TILING, WINDOW_FIELDS } from './kernel-def.js';

const TYPE = withDefault(oneOf(['s8', 'u8']), 's8');
const ZERO_POINT = withDefault(int(-128, 255), 0);
const typed = (t: 's8' | 'u8', values: readonly number[]) => (t === 's8' ? Int8Array.from(values) : Uint8Array.from(values));

const addSpec = (p: { elements: number; type: 's8' | 'u8'; zeroPoint: number }): QLinearAddSpec => ({
  dims: [p.elements],
  type: p.type,
  aScale: 1 / 64,
  aZeroPoint: 0,
  bScale: 1 / 32,
  bZeroPoint: 0,
  cScale: 1 / 16,
  cZeroPoint: p.zeroPoint,
});

export const add = defineKernel({
  describe: 'QLinearAdd (com.microsoft) of two same-shape int8/uint8 tensors on the vector unit, ONNX Runtime\'s FMA grouping',
  params: { elements: int(1, 2 ** 28), type: TYPE, zeroPoint: ZERO_POINT },
  tiling: VECTOR_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateQLinearAdd(addSpec(p), cfg, tiling) }],
  functional: (p, _cfg, _tiling, planned, r) => {
    const a = randomValues(p.type, p.elements, r);
    const b = randomValues(p.type, p.elements, r);
    const want = qlinearAddReference(addSpec(p), typed(p.type, a), typed(p.type, b));
    return vectorCheck(planned[0]!.kernel, { a: encode(p.type, a), b: encode(p.type, b) }, 'c', p.type, encode(p.type, want));
  },
});

const activationSpec = (p: { kind: QActivationSpec['kind']; elements: number; type: 's8' | 'u8'; zeroPoint: number }): QActivationSpec => ({
  dims: [p.elements],
  type: p.type,
  kind: p.kind,
  scale: 1 / 16,
  zeroPoint: p.zeroPoint,
  alpha: Math.fround(0.1),
});

export const activation = defineKernel({
  describe: 'same-scale activation on int8/uint8 (relu, relu6, leaky-relu with alpha 0.1, scale 1/16) on the vector unit',
  params: { kind: oneOf(ACTIVATIONS), elements: int(1, 2 ** 28), type: TYPE, zeroPoint: ZERO_POINT },
  tiling: VECTOR_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateQActivation(activationSpec(p), cfg, tiling) }],
  functional: (p, _cfg, _tiling, planned, r) => {
    const x = randomValues(p.type, p.elements, r);
    return vectorCheck(planned[0]!.kernel, { x: encode(p.type, x) }, 'y', p.type, encode(p.type, qActivationReference(activationSpec(p), typed(p.type, x))));
  },
});

const poolSpec = (p: { kind: 'max' | 'avg'; n: number; c: number; h: number; w: number; kh: number; kw: number; stride: number; pad: number; type: 's8' | 'u8'; countIncludePad: boolean }): QPoolSpec => ({
  kind: p.kind,
  n: p.n,
  c: p.c,
  h: p.h,
  w: p.w,
  kernel: [p.kh, p.kw],
  strides: [p.stride, p.stride],
  pads: [p.pad, p.pad, p.pad, p.pad],
  type: p.type,
  countIncludePad: p.countIncludePad,
});

export const pool = defineKernel({
  describe: 'same-scale max or average pooling on int8/uint8 NC1HWC0 (host layout conversion) on the vector unit',
  params: {
    kind: oneOf(['max', 'avg']),
    ...WINDOW_FIELDS,
    pad: withDefault(int(0, 255), 0),
    type: TYPE,
    countIncludePad: withDefault(bool(), false),
  },
  tiling: BAND_TILING,
  run: (p, cfg, tiling) => [{ kernel: generateQPool(poolSpec(p), cfg, tiling) }],
  functional: (p, _cfg, _tiling, planned, r) => {
    const s = poolSpec(p);
    const x = typed(p.type, randomValues(p.type, p.n * p.c * p.h * p.w, r));
    const want = qPoolReference(s, x);
    const bytes = (v: Int8Array | Uint8Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return vectorCheck(planned[0]!.kernel, { x: poolInput(s, x) }, 'y', p.type, bytes(want), (y) => bytes(poolOutput(s, y)));
  },
});
