/**
 * What the buffer study times under each resized config, timing-only with the default tiler (which
 * picks its tiles and L1 plan from the capacities it is given): a large INT8 GEMM on every AIC, one
 * ResNet-50 convolution, and the whole of ResNet-50 through the network runner. A config too small
 * for any tiling gives the tiler's (or the config's) error as the row's reason instead of cycles.
 */
import { ConfigError } from '../../hw/config/derive.js';
import { loadConfig } from '../../hw/config/load.js';
import type { HwConfig } from '../../hw/config/types.js';
import { LaunchSequence } from '../../ops-nn/launch-sequence.js';
import { OpError } from '../../ops-nn/kernel.js';
import { JobError } from '../lib/job-error.js';
import { builtinFile } from '../lib/network/builtin.js';
import { cubeLaunches, timePlanned } from '../lib/network/cube-layer.js';
import { readTopology } from '../lib/network/parse.js';
import { runNetwork } from '../lib/network/run.js';
import { resnet50Layers } from '../lib/resnet50.js';
import { runMatmul } from '../lib/run-matmul.js';

/** What one target gave under one config. */
export interface TargetRun {
  readonly cycles: number;
  readonly hbmReadBytes: number;
  /** dirty lines the L2 evicted to HBM (those left at the end are not counted) */
  readonly hbmWriteBytes: number;
  /** the tiler's choice (GEMM and conv), so a reader sees it adapt: baseM x baseN x baseK / stepK, and L1 residency */
  readonly tiling: string;
}

export interface Target {
  readonly name: string;
  readonly describe: string;
  readonly run: (cfg: HwConfig, preset: string, overrides: unknown) => TargetRun;
}

/** 2048^3: a 12 MiB working set, so the L2 sweep crosses it; 24 AICs, about 0.1 s a run. */
const GEMM_SIZE = 2048;
/** A 3x3 layer whose 200 KiB feature map fits the preset's L1 whole but not a quarter of it. */
const CONV_LAYER = 'layer1.0.conv2';

const tilingText = (t: Readonly<Record<string, number | boolean | string>>) =>
  `${t['baseM']}x${t['baseN']}x${t['baseK']}/${t['stepK']}${t['aResident'] ? ' A resident' : ''}${t['blockDim'] !== undefined ? ` on ${t['blockDim']}` : ''}`;

export const TARGETS: readonly Target[] = [
  {
    name: `gemm ${GEMM_SIZE}^3`,
    describe: `INT8 matmul ${GEMM_SIZE}^3 on every AIC (run matmul --cores all --timing-only)`,
    run: (_cfg, preset, overrides) => {
      const j = runMatmul({ m: GEMM_SIZE, k: GEMM_SIZE, n: GEMM_SIZE, preset, configOverrides: overrides, mode: 'timing' });
      return { cycles: j.summary.cycles, hbmReadBytes: j.summary.memory.hbmRead, hbmWriteBytes: j.summary.memory.hbmWrite, tiling: tilingText(j.kernel.tiling) };
    },
  },
  {
    name: CONV_LAYER,
    describe: `ResNet-50 ${CONV_LAYER} (64x56x56 -> 64, 3x3), QLinearConv with the fixpipe epilogue, batch 1`,
    run: (cfg) => {
      const layer = resnet50Layers().find((l) => l.name === CONV_LAYER)!;
      const sequence = new LaunchSequence('warm');
      const launches = cubeLaunches(layer, 1, cfg, { fusion: 'fixpipe', vectorRequant: 'exact' });
      const runs = launches.map((p) => timePlanned(sequence, cfg, p, CONV_LAYER));
      return {
        cycles: runs.reduce((s, r) => s + r.summary.cycles, 0),
        hbmReadBytes: runs.reduce((s, r) => s + r.summary.memory.hbmRead, 0),
        hbmWriteBytes: runs.reduce((s, r) => s + r.summary.memory.hbmWrite, 0),
        tiling: launches.map((p) => tilingText(p.kernel.tiling)).join(' + '),
      };
    },
  },
  {
    name: 'resnet50',
    describe: 'the whole ResNet-50 v1.5 (aicore-sim network resnet50), batch 1, layer after layer on a warm L2',
    run: (cfg) => {
      const topology = readTopology(builtinFile('resnet50')!);
      const r = runNetwork(topology, cfg, { batch: 1, seq: 1, fusion: 'fixpipe' });
      // the runner lists a layer no tiling fits as host work (0 cycles): the network did not run on the chip
      const fallen = r.layers.filter((l, i) => l.host !== null && !topology.layers[i]!.host);
      if (fallen.length > 0) throw new JobError(`${fallen.length} layer${fallen.length === 1 ? '' : 's'} fit no tiling and would run on the host (${fallen[0]!.name}: ${fallen[0]!.host})`);
      const hbm = (level: 'hbmRead' | 'hbmWrite') => r.layers.reduce((s, l) => s + l.bytes[level], 0);
      return { cycles: r.cycles, hbmReadBytes: hbm('hbmRead'), hbmWriteBytes: hbm('hbmWrite'), tiling: '' };
    },
  },
];

/** Errors that mean "this config cannot run the target" (a row's reason); anything else is a bug. */
const isRefusal = (e: unknown): e is Error => e instanceof OpError || e instanceof ConfigError || e instanceof JobError;

/** Runs `t` on the preset with `overrides`: its figures, or the reason it cannot run. */
export function runTarget(t: Target, preset: string, overrides: unknown): TargetRun | { readonly error: string } {
  try {
    return t.run(loadConfig(preset, overrides), preset, overrides);
  } catch (e) {
    if (isRefusal(e)) return { error: e.message.split('\n')[0]! };
    throw e;
  }
}
