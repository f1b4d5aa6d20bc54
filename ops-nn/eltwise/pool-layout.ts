/**
 * Host-side layout conversion for the pooling kernels (reported in their notes): 8-bit NCHW <-> NC1HWC0
 * with C0 = 32 channels per 32 B block, channels beyond C zero-padded.
 */
import { ceilDiv } from '../kernel.js';

/** Channels per 32 B block of 8-bit data. */
export const C0 = 32;

/** NCHW bytes -> NC1HWC0 bytes. */
export function nchwToNc1hwc0(x: Uint8Array, n: number, c: number, h: number, w: number): Uint8Array {
  const c1 = ceilDiv(c, C0);
  const out = new Uint8Array(n * c1 * h * w * C0);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const plane = (i * c1 + Math.floor(ch / C0)) * h * w * C0 + (ch % C0);
      for (let p = 0; p < h * w; p++) out[plane + p * C0] = x[(i * c + ch) * h * w + p]!;
    }
  return out;
}

/** NC1HWC0 bytes -> NCHW bytes (the padded channels dropped). */
export function nc1hwc0ToNchw(y: Uint8Array, n: number, c: number, h: number, w: number): Uint8Array {
  const c1 = ceilDiv(c, C0);
  const out = new Uint8Array(n * c * h * w);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const plane = (i * c1 + Math.floor(ch / C0)) * h * w * C0 + (ch % C0);
      for (let p = 0; p < h * w; p++) out[(i * c + ch) * h * w + p] = y[plane + p * C0]!;
    }
  return out;
}
