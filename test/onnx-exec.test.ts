/**
 * Every ONNX Runtime fixture case run through the ONNX operators of ops-nn on the simulated chip
 * (the same operators `exec` runs): outputs must equal what ORT 1.30 produced, bit for bit.
 * Fixtures: test/fixtures/onnx, made by `npm run fixtures`.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { OPERATORS } from '../ops-nn/onnx/index.js';
import { comparable, loadFixture } from './support/fixtures.js';
import { runOnnx } from './support/launch.js';

function replay(op: string, preset: string): void {
  const fx = loadFixture(op);
  expect(fx.cases.length).toBeGreaterThanOrEqual(100);
  const cfg = loadConfig(preset);
  for (const c of fx.cases) {
    const got = runOnnx(c.op, c.inputs, c.attrs, cfg).y;
    const want = c.expected;
    expect(got.dims, `${c.name}: ${c.outputName} dims`).toEqual(want.dims);
    expect(got.dtype, `${c.name}: ${c.outputName} dtype`).toBe(want.dtype);
    const g = comparable(got.dtype, got.data);
    const w = comparable(want.dtype, want.data);
    const at = g.findIndex((v, j) => v !== w[j]);
    expect(at, `${c.name}: ${c.outputName}[${at}] = ${got.data[at]}, ORT gives ${want.data[at]}`).toBe(-1);
  }
}

describe.each(Object.keys(OPERATORS))('%s matches ONNX Runtime on every fixture case', (op) => {
  // ascend910b: separated, s8-only cube (uint8 through the device shift), fixpipe or GM requant;
  // ascend310p: coupled, native u8 cube, UB epilogue; ascend910: coupled, s8-only cube.
  it.each(['ascend910b', 'ascend310p', 'ascend910'])('on %s', (preset) => replay(op, preset));
});
