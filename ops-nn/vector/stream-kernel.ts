/**
 * The common shape of the element-wise kernels in ops-nn/quant and ops-nn/eltwise: named GM inputs
 * and outputs of one element count, a step list, parameters, and the streaming generator underneath.
 */
import type { Dtype } from '../../isa/types.js';
import { DTYPE_BYTES } from '../../isa/numeric/dtype.js';
import type { HwConfig } from '../../hw/config/types.js';
import { GmAllocator } from '../kernel.js';
import { generateElementwise, type AxisSpec, type ElementwiseTiling, type ParamSpec } from './elementwise.js';
import type { VectorKernel } from './kernel-io.js';
import { divisorsOf, stepsBody, type Step } from './steps.js';

/** A streaming kernel as the quant and eltwise operators describe it. */
export interface StreamKernelDef {
  readonly name: string;
  /** logical dims of every stream (their product is the element count) */
  readonly dims: readonly number[];
  readonly inputs: readonly { readonly name: string; readonly dtype: Dtype }[];
  readonly outputs: readonly { readonly name: string; readonly dtype: Dtype }[];
  readonly temps: readonly Dtype[];
  readonly axis?: AxisSpec;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  readonly steps: readonly Step[];
  /** what the kernel computes, for the notes */
  readonly notes?: readonly string[];
}

/** Builds a streaming kernel: GM layout (inputs, outputs, tables) and programs. */
export function streamKernel(def: StreamKernelDef, cfg: HwConfig, tiling?: Partial<ElementwiseTiling>): VectorKernel {
  const count = def.dims.reduce((p, d) => p * d, 1);
  const alloc = new GmAllocator();
  const io = (role: 'input' | 'output') => (s: { name: string; dtype: Dtype }) =>
    alloc.alloc({ name: s.name, role, dtype: s.dtype, dims: [...def.dims], layout: 'ND', bytes: count * DTYPE_BYTES[s.dtype] });
  const ins = def.inputs.map(io('input'));
  const outs = def.outputs.map(io('output'));
  // only parameters the steps use reach the generator (an unused per-channel one would cost a table)
  const used = new Set(def.steps.flatMap((st) => ('value' in st && typeof st.value !== 'number' ? [st.value.param] : [])));
  const params = Object.fromEntries(Object.entries(def.params ?? {}).filter(([k]) => used.has(k)));
  const prog = generateElementwise(
    {
      name: def.name,
      count,
      inputs: ins.map((d) => ({ dtype: d.dtype, gm: d.offset })),
      outputs: outs.map((d) => ({ dtype: d.dtype, gm: d.offset })),
      temps: def.temps,
      ...(def.axis ? { axis: def.axis } : {}),
      params,
      divisors: divisorsOf(def.steps),
      body: stepsBody(def.steps),
    },
    cfg,
    alloc,
    tiling,
  );
  return {
    name: def.name,
    programs: prog.programs,
    blockDim: prog.blockDim,
    gmBytes: alloc.size,
    tensors: alloc.tensors,
    notes: [...(def.notes ?? []), ...prog.notes],
    tiling: prog.tiling,
    blobs: prog.blobs,
  };
}
