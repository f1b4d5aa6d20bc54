/**
 * What a sweep can measure, as a table: a library kernel of the regress kernel table (timing-only),
 * a network topology (timing-only, layer by layer: runNetwork) or an ONNX model (functional only: no
 * timing-only path exists for models). Each kind declares its params, its tiling fields (kernels),
 * the figures it writes and how to run one point; run-point.ts and the spec parser only walk this table.
 */
import type { HwConfig } from '../../../hw/config/types.js';
import { LaunchSequence } from '../../../ops-nn/launch-sequence.js';
import { VECTOR_REQUANTS, type VectorRequant } from '../../../ops-nn/gemm/index.js';
import { FUSIONS, type Fusion } from '../../../ops-nn/onnx/index.js';
import { timePlanned } from '../network/cube-layer.js';
import { launchFigures, addBytes, NO_BYTES } from '../network/figures.js';
import { readTopology } from '../network/parse.js';
import { imagesPerSecond } from '../network/report.js';
import { runNetwork } from '../network/run.js';
import { OpError } from '../../../ops-nn/kernel.js';
import { runModelJob } from '../../model/model-job.js';
import { JobError } from '../job-error.js';
import { int, oneOf, parseSome, type Schema } from '../regress/fields.js';
import { KERNELS } from '../regress/kernels.js';
import type { AxisValue } from './axis-values.js';
import type { SweepSpec, TargetKind } from './spec.js';

/** Result columns, in CSV order; a target writes the ones it lists (FIGURES in columns.ts says what each means). */
export const FIGURE_NAMES = ['cycles', 'timeUs', 'launches', 'chipCubeUtilization', 'bound', 'l2Hit', 'l2Miss', 'hbmRead', 'hbmWrite', 'latencyMs', 'imagesPerSecond'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];
export type Figures = Readonly<Partial<Record<FigureName, number | string>>>;

/** The fields of a params or tiling section: names, which may be omitted, and what a valid value is. */
export interface FieldTable {
  readonly names: readonly string[];
  readonly optional: readonly string[];
  readonly expects: (name: string) => { readonly expects: string; readonly valid: (v: unknown) => boolean } | undefined;
}

/** One point's inputs once its config is built: the merged params and tiling. */
export type PointRunner = (cfg: HwConfig, params: Readonly<Record<string, AxisValue>>, tiling: Readonly<Record<string, AxisValue>>) => Figures;

export interface TargetDef {
  readonly describe: string;
  readonly params: (spec: Pick<SweepSpec, 'target'>) => FieldTable;
  readonly tiling: ((spec: Pick<SweepSpec, 'target'>) => FieldTable) | null;
  readonly figures: readonly FigureName[];
  /** the only mode it runs in */
  readonly mode: 'timing' | 'functional';
  /** builds the runner once (per worker): files are read here */
  readonly prepare: (spec: SweepSpec) => PointRunner;
}

/** Field checks throw plain Errors naming the field; at a point they mean the point is illegal. */
function fieldsChecked<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new JobError((e as Error).message);
  }
}

/** A field table over a schema whose every field is optional. */
const optionalTable = (schema: Schema): FieldTable => ({
  names: Object.keys(schema),
  optional: Object.keys(schema),
  expects: (name) => {
    const f = Object.hasOwn(schema, name) ? schema[name]! : undefined;
    return f && { expects: f.expects, valid: (v) => f.check(v) !== undefined };
  },
});

const kernelOf = (spec: Pick<SweepSpec, 'target'>) => KERNELS[(spec.target as { kernel: string }).kernel]!;

const BYTES_FIGURES = ['l2Hit', 'l2Miss', 'hbmRead', 'hbmWrite'] as const;

/** The preset's fastest exact epilogue when none is asked for (as `aicore-sim network`). */
const defaultFusion = (cfg: HwConfig): Fusion => (cfg.organisation === 'separated' ? 'fixpipe' : 'ub');

const NETWORK_PARAMS = { batch: int(1, 4096), seq: int(1, 65535), fusion: oneOf(FUSIONS) } as const satisfies Schema;
const MODEL_PARAMS = { seed: int(0, 2 ** 32 - 1), fusion: oneOf(FUSIONS), vectorRequant: oneOf(VECTOR_REQUANTS) } as const satisfies Schema;

export const TARGETS: Readonly<Record<TargetKind, TargetDef>> = {
  kernel: {
    describe: 'a kernel of the regress kernel table with its shape params and tiling, timing-only',
    params: (spec) => {
      const k = kernelOf(spec);
      return { names: k.paramNames, optional: k.optionalParams, expects: (n) => k.expects('params', n) };
    },
    tiling: (spec) => {
      const k = kernelOf(spec);
      return { names: k.tilingNames, optional: k.tilingNames, expects: (n) => k.expects('tiling', n) };
    },
    figures: ['cycles', 'timeUs', 'launches', 'chipCubeUtilization', 'bound', ...BYTES_FIGURES],
    mode: 'timing',
    prepare: (spec) => {
      const kernel = kernelOf(spec);
      return (cfg, params, tiling) => {
        const launches = fieldsChecked(() => kernel.bind(params, tiling))(cfg);
        const sequence = new LaunchSequence(spec.l2);
        const f = launchFigures(launches.map((p) => timePlanned(sequence, cfg, p, p.kernel.name)));
        return { cycles: f.cycles, timeUs: f.cycles / cfg.clockMHz, launches: launches.length, chipCubeUtilization: f.chipCubeUtilization, bound: f.bound, ...f.bytes };
      };
    },
  },
  network: {
    describe: 'a network topology (built-in name or CSV file), timing-only, layer by layer on one warm L2',
    params: () => optionalTable(NETWORK_PARAMS),
    tiling: null,
    figures: ['cycles', 'timeUs', 'launches', 'chipCubeUtilization', 'bound', ...BYTES_FIGURES, 'latencyMs', 'imagesPerSecond'],
    mode: 'timing',
    prepare: (spec) => {
      const topology = readTopology((spec.target as { file: string }).file);
      return (cfg, raw) => {
        const p = fieldsChecked(() => parseSome(NETWORK_PARAMS, raw, 'params'));
        const r = runNetwork(topology, cfg, { batch: p.batch ?? 1, seq: p.seq ?? 128, fusion: p.fusion ?? defaultFusion(cfg) });
        // The runner lists a layer the library refuses (no fixpipe on this preset, a shape its
        // operator rejects) as untimed host work; a sweep point with such a layer would look faster
        // than it is, so it is illegal, with the layer's reason.
        const refused = r.layers.find((l, i) => l.host !== null && !topology.layers[i]!.host);
        if (refused) throw new OpError(`layer ${refused.name} (${refused.op}) cannot run on the device: ${refused.host}`);
        const device = r.layers.filter((l) => l.host === null);
        // the bound of the network: the category its layers spend the most cycles in
        const byBound = new Map<string, number>();
        for (const l of device) byBound.set(l.bound, (byBound.get(l.bound) ?? 0) + l.cycles);
        const bound = [...byBound].reduce((a, b) => (b[1] > a[1] ? b : a), ['host', -1] as [string, number])[0];
        return {
          cycles: r.cycles,
          timeUs: r.latencyUs,
          launches: r.launches,
          chipCubeUtilization: r.cycles > 0 ? device.reduce((s, l) => s + l.chipCubeUtilization * l.cycles, 0) / r.cycles : 0,
          bound,
          ...device.reduce((s, l) => addBytes(s, l.bytes), NO_BYTES),
          latencyMs: r.latencyUs / 1000,
          imagesPerSecond: imagesPerSecond(r),
        };
      };
    },
  },
  model: {
    describe: 'a quantised ONNX model, run functionally node by node (models have no timing-only path: slow, give "mode": "functional")',
    params: () => optionalTable(MODEL_PARAMS),
    tiling: null,
    figures: ['cycles', 'timeUs', 'launches', ...BYTES_FIGURES],
    mode: 'functional',
    prepare: (spec) => {
      const file = (spec.target as { file: string }).file;
      return (cfg, raw) => {
        const p = fieldsChecked(() => parseSome(MODEL_PARAMS, raw, 'params'));
        const r = runModelJob({ file, cfg, seed: p.seed ?? 1, ...(p.fusion ? { fusion: p.fusion as Fusion } : {}), ...(p.vectorRequant ? { vectorRequant: p.vectorRequant as VectorRequant } : {}) });
        const first = r.problems[0];
        if (first) throw new JobError(`${r.problems.length} node(s) cannot run, the first ${first.node} (${first.opType}): ${first.why}`);
        const run = r.runs[0]!.run;
        const kernels = run.nodes.flatMap((n) => n.kernels);
        return { cycles: run.cycles, timeUs: run.cycles / cfg.clockMHz, launches: kernels.length, ...kernels.reduce((s, k) => addBytes(s, k.memory ?? NO_BYTES), NO_BYTES) };
      };
    },
  },
};
