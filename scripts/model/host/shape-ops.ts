/**
 * Data-movement operators on the host, for every element type: Reshape, Flatten, Transpose, Squeeze,
 * Unsqueeze, Concat, Identity, Shape, Pad (constant), Slice, Gather. They copy elements exactly, so a
 * quantised tensor stays bit for bit what it was.
 */
import type { GraphDtype, GraphTensor } from '../graph.js';
import { axisOf, fail, intAttr, intsAttr, intsOf, makeData, need, sizeOf, stridesOf, stringAttr, type HostOp, type HostOutput } from './op-types.js';

type Elements = { [i: number]: unknown; length: number };

const withDims = (t: GraphTensor, dims: readonly number[]): HostOutput => ({ dtype: t.dtype, dims, data: t.data });

function reshapeDims(t: GraphTensor, shape: readonly number[], allowZero: boolean): number[] {
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? (t.dims[i] ?? fail(`shape[${i}] = 0 copies a dim the input does not have`)) : d));
  const unknown = dims.indexOf(-1);
  if (dims.filter((d) => d === -1).length > 1) fail('shape has more than one -1');
  const known = sizeOf(dims.filter((d) => d !== -1));
  if (unknown >= 0) dims[unknown] = known === 0 ? 0 : sizeOf(t.dims) / known;
  if (!Number.isInteger(dims[unknown] ?? 0) || sizeOf(dims) !== sizeOf(t.dims)) fail(`cannot reshape [${t.dims.join(', ')}] to [${shape.join(', ')}]`);
  return dims;
}

function transpose(t: GraphTensor, perm: readonly number[]): HostOutput {
  const r = t.dims.length;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail(`perm [${perm.join(', ')}] is not a permutation of ${r} axes`);
  const dims = perm.map((p) => t.dims[p]!);
  const inStr = stridesOf(t.dims);
  const outStr = perm.map((p) => inStr[p]!);
  const src = t.data as Elements;
  const out = makeData(t.dtype, src.length) as Elements;
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < src.length; o++) {
    let at = 0;
    for (let k = 0; k < r; k++) at += idx[k]! * outStr[k]!;
    out[o] = src[at];
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < dims[k]!) break;
      idx[k] = 0;
    }
  }
  return { dtype: t.dtype, dims, data: out as HostOutput['data'] };
}

function concat(ts: readonly GraphTensor[], axis: number): HostOutput {
  const first = ts[0] ?? fail('Concat needs at least one input');
  const r = first.dims.length;
  const a = axisOf(axis, r);
  for (const t of ts) if (t.dtype !== first.dtype || t.dims.length !== r || t.dims.some((d, i) => i !== a && d !== first.dims[i])) fail(`Concat inputs [${ts.map((x) => `${x.dtype} [${x.dims.join(',')}]`).join('; ')}] differ outside axis ${axis}`);
  const dims = first.dims.map((d, i) => (i === a ? ts.reduce((s, t) => s + t.dims[a]!, 0) : d));
  const outer = sizeOf(first.dims.slice(0, a));
  const out = makeData(first.dtype, sizeOf(dims)) as Elements;
  let at = 0;
  for (let o = 0; o < outer; o++)
    for (const t of ts) {
      const chunk = sizeOf(t.dims.slice(a));
      const src = t.data as Elements;
      for (let i = 0; i < chunk; i++) out[at++] = src[o * chunk + i];
    }
  return { dtype: first.dtype, dims, data: out as HostOutput['data'] };
}

/** Copies the box `starts`..`ends` (step `steps`) of `t`. */
function slice(t: GraphTensor, starts: number[], ends: number[], axes: number[], steps: number[]): HostOutput {
  const r = t.dims.length;
  const lo = t.dims.map(() => 0);
  const step = t.dims.map(() => 1);
  const count = [...t.dims];
  axes.forEach((ax, i) => {
    const a = axisOf(ax, r);
    const d = t.dims[a]!;
    const s = steps[i] ?? 1;
    if (s === 0) fail('Slice step 0');
    const clampI = (v: number, min: number, max: number) => Math.min(Math.max(v < 0 ? v + d : v, min), max);
    const b = s > 0 ? clampI(starts[i]!, 0, d) : clampI(starts[i]!, -1, d - 1);
    const e = s > 0 ? clampI(ends[i]!, 0, d) : clampI(ends[i]!, -1, d - 1);
    lo[a] = b;
    step[a] = s;
    count[a] = Math.max(0, Math.ceil((e - b) / s));
  });
  const inStr = stridesOf(t.dims);
  const src = t.data as Elements;
  const out = makeData(t.dtype, sizeOf(count)) as Elements;
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < out.length; o++) {
    let at = 0;
    for (let k = 0; k < r; k++) at += (lo[k]! + idx[k]! * step[k]!) * inStr[k]!;
    out[o] = src[at];
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < count[k]!) break;
      idx[k] = 0;
    }
  }
  return { dtype: t.dtype, dims: count, data: out as HostOutput['data'] };
}

function pad(t: GraphTensor, pads: readonly number[], value: unknown): HostOutput {
  const r = t.dims.length;
  if (pads.length !== 2 * r) fail(`Pad pads has ${pads.length} values, want ${2 * r}`);
  if (pads.some((p) => p < 0)) fail('negative pads (cropping) are not supported');
  const dims = t.dims.map((d, i) => d + pads[i]! + pads[i + r]!);
  const out = makeData(t.dtype, sizeOf(dims)) as Elements;
  for (let i = 0; i < out.length; i++) out[i] = value;
  const outStr = stridesOf(dims);
  const src = t.data as Elements;
  const idx = new Array<number>(r).fill(0);
  for (let s = 0; s < src.length; s++) {
    let at = 0;
    for (let k = 0; k < r; k++) at += (idx[k]! + pads[k]!) * outStr[k]!;
    out[at] = src[s];
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k]! < t.dims[k]!) break;
      idx[k] = 0;
    }
  }
  return { dtype: t.dtype, dims, data: out as HostOutput['data'] };
}

function gather(t: GraphTensor, indices: GraphTensor, axis: number): HostOutput {
  const a = axisOf(axis, t.dims.length);
  const ids = intsOf(indices).map((i) => (i < 0 ? i + t.dims[a]! : i));
  if (ids.some((i) => i < 0 || i >= t.dims[a]!)) fail(`Gather index out of range for axis ${axis} of size ${t.dims[a]}`);
  const outer = sizeOf(t.dims.slice(0, a));
  const inner = sizeOf(t.dims.slice(a + 1));
  const dims = [...t.dims.slice(0, a), ...indices.dims, ...t.dims.slice(a + 1)];
  const src = t.data as Elements;
  const out = makeData(t.dtype, sizeOf(dims)) as Elements;
  let at = 0;
  for (let o = 0; o < outer; o++) for (const i of ids) for (let k = 0; k < inner; k++) out[at++] = src[(o * t.dims[a]! + i) * inner + k];
  return { dtype: t.dtype, dims, data: out as HostOutput['data'] };
}

const int64 = (values: readonly number[]): HostOutput => ({ dtype: 'int64' as GraphDtype, dims: [values.length], data: BigInt64Array.from(values, BigInt) });

/** Axes from the input (opset 13+) or the attribute. */
const axesOf = (inputs: readonly (GraphTensor | undefined)[], attrs: Parameters<HostOp>[1]): number[] | undefined => (inputs[1] ? intsOf(inputs[1]) : intsAttr(attrs, 'axes')?.slice());

export const SHAPE_OPS: Readonly<Record<string, HostOp>> = {
  Identity: (i) => [withDims(need(i, 0, 'input'), need(i, 0, 'input').dims)],
  Reshape: (i, a) => {
    const t = need(i, 0, 'data');
    return [withDims(t, reshapeDims(t, intsOf(need(i, 1, 'shape')), intAttr(a, 'allowzero', 0) === 1))];
  },
  Flatten: (i, a) => {
    const t = need(i, 0, 'input');
    const axis = intAttr(a, 'axis', 1);
    const at = axis < 0 ? axis + t.dims.length : axis;
    return [withDims(t, [sizeOf(t.dims.slice(0, at)), sizeOf(t.dims.slice(at))])];
  },
  Transpose: (i, a) => {
    const t = need(i, 0, 'data');
    return [transpose(t, intsAttr(a, 'perm') ?? t.dims.map((_, k) => t.dims.length - 1 - k))];
  },
  Squeeze: (i, a) => {
    const t = need(i, 0, 'data');
    const axes = (axesOf(i, a) ?? t.dims.flatMap((d, k) => (d === 1 ? [k] : []))).map((x) => axisOf(x, t.dims.length));
    for (const x of axes) if (t.dims[x] !== 1) fail(`Squeeze axis ${x} has size ${t.dims[x]}, not 1`);
    return [withDims(t, t.dims.filter((_, k) => !axes.includes(k)))];
  },
  Unsqueeze: (i, a) => {
    const t = need(i, 0, 'data');
    const axes = axesOf(i, a) ?? fail('Unsqueeze needs axes');
    const rank = t.dims.length + axes.length;
    const at = axes.map((x) => axisOf(x, rank)).sort((x, y) => x - y);
    const dims = [...t.dims];
    for (const x of at) dims.splice(x, 0, 1);
    return [withDims(t, dims)];
  },
  Concat: (i, a) => [concat(i.filter((t): t is GraphTensor => t !== undefined), intAttr(a, 'axis', 0))],
  Shape: (i) => [int64(need(i, 0, 'data').dims)],
  Pad: (i, a) => {
    const t = need(i, 0, 'data');
    if (stringAttr(a, 'mode', 'constant') !== 'constant') fail(`Pad mode ${stringAttr(a, 'mode', '')} is not supported (constant only)`);
    const pads = i[1] ? intsOf(i[1]) : (intsAttr(a, 'pads') ?? fail('Pad needs pads'));
    const v = i[2] ? (i[2].data as Elements)[0] : t.dtype === 'int64' || t.dtype === 'uint64' ? 0n : 0;
    return [pad(t, pads, v)];
  },
  Slice: (i) => {
    const t = need(i, 0, 'data');
    const starts = intsOf(need(i, 1, 'starts'));
    const ends = intsOf(need(i, 2, 'ends'));
    const axes = i[3] ? intsOf(i[3]) : starts.map((_, k) => k);
    const steps = i[4] ? intsOf(i[4]) : starts.map(() => 1);
    return [slice(t, starts, ends, axes, steps)];
  },
  Gather: (i, a) => [gather(need(i, 0, 'data'), need(i, 1, 'indices'), intAttr(a, 'axis', 0))],
};
