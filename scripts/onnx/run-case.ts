/**
 * Runs one case in ONNX Runtime: builds the one-node model (constant inputs as initializers, the rest
 * as graph inputs fed at run time), runs it on the CPU provider and returns the output as case JSON.
 */
import { f16BitsToNumber, numberToF16Bits } from '../../isa/numeric/float16.js';
import { ONNX_DTYPES, operatorFor, type OnnxDtype, type TensorJson } from '../../ops-nn/onnx/index.js';
import type { OnnxCase } from '../lib/exec/types.js';
import { buildModel, type ModelValue } from './model.js';
import type { OrtApi, OrtTensor } from './ort.js';

/** Typed arrays ORT takes for each dtype (float16 as its bits). */
const ORT_DATA: Readonly<Record<OnnxDtype, (v: readonly number[]) => ArrayLike<number>>> = {
  int8: (v) => Int8Array.from(v),
  uint8: (v) => Uint8Array.from(v),
  int32: (v) => Int32Array.from(v),
  float32: (v) => Float32Array.from(v),
  float16: (v) => Uint16Array.from(v, (x) => numberToF16Bits(x)),
};

const SESSION_OPTIONS = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 4 };

/** The ORT output as case JSON (float16 bits decoded to values). */
function fromOrt(t: OrtTensor): TensorJson {
  const dtype = t.type as OnnxDtype;
  if (!ONNX_DTYPES.includes(dtype)) throw new Error(`ORT returned a ${t.type} tensor`);
  const data = Array.from(t.data, (x) => (dtype === 'float16' ? f16BitsToNumber(x) : x));
  return { dtype, dims: [...t.dims], data };
}

/** Runs `c` in ORT with `constants` as initializers; returns {<output name>: tensor}. */
export async function runInOrt(ort: OrtApi, c: OnnxCase, constants: readonly string[]): Promise<Record<string, TensorJson>> {
  const spec = operatorFor(c.op);
  const dtypes: Partial<Record<string, OnnxDtype>> = {};
  for (const [k, t] of Object.entries(c.inputs)) dtypes[k] = t.dtype;
  const inputs = spec.inputs.map((i): ModelValue | null => {
    const t = c.inputs[i.name];
    if (!t) return null;
    return { name: i.name, dtype: t.dtype, dims: t.dims, ...(constants.includes(i.name) ? { data: ORT_DATA[t.dtype](t.data) } : {}) };
  });
  // trailing omitted optional inputs are dropped rather than written as empty names
  while (inputs.length > 0 && inputs[inputs.length - 1] === null) inputs.pop();
  const model = buildModel({
    opType: c.op,
    domain: spec.domain,
    attrs: (c.attrs ?? {}) as Record<string, number | string | readonly number[]>,
    inputs,
    outputs: [{ name: spec.output, dtype: spec.outputDtype(dtypes) }],
  });
  const feeds: Record<string, OrtTensor> = {};
  for (const i of inputs) if (i && !i.data) feeds[i.name] = new ort.Tensor(i.dtype, ORT_DATA[i.dtype](c.inputs[i.name]!.data), i.dims ?? []);
  const session = await ort.InferenceSession.create(model, SESSION_OPTIONS);
  try {
    const out = await session.run(feeds);
    const y = out[spec.output];
    if (!y) throw new Error(`ORT returned no output ${spec.output}`);
    return { [spec.output]: fromOrt(y) };
  } finally {
    await session.release?.();
  }
}
