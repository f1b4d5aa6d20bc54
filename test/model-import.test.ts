/**
 * Reading real model and tensor files: a committed test model decodes to the graph its builder made
 * (initializer bytes equal), external data files are read beside the model and refused outside its
 * folder or when missing, garbage and truncated files are clear errors, tensor .pb and .npy files
 * round-trip by bits, and .npy files we cannot read honestly (Fortran order, big-endian) are refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobError } from '../scripts/lib/job-error.js';
import { decodeOnnxModel, readOnnxModel } from '../scripts/model/onnx-read.js';
import { ModelProto } from '../scripts/model/onnx-schema.js';
import { encodeOnnxModel } from '../scripts/model/onnx-write.js';
import { encodeNpy, encodeTensorPb, readNpy, readTensorPb } from '../scripts/model/tensor-files.js';
import { TEST_MODELS } from '../scripts/model/test-models/networks.js';
import type { GraphTensor } from '../scripts/model/graph.js';
import { tempDirs } from './support/temp-dirs.js';

const tmp = tempDirs('aicore-model-');

const FIXTURE = path.join('test', 'fixtures', 'models', 'small-cnn-qdq-u8', 'model.onnx');
const bytesOf = (t: GraphTensor) => {
  const d = t.data as unknown as { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
};
const jobError = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(JobError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

/** The fixture model with its largest initializer moved to an external data file `location`. */
function withExternalData(location: string, dir: string, writeData = true): { file: string; name: string; data: Buffer } {
  const msg = ModelProto.toObject(ModelProto.decode(fs.readFileSync(FIXTURE)), { bytes: Uint8Array }) as { graph: { initializer: { name: string; rawData?: Uint8Array; dataLocation?: number; externalData?: unknown[] }[] } };
  const biggest = msg.graph.initializer.reduce((a, b) => ((b.rawData?.length ?? 0) > (a.rawData?.length ?? 0) ? b : a));
  const data = Buffer.concat([Buffer.alloc(64, 0xee), Buffer.from(biggest.rawData!)]);
  biggest.rawData = new Uint8Array(0);
  biggest.dataLocation = 1;
  biggest.externalData = [{ key: 'location', value: location }, { key: 'offset', value: '64' }, { key: 'length', value: String(data.length - 64) }];
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, ModelProto.encode(ModelProto.fromObject(msg)).finish());
  if (writeData) fs.writeFileSync(path.join(dir, location), data);
  return { file, name: biggest.name, data: data.subarray(64) };
}

describe('ONNX model files', () => {
  it('a committed model decodes to what its builder made: same nodes, same initializer bytes, and re-encodes to the same bytes', () => {
    const built = TEST_MODELS['small-cnn-qdq-u8']!();
    const read = readOnnxModel(FIXTURE);
    expect(read.nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs])).toEqual(built.nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs]));
    expect([...read.initializers.keys()]).toEqual([...built.initializers.keys()]);
    for (const [name, t] of built.initializers) {
      const r = read.initializers.get(name)!;
      expect([r.dtype, r.dims], name).toEqual([t.dtype, t.dims]);
      expect(bytesOf(r).equals(bytesOf(t)), name).toBe(true);
    }
    expect(Buffer.from(encodeOnnxModel(read)).equals(fs.readFileSync(FIXTURE))).toBe(true);
  });

  it('reads external data beside the model, at its offset and length', () => {
    const dir = tmp();
    const { file, name, data } = withExternalData('weights.bin', dir);
    const t = readOnnxModel(file).initializers.get(name)!;
    expect(bytesOf(t).equals(data)).toBe(true);
  });

  it('refuses external data outside the model folder, missing, or out of range, naming the tensor', () => {
    const dir = tmp();
    const outside = withExternalData('../escape.bin', dir, false);
    expect(jobError(() => readOnnxModel(outside.file))).toMatch(new RegExp(`tensor ${outside.name}: external data location \\.\\./escape\\.bin must be a relative path inside the model's folder`));
    const abs = withExternalData(path.join(tmp(), 'abs.bin'), tmp(), false);
    expect(jobError(() => readOnnxModel(abs.file))).toMatch(/must be a relative path inside the model's folder/);
    const missing = withExternalData('gone.bin', tmp(), false);
    expect(jobError(() => readOnnxModel(missing.file))).toMatch(/cannot open its external data file .*gone\.bin \(ENOENT\); keep the data file beside the model/);
    const d2 = tmp();
    const short = withExternalData('short.bin', d2);
    fs.truncateSync(path.join(d2, 'short.bin'), 70);
    expect(jobError(() => readOnnxModel(short.file))).toMatch(/external data range offset 64, length \d+ is outside .*short\.bin \(70 bytes\)/);
    const d3 = tmp();
    const fifo = withExternalData('dir.bin', d3, false);
    fs.mkdirSync(path.join(d3, 'dir.bin'));
    expect(jobError(() => readOnnxModel(fifo.file))).toMatch(/is not a regular file/);
  });

  it('garbage, truncated and empty files are clear errors', () => {
    const dir = tmp();
    const garbage = path.join(dir, 'garbage.onnx');
    fs.writeFileSync(garbage, 'this is not a model\n');
    expect(jobError(() => readOnnxModel(garbage))).toMatch(/garbage\.onnx: not an ONNX model \(the protobuf does not decode: .*\); give a \.onnx file/);
    const cut = path.join(dir, 'cut.onnx');
    const whole = fs.readFileSync(FIXTURE);
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(jobError(() => readOnnxModel(cut))).toMatch(/cut\.onnx: not an ONNX model/);
    expect(jobError(() => decodeOnnxModel(new Uint8Array(0), null, 'empty'))).toBe('empty: not an ONNX model (no graph with nodes or outputs); give a .onnx file');
    expect(jobError(() => readOnnxModel(path.join(dir, 'none.onnx')))).toMatch(/none\.onnx: no such file/);
  });

  it('a node reading a tensor nothing made is refused, naming the node', () => {
    const g = TEST_MODELS['small-cnn-qoperator-u8']!();
    const n = g.nodes[3]!;
    const broken = { ...g, nodes: g.nodes.map((x) => (x === n ? { ...x, inputs: ['nowhere', ...x.inputs.slice(1)] } : x)) };
    expect(jobError(() => decodeOnnxModel(encodeOnnxModel(broken), null, 'm'))).toBe(`m: node ${n.name} (${n.opType}) reads nowhere, which no graph input, initializer or earlier node provides (the nodes must be in topological order)`);
  });
});

describe('tensor files', () => {
  const samples: GraphTensor[] = [
    { name: 'f', dtype: 'float32', dims: [2, 3], data: Float32Array.of(0, -0, 1.5, NaN, Infinity, -3e-39) },
    { name: 'u', dtype: 'uint8', dims: [5], data: Uint8Array.of(0, 1, 127, 128, 255) },
    { name: 's', dtype: 'int8', dims: [1, 2, 2], data: Int8Array.of(-128, -1, 0, 127) },
    { name: 'i', dtype: 'int32', dims: [3], data: Int32Array.of(-(2 ** 31), 0, 2 ** 31 - 1) },
    { name: 'l', dtype: 'int64', dims: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) },
    { name: 'scalar', dtype: 'float32', dims: [], data: Float32Array.of(7) },
  ];

  it('.pb and .npy round-trip by bits', () => {
    const dir = tmp();
    for (const t of samples) {
      const pb = path.join(dir, `${t.name}.pb`);
      fs.writeFileSync(pb, encodeTensorPb(t));
      const npy = path.join(dir, `${t.name}.npy`);
      fs.writeFileSync(npy, encodeNpy(t));
      for (const r of [readTensorPb(pb), readNpy(npy, t.name)]) {
        expect([r.name, r.dtype, r.dims], t.name).toEqual([t.name, t.dtype, t.dims]);
        expect(bytesOf(r).equals(bytesOf(t)), t.name).toBe(true);
      }
    }
  });

  it('refuses .npy files it cannot read honestly, saying what to do', () => {
    const dir = tmp();
    const base = Buffer.from(encodeNpy(samples[0]!));
    const header = base.toString('latin1');
    const write = (name: string, text: string) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, Buffer.from(text, 'latin1'));
      return f;
    };
    expect(jobError(() => readNpy(write('fortran.npy', header.replace("'fortran_order': False", "'fortran_order': True ")), 'x'))).toMatch(/Fortran order; save it C-ordered/);
    expect(jobError(() => readNpy(write('big.npy', header.replace("'<f4'", "'>f4'")), 'x'))).toMatch(/dtype >f4 is not supported \(little-endian/);
    expect(jobError(() => readNpy(write('short.npy', header.slice(0, -4)), 'x'))).toMatch(/20 data bytes for shape \(2, 3\) of <f4 \(want 24\)/);
    expect(jobError(() => readNpy(write('text.npy', 'hello world'), 'x'))).toMatch(/not a \.npy file/);
    expect(jobError(() => readTensorPb(write('bad.pb', '\xff\xff\xff\xff')))).toMatch(/not a serialized TensorProto/);
  });
});
