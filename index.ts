/**
 * The public library API of aicore-sim (package entry point). Re-exports only: the simulator and its
 * configurations, the ISA tools, the INT8 operator library, traces and reports, and the jobs the CLI
 * runs (runMatmul, runAsm) for scripts that sweep tilings or presets.
 */

// Simulator and hardware configurations
export { simulate, type Launch, type SimMode, type SimResult } from './hw/simulate.js';
export { SimError } from './hw/engine/errors.js';
export type { CoreInfo, InsnRecord, TraceSink } from './hw/engine/records.js';
export type { CoreSummary, Stat } from './hw/stats.js';
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

// Operator library
export { OpError, type Kernel, type Layout, type TensorDesc } from './ops-nn/kernel.js';
export * from './ops-nn/matmul/index.js';
export * as gemm from './ops-nn/gemm/index.js';
export * as conv from './ops-nn/conv/index.js';
export * as quant from './ops-nn/quant/index.js';
export * as eltwise from './ops-nn/eltwise/index.js';
export * as vector from './ops-nn/vector/index.js';
export * as onnxReference from './ops-nn/onnx-ref/index.js';

// Traces and reports
export * from './traces/index.js';

// Jobs behind the CLI
export { execCases } from './scripts/lib/exec/exec-file.js';
export { RUNNERS } from './scripts/lib/exec/runners/index.js';
export type { Fusion, HostTensor, NodeResult, NodeRunner, OnnxCase, RunOptions } from './scripts/lib/exec/types.js';
export { runMatmul, runMatmul as runMatmulJob, type MatmulJobOptions, type MatmulJobResult, type Mismatch } from './scripts/lib/run-matmul.js';
export { runAsm, DEFAULT_GM_BYTES, type AsmJobOptions, type AsmJobResult } from './scripts/lib/run-asm.js';
export { runLaunch, OUTPUT_FILES, type LaunchRun, type TraceOptions } from './scripts/lib/outputs.js';
export { kernelAssembly, parseDirectives, formatDirectives, type AsmDirectives } from './scripts/lib/asm-directives.js';
export { allPresetInfo, presetInfo, presetTable, type PresetInfo } from './scripts/lib/presets-info.js';
export { UsageError, formatError } from './scripts/lib/errors.js';
export { seededRandom } from './scripts/lib/rng.js';
