/**
 * The real-valued data of the precision study and the two ways of making it fit the chip: seeded
 * Gaussian activations and He-initialised weights (as a trained network's are roughly distributed),
 * quantised for INT8 as a calibrated post-training quantiser does (per-tensor symmetric activation
 * and output scales from the observed maximum, per-channel symmetric weight scales), or rounded to
 * fp16 for the FP16 kernels. And the figure of merit, SQNR against a float64 reference.
 */
import { f32Bits, f32FromBits, roundF16 } from '../../isa/numeric/float16.js';
import { hardwareScale } from '../../isa/numeric/fixpipe-quant.js';
import { roundToInteger } from '../../isa/numeric/round-mode.js';

/** Standard normal samples from `r` (Box-Muller, both values of each pair used). */
export function gaussians(r: () => number, count: number, std: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - r()));
    const angle = 2 * Math.PI * r();
    out[i] = std * radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = std * radius * Math.sin(angle);
  }
  return out;
}

const f32 = Math.fround;
const maxAbs = (v: ArrayLike<number>, from = 0, to = v.length, step = 1): number => {
  let m = 0;
  for (let i = from; i < to; i += step) m = Math.max(m, Math.abs(v[i]!));
  return m;
};

/** A symmetric int8 scale from the largest magnitude seen (max calibration); 1 for all-zero data. */
export const symmetricScale = (v: ArrayLike<number>): number => f32(maxAbs(v) / 127) || 1;

/** ONNX QuantizeLinear with zero point 0: sat(RNE(fp32(x / scale))) into int8. */
export const quantizeInt8 = (x: number, scale: number): number => Math.max(-128, Math.min(127, roundToInteger(f32(x / scale), 'rint')));

/** ONNX Runtime's requant multiplier of output channel `oc`: fp32(fp32(x_scale * w_scale) / y_scale). */
const multiplier = (xs: number, ws: number, ys: number): number => f32(f32(xs * ws) / ys);

/**
 * The smallest weight scale at or above `wanted` whose requant multiplier the fixpipe holds exactly
 * (10 mantissa bits), as a quantiser targeting the 910B's fused epilogue must choose it: larger by at
 * most 2^-10 relative, so no weight clips and the accuracy cost is negligible. Without it the exact
 * ONNX arithmetic would need the separate requant kernel (fusion 'gm'), which no deployment uses.
 */
export function fixpipeWeightScale(wanted: number, xs: number, ys: number): number {
  const m = (bits: number) => multiplier(xs, f32FromBits(bits), ys);
  // the multiplier grows with the scale, and positive floats order as their bits: bisect on the bits
  const lowest = f32Bits(f32(wanted));
  let target = atLeast(m(lowest));
  for (let attempt = 0; attempt < 16; attempt++) {
    let [lo, hi] = [lowest, lowest + 2 ** 23];
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (m(mid) >= target) hi = mid;
      else lo = mid + 1;
    }
    if (m(lo) === target) return f32FromBits(lo);
    // no scale lands on this multiplier: the float32 steps jumped over it, take the next one up
    target = atLeast(m(lo));
  }
  throw new Error(`internal: no fixpipe-exact weight scale near ${wanted}`);
}

/** The smallest value with 10 mantissa bits (what the fixpipe keeps) at or above `v` > 0. */
function atLeast(v: number): number {
  const kept = hardwareScale(v);
  return kept === v ? v : hardwareScale(f32FromBits(f32Bits(kept) + 0x2000));
}

/**
 * Per-channel weight scales of a [channels x perChannel] weight tensor (channel-major, as OIHW), each
 * made fixpipe-exact for the given activation and output scales.
 */
export function weightScales(w: ArrayLike<number>, channels: number, xs: number, ys: number, channelOf: (i: number) => number): Float32Array {
  const peak = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) peak[channelOf(i)] = Math.max(peak[channelOf(i)]!, Math.abs(w[i]!));
  return Float32Array.from(peak, (p) => fixpipeWeightScale(f32(p / 127) || 1, xs, ys));
}

/** The int32 bias a quantiser writes: RNE(b / (x_scale * w_scale[oc])). */
export const quantizeBias = (b: ArrayLike<number>, xs: number, ws: Float32Array): Int32Array => Int32Array.from(b as ArrayLike<number>, (v, oc) => roundToInteger(v / (xs * ws[oc]!), 'rint'));

/** Real values as the fp16 values the FP16 kernels take (round to nearest even). */
export const toF16 = (v: ArrayLike<number>): Float32Array => Float32Array.from(v as ArrayLike<number>, (x) => roundF16(x));

/** Signal-to-quantisation-noise ratio of `got` against `ref`, in dB: 10 log10(sum ref^2 / sum (ref - got)^2). */
export function sqnrDb(ref: ArrayLike<number>, got: ArrayLike<number>): number {
  if (ref.length !== got.length) throw new Error(`internal: SQNR of ${got.length} values against ${ref.length}`);
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < ref.length; i++) {
    signal += ref[i]! ** 2;
    noise += (ref[i]! - got[i]!) ** 2;
  }
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}
