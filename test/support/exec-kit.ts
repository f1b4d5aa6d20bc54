/**
 * Shared plumbing for the semantics tests (exec-data, exec-cube): random buffers, a fake
 * ExecContext with every buffer of a core kind, a functional launch, and the documented fractal
 * layouts written out as plain index formulas (isa/README.md, hw/exec/cube.ts header) so models do
 * not reuse the implementation's helpers.
 */
import type { BufferName } from '../../isa/types.js';
import type { Program } from '../../isa/program.js';
import { assemble } from '../../isa/asm.js';
import type { CoreKind, HwConfig } from '../../hw/config/types.js';
import type { ExecContext } from '../../hw/exec/context.js';
import { simulate, type SimResult } from '../../hw/simulate.js';
import type { TraceSink, InsnRecord } from '../../hw/engine/records.js';
import { randInt } from './rng.js';

export type Rnd = () => number;

/** n random bytes (four per PRNG draw). */
export function randomBytes(n: number, r: Rnd): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    let x = Math.floor(r() * 2 ** 32);
    for (let b = 0; b < 4 && i + b < n; b++, x >>>= 8) out[i + b] = x & 0xff;
  }
  return out;
}

/** Bits of a random finite, non-zero, normal f16 of moderate magnitude (|x| in [2^-6, 2^6)). */
export const randomF16Bits = (r: Rnd): number => (r() < 0.5 ? 0x8000 : 0) | (randInt(r, 9, 20) << 10) | randInt(r, 0, 0x3ff);

/** Buffer sizes of one core kind of a preset, plus GM. */
export function bufferSizes(cfg: HwConfig, kind: CoreKind, gmBytes: number): Map<BufferName, number> {
  const m = new Map<BufferName, number>([['GM', gmBytes]]);
  for (const [b, p] of Object.entries(cfg.coreKinds[kind]?.buffers ?? {})) m.set(b as BufferName, p.bytes);
  return m;
}

export interface FakeCore {
  readonly ctx: ExecContext;
  readonly buf: (b: BufferName) => Uint8Array;
  readonly dv: (b: BufferName) => DataView;
  /** deep copy of every buffer */
  snapshot(): Map<BufferName, Uint8Array>;
}

/** A fake core: every buffer of `kind` (and GM), filled with random bytes when `r` is given. */
export function fakeCore(cfg: HwConfig, kind: CoreKind, gmBytes: number, r?: Rnd): FakeCore {
  const bytes = new Map<BufferName, Uint8Array>();
  for (const [b, n] of bufferSizes(cfg, kind, gmBytes)) bytes.set(b, r ? randomBytes(n, r) : new Uint8Array(n));
  const buf = (b: BufferName) => {
    const u = bytes.get(b);
    if (!u) throw new Error(`test core has no ${b}`);
    return u;
  };
  const dv = (b: BufferName) => new DataView(buf(b).buffer, buf(b).byteOffset, buf(b).byteLength);
  const ctx: ExecContext = { config: cfg, bytes: buf, view: dv, mask: new Uint8Array(128).fill(1) };
  return { ctx, buf, dv, snapshot: () => new Map([...bytes].map(([b, u]) => [b, u.slice()])) };
}

/** Index of the first element where two arrays differ (by Object.is: -0 and NaN count), or -1. */
export function firstDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  for (let k = 0; k < Math.min(x.length, y.length); k++) if (!Object.is(x[k], y[k])) return k;
  return x.length === y.length ? -1 : Math.min(x.length, y.length);
}

/** Runs assembly programs functionally; returns the result and every trace record. */
export function runFunctional(
  cfg: HwConfig,
  programs: Partial<Record<CoreKind, string | Program>>,
  gm: Uint8Array,
  blockDim = 1,
): SimResult & { records: InsnRecord[] } {
  const records: InsnRecord[] = [];
  const sink: TraceSink = { insn: (rec) => records.push(rec) };
  const progs: Partial<Record<CoreKind, Program>> = {};
  for (const [k, p] of Object.entries(programs) as [CoreKind, string | Program][]) progs[k] = typeof p === 'string' ? assemble(p, `${k} program`) : p;
  const res = simulate({ config: cfg, programs: progs, blockDim, gm, mode: 'functional', sink });
  return { ...res, records };
}

// ---- documented fractal layouts (byte offsets from the start of the matrix) ----------------------

/** A (m x k) in L0A, Zz: fractal (i/16, kk/k0) at (i/16 * K1 + kk/k0) * 512, row-major inside (rows of 32 B). */
export const zzOffset = (i: number, kk: number, k1: number, size: number): number => {
  const k0 = 32 / size;
  return (Math.floor(i / 16) * k1 + Math.floor(kk / k0)) * 512 + (i % 16) * 32 + (kk % k0) * size;
};

/** B (k x n) in L0B, Zn: fractal (kk/k0, j/16) at (kk/k0 * N1 + j/16) * 512; element (k, n) at n*32 + k*size. */
export const znOffset = (kk: number, j: number, n1: number, size: number): number => {
  const k0 = 32 / size;
  return (Math.floor(kk / k0) * n1 + Math.floor(j / 16)) * 512 + (j % 16) * 32 + (kk % k0) * size;
};

/** C (m x n) in L0C, Nz, 4 B elements: fractal (i/16, j/16) at (j/16 * M1 + i/16) * 1024, row-major inside. */
export const nzOffset = (i: number, j: number, m1: number): number =>
  (Math.floor(j / 16) * m1 + Math.floor(i / 16)) * 1024 + ((i % 16) * 16 + (j % 16)) * 4;
