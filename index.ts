/**
 * The public library API of aicore-sim (package entry point). Re-exports only: the simulator and its
 * configurations, the ISA tools, the INT8 operator library (kernel generators and the ONNX
 * operators), traces and reports, and under `jobs` what the CLI runs, for scripts that sweep
 * tilings, presets or operators.
 */

// Simulator and hardware configurations
export { simulate, type L2Start, type Launch, type SimMode, type SimResult } from './hw/simulate.js';
export { L2Cache, type L2Outcome } from './hw/memory/l2-cache.js';
export { chipAddress, type GmPlacement, type GmSegment } from './hw/memory/placement.js';
export { SimError } from './hw/engine/errors.js';
export { DEFAULT_MAX_CYCLES, DEFAULT_MAX_INSTRUCTIONS, MAX_FUNCTIONAL_BYTES, MAX_TIMING_GM_BYTES } from './hw/launch-limits.js';
export type { SanitizerReport } from './hw/sanitizer/sanitizer.js';
export { FINDING_KINDS, formatFindings, type Finding, type FindingKind, type InsnRef } from './hw/sanitizer/findings.js';
export type { CoreInfo, InsnRecord, TraceSink } from './hw/engine/records.js';
export { LEVELS, levelTotals, type CoreSummary, type LevelBytes, type Stat } from './hw/stats.js';
export { loadConfig, mergeParams, presetNames, presetParams, readOverrides } from './hw/config/load.js';
export { ConfigError, deriveConfig } from './hw/config/derive.js';
export { PRESETS } from './hw/config/presets.js';
export { CORE_KINDS, ON_CHIP_BUFFERS, PATHS, type CoreKind, type HwConfig, type HwParams, type PathName } from './hw/config/types.js';

// ISA: programs, builder, assembler and disassembler
export { assemble } from './isa/asm.js';
export { disassemble, formatInsn } from './isa/disasm.js';
export { ProgramBuilder, mem } from './isa/builder.js';
export { IsaError } from './isa/validate.js';
export { OPCODES, MNEMONICS, type Mnemonic } from './isa/opcodes.js';
export type { Insn, Program } from './isa/program.js';
export { BUFFERS, PIPES, type BufferName, type Dtype, type Pipe } from './isa/types.js';

// Operator library: kernel generators, and the ONNX operators as host programs over them
export { OpError, type Kernel, type Layout, type TensorDesc } from './ops-nn/kernel.js';
export { LaunchSequence, L2_POLICIES, type Carry, type L2Policy } from './ops-nn/launch-sequence.js';
export * from './ops-nn/matmul/index.js';
export * as gemm from './ops-nn/gemm/index.js';
export * as conv from './ops-nn/conv/index.js';
export * as quant from './ops-nn/quant/index.js';
export * as eltwise from './ops-nn/eltwise/index.js';
export * as vector from './ops-nn/vector/index.js';
export * as onnx from './ops-nn/onnx/index.js';
export * as onnxReference from './ops-nn/onnx-ref/index.js';

// Traces and reports
export * from './traces/index.js';

// The jobs the CLI runs (jobs.runMatmul, jobs.runOperator, jobs.execCases, jobs.runRegress, jobs.sweep, ...)
export * as jobs from './scripts/lib/jobs.js';

// Sweeps in full (jobs.sweep and jobs.sweepPoints are the short way): specs, points, rows, the CSV,
// shards and merges, the constraint language
export * as sweeps from './scripts/lib/sweep/index.js';
