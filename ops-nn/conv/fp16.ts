/**
 * FP16 convolution on the img2col GEMM (the floating-point counterpart of QLinearConv): fp16
 * NCHW input and OIHW weights, fp32 accumulation, fp32 bias, fp16 NCHW output. Host-side layout
 * conversions as for int8 (NC1HWC0 with C0 = 16, weights in img2col K order, NHWC -> NCHW).
 */
import type { HwConfig } from '../../hw/config/types.js';
import { f16BitsToNumber, numberToF16Bits, roundF16 } from '../../isa/numeric/float16.js';
import type { Kernel } from '../kernel.js';
import { gemmGmImage, gemmProblem, generateGemm, type GemmProblem, type GemmTiling } from '../gemm/index.js';
import { convGemmShapeFor, hostImg2col, hostImg2colMatrix } from './gemm-shape.js';
import { matmulF16Reference } from '../matmul/fp16.js';
import type { ConvShape } from './geometry.js';
import { nchwToGroupedNc1hwc0 } from './layout.js';

const C0 = 16; // fp16 elements per 32-byte block

export const convF16Problem = (s: ConvShape, bias: boolean, cfg: HwConfig): GemmProblem =>
  gemmProblem(convGemmShapeFor(s, C0), { aType: 'f16', bType: 'f16', bias, epilogue: { kind: 'f16' } }, cfg);

export function generateConvF16(s: ConvShape, bias: boolean, cfg: HwConfig, tiling?: Partial<GemmTiling>): Kernel {
  const k = generateGemm(convF16Problem(s, bias, cfg), cfg, tiling, 'conv_f16');
  if (!hostImg2col(s, C0)) return k;
  const window = s.kh * s.kw;
  return { ...k, notes: [...k.notes, `host-side img2col: ${s.c} channels x ${s.kh} x ${s.kw} = K ${s.c * window} as a plain GEMM per image, instead of the channels padded to ${C0}; the host builds the matrix (not simulated)`] };
}

const f16Bytes = (values: ArrayLike<number>): Uint8Array => Uint8Array.from(new Uint8Array(Uint16Array.from(values as ArrayLike<number>, (v) => numberToF16Bits(v)).buffer));

/** (c1, kh, kw, c0) of img2col column k. */
function splitK(s: ConvShape, k: number): { ci: number; kh: number; kw: number } {
  const t = Math.floor(k / C0);
  return { ci: Math.floor(t / (s.kw * s.kh)) * C0 + (k % C0), kh: Math.floor(t / s.kw) % s.kh, kw: t % s.kw };
}

/** GM image from x (NCHW), w (OIHW) and bias (OC) as fp16 values (bias as fp32). */
export function convF16GmImage(k: Kernel, s: ConvShape, cfg: HwConfig, x: Float32Array, w: Float32Array, bias: Float32Array | null): Uint8Array {
  const p = convF16Problem(s, bias !== null, cfg);
  // few channels: the host's img2col matrix (padding 0.0), weights already in its K order (OIHW flattened)
  if (hostImg2col(s, C0)) return gemmGmImage(k, p, cfg, { a: hostImg2colMatrix(f16Bytes(x), s, 2, new Uint8Array(2)), b: f16Bytes(w), ...(bias ? { bias } : {}) });
  const cg = s.c / s.group;
  const ocg = s.oc / s.group;
  const b = new Float32Array(s.group * ocg * p.k);
  for (let g = 0; g < s.group; g++)
    for (let n = 0; n < ocg; n++)
      for (let kk = 0; kk < p.k; kk++) {
        const { ci, kh, kw } = splitK(s, kk);
        if (ci < cg) b[(g * ocg + n) * p.k + kk] = w[(((g * ocg + n) * cg + ci) * s.kh + kh) * s.kw + kw]!;
      }
  return gemmGmImage(k, p, cfg, { a: nchwToGroupedNc1hwc0(f16Bytes(x), s, 2), b: f16Bytes(b), ...(bias ? { bias } : {}) });
}

/**
 * Reference: the cube's accumulation in img2col K order, per K0 = 16 fractal (one (c1, kh, kw))
 * a partial sum in double rounded to fp32 and added with one fp32 rounding; padding contributes 0;
 * bias at the start (bias table, or broadcast into L0C) or at the end (UB): biasPlacement; fp16 result. Returns NCHW values.
 */
export function convF16Reference(s: ConvShape, x: Float32Array, w: Float32Array, bias: Float32Array | null, biasAt: 'init' | 'end'): Float32Array {
  if (hostImg2col(s, C0)) return hostImg2colReference(s, x, w, bias, biasAt);
  const cg = s.c / s.group;
  const ocg = s.oc / s.group;
  const c1 = Math.ceil(cg / C0);
  const y = new Float32Array(s.n * s.oc * s.oh * s.ow);
  for (let img = 0; img < s.n; img++)
    for (let oc = 0; oc < s.oc; oc++) {
      const g = Math.floor(oc / ocg);
      for (let oh = 0; oh < s.oh; oh++)
        for (let ow = 0; ow < s.ow; ow++) {
          let acc = bias && biasAt === 'init' ? bias[oc]! : 0;
          for (let cb = 0; cb < c1; cb++)
            for (let kh = 0; kh < s.kh; kh++)
              for (let kw = 0; kw < s.kw; kw++) {
                const ih = oh * s.strideH - s.padTop + kh * s.dilationH;
                const iw = ow * s.strideW - s.padLeft + kw * s.dilationW;
                let dot = 0;
                if (ih >= 0 && ih < s.h && iw >= 0 && iw < s.w)
                  for (let c0 = 0; c0 < C0; c0++) {
                    const ci = cb * C0 + c0;
                    if (ci >= cg) break;
                    dot += x[((img * s.c + g * cg + ci) * s.h + ih) * s.w + iw]! * w[((oc * cg + ci) * s.kh + kh) * s.kw + kw]!;
                  }
                acc = Math.fround(acc + Math.fround(dot));
              }
          if (bias && biasAt === 'end') acc = Math.fround(acc + bias[oc]!);
          y[((img * s.oc + oc) * s.oh + oh) * s.ow + ow] = roundF16(acc);
        }
    }
  return y;
}

/**
 * Reference of the host-img2col path: the FP16 matmul reference over the img2col matrix (its K order
 * is C x KH x KW, accumulated per 16 consecutive columns as the cube does), rows back to NCHW.
 */
function hostImg2colReference(s: ConvShape, x: Float32Array, w: Float32Array, bias: Float32Array | null, biasAt: 'init' | 'end'): Float32Array {
  const k = s.c * s.kh * s.kw;
  const rows = s.oh * s.ow;
  const bits = hostImg2colMatrix(f16Bytes(x), s, 2, new Uint8Array(2));
  const halves = new Uint16Array(bits.buffer, bits.byteOffset, bits.byteLength / 2);
  const a = Float32Array.from(halves, (h) => f16BitsToNumber(h));
  const b = new Float32Array(k * s.oc);
  for (let oc = 0; oc < s.oc; oc++) for (let kk = 0; kk < k; kk++) b[kk * s.oc + oc] = w[oc * k + kk]!;
  const y = new Float32Array(s.n * s.oc * rows);
  for (let img = 0; img < s.n; img++) {
    const part = matmulF16Reference({ m: rows, k, n: s.oc, bias: bias !== null }, a.subarray(img * rows * k, (img + 1) * rows * k), b, bias, biasAt);
    for (let r = 0; r < rows; r++) for (let oc = 0; oc < s.oc; oc++) y[(img * s.oc + oc) * rows + r] = part[r * s.oc + oc]!;
  }
  return y;
}
