/**
 * The kernel launches of one network layer at a batch, in launch order, as the library builds them:
 * convolutions and fully connected layers through the regress kernel table exactly as the ResNet-50
 * table times them (cube-layer.ts), depthwise convolutions through the table's qlinear-conv-dw,
 * batched matmuls as the QLinearMatMul GEMM with one A and one B per GEMM, and pools and adds through
 * the ONNX operators' host programs on zero tensors (timing never depends on data). A layer the
 * library cannot run (no kernel for the op, or a shape its operator rejects) is a host layer, with
 * the reason.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { drive, intTensor, MaxPool, QLinearAdd, QLinearAveragePool, QLinearGlobalAveragePool, type HostProgram, type HostTensor, type KernelLaunch } from '../../../ops-nn/onnx/index.js';
import { KERNELS } from '../regress/kernels.js';
import type { PlannedLaunch } from '../regress/measure.js';
import { runQuantGemm } from '../regress/quant-gemm.js';
import { cubeLaunches, type Epilogue, type Layer } from './cube-layer.js';
import { OPS, type Dim, type OpName } from './topology.js';

/** A layer's dimensions with `seq` resolved. */
export type Dims = Readonly<Partial<Record<Dim, number>>>;

export type LayerPlan = { readonly launches: PlannedLaunch[] } | { readonly host: string };

const d = (dims: Dims, k: Dim): number => dims[k]!;

/** The conv or fc layer of the ResNet-50 table a row describes (square kernels only). */
export function tableLayer(name: string, op: OpName, dims: Dims): Layer | undefined {
  if (op === 'fc') return { kind: 'fc', name, k: d(dims, 'k'), n: d(dims, 'n') };
  if (op === 'conv' && dims.kh === dims.kw) return { kind: 'conv', name, c: d(dims, 'c'), h: d(dims, 'h'), w: d(dims, 'w'), oc: d(dims, 'oc'), k: d(dims, 'kh'), stride: d(dims, 'stride'), pad: d(dims, 'pad') };
  return undefined;
}

// Quantisation parameters of the zero tensors: any legal ones give the same kernels and cycles.
const f32 = (v: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
const i8 = (v: number): HostTensor => ({ dtype: 'int8', dims: [], data: Int8Array.of(v) });
const zeros = (dims: readonly number[]): HostTensor => intTensor('int8', dims, new Uint8Array(dims.reduce((a, b) => a * b, 1)));
const SCALE = f32(1 / 64);

/** The launches of a host program, each handed back its own GM (zero data: the values are unused). */
function launchesOf(program: HostProgram<HostTensor>): PlannedLaunch[] {
  const out: PlannedLaunch[] = [];
  drive(program, (l: KernelLaunch) => {
    out.push({ kernel: l.kernel, ...(l.carries ? { carries: l.carries } : {}) });
    return l.gm;
  });
  return out;
}

const windowAttrs = (dims: Dims) => ({ kernel_shape: [d(dims, 'kh'), d(dims, 'kw')], strides: [d(dims, 'stride'), d(dims, 'stride')], pads: Array(4).fill(d(dims, 'pad')) });

/** The ONNX operators' host programs behind the elementwise and pooling ops. */
const ONNX_PROGRAMS: Partial<Record<OpName, (x: readonly number[], dims: Dims, cfg: HwConfig) => HostProgram<HostTensor>>> = {
  add: (x, _dims, cfg) => QLinearAdd.run({ A: zeros(x), A_scale: SCALE, A_zero_point: i8(0), B: zeros(x), B_scale: SCALE, B_zero_point: i8(0), C_scale: SCALE, C_zero_point: i8(0) }, {}, cfg, {}),
  maxpool: (x, dims, cfg) => MaxPool.run({ X: zeros(x) }, windowAttrs(dims), cfg, {}),
  avgpool: (x, dims, cfg) => QLinearAveragePool.run({ X: zeros(x), x_scale: SCALE, x_zero_point: i8(0), y_scale: SCALE, y_zero_point: i8(0) }, windowAttrs(dims), cfg, {}),
  gap: (x, _dims, cfg) => QLinearGlobalAveragePool.run({ X: zeros(x), x_scale: SCALE, x_zero_point: i8(0), y_scale: SCALE, y_zero_point: i8(0) }, {}, cfg, {}),
};

/** The launches of layer `name` (op `op`, dimensions `dims`) at `batch` images. */
export function planLayer(name: string, op: OpName, dims: Dims, batch: number, cfg: HwConfig, epilogue: Epilogue): LayerPlan {
  const def = OPS[op];
  try {
    switch (def.engine) {
      case 'host':
        return { host: 'no kernel for this op in the library' };
      case 'cube': {
        const l = tableLayer(name, op, dims);
        if (l) return { launches: cubeLaunches(l, batch, cfg, epilogue) };
        if (op === 'gemm') return { launches: KERNELS['qlinear-matmul']!.bind({ m: batch * d(dims, 'm'), k: d(dims, 'k'), n: d(dims, 'n'), ...epilogue }, undefined)(cfg) };
        return { launches: KERNELS['qlinear-conv']!.bind({ n: batch, c: d(dims, 'c'), h: d(dims, 'h'), w: d(dims, 'w'), oc: d(dims, 'oc'), kh: d(dims, 'kh'), kw: d(dims, 'kw'), stride: d(dims, 'stride'), pad: d(dims, 'pad'), ...epilogue }, undefined)(cfg) };
      }
      case 'depthwise':
        return { launches: KERNELS['qlinear-conv-dw']!.bind({ n: batch, c: d(dims, 'c'), h: d(dims, 'h'), w: d(dims, 'w'), kh: d(dims, 'kh'), kw: d(dims, 'kw'), stride: d(dims, 'stride'), pad: d(dims, 'pad') }, undefined)(cfg) };
      case 'batched-gemm': {
        // g GEMMs per image, each with an A and a B of its own (attention: one per head)
        const gemms = batch * d(dims, 'g');
        const shape = { batch: gemms, m: d(dims, 'm'), k: d(dims, 'k'), n: d(dims, 'n'), groups: 1, bCount: gemms, aPerBatch: true };
        return { launches: runQuantGemm(shape, { ...epilogue, perChannel: false, zeroPoint: 0 }, cfg, {}, 'matmul') };
      }
      case 'onnx':
        return { launches: launchesOf(ONNX_PROGRAMS[op]!([batch, d(dims, 'c'), d(dims, 'h'), d(dims, 'w')], dims, cfg)) };
    }
  } catch (e) {
    // an operator that does not take the shape: the layer is listed as host work, with the reason
    if (e instanceof OpError) return { host: e.message };
    throw e;
  }
}
