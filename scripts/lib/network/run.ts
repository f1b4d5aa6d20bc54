/**
 * Runs a network topology timing-only, layer after layer, as one warm launch sequence
 * (ops-nn/launch-sequence.ts): each launch starts on the L2 the one before left, and a layer's input
 * that an earlier layer wrote is placed where that layer wrote it (a carry), so the lines still
 * resident hit. Each layer's cycles add; the latency adds the preset's launch overhead per launch.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import type { LevelBytes } from '../../../hw/stats.js';
import { LaunchSequence, type Carry } from '../../../ops-nn/launch-sequence.js';
import type { Fusion } from '../../../ops-nn/onnx/index.js';
import { JobError } from '../job-error.js';
import { outputNames, prepareDir, runTracedInto } from '../outputs.js';
import { networkReportData, REPORT_FILES, type KernelReport } from '../report-html/data.js';
import { stageReport } from '../report-html/write.js';
import type { PlannedLaunch } from '../regress/measure.js';
import { simulateInSequence } from '../sequence.js';
import type { Bound } from './bound.js';
import { launchFigures, NO_BYTES } from './figures.js';
import { timePlanned, type Epilogue, type LaunchRunner } from './cube-layer.js';
import { planLayer, type Dims } from './launches.js';
import { networkReport } from './report.js';
import { NETWORK_INPUT, OPS, type OpName, type Topology, type TopologyLayer } from './topology.js';

export interface NetworkOptions {
  /** images (or sequences) per run */
  readonly batch: number;
  /** the value of `seq` dimensions */
  readonly seq: number;
  /** the epilogue of every cube layer, and the layers that use another */
  readonly fusion: Fusion;
  readonly fusionByLayer?: ReadonlyMap<string, Fusion>;
  /**
   * write the report (report-data.json, report.html) into `dir`, with the traces of these layers'
   * launches (none: the report only); published only if the whole run succeeds
   */
  readonly trace?: { readonly dir: string; readonly layers: readonly string[] };
}

export interface KernelRow {
  readonly name: string;
  readonly cycles: number;
  readonly blockDim: number;
}

export interface NetworkLayer {
  readonly name: string;
  readonly op: OpName;
  readonly shape: string;
  /** why the layer is not timed (it runs on the host), or null */
  readonly host: string | null;
  readonly fusion: Fusion | null;
  readonly cycles: number;
  /** cycles at the clock plus the launch overhead of each launch */
  readonly timeUs: number;
  readonly launches: number;
  readonly kernels: readonly KernelRow[];
  readonly bound: Bound;
  /** useful MACs over what every cube of the chip could do in the layer's cycles (cube layers; else 0) */
  readonly chipCubeUtilization: number;
  /** the operator's real multiply-accumulates over its launches, without padding (cube layers; else 0) */
  readonly usefulMacs: number;
  readonly bytes: LevelBytes;
  /** inputs an earlier layer wrote whose lines the layer found where that layer left them */
  readonly inputsCarried: number;
  readonly fusedAway: readonly string[];
}

export interface NetworkResult {
  readonly network: string;
  readonly preset: string;
  readonly batch: number;
  /** the sequence length, when the topology has `seq` dimensions */
  readonly seq: number | null;
  readonly clockMHz: number;
  readonly launchOverheadUs: number;
  readonly layers: readonly NetworkLayer[];
  readonly cycles: number;
  readonly launches: number;
  readonly latencyUs: number;
  /** trace files written (--out) */
  readonly files: readonly string[];
}


/** The dimensions of a row with `seq` resolved. */
export const resolveDims = (l: TopologyLayer, seq: number): Dims => Object.fromEntries(Object.entries(l.dims).map(([k, v]) => [k, v === 'seq' ? seq : v]));

/** The row's shape in a few characters: conv C x H x W -> OC, kh x kw / stride; gemm M x K -> N. */
export function shapeText(op: OpName, d: Dims): string {
  const feat = `${d.c}x${d.h}x${d.w}`;
  const win = `${d.kh}x${d.kw}/${d.stride}`;
  switch (op) {
    case 'conv':
      return `${feat} -> ${d.oc}, ${win}`;
    case 'dwconv':
    case 'maxpool':
    case 'avgpool':
      return `${feat}, ${win}`;
    case 'fc':
      return `${d.k} -> ${d.n}`;
    case 'gemm':
      return `${d.m}x${d.k} -> ${d.n}`;
    case 'matmul':
      return `${d.g} x ${d.m}x${d.k} -> ${d.n}`;
    default:
      return feat;
  }
}

/** The label, and the file prefix of its traces, of launch `i` of a layer with `count` launches. */
const launchTag = (layer: string, i: number, count: number, kernel: string) => (count === 1 ? layer : `${layer}.launch${i}-${kernel}`);

interface Produced {
  /** index (from 0) in the sequence of the launch that wrote the output, and its tensor */
  readonly launch: number;
  readonly tensor: string;
  readonly bytes: number;
}

/** Carries of a layer's first launch: each input an earlier device layer wrote, when it fits in that output. */
function inputCarries(l: TopologyLayer, first: PlannedLaunch, produced: ReadonlyMap<string, Produced>, launched: number): Carry[] {
  const carries: Carry[] = [];
  OPS[l.op].inputTensors.forEach((tensor, i) => {
    const from = l.inputs[i];
    const p = from === undefined || from === NETWORK_INPUT ? undefined : produced.get(from);
    const t = first.kernel.tensors.find((x) => x.name === tensor);
    // a tensor padded past the producer's output (rows to 16, say) is not carried: its reads count cold
    if (p && t && t.bytes <= p.bytes) carries.push({ tensor, back: launched - p.launch, from: p.tensor, offset: 0 });
  });
  return carries;
}

export function runNetwork(topology: Topology, cfg: HwConfig, o: NetworkOptions): NetworkResult {
  for (const [name] of o.fusionByLayer ?? []) {
    const l = topology.layers.find((x) => x.name === name);
    if (!l || !['cube', 'batched-gemm'].includes(OPS[l.op].engine))
      throw new JobError(`--fusion ${name}=...: ${l ? `layer ${name} is a ${l.op}, which has no requantising epilogue` : `${topology.file} has no layer ${name}`}`);
  }
  for (const name of o.trace?.layers ?? []) if (!topology.layers.some((x) => x.name === name)) throw new JobError(`--trace-layers: ${topology.file} has no layer ${name}`);
  const epilogueOf = (name: string): Epilogue => {
    const fusion = o.fusionByLayer?.get(name) ?? o.fusion;
    // the vendor's requantisation arithmetic through UB, as the ResNet-50 table (resnet50.ts tableVectorRequant)
    return { fusion, vectorRequant: fusion === 'ub' ? 'deq-f16' : 'exact' };
  };
  const plans = topology.layers.map((l) => {
    const dims = resolveDims(l, o.seq);
    const plan = l.host ? { host: OPS[l.op].engine === 'host' ? 'no kernel for this op in the library' : 'marked run=host in the topology' } : planLayer(l.name, l.op, dims, o.batch, cfg, epilogueOf(l.name));
    return { l, dims, plan };
  });
  const traced = new Set(o.trace?.layers ?? []);
  const names = plans.flatMap(({ l, plan }) =>
    traced.has(l.name) && 'launches' in plan ? plan.launches.flatMap((p, i) => Object.values(outputNames(launchTag(l.name, i, plan.launches.length, p.kernel.name)))) : [],
  );
  const staged = o.trace ? prepareDir(o.trace.dir, [...names, ...Object.values(REPORT_FILES)]) : undefined;
  const tracedKernels: KernelReport[] = [];
  try {
    const sequence = new LaunchSequence('warm');
    const produced = new Map<string, Produced>();
    let launched = 0;
    const layers = plans.map(({ l, dims, plan }): NetworkLayer => {
      const base = { name: l.name, op: l.op, shape: shapeText(l.op, dims), fusedAway: l.fused };
      if ('host' in plan)
        return { ...base, host: plan.host, fusion: null, cycles: 0, timeUs: 0, launches: 0, kernels: [], bound: 'host', chipCubeUtilization: 0, usefulMacs: 0, bytes: NO_BYTES, inputsCarried: 0 };
      const carries = inputCarries(l, plan.launches[0]!, produced, launched);
      const launches = plan.launches.map((p, i) => (i === 0 ? { ...p, carries: [...(p.carries ?? []), ...carries] } : p));
      const runs = launches.map((p, i) => {
        const tag = launchTag(l.name, i, launches.length, p.kernel.name);
        const run: LaunchRunner | undefined = staged && traced.has(l.name)
          ? (launch, seq, pl) =>
              simulateInSequence(seq, launch, pl.kernel.tensors, pl.carries, (placed) => {
                const t = runTracedInto(staged, placed, tag, tag, pl.kernel.usefulMacs);
                tracedKernels.push({ label: tag, summary: t.summary, notes: pl.kernel.notes, tiling: pl.kernel.tiling, timeline: t.timeline });
                return t.result;
              })
          : undefined;
        return timePlanned(sequence, cfg, p, tag, run);
      });
      launched += launches.length;
      const last = launches.at(-1)!.kernel;
      const out = last.tensors.find((t) => t.name === OPS[l.op].outputTensor);
      if (out) produced.set(l.name, { launch: launched - 1, tensor: out.name, bytes: out.bytes });
      const { cycles, bound, chipCubeUtilization, bytes } = launchFigures(runs);
      return {
        ...base,
        host: null,
        fusion: OPS[l.op].engine === 'cube' || OPS[l.op].engine === 'batched-gemm' ? epilogueOf(l.name).fusion : null,
        cycles,
        timeUs: cycles / cfg.clockMHz + launches.length * cfg.launchOverheadUs,
        launches: launches.length,
        kernels: runs.map((r, i) => ({ name: launches[i]!.kernel.name, cycles: r.summary.cycles, blockDim: launches[i]!.kernel.blockDim })),
        bound,
        chipCubeUtilization,
        usefulMacs: launches.reduce((s, p) => s + (p.kernel.usefulMacs ?? 0), 0),
        bytes,
        inputsCarried: carries.length,
      };
    });
    const result: NetworkResult = {
      network: topology.name,
      preset: cfg.name,
      batch: o.batch,
      seq: topology.layers.some((l) => Object.values(l.dims).includes('seq')) ? o.seq : null,
      clockMHz: cfg.clockMHz,
      launchOverheadUs: cfg.launchOverheadUs,
      layers,
      cycles: layers.reduce((s, l) => s + l.cycles, 0),
      launches: layers.reduce((s, l) => s + l.launches, 0),
      latencyUs: layers.reduce((s, l) => s + l.timeUs, 0),
      files: [],
    };
    if (!staged) return result;
    stageReport(staged, networkReportData(cfg, networkReport(result), tracedKernels));
    return { ...result, files: staged.publish() };
  } finally {
    staged?.discard();
  }
}
