/**
 * `npm run bench`: the simulator's own speed. Prints simulated instructions per second in
 * timing-only mode, functional int8 MACs per second, program decode rate and peak memory, with
 * the machine they ran on. Figures, not pass/fail: speed targets live here, never in tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../hw/config/load.js';
import type { HwConfig } from '../hw/config/types.js';
import { simulate, type SimResult } from '../hw/simulate.js';
import { decodeProgram } from '../hw/engine/decode.js';
import { SimError } from '../hw/engine/errors.js';
import { DEFAULT_MAX_INSTRUCTIONS } from '../hw/launch-limits.js';
import { assemble } from '../isa/asm.js';
import { generateMatmul, matmulGmImage, type MatmulSpec } from '../ops-nn/matmul/index.js';
import { runLaunch } from './lib/outputs.js';
import { repoRoot } from './lib/repo-root.js';

const spec = (m: number, k: number, n: number): MatmulSpec => ({ m, k, n, bias: true, quant: { scale: Math.fround(0.001), offset: 0 }, outType: 's8', relu: false });

/** Instructions the cores executed: scalar instructions plus those issued to pipes. */
const executed = (r: SimResult) => r.cores.reduce((s, c) => s + c.scalarInsns + c.issued, 0);

/** Runs `fn` repeatedly for at least `ms` milliseconds (after one warm-up) and returns runs/s. */
function timeIt(fn: () => void, ms: number): { perSecond: number; runs: number } {
  fn();
  const t0 = performance.now();
  let runs = 0;
  while (performance.now() - t0 < ms) {
    fn();
    runs++;
  }
  return { perSecond: (runs * 1000) / (performance.now() - t0), runs };
}

let peakRss = 0;
const sampleMemory = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

function timingBench(cfg: HwConfig, s: MatmulSpec, blockDim: number, sanitize = false): string {
  const k = generateMatmul(s, cfg, { blockDim });
  let insns = 0;
  let cycles = 0;
  const { perSecond } = timeIt(() => {
    const r = simulate({ config: cfg, programs: k.programs, blockDim: k.blockDim, gm: k.gmBytes, mode: 'timing', sanitize });
    insns = executed(r);
    cycles = r.cycles;
    sampleMemory();
  }, 2000);
  return `${cfg.name} matmul ${s.m}x${s.k}x${s.n} on ${blockDim} block(s)${sanitize ? ', sanitized' : ''}: ${fmt(insns * perSecond)} instructions/s, ${fmt(cycles * perSecond)} simulated cycles/s (${insns} instructions, ${cycles} cycles per run)`;
}

function functionalBench(cfg: HwConfig, s: MatmulSpec): string {
  const k = generateMatmul(s, cfg, { blockDim: 1 });
  const a = Int8Array.from({ length: s.m * s.k }, (_, i) => ((i * 7) % 255) - 127);
  const b = Int8Array.from({ length: s.k * s.n }, (_, i) => ((i * 13) % 255) - 127);
  const bias = new Int32Array(s.n);
  const image = matmulGmImage(k, s, cfg, a, b, bias);
  let macs = 0;
  const { perSecond } = timeIt(() => {
    const r = simulate({ config: cfg, programs: k.programs, blockDim: 1, gm: image, mode: 'functional' });
    macs = r.cores.reduce((sum, c) => sum + c.macs, 0);
    sampleMemory();
  }, 3000);
  return `${cfg.name} matmul ${s.m}x${s.k}x${s.n} functional: ${fmt(macs * perSecond)} int8 MACs/s (whole kernel: copies, loads, fixpipe included)`;
}

function decodeBench(cfg: HwConfig, s: MatmulSpec): string {
  const k = generateMatmul(s, cfg, { blockDim: 1 });
  const prog = k.programs.aic ?? k.programs.coupled!;
  const kind = k.programs.aic ? 'aic' : 'coupled';
  const { perSecond } = timeIt(() => decodeProgram(prog, kind, cfg, 'bench'), 1000);
  return `decode: ${fmt(prog.insns.length * perSecond)} instructions/s (once per program and config; cached across runs)`;
}

/** How long the default instruction limit takes to stop a `jmp` to itself (the test asserts only the message). */
function runawayBench(cfg: HwConfig): string {
  const loop = assemble('loop:\n  jmp loop\n');
  const t0 = performance.now();
  try {
    simulate({ config: cfg, programs: { aic: loop }, blockDim: 1, gm: 64, mode: 'timing' });
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
  }
  const ms = performance.now() - t0;
  return `runaway loop (jmp to itself): stopped by the default instruction limit (${DEFAULT_MAX_INSTRUCTIONS}) after ${ms.toFixed(0)} ms`;
}

/** ResNet-50 at batch 64, all layers, in a child process (scripts/bench-network.ts): its wall time and peak memory. */
function networkBench(): string {
  const script = fileURLToPath(new URL('./bench-network.js', import.meta.url));
  const r = spawnSync(process.execPath, [script, '64', 'ascend910b'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return `ResNet-50 batch 64: failed (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
  const j = JSON.parse(r.stdout) as { seconds: number; peakRssMiB: number; cycles: number };
  return `ResNet-50 v1.5 batch 64 on ascend910b, every layer timing-only: ${j.seconds.toFixed(1)} s, peak RSS ${j.peakRssMiB.toFixed(0)} MiB (${j.cycles} cycles summed over the layers)`;
}

/** The full-size ResNet-50 QDQ model run functionally at batch 1 by `aicore-sim model`, in a child process (scripts/bench-model.ts). */
function modelBench(): string {
  const script = fileURLToPath(new URL('./bench-model.js', import.meta.url));
  const r = spawnSync(process.execPath, [script, 'ascend910b'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return `ResNet-50 model functional: failed (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
  const j = JSON.parse(r.stdout) as { seconds: number; peakRssMiB: number; cycles: number; nodes: number; modelBytes: number };
  return `ResNet-50 v1.5 QDQ model (${(j.modelBytes / 2 ** 20).toFixed(1)} MiB .onnx, ${j.nodes} nodes after folding) functional batch 1 on ascend910b, bit-exact path: ${j.seconds.toFixed(1)} s, peak RSS ${j.peakRssMiB.toFixed(0)} MiB (${j.cycles} cycles)`;
}

/**
 * The example sweep (examples/sweep-matmul.json) through the CLI at `jobs` threads, in a child
 * process: points per second, wall and CPU seconds (CPU over wall shows how many cores it kept busy).
 */
function sweepBench(jobs: number): string {
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  const spec = join(repoRoot(), 'examples', 'sweep-matmul.json');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'sweep', '--spec', spec, '--jobs', String(jobs), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) return `sweep examples/sweep-matmul.json --jobs ${jobs}: failed (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
  const j = JSON.parse(r.stderr) as { ran: number; threads: number; seconds: number; pointsPerSecond: number };
  return `sweep examples/sweep-matmul.json --jobs ${jobs}: ${j.ran} points on ${j.threads} thread(s) in ${j.seconds.toFixed(1)} s, ${j.pointsPerSecond} points/s (process ${wall.toFixed(1)} s wall)`;
}

/**
 * The trace writer's cost: the 24-block 2048^3 run with --out (trace.json, insns.csv and the rest,
 * the report too) against the same run without, in seconds and in trace bytes written per second.
 */
function traceBench(cfg: HwConfig, s: MatmulSpec, blockDim: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'aicore-bench-trace-'));
  try {
    const launch = () => {
      const k = generateMatmul(s, cfg, { blockDim });
      return { config: cfg, programs: k.programs, blockDim: k.blockDim, gm: k.gmBytes, mode: 'timing' as const };
    };
    const l = launch();
    const plain = timeIt(() => void runLaunch(l, 'bench'), 2000).perSecond;
    let bytes = 0;
    const traced = timeIt(() => {
      const r = runLaunch(l, 'bench', { dir });
      bytes = ['trace.json', 'insns.csv'].reduce((n, f) => n + statSync(join(dir, f)).size, 0);
      sampleMemory();
      void r;
    }, 2000).perSecond;
    return `trace writer, ${cfg.name} matmul ${s.m}x${s.k}x${s.n} on ${blockDim} blocks: ${(1 / plain).toFixed(2)} s untraced, ${(1 / traced).toFixed(2)} s with --out (${(bytes / 2 ** 20).toFixed(0)} MiB of trace.json + insns.csv, ${fmt(bytes * traced)}B/s written)`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number) => (x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

function main(): void {
  const cpu = cpus()[0];
  console.log(`aicore-sim bench on ${cpu?.model ?? 'unknown CPU'} (${cpus().length} cores), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  const b910 = loadConfig('ascend910b');
  const c910 = loadConfig('ascend910');
  console.log(timingBench(b910, spec(1024, 1024, 1024), 1));
  console.log(timingBench(b910, spec(2048, 2048, 2048), 24));
  console.log(timingBench(c910, spec(1024, 1024, 1024), 1));
  console.log(timingBench(b910, spec(1024, 1024, 1024), 1, true));
  console.log(timingBench(b910, spec(2048, 2048, 2048), 24, true));
  console.log(functionalBench(b910, spec(512, 1024, 512)));
  console.log(decodeBench(b910, spec(1024, 1024, 1024)));
  console.log(runawayBench(b910));
  console.log(traceBench(b910, spec(2048, 2048, 2048), 24));
  console.log(`peak RSS: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  console.log(networkBench());
  console.log(modelBench());
  console.log(sweepBench(1));
  console.log(sweepBench(2));
}

main();
