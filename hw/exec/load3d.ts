/**
 * Functional semantics of load3d (LoadData 3D, img2col): builds rows mStartPt.. and columns
 * kStartPt.. of the im2col matrix of one C1HWC0 feature map in L1 and writes them to L0A as Zz
 * fractals, ready to be the left matrix of mmad against FRACTAL_Z weights.
 *
 * Rules:
 * - Input (L1, a[1]): C0 = 32 / size(dtype) (s8/u8: 32, f16: 16), C1 = ceil(channelSize / C0);
 *   element (c1, h, w, c0) at ((c1*l1H + h)*l1W + w)*C0*size + c0*size.
 * - Output size: Wout = floor((l1W + padLeft + padRight - dilationW*(filterW-1) - 1)/strideW) + 1,
 *   Hout likewise. Row m is output position (oh, ow) = (floor(m / Wout), m mod Wout); column
 *   k = ((c1*filterH + kh)*filterW + kw)*C0 + c0 (the FRACTAL_Z weight order).
 * - Value: ih = oh*strideH - padTop + kh*dilationH, iw = ow*strideW - padLeft + kw*dilationW;
 *   outside the map -> padValue cast to the dtype (castValue from s32, rint); a channel
 *   c1*C0+c0 >= channelSize -> 0 (channel padding contributes nothing to the product).
 * - Rows r < M16 = ceil(mExtension/16)*16 and columns c < ceil(kExtension/C0)*C0 are written, with
 *   m = mStartPt + r and k = kStartPt + c. Rows r >= mExtension or m >= Hout*Wout and columns
 *   c >= kExtension are 0, so the fractals are fully defined for mmad.
 * - Destination (L0A, a[0]): fractal (floor(r/16), floor(c/C0)) at (i*K1 + j)*512 with
 *   K1 = ceil(kExtension/C0); inside a fractal row-major: (r mod 16)*32 + (c mod C0)*size.
 * No value is converted except the pad value, so elements are copied as raw bytes.
 */
import type { InsnOf } from '../../isa/program.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import { castValue } from '../../isa/numeric/cast.js';
import { FRACTAL_ROWS } from '../../isa/shapes.js';
import { BLOCK, FRACTAL_AB, WRITE, type Addrs, type ExecContext } from './context.js';

/** Marks a column that is always 0 (past kExtension, or a padding channel). */
const ZERO_COLUMN = -1;

/** img2col from L1 into L0A (see the module header for the exact rules). */
export function execLoad3d(ctx: ExecContext, insn: InsnOf<'load3d'>, a: Addrs): void {
  const { l1H, l1W, kExtension, mExtension } = insn;
  const size = DTYPE_BYTES[insn.dtype];
  const c0 = BLOCK / size;
  const wOut = Math.floor((l1W + insn.padLeft + insn.padRight - insn.dilationW * (insn.filterW - 1) - 1) / insn.strideW) + 1;
  const hOut = Math.floor((l1H + insn.padTop + insn.padBottom - insn.dilationH * (insn.filterH - 1) - 1) / insn.strideH) + 1;
  const positions = Math.max(0, wOut) * Math.max(0, hOut);
  const k1 = Math.ceil(kExtension / c0);
  const cols = k1 * c0;
  const rows = Math.ceil(mExtension / FRACTAL_ROWS) * FRACTAL_ROWS;

  // Per column: source byte offset of (c1, 0, 0, c0) relative to a[1], the filter tap's offset in
  // input rows/columns, and the destination offset inside a fractal row. Only the spatial position
  // varies per row, so the inner loop is a few adds and a bounds check.
  const colSrc = new Float64Array(cols);
  const colDh = new Int32Array(cols);
  const colDw = new Int32Array(cols);
  const colDst = new Int32Array(cols);
  const taps = insn.filterH * insn.filterW;
  for (let c = 0; c < cols; c++) {
    const k = insn.kStartPt + c;
    const ch0 = k % c0;
    const tap = Math.floor(k / c0) % taps;
    const ch1 = Math.floor(k / (c0 * taps));
    const real = c < kExtension && ch1 * c0 + ch0 < insn.channelSize;
    colSrc[c] = real ? (ch1 * l1H * l1W * c0 + ch0) * size : ZERO_COLUMN;
    colDh[c] = Math.floor(tap / insn.filterW) * insn.dilationH;
    colDw[c] = (tap % insn.filterW) * insn.dilationW;
    colDst[c] = Math.floor(c / c0) * FRACTAL_AB + (c % c0) * size;
  }

  const pad = new Uint8Array(size);
  WRITE[insn.dtype](new DataView(pad.buffer), 0, castValue(insn.padValue, 's32', insn.dtype, 'rint'));

  const src = ctx.bytes('L1');
  const dst = ctx.bytes('L0A');
  const srcBase = a[1]!;
  const rowStride = l1W * c0 * size; // bytes between input rows h and h+1 of one c1 plane
  const pixel = c0 * size;
  for (let r = 0; r < rows; r++) {
    const m = insn.mStartPt + r;
    const rowDst = a[0]! + Math.floor(r / FRACTAL_ROWS) * k1 * FRACTAL_AB + (r % FRACTAL_ROWS) * BLOCK;
    if (r >= mExtension || m >= positions) {
      for (let j = 0; j < k1; j++) dst.fill(0, rowDst + j * FRACTAL_AB, rowDst + j * FRACTAL_AB + BLOCK);
      continue;
    }
    const ih0 = Math.floor(m / wOut) * insn.strideH - insn.padTop;
    const iw0 = (m % wOut) * insn.strideW - insn.padLeft;
    for (let c = 0; c < cols; c++) {
      const d = rowDst + colDst[c]!;
      const s0 = colSrc[c]!;
      if (s0 === ZERO_COLUMN) {
        for (let b = 0; b < size; b++) dst[d + b] = 0;
        continue;
      }
      const ih = ih0 + colDh[c]!;
      const iw = iw0 + colDw[c]!;
      if (ih < 0 || ih >= l1H || iw < 0 || iw >= l1W) {
        for (let b = 0; b < size; b++) dst[d + b] = pad[b]!;
        continue;
      }
      const s = srcBase + s0 + ih * rowStride + iw * pixel;
      for (let b = 0; b < size; b++) dst[d + b] = src[s + b]!;
    }
  }
}
