/**
 * Decode shares one record of traits (cost, extents, buffers, pipe, GM layout, ...) among the
 * instructions that have the same opcode and immediates (hw/engine/decode.ts). Whatever it shares, each
 * pc must read exactly what decoding that instruction on its own gives: a key that missed a field
 * would hand an instruction another's cost or extents.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { decodeProgram } from '../hw/engine/decode.js';
import { extentsOf } from '../hw/exec/footprint.js';
import { costOf, isGmPath } from '../hw/timing/cost.js';
import { BUFFERS, type MemRef } from '../isa/types.js';
import { OPCODES } from '../isa/opcodes.js';
import { field, type Program } from '../isa/program.js';
import { shapeOf } from '../isa/shapes.js';
import { convShape, generateConvF16 } from '../ops-nn/conv/index.js';
import { generateMatmul, type MatmulSpec } from '../ops-nn/matmul/index.js';
import type { CoreKind } from '../hw/config/types.js';

const spec = (m: number, k: number, n: number, perChannel: boolean): MatmulSpec => ({
  m,
  k,
  n,
  bias: true,
  quant: perChannel ? { scale: Array.from({ length: n }, (_, i) => Math.fround(0.001 * (1 + (i % 5)))), offset: Array.from({ length: n }, (_, i) => i % 3) } : { scale: Math.fround(0.003), offset: 1 },
  outType: 's8',
  relu: false,
});

describe.each(['ascend910b', 'ascend310p', 'ascend910'])('decoded instructions on %s', (preset) => {
  const cfg = loadConfig(preset);
  const kernels = [
    generateMatmul(spec(200, 300, 150, false), cfg, { blockDim: 3 }),
    generateMatmul(spec(64, 128, 96, true), cfg),
    generateConvF16(convShape([1, 16, 9, 9], [32, 16, 3, 3], { pads: [1, 1, 1, 1], strides: [2, 2] }), true, cfg),
  ];

  it('read the cost, extents, buffers and GM layout of their own instruction', () => {
    let checked = 0;
    const shared = new Set<unknown>();
    for (const k of kernels)
      for (const [kind, prog] of Object.entries(k.programs) as [CoreKind, Program][]) {
        const decoded = decodeProgram(prog, kind, cfg, 'test');
        decoded.insns.forEach((d, pc) => {
          const insn = prog.insns[pc]!;
          const at = `${k.name} ${kind} pc ${pc} (${decoded.text(pc)})`;
          const mems = OPCODES[insn.op].operands.filter((o) => o.kind === 'mem').map((o) => field(insn, o.name) as MemRef);
          const shape = shapeOf(insn, cfg.cube.k0Bytes);
          const cost = costOf(insn, cfg);
          expect(d.insn, at).toBe(insn);
          expect(d.pc, at).toBe(pc);
          expect(d.cost, at).toEqual(cost);
          expect([...d.extents], at).toEqual([...extentsOf(insn, cfg)]);
          expect([...d.memBuf], at).toEqual(mems.map((m) => BUFFERS.indexOf(m.buf)));
          expect(d.mems, at).toEqual(mems);
          expect(d.mems.every((m, i) => m === mems[i]), `${at}: its own operands`).toBe(true);
          expect(d.gm, at).toBe(isGmPath(cost.path));
          expect(d.gmLayout, at).toEqual(d.gm ? shape.operands[d.gmOperand] : 0);
          expect(d.family, at).toBe(OPCODES[insn.op].family);
          shared.add(d.cost);
          checked++;
        });
      }
    expect(checked).toBeGreaterThan(1000);
    // and they do share: far fewer distinct costs than instructions
    expect(shared.size * 10).toBeLessThan(checked);
  });
});
