/**
 * Plain references of the eltwise kernels (tests only), element by element on NCHW / flat data.
 */
import type { QType } from '../quant/common.js';
import { QRANGE } from '../quant/common.js';
import { fp32, rne } from '../quant/ref-numeric.js';
import { quantizedSix, type QActivationSpec } from './activation.js';
import { poolGeometry, type QPoolSpec } from './pool.js';
import { qlinearAddElement } from '../onnx-ref/qlinear-add.js';
import type { QLinearAddSpec } from './qlinear-add.js';

type Q8 = Int8Array | Uint8Array;
const make = (t: QType, n: number): Q8 => (t === 's8' ? new Int8Array(n) : new Uint8Array(n));

/**
 * QLinearAdd through the ONNX Runtime reference's element function; a null input is the single
 * element given in the spec (scalarA / scalarB). ORT's grouping follows A's element count.
 */
export function qlinearAddReference(s: QLinearAddSpec, a: Q8 | null, b: Q8 | null): Q8 {
  const params = { sa: s.aScale, za: s.aZeroPoint, sb: s.bScale, zb: s.bZeroPoint, sc: s.cScale, zc: s.cZeroPoint };
  const el = qlinearAddElement(params, s.type === 's8' ? 'int8' : 'uint8', (a ? a.length : 1) === 1);
  const n = s.dims.reduce((p, d) => p * d, 1);
  const y = make(s.type, n);
  for (let i = 0; i < n; i++) y[i] = el(a ? a[i]! : s.scalarA!, b ? b[i]! : s.scalarB!);
  return y;
}

/** The quantised activations of activation.ts, per element. */
export function qActivationReference(s: QActivationSpec, x: Q8): Q8 {
  const [qmin, qmax] = QRANGE[s.type];
  const zp = s.zeroPoint;
  const six = quantizedSix(s.scale, zp, s.type);
  const f: Record<QActivationSpec['kind'], (v: number) => number> = {
    relu: (v) => Math.max(v, zp),
    relu6: (v) => Math.min(Math.max(v, zp), six),
    'leaky-relu': (v) => (v >= zp ? v : Math.min(Math.max(rne(fp32((v - zp) * s.alpha!)) + zp, qmin), qmax)),
  };
  return make(s.type, x.length).map((_, i) => f[s.kind](x[i]!));
}

/** Max / average pooling on NCHW 8-bit data (see pool.ts for the rounding). */
export function qPoolReference(s: QPoolSpec, x: Q8): Q8 {
  const g = poolGeometry(s);
  const [pt, pl] = [g.pt, g.pl];
  const y = make(s.type, s.n * s.c * g.oh * g.ow);
  for (let nc = 0; nc < s.n * s.c; nc++)
    for (let oy = 0; oy < g.oh; oy++)
      for (let ox = 0; ox < g.ow; ox++) {
        let best = -Infinity;
        let sum = 0;
        let count = 0;
        for (let i = 0; i < g.kh; i++)
          for (let j = 0; j < g.kw; j++) {
            const iy = oy * g.sh - pt + i;
            const ix = ox * g.sw - pl + j;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            const v = x[(nc * s.h + iy) * s.w + ix]!;
            best = Math.max(best, v);
            sum += v;
            count++;
          }
        const div = s.countIncludePad ? g.kh * g.kw : count;
        y[(nc * g.oh + oy) * g.ow + ox] = s.kind === 'max' ? best : rne(sum / div);
      }
  return y;
}
