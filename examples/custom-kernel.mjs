// A kernel of your own: y = 2x + 1 over float32 vectors, split over the vector cores (AIVs) of a
// separated chip, built with the program builder, run functionally, checked, and its report written.
//   npm run build && node examples/custom-kernel.mjs [REPORT_DIR]
import { ProgramBuilder, jobs, loadConfig, mem } from 'aicore-sim';

const config = loadConfig('ascend910b'); // separated: each block is one AIC group (an AIC and 2 AIVs)
const groups = 4; // blockDim: AIC groups; an AIV-only launch then runs groups x 2 = 8 AIV blocks
const perBlock = 256; // float32 elements per block: 1 KiB, 4 vector repeats of 256 B
const bytes = perBlock * 4;
const yBase = 64 * 1024; // where y starts in GM

const p = new ProgramBuilder();
p.emit('bidx', { rd: 1 }) // this AIV's block index: group * 2 + sub-core, 0..7
  .emit('muli', { rd: 2, rs1: 1, imm: bytes }) // x2 = this block's byte offset
  .emit('copy_gm_ub', { dst: mem('UB', 0), src: mem('GM', 0, 2), blockCount: 1, blockLen: bytes, srcGap: 0, dstGap: 0 })
  .emit('set_flag', { src: 'MTE2', dst: 'V', id: 0 }) // the vector unit waits for the load
  .emit('wait_flag', { src: 'MTE2', dst: 'V', id: 0 })
  .emit('vmuls', { dtype: 'f32', dst: mem('UB', bytes), src0: mem('UB', 0), scalar: 2, repeat: 4, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 })
  .emit('pipe_barrier', { pipe: 'V' }) // vadds reads what vmuls wrote
  .emit('vadds', { dtype: 'f32', dst: mem('UB', bytes), src0: mem('UB', bytes), scalar: 1, repeat: 4, dstBlkStride: 1, src0BlkStride: 1, dstRepStride: 8, src0RepStride: 8 })
  .emit('set_flag', { src: 'V', dst: 'MTE3', id: 0 }) // the store waits for the vector unit
  .emit('wait_flag', { src: 'V', dst: 'MTE3', id: 0 })
  .emit('copy_ub_gm', { dst: mem('GM', yBase, 2), src: mem('UB', bytes), blockCount: 1, blockLen: bytes, srcGap: 0, dstGap: 0 })
  .emit('end', {});
const program = p.build();

// GM: x at 0, y at yBase
const blocks = groups * config.aivPerAic;
const gm = new Uint8Array(yBase + blocks * bytes);
const x = new Float32Array(gm.buffer, 0, blocks * perBlock);
x.forEach((_, i) => (x[i] = i / 8 - 100));

// only an `aiv` program: the AICs of the groups stay idle (an `aic` program as well would run both)
const launch = { config, programs: { aiv: program }, blockDim: groups, gm, mode: 'functional' };
const dir = process.argv[2] ?? 'custom-kernel-report';
const { result, summary, files } = jobs.runLaunch(launch, 'axpb', { dir });

const y = new Float32Array(result.gm.buffer, result.gm.byteOffset + yBase, blocks * perBlock);
const wrong = [...y].findIndex((v, i) => v !== Math.fround(2 * x[i] + 1));
console.log(`${blocks} AIV blocks, ${result.cycles} cycles, ${wrong < 0 ? 'y = 2x + 1 everywhere' : `y[${wrong}] is wrong`}`);
console.log(`vector busy ${(100 * (summary.pipes.V?.ratio ?? 0)).toFixed(1)}%; report: ${files.join(', ')}`);
