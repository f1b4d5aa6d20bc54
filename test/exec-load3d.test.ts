/**
 * load3d (img2col) semantics (hw/exec/load3d.ts): every byte of L0A is compared with a plain
 * model that evaluates the convolution index formulas element by element, over shapes with
 * stride, padding, dilation, 1x1 and 3x3 filters, channels that are not a multiple of C0 and
 * non-zero start points; then the produced im2col matrix times a weight matrix must equal a
 * direct convolution.
 */
import { describe, expect, it } from 'vitest';
import type { InsnOf } from '../isa/program.js';
import type { MemRef } from '../isa/types.js';
import { numberToF16Bits } from '../isa/numeric/float16.js';
import type { HwConfig } from '../hw/config/types.js';
import type { ExecContext } from '../hw/exec/context.js';
import { execLoad3d } from '../hw/exec/load3d.js';
import { uint32Random } from './support/rng.js';


type Load3d = InsnOf<'load3d'>;
type Shape = Omit<Load3d, 'op' | 'dst' | 'src'>;

const L1_AT = 512;
const L0A_AT = 1024;
const mem = (buf: 'L1' | 'L0A', off: number): MemRef => ({ buf, base: -1, off });

const outSize = (n: number, padA: number, padB: number, dil: number, f: number, stride: number) =>
  Math.floor((n + padA + padB - dil * (f - 1) - 1) / stride) + 1;

/** A test image: element bits x[ch][h][w] for every channel up to C1*C0 (padding channels hold garbage). */
interface Image {
  c0: number;
  c1: number;
  size: number;
  bits: (ch: number, h: number, w: number) => number;
}

function makeImage(s: Shape, rnd: () => number): Image {
  const size = s.dtype === 'f16' ? 2 : 1;
  const c0 = 32 / size;
  const c1 = Math.ceil(s.channelSize / c0);
  const data = Array.from({ length: c1 * c0 * s.l1H * s.l1W }, () => (size === 2 ? rnd() & 0x7bff : rnd() & 0xff));
  return { c0, c1, size, bits: (ch, h, w) => data[(ch * s.l1H + h) * s.l1W + w]! };
}

/** Writes the image into L1 in C1HWC0 at L1_AT, byte by byte from the layout formula. */
function storeImage(l1: Uint8Array, s: Shape, img: Image): void {
  for (let ch = 0; ch < img.c1 * img.c0; ch++) {
    for (let h = 0; h < s.l1H; h++) {
      for (let w = 0; w < s.l1W; w++) {
        const c1 = Math.floor(ch / img.c0);
        const at = L1_AT + (((c1 * s.l1H + h) * s.l1W + w) * img.c0 + (ch % img.c0)) * img.size;
        const b = img.bits(ch, h, w);
        l1[at] = b & 0xff;
        if (img.size === 2) l1[at + 1] = b >> 8;
      }
    }
  }
}

const padBits = (s: Shape) => (s.dtype === 'f16' ? numberToF16Bits(s.padValue) : s.padValue & 0xff);

/** Element bits of im2col row m, column k of the full (unclipped) matrix, straight from the definition. */
function im2col(s: Shape, img: Image, m: number, k: number): number {
  const wOut = outSize(s.l1W, s.padLeft, s.padRight, s.dilationW, s.filterW, s.strideW);
  const c0 = k % img.c0;
  const kw = Math.floor(k / img.c0) % s.filterW;
  const kh = Math.floor(k / (img.c0 * s.filterW)) % s.filterH;
  const c1 = Math.floor(k / (img.c0 * s.filterW * s.filterH));
  const ch = c1 * img.c0 + c0;
  if (ch >= s.channelSize) return 0;
  const ih = Math.floor(m / wOut) * s.strideH - s.padTop + kh * s.dilationH;
  const iw = (m % wOut) * s.strideW - s.padLeft + kw * s.dilationW;
  if (ih < 0 || ih >= s.l1H || iw < 0 || iw >= s.l1W) return padBits(s);
  return img.bits(ch, ih, iw);
}

/** Expected L0A: the initial bytes, with every produced element of the Zz block overwritten. */
function model(l0a: Uint8Array, s: Shape, img: Image): Uint8Array {
  const out = l0a.slice();
  const positions =
    outSize(s.l1W, s.padLeft, s.padRight, s.dilationW, s.filterW, s.strideW) *
    outSize(s.l1H, s.padTop, s.padBottom, s.dilationH, s.filterH, s.strideH);
  const k1 = Math.ceil(s.kExtension / img.c0);
  for (let r = 0; r < Math.ceil(s.mExtension / 16) * 16; r++) {
    for (let c = 0; c < k1 * img.c0; c++) {
      const m = s.mStartPt + r;
      const inside = r < s.mExtension && m < positions && c < s.kExtension;
      const b = inside ? im2col(s, img, m, s.kStartPt + c) : 0;
      const at = L0A_AT + (Math.floor(r / 16) * k1 + Math.floor(c / img.c0)) * 512 + (r % 16) * 32 + (c % img.c0) * img.size;
      out[at] = b & 0xff;
      if (img.size === 2) out[at + 1] = b >> 8;
    }
  }
  return out;
}

function setup(s: Shape, seed: number) {
  const rnd = uint32Random(seed);
  const l1 = new Uint8Array(64 * 1024).map(() => rnd() & 0xff);
  const l0a = new Uint8Array(64 * 1024).map(() => rnd() & 0xff);
  const img = makeImage(s, rnd);
  storeImage(l1, s, img);
  const expected = model(l0a, s, img);
  const ctx: ExecContext = {
    config: {} as HwConfig,
    view: (b) => new DataView((b === 'L1' ? l1 : l0a).buffer),
    bytes: (b) => (b === 'L1' ? l1 : l0a),
    mask: new Uint8Array(128),
  };
  execLoad3d(ctx, { op: 'load3d', dst: mem('L0A', L0A_AT), src: mem('L1', L1_AT), ...s }, Float64Array.of(L0A_AT, L1_AT));
  return { l0a, expected, img };
}

const BASE = {
  strideW: 1,
  strideH: 1,
  filterW: 3,
  filterH: 3,
  dilationW: 1,
  dilationH: 1,
  padLeft: 0,
  padRight: 0,
  padTop: 0,
  padBottom: 0,
  padValue: 0,
  kStartPt: 0,
  mStartPt: 0,
} as const;

const SHAPES: Record<string, Shape> = {
  's8 3x3 pad 1, 40 channels (C1 = 2)': { ...BASE, dtype: 's8', l1H: 7, l1W: 7, channelSize: 40, padLeft: 1, padRight: 1, padTop: 1, padBottom: 1, mExtension: 49, kExtension: 576 },
  'f16 3x3 stride 2, dilation 2, uneven pads, m/k start': {
    ...BASE,
    dtype: 'f16',
    l1H: 9,
    l1W: 6,
    channelSize: 20,
    strideW: 2,
    strideH: 2,
    dilationW: 2,
    dilationH: 2,
    padLeft: 1,
    padRight: 0,
    padTop: 2,
    padBottom: 1,
    padValue: 3,
    mStartPt: 5,
    mExtension: 13,
    kStartPt: 48,
    kExtension: 70,
  },
  'u8 1x1 stride 2, pad value 7, m start 3': { ...BASE, dtype: 'u8', l1H: 8, l1W: 8, channelSize: 32, filterW: 1, filterH: 1, strideW: 2, strideH: 2, padValue: 7, mStartPt: 3, mExtension: 16, kExtension: 32 },
  's8 2x3 dilation 2 on H, stride (H 1, W 2), rows and columns past the matrix': {
    ...BASE,
    dtype: 's8',
    l1H: 5,
    l1W: 9,
    channelSize: 3,
    filterH: 2,
    dilationH: 2,
    strideW: 2,
    padLeft: 2,
    padRight: 1,
    padBottom: 1,
    padValue: -5,
    mStartPt: 10,
    mExtension: 30,
    kStartPt: 64,
    kExtension: 200,
  },
  'f16 37 channels (C1 = 3), 2x2 filter, dilation 2 on W, all columns': { ...BASE, dtype: 'f16', l1H: 4, l1W: 5, channelSize: 37, filterH: 2, filterW: 2, dilationW: 2, padRight: 1, mExtension: 12, kExtension: 192 },
  'f16 k start not a multiple of C0, 1 channel': { ...BASE, dtype: 'f16', l1H: 4, l1W: 4, channelSize: 1, padLeft: 1, padTop: 1, padValue: -2, kStartPt: 7, kExtension: 100, mStartPt: 1, mExtension: 9 },
};

describe('load3d against the index model', () => {
  it.each(Object.entries(SHAPES))('%s', (_name, s) => {
    const { l0a, expected } = setup(s, 0xc0ffee);
    let first = -1;
    for (let k = 0; k < l0a.length && first < 0; k++) if (l0a[k] !== expected[k]) first = k;
    expect(first, `first differing L0A byte ${first}`).toBe(-1);
  });
});

describe('load3d feeds a convolution', () => {
  it('im2col x weights equals a direct s8 convolution with a pad value', () => {
    const s: Shape = { ...BASE, dtype: 's8', l1H: 6, l1W: 5, channelSize: 35, padLeft: 1, padRight: 1, padTop: 1, padBottom: 2, padValue: -3, strideW: 1, strideH: 2, mExtension: 0, kExtension: 0 };
    const hOut = outSize(s.l1H, s.padTop, s.padBottom, 1, 3, s.strideH);
    const wOut = outSize(s.l1W, s.padLeft, s.padRight, 1, 3, s.strideW);
    const c1 = Math.ceil(s.channelSize / 32);
    const K = c1 * 9 * 32;
    const shape = { ...s, mExtension: hOut * wOut, kExtension: K };
    const { l0a, img } = setup(shape, 42);
    const rnd = uint32Random(7);
    const N = 4;
    const weight = Array.from({ length: N * c1 * 32 * 9 }, () => (rnd() % 255) - 127); // [n][ch][kh][kw]
    const w = (n: number, ch: number, kh: number, kw: number) => weight[((n * c1 * 32 + ch) * 3 + kh) * 3 + kw]!;
    const x = (ch: number, h: number, wi: number) =>
      h < 0 || h >= s.l1H || wi < 0 || wi >= s.l1W ? s.padValue : (img.bits(ch, h, wi) << 24) >> 24;
    const a = (m: number, k: number) => {
      const at = L0A_AT + (Math.floor(m / 16) * (K / 32) + Math.floor(k / 32)) * 512 + (m % 16) * 32 + (k % 32);
      return (l0a[at]! << 24) >> 24;
    };
    for (let oh = 0; oh < hOut; oh++) {
      for (let ow = 0; ow < wOut; ow++) {
        for (let n = 0; n < N; n++) {
          let direct = 0;
          for (let ch = 0; ch < s.channelSize; ch++)
            for (let kh = 0; kh < 3; kh++)
              for (let kw = 0; kw < 3; kw++) direct += x(ch, oh * s.strideH - s.padTop + kh, ow - s.padLeft + kw) * w(n, ch, kh, kw);
          let gemm = 0;
          for (let k = 0; k < K; k++) {
            // FRACTAL_Z order: k = ((c1*KH + kh)*KW + kw)*C0 + c0; padding channels get any weight
            const ch = Math.floor(k / (9 * 32)) * 32 + (k % 32);
            gemm += a(oh * wOut + ow, k) * w(n, ch, Math.floor(k / 96) % 3, Math.floor(k / 32) % 3);
          }
          expect(gemm, `oh ${oh} ow ${ow} n ${n}`).toBe(direct);
        }
      }
    }
  });
});
