/**
 * The operands of the ONNX pooling operators (MaxPool, QLinearAveragePool, QLinearGlobalAveragePool)
 * as the pooling kernel's spec (ops-nn/eltwise/pool-plan.ts): pool attributes (kernel_shape,
 * strides, pads, auto_pad, dilations, ceil_mode) resolved to one 2-D window the way ONNX Runtime's
 * PoolAttributes resolves them, 1-D pooling as 2-D over a height of 1, channels-last tensors
 * transposed on the host, and the NCHW <-> NC1HWC0 launch around the kernel.
 */
import type { HwConfig } from '../../hw/config/types.js';
import { generateQPool, poolGeometry, poolInput, poolOutput, type QPoolSpec } from '../eltwise/index.js';
import { samePads } from '../conv/geometry.js';
import { OpError } from '../kernel.js';
import { moveChannelAxis } from '../layout.js';
import { readTensor, vectorGmImage } from '../vector/index.js';
import type { NodeAttrs, NodeInputs } from './contract.js';
import { intAttr, scalar } from './operands.js';
import { checkElementCount, intTensor, type HostTensor } from './tensor.js';
import type { HostProgram } from './types.js';

/** The attributes every ONNX pooling operator shares (ORT's PoolAttributes). */
export const POOL_ATTRIBUTES = { auto_pad: 'string', ceil_mode: 'int', kernel_shape: 'ints', pads: 'ints', strides: 'ints' } as const;

/** An NCHW pooling problem: sizes, the resolved 2-D window, and the ONNX output dims. */
export interface PoolProblem {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  /** [top, left, bottom, right] after auto_pad */
  readonly pads: readonly [number, number, number, number];
  readonly ceilMode: boolean;
  /** the output's dims in the input's (NCHW) rank */
  readonly outDims: readonly number[];
}

/** [head, tail] pads of one axis for an auto_pad mode (ORT: pad_needed from the legacy target size). */
type AutoPad = (input: number, kernel: number, stride: number) => readonly [number, number];

const same = (upper: boolean): AutoPad => (input, kernel, stride) => samePads(input, kernel, stride, upper, false);

const AUTO_PADS: Readonly<Record<string, AutoPad | null>> = {
  NOTSET: null,
  VALID: () => [0, 0],
  SAME_UPPER: same(true),
  SAME_LOWER: same(false),
};

/** A list attribute of `rank` values, or `fallback` when absent or empty (as ORT reads it). */
function listAttr(op: string, attrs: NodeAttrs, name: string, rank: number, fallback: number): number[] {
  const v = attrs[name] as number[] | undefined;
  if (v === undefined || v.length === 0) return new Array<number>(rank).fill(fallback);
  if (v.length !== rank) throw new OpError(`${op}: ${name} has ${v.length} values, X has ${rank / (name === 'pads' ? 2 : 1)} spatial dims (give ${rank})`);
  return v;
}

/**
 * The window of an NCHW (or NCW) pooling node; OpErrors for what the kernel does not do (3-D
 * pooling, dilations other than 1, negative SAME pads) and for what ORT rejects (pads not smaller
 * than the kernel).
 */
export function poolProblem(op: string, dims: readonly number[], attrs: NodeAttrs): PoolProblem {
  const rank = dims.length - 2;
  if (rank < 1) throw new OpError(`${op}: X must be N x C x spatial dims, got dims [${dims.join(', ')}]`);
  if (rank > 2) throw new OpError(`${op}: ${rank}-D pooling is not supported (X dims [${dims.join(', ')}]); only 1-D and 2-D`);
  const kernel = attrs['kernel_shape'] as number[] | undefined;
  if (!kernel) throw new OpError(`${op}: attribute kernel_shape is required`);
  if (kernel.length !== rank) throw new OpError(`${op}: kernel_shape [${kernel.join(', ')}] must have ${rank} value(s), one per spatial dim of X [${dims.join(', ')}]`);
  if (!kernel.every((k) => k > 0)) throw new OpError(`${op}: kernel_shape [${kernel.join(', ')}] must be positive`);
  const strides = listAttr(op, attrs, 'strides', rank, 1);
  const pads = listAttr(op, attrs, 'pads', 2 * rank, 0);
  const dilations = listAttr(op, attrs, 'dilations', rank, 1);
  if (!dilations.every((d) => d === 1)) throw new OpError(`${op}: dilations [${dilations.join(', ')}] are not supported (only 1)`);
  kernel.forEach((k, i) => {
    if (pads[i]! >= k || pads[i + rank]! >= k) throw new OpError(`${op}: pads [${pads.join(', ')}] must be smaller than the kernel [${kernel.join(', ')}] (as ONNX Runtime requires)`);
  });
  const autoPad = (attrs['auto_pad'] as string | undefined) ?? 'NOTSET';
  if (!Object.hasOwn(AUTO_PADS, autoPad)) throw new OpError(`${op}: auto_pad "${autoPad}" is not one of ${Object.keys(AUTO_PADS).join(', ')}`);
  const auto = AUTO_PADS[autoPad];
  const spatial = dims.slice(2);
  const [head, tail] = auto ? [spatial.map((d, i) => auto(d, kernel[i]!, strides[i]!)[0]), spatial.map((d, i) => auto(d, kernel[i]!, strides[i]!)[1])] : [pads.slice(0, rank), pads.slice(rank)];
  if (![...head, ...tail].every((p) => p >= 0)) throw new OpError(`${op}: auto_pad ${autoPad} needs negative pads here (a stride larger than the kernel); give explicit pads`);
  const ceilMode = intAttr(attrs, 'ceil_mode', 0);
  if (ceilMode !== 0 && ceilMode !== 1) throw new OpError(`${op}: ceil_mode must be 0 or 1, got ${ceilMode}`);
  // 1-D pooling is 2-D over a height of 1 with a window of height 1
  const two = <T>(one: T, v: readonly T[]): [T, T] => (rank === 1 ? [one, v[0]!] : [v[0]!, v[1]!]);
  const [h, w] = two(1, spatial);
  const p: Omit<PoolProblem, 'outDims'> = {
    n: dims[0]!,
    c: dims[1]!,
    h,
    w,
    kernel: two(1, kernel),
    strides: two(1, strides),
    pads: [...two(0, head), ...two(0, tail)] as [number, number, number, number],
    ceilMode: ceilMode === 1,
  };
  const g = poolGeometry({ kind: 'max', type: 's8', ...p });
  const outDims = rank === 1 ? [p.n, p.c, g.ow] : [p.n, p.c, g.oh, g.ow];
  checkElementCount(outDims, `${op} output`);
  // the host's channel-padded copy of x (NC1HWC0: channels up to a multiple of 32)
  checkElementCount([p.n, Math.ceil(p.c / 32) * 32, p.h, p.w], `${op} input X padded to NC1HWC0`);
  return { ...p, outDims };
}

/** The kernel spec of a pooling problem. */
export const poolSpec = (p: PoolProblem, kind: QPoolSpec['kind'], type: 'int8' | 'uint8', more: Partial<QPoolSpec> = {}): QPoolSpec => ({
  kind,
  n: p.n,
  c: p.c,
  h: p.h,
  w: p.w,
  kernel: p.kernel,
  strides: p.strides,
  pads: p.pads,
  ceilMode: p.ceilMode,
  type: type === 'int8' ? 's8' : 'u8',
  ...more,
});

/** Runs the pooling kernel on NCHW `x` (host-side NC1HWC0 conversion both ways); the NCHW result. */
export function* runPool(spec: QPoolSpec, x: HostTensor, outDims: readonly number[], cfg: HwConfig): HostProgram<HostTensor> {
  const k = generateQPool(spec, cfg);
  const gm = yield { kernel: k, gm: vectorGmImage(k, { x: poolInput(spec, x.data as Int8Array | Uint8Array) }) };
  const y = poolOutput(spec, readTensor(k, gm, 'y'));
  return intTensor(x.dtype as 'int8' | 'uint8', outDims, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
}

/** Moves the last axis (channels) of `t` to position 1: N x spatial x C -> N x C x spatial. */
export function channelsLastToFirst(t: HostTensor): HostTensor {
  return permuteChannels(t, t.dims[0]!, t.dims.slice(1, -1), t.dims[t.dims.length - 1]!, true);
}

/** Moves axis 1 (channels) of `t` last: N x C x spatial -> N x spatial x C. */
export function channelsFirstToLast(t: HostTensor): HostTensor {
  return permuteChannels(t, t.dims[0]!, t.dims.slice(2), t.dims[1]!, false);
}

function permuteChannels(t: HostTensor, n: number, spatial: readonly number[], c: number, toFirst: boolean): HostTensor {
  const data = moveChannelAxis(t.data, n, c, spatial.reduce((p, d) => p * d, 1), toFirst);
  return { dtype: t.dtype, dims: toFirst ? [n, c, ...spatial] : [n, ...spatial, c], data };
}

/** The quantisation of a QLinear pooling node: x's and y's scales and zero points (0 when omitted). */
export interface PoolQuant {
  readonly xScale: number;
  readonly xZeroPoint: number;
  readonly yScale: number;
  readonly yZeroPoint: number;
}

/**
 * X of a QLinear pooling node in NCHW (a channels_last X transposed on the host; `last` says to
 * transpose the result back) and its quantisation.
 */
export function qlinearPoolInput(op: string, inp: NodeInputs, attrs: NodeAttrs): { x: HostTensor; last: boolean; q: PoolQuant } {
  const last = intAttr(attrs, 'channels_last', 0) !== 0;
  const x0 = inp['X']!;
  if (x0.dims.length < 3) throw new OpError(`${op}: X must have at least 3 dims (N, C and spatial), got [${x0.dims.join(', ')}]`);
  const q = {
    xScale: scalar(inp['x_scale'], 'x_scale'),
    xZeroPoint: scalar(inp['x_zero_point'], 'x_zero_point', 0),
    yScale: scalar(inp['y_scale'], 'y_scale'),
    yZeroPoint: scalar(inp['y_zero_point'], 'y_zero_point', 0),
  };
  return { x: last ? channelsLastToFirst(x0) : x0, last, q };
}
