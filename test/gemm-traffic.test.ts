/**
 * The tiler's GM -> L1 byte count (ops-nn/gemm/traffic.ts) is a closed form over the tile order; it
 * must give exactly what walking the generator's tiles (plan.ts tilesOf) one by one gives: B and a
 * streamed A per tile, a resident A (whole map, slab or A panel) only when its key changes.
 */
import { describe, expect, it } from 'vitest';
import { tilesOf } from '../ops-nn/gemm/plan.js';
import { aPanelBytes, elemBytes, featureMapBytes, mapRowBytes } from '../ops-nn/gemm/sizes.js';
import { slabOf } from '../ops-nn/gemm/slab.js';
import type { ConvGeom, GemmProblem } from '../ops-nn/gemm/spec.js';
import type { GemmTiling } from '../ops-nn/gemm/tiling.js';
import { blockTraffic, type MapMode } from '../ops-nn/gemm/traffic.js';
import { randInt, rng } from './support/rng.js';

/** The walk the closed form replaces: every tile of [start, end) in the generator's order. */
function walkedTraffic(p: GemmProblem, t: GemmTiling, mode: MapMode, start: number, end: number): { tiles: number; a: number; b: number } {
  const size = elemBytes(p);
  let a = 0;
  let b = 0;
  let loaded = '';
  for (const tile of tilesOf(p, t).slice(start, end)) {
    b += p.pieces * tile.hn * p.k * size;
    const entry = p.aPerBatch ? tile.e : 0;
    let key = '';
    let bytes = 0;
    if (p.aSource.kind === 'img2col' && mode === 'whole') [key, bytes] = [`${entry}`, featureMapBytes(p)];
    else if (p.aSource.kind === 'img2col') {
      const s = slabOf(p.aSource.conv, tile.m0, tile.rows);
      [key, bytes] = [`${entry}:${s.first}:${s.rows}`, mapRowBytes(p, s.rows)];
    } else if (t.aResident) [key, bytes] = [`${entry}:${tile.m0}`, aPanelBytes(p, t)];
    if (key === '') a += p.pieces * tile.h * p.k * size;
    else if (key !== loaded) [a, loaded] = [a + bytes, key];
  }
  return { tiles: end - start, a, b };
}

function randomProblem(r: () => number): GemmProblem {
  const common = { batch: randInt(r, 1, 5), pieces: randInt(r, 1, 2), aPerBatch: r() < 0.7, bCount: 1, bias: false, epilogue: { kind: 'int32' as const }, place: 'fixpipe' as const, groups: 1, bType: 's8' as const };
  if (r() < 0.5) return { ...common, m: randInt(r, 1, 700), k: randInt(r, 1, 500), n: randInt(r, 1, 700), aType: r() < 0.5 ? 's8' : 'f16', aSource: { kind: 'matrix' } };
  const [h, w, kh, stride, pad] = [randInt(r, 1, 24), randInt(r, 1, 24), randInt(r, 1, 5), randInt(r, 1, 3), randInt(r, 0, 2)];
  const oh = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - kh) / stride) + 1;
  if (oh < 1 || ow < 1) return randomProblem(r);
  const c = randInt(r, 1, 100);
  const conv: ConvGeom = { h, w, kh, kw: kh, strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, padTop: pad, padBottom: pad, padLeft: pad, padRight: pad, oh, ow, c, padValue: 0 };
  return { ...common, m: oh * ow, k: Math.ceil(c / 32) * kh * kh * 32, n: randInt(r, 1, 300), aType: 's8', aSource: { kind: 'img2col', conv } };
}

describe('blockTraffic', () => {
  it('counts exactly the bytes of the tile-by-tile walk, for any range of tiles', () => {
    const r = rng(20261204);
    let resident = 0;
    for (let trial = 0; trial < 400; trial++) {
      const p = randomProblem(r);
      const t: GemmTiling = { baseM: 16 * randInt(r, 1, 8), baseN: 16 * randInt(r, 1, 8), baseK: 32, stepK: 1, dbL1: true, dbL0: true, dbL0C: true, blockDim: 1, aResident: p.aSource.kind === 'matrix' && r() < 0.5 };
      const count = tilesOf(p, t).length;
      for (const mode of ['whole', 'slabs'] as const)
        for (let k = 0; k < 4; k++) {
          const start = randInt(r, 0, count);
          const end = randInt(r, start, count);
          const got = blockTraffic(p, t, mode, { start, end });
          expect(got, `${JSON.stringify(p)} ${JSON.stringify(t)} ${mode} [${start}, ${end})`).toEqual(walkedTraffic(p, t, mode, start, end));
          if (p.aSource.kind === 'img2col' || t.aResident) resident++;
        }
    }
    // the cases where a resident A is reused or reloaded are well represented
    expect(resident).toBeGreaterThan(1000);
  });
});
