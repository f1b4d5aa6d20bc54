/**
 * Every ONNX Runtime fixture case replayed through `exec` (the simulated kernels): outputs must equal
 * what ORT 1.30 produced, bit for bit. Fixtures: test/fixtures/onnx, made by `npm run fixtures`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../hw/config/load.js';
import { execCases } from '../scripts/lib/exec/exec-file.js';

interface Fixture {
  cases: { name: string; outputs: Record<string, { dtype: string; dims: number[]; data: number[] }> }[];
}
const load = (op: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/onnx/${op}.json`, import.meta.url), 'utf8')) as Fixture;

/** Float outputs compare by their bits: NaN, -0 and every ulp count. */
const bits = (dtype: string, data: number[]) => (dtype === 'float32' ? Array.from(new Uint32Array(Float32Array.from(data).buffer)) : data);

function replay(op: string, preset: string): void {
  const fx = load(op);
  expect(fx.cases.length).toBeGreaterThanOrEqual(100);
  const cfg = loadConfig(preset);
  const results = execCases(fx.cases, cfg, {}) as { outputs: Record<string, { dtype: string; dims: number[]; data: number[] }> }[];
  fx.cases.forEach((c, i) => {
    for (const [name, want] of Object.entries(c.outputs)) {
      const got = results[i]!.outputs[name]!;
      expect(got.dims, `${c.name}: ${name} dims`).toEqual(want.dims);
      const g = bits(got.dtype, got.data);
      const w = bits(want.dtype, want.data);
      const at = g.findIndex((v, j) => v !== w[j]);
      expect(at, `${c.name}: ${name}[${at}] = ${got.data[at]}, ORT gives ${want.data[at]}`).toBe(-1);
    }
  });
}

const OPS = ['QuantizeLinear', 'DequantizeLinear', 'QLinearMatMul', 'MatMulInteger', 'QLinearConv', 'ConvInteger', 'QLinearAdd'];

describe.each(OPS)('%s matches ONNX Runtime on every fixture case', (op) => {
  // ascend910b: separated, s8-only cube (uint8 through the device shift), fixpipe or GM requant;
  // ascend310p: coupled, native u8 cube, UB epilogue; ascend910: coupled, s8-only cube.
  it.each(['ascend910b', 'ascend310p', 'ascend910'])('on %s', (preset) => replay(op, preset));
});
