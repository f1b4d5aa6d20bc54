/**
 * How far the vendor-like 'deq-f16' requantisation (ops-nn/gemm/deq-epilogue.ts) is from ONNX
 * Runtime: every case of the requantising fixtures (QLinearConv, QLinearMatMul) run on a coupled
 * preset with `vectorRequant: 'deq-f16'`, compared element by element with what ORT output. The
 * table goes into docs/quantisation.md (scripts/deq-accuracy.ts writes it; a test checks it is
 * current), so the figures there are always computed, never typed in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../hw/config/load.js';
import { deqScaleF16 } from '../../isa/numeric/deq.js';
import { tensorFromJson, type HostTensor, type TensorJson } from '../../ops-nn/onnx/index.js';
import { repoRoot } from '../calibration/measured.js';
import { runOperator } from './exec/driver.js';

/** The fixtures whose operators requantise in the GEMM epilogue. */
export const REQUANT_FIXTURES = ['QLinearConv', 'QLinearMatMul'] as const;
/** The coupled presets, where the UB epilogue runs. */
export const COUPLED_PRESETS = ['ascend310p', 'ascend910'] as const;

export interface DeqAccuracy {
  readonly op: string;
  readonly preset: string;
  readonly cases: number;
  /** cases with at least one differing output element */
  readonly casesDiffering: number;
  /** cases whose every multiplier M is an fp16 value (the cast keeps M exactly) */
  readonly casesFp16M: number;
  /** of those, the cases with a differing element */
  readonly casesFp16MDiffering: number;
  readonly elements: number;
  readonly elementsDiffering: number;
  /** largest |fast - ORT| over all elements, in units of the output's last place */
  readonly maxLsb: number;
}

interface RawCase {
  readonly name: string;
  readonly op: string;
  readonly attrs?: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, TensorJson>>;
  readonly outputs: Readonly<Record<string, TensorJson>>;
}

const loadCases = (op: string): RawCase[] =>
  (JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'onnx', `${op}.json`), 'utf8')) as { cases: RawCase[] }).cases;

/** ORT's multipliers M = fp32(fp32(x_scale * w_scale) / y_scale), one per weight scale. */
function multipliers(inputs: Readonly<Record<string, HostTensor>>): number[] {
  const [xs, ws] = Object.keys(inputs).filter((k) => k.endsWith('_scale') && k !== 'y_scale');
  const x = inputs[xs!]!.data[0]!;
  const y = inputs['y_scale']!.data[0]!;
  return Array.from(inputs[ws!]!.data, (w) => Math.fround(Math.fround(x * w) / y));
}

/** Runs every case of `op` on `preset` with the fast path and compares it with ORT. */
export function measureDeqAccuracy(op: string, preset: string): DeqAccuracy {
  const cfg = loadConfig(preset);
  const acc = { cases: 0, casesDiffering: 0, casesFp16M: 0, casesFp16MDiffering: 0, elements: 0, elementsDiffering: 0, maxLsb: 0 };
  for (const c of loadCases(op)) {
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, tensorFromJson(t, `${c.name}: ${k}`)]));
    const [name, want] = Object.entries(c.outputs)[0]!;
    const got = runOperator(c.op, inputs, c.attrs ?? {}, cfg, { vectorRequant: 'deq-f16' }).outputs[name]!.data;
    let differing = 0;
    want.data.forEach((w, i) => {
      const d = Math.abs(got[i]! - w);
      if (d !== 0) differing++;
      acc.maxLsb = Math.max(acc.maxLsb, d);
    });
    const fp16M = multipliers(inputs).every((m) => deqScaleF16(m) === m);
    acc.cases++;
    acc.elements += want.data.length;
    acc.elementsDiffering += differing;
    if (differing > 0) acc.casesDiffering++;
    if (fp16M) acc.casesFp16M++;
    if (fp16M && differing > 0) acc.casesFp16MDiffering++;
  }
  return { op, preset, ...acc };
}

/** The markdown table of docs/quantisation.md. */
export function renderDeqAccuracy(rows: readonly DeqAccuracy[]): string {
  const head = [
    '| fixture | preset | cases | cases differing | elements | elements differing | max error (LSB) | cases with every M in fp16 | of those differing |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const body = rows.map(
    (r) => `| ${r.op} | ${r.preset} | ${r.cases} | ${r.casesDiffering} | ${r.elements} | ${r.elementsDiffering} | ${r.maxLsb} | ${r.casesFp16M} | ${r.casesFp16MDiffering} |`,
  );
  return [...head, ...body].join('\n');
}

/** Every requantising fixture on every coupled preset. */
export const measureAllDeqAccuracy = (): DeqAccuracy[] => REQUANT_FIXTURES.flatMap((op) => COUPLED_PRESETS.map((p) => measureDeqAccuracy(op, p)));

export const DEQ_DOC = 'docs/quantisation.md';
export const DEQ_BEGIN = '<!-- deq-accuracy: begin (npm run deq:accuracy) -->';
export const DEQ_END = '<!-- deq-accuracy: end -->';

/** `doc` with the table between the markers replaced by `table`. */
export function withDeqTable(doc: string, table: string): string {
  const a = doc.indexOf(DEQ_BEGIN);
  const b = doc.indexOf(DEQ_END);
  if (a < 0 || b < a) throw new Error(`${DEQ_DOC} has no ${DEQ_BEGIN} ... ${DEQ_END} block`);
  return `${doc.slice(0, a + DEQ_BEGIN.length)}\n${table}\n${doc.slice(b)}`;
}
